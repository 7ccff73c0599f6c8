"""Pages: every page renders for its role, works at phone width and by keyboard (viewport,
labelled inputs, skip link), and the screening shows urgent advice prominently."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.web.testing import SCREEN_OK, Users, csrf_from, screen_with

PATIENT_PAGES = ["/today", "/screening", "/upload", "/analyses", "/pain", "/progress",
                 "/appointments"]
CLINICIAN_PAGES = ["/clinic", "/clinic/availability", "/clinic/calendar"]
PUBLIC_PAGES = ["/", "/login", "/signup"]


class _Form(HTMLParser):
    """Collects inputs and labels to check every visible control has a label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea"):
            if a.get("type") in ("hidden", "submit", "button"):
                return
            self.controls.append({**a, "wrapped": "yes" if self.in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def assert_accessible(html: str, path: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, path
    assert 'href="#main"' in html and 'id="main"' in html, path
    assert '<html lang="en">' in html
    parser = _Form()
    parser.feed(html)
    for control in parser.controls:
        labelled = (control["wrapped"] or control.get("id") in parser.label_for
                    or control.get("aria-label"))
        assert labelled, f"{path}: unlabelled control {control}"
    assert "Traceback" not in html


def test_public_pages(app: FastAPI) -> None:
    with TestClient(app) as c:
        for path in PUBLIC_PAGES:
            r = c.get(path)
            assert r.status_code == 200, path
            assert_accessible(r.text, path)
        assert "phone" in c.get("/static/app.css").text  # phone-first stylesheet
        # Pages redirect to sign-in; the API answers 401.
        r = c.get("/today", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/today"
        assert c.get("/clinic", follow_redirects=False).status_code == 303


def test_patient_pages_render(users: Users) -> None:
    pat = users.patient()
    for path in PATIENT_PAGES:
        r = pat.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert_accessible(r.text, path)
    assert "Start the screening" in pat.get("/today").text
    pat.post("/api/screenings", json=SCREEN_OK)
    pat.post("/api/pain", json={"back": 4, "knee": 1})
    for path in PATIENT_PAGES:
        r = pat.get(path)
        assert r.status_code == 200, path
        assert_accessible(r.text, path)
    today = pat.get("/today").text
    assert "key exercise" in today and "How" in today and "Cues" in today
    for path in CLINICIAN_PAGES:
        assert pat.get(path).status_code == 403


def test_clinician_pages_render(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient()
    users.link(pat, doc)
    pat.post("/api/screenings", json=SCREEN_OK)
    for path in [*CLINICIAN_PAGES, f"/clinic/patients/{pat.me['id']}"]:
        r = doc.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert_accessible(r.text, path)
    for path in ("/today", "/upload", "/pain"):
        assert doc.get(path).status_code == 403


def test_screening_form_with_a_red_flag_shows_urgent_advice(users: Users) -> None:
    pat = users.patient()
    page = pat.get("/screening").text
    token = csrf_from(page)
    form = {"csrf_token": token, "flag_saddle_numbness": "1", "sb9": "slightly",
            "pain_back": "6", "pain_knee": "1", "age": "50", "sitting_hours_per_day": "8",
            "active_days_per_week": "1", "previous_injury": "back"}
    r = pat.post("/screening", data=form)
    assert r.status_code == 200
    assert re.search(r'class="alert urgent" role="alert"', r.text)
    assert "medical help today" in r.text
    today = pat.get("/today").text
    assert "paused until a clinician has checked you" in today
    assert pat.get("/api/plan").json()["status"] == "blocked"
    # Same rules as the CLI: a bad answer is named, nothing saved.
    r = pat.post("/screening", data={**form, "pain_back": "11"})
    assert r.status_code == 422 and "pain.back" in r.text
    assert len(pat.get("/api/screenings").json()) == 1


def test_screening_api_same_rules_as_cli(users: Users) -> None:
    from glutecoach.coaching.screening import parse_answers, screen

    pat = users.patient()
    answers = screen_with(cancer_history=True)
    r = pat.post("/api/screenings", json=answers)
    assert r.status_code == 201
    expected = screen(parse_answers(answers))
    body = r.json()
    assert body["red_flags"] == expected.red_flags and body["referral"] == expected.referral
    assert body["advice"] == expected.advice
    assert pat.post("/api/screenings", json={"age": 40}).status_code == 422
    r = pat.post("/api/screenings", json={**SCREEN_OK, "age": "old"})
    assert r.status_code == 422 and r.json()["reason"].startswith("age: ")


def test_screening_api_body_is_the_typed_answers(users: Users) -> None:
    """The OpenAPI schema documents the answers model, its example is valid, and a pain of 3.5
    is refused (not rounded) with a reason naming the field."""
    from glutecoach.coaching.screening import parse_answers

    pat = users.patient()
    api = pat.get("/openapi.json").json()
    body = api["paths"]["/api/screenings"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/Answers")
    answers = api["components"]["schemas"]["Answers"]
    assert answers["additionalProperties"] is False and "pain_is_new" in answers["required"]
    parse_answers(body["schema"]["examples"][0])
    r = pat.post("/api/screenings", json={**SCREEN_OK, "pain": {"back": 3.5, "knee": 1}})
    assert r.status_code == 422 and r.json()["reason"].startswith("pain.back: ")
    assert pat.get("/api/screenings").json() == []


def test_plan_pain_sets_progress(users: Users) -> None:
    pat = users.patient()
    assert pat.get("/api/plan").json()["status"] == "needs_screening"
    pat.post("/api/screenings", json=SCREEN_OK)
    plan = pat.get("/api/plan").json()
    assert plan["status"] == "ok" and plan["items"]
    key = next(i for i in plan["items"] if i["key"])
    assert key["instructions"] and key["cues"]
    r = pat.post("/api/sets", json={"exercise": key["code"], "reps": key["reps"],
                                    "pain_before": 3, "pain_after": 4})
    assert r.status_code == 201
    assert pat.post("/api/sets", json={"exercise": "moonwalk", "reps": 3}).status_code == 422
    assert pat.post("/api/pain", json={}).status_code == 422
    assert pat.post("/api/pain", json={"back": 11}).status_code == 422
    assert pat.post("/api/pain", json={"back": 2, "knee": 5}).status_code == 201
    progress = pat.get("/api/progress").json()
    assert progress["sessions"][0]["sets"][0]["reps"] == key["reps"]
    for name in ("pain", "reps", "adherence"):
        r = pat.get(f"/api/progress/plots/{name}")
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert pat.get("/api/progress/plots/nothing").status_code == 422
    # The page forms do the same.
    token = csrf_from(pat.get("/pain").text)
    r = pat.post("/pain", data={"csrf_token": token, "back": "x"})
    assert r.status_code == 422 and "whole number" in r.text
    r = pat.post("/sets", data={"csrf_token": token, "exercise": key["code"], "reps": "10"},
                 follow_redirects=False)
    assert r.status_code == 303
    for bad in ("x", "11", "-1"):
        r = pat.post("/sets", data={"csrf_token": token, "exercise": key["code"], "reps": "10",
                                    "pain_after": bad})
        assert r.status_code == 422 and "The pain after must be a whole number 0-10" in r.text, bad


@pytest.mark.parametrize("path", ["/api/nothing", "/nothing"])
def test_unknown_paths_are_404(app: FastAPI, path: str) -> None:
    with TestClient(app) as c:
        assert c.get(path).status_code == 404


def test_account_page_changes_zone_and_clinician(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient(timezone="UTC")
    page = pat.get("/account")
    assert page.status_code == 200
    assert_accessible(page.text, "/account")
    token = csrf_from(page.text)
    r = pat.post("/account", data={"csrf_token": token, "name": "Pat B",
                                   "timezone": "America/Chicago",
                                   "clinician_id": str(doc.me["id"])}, follow_redirects=False)
    assert r.status_code == 303
    me = pat.get("/api/auth/me").json()
    assert (me["name"], me["timezone"], me["clinician_id"]) == (
        "Pat B", "America/Chicago", doc.me["id"])
    r = pat.post("/account", data={"csrf_token": token, "name": "Pat", "timezone": "Nowhere"})
    assert r.status_code == 422 and "time zone" in r.text
    assert pat.get("/api/auth/me").json()["timezone"] == "America/Chicago"
    assert doc.get("/account").status_code == 200


def test_pages_forbid_inline_script_and_framing(app: FastAPI) -> None:
    with TestClient(app) as c:
        for path in ("/login", "/signup", "/api/auth/me"):
            policy = c.get(path).headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        page = c.get("/signup").text
        # Every script is a file under /static (a JSON data block is not a script).
        scripts = re.findall(r"<script([^>]*)>", page)
        assert scripts and all('src="/static/' in attrs for attrs in scripts), scripts
        assert " style=" not in page and "<style" not in page
        assert "content-security-policy" not in c.get("/docs").headers  # FastAPI's own page


def test_forms_take_pain_during_an_earlier_time_and_the_safety_questions(users: Users) -> None:
    """Issue 11: sets before screening are refused; the set form takes pain during and a
    paper-diary time; the two questions before a session can pause the exercises."""
    from datetime import datetime, timedelta, timezone

    pat = users.patient(timezone="UTC")
    r = pat.post("/api/sets", json={"exercise": "split_squat", "reps": 10})
    assert r.status_code == 422 and "screening" in r.json()["detail"]
    pat.post("/api/screenings", json=SCREEN_OK)
    today = pat.get("/today").text
    assert "MVIC" not in today and "Ratamess" not in today  # plain words for patients
    token = csrf_from(today)
    earlier = (datetime.now(timezone.utc) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = pat.post("/sets", data={"csrf_token": token, "exercise": "glute_bridge", "reps": "12",
                                "pain_before": "2", "pain_during": "4", "at": earlier},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    progress = pat.get("/api/progress").json()
    assert progress["sessions"][0]["day"] == earlier[:10]
    assert progress["sessions"][0]["sets"][0]["described"] == "12 reps (reported)"
    assert {(p["moment"], p["score"]) for p in progress["pain"]} >= {("during", 4)}
    r = pat.post("/sets", data={"csrf_token": token, "exercise": "glute_bridge", "reps": "12",
                                "at": "2099-01-01T10:00"})
    assert r.status_code == 422 and "in the future" in r.text
    r = pat.post("/check", data={"csrf_token": token, "new_weakness": "1"},
                 follow_redirects=False)
    assert r.status_code == 303
    assert "paused until a clinician has checked you" in pat.get("/today").text
    r = pat.post("/api/sets", json={"exercise": "glute_bridge", "reps": 10})
    assert r.status_code == 422 and "clinician to check you today" in r.json()["detail"]
