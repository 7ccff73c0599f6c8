"""Page details a real user meets (issue 12): offline API docs, the icon, error messages in
words, forms that keep what was typed, plurals, buttons that say what they act on."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from analysis_docs import analysis_doc, fault
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.result import FaultCode
from glutecoach.web.testing import FETCH, SCREEN_OK, Users, csrf_from


def test_api_docs_work_offline(app: FastAPI) -> None:
    with TestClient(app) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", page.text)
        assert "/static/swagger/swagger-ui-bundle.js" in assets
        assert "/static/swagger/swagger-ui.css" in assets
        assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
        assert "cdn" not in page.text.lower()
        for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"):
            r = c.get(asset)
            assert r.status_code == 200 and len(r.content) > 10_000, asset
        assert c.get("/openapi.json").status_code == 200


def test_every_page_has_an_icon(app: FastAPI) -> None:
    with TestClient(app) as c:
        assert '<link rel="icon" href="/static/favicon.svg"' in c.get("/login").text
        for path in ("/static/favicon.svg", "/favicon.ico"):
            r = c.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")


def test_error_messages_are_sentences_not_field_names(app: FastAPI, users: Users) -> None:
    users.patient("known@example.com")
    with TestClient(app) as c:
        token = csrf_from(c.get("/login").text)
        r = c.post("/login", data={"email": "known@example.com", "password": "nope",
                                   "csrf_token": token})
        assert r.status_code == 401 and "Email or password is wrong." in r.text
        assert "credentials" not in r.text
        r = c.post("/api/auth/login", json={"email": "known@example.com", "password": "nope"},
                   headers=FETCH)
        assert r.json()["detail"] == "Email or password is wrong."
        token = csrf_from(c.get("/signup").text)
        r = c.post("/signup", data={"email": "new@example.com", "name": "New",
                                    "password": "password", "csrf_token": token})
        assert r.status_code == 422 and "The password is too easy to guess" in r.text
        assert "password:" not in r.text


def test_forms_keep_what_was_typed_after_an_error(app: FastAPI, users: Users) -> None:
    with TestClient(app) as c:
        token = csrf_from(c.get("/signup").text)
        r = c.post("/signup", data={"email": "typed@example.com", "name": "Typed Name",
                                    "password": "12345678", "timezone": "Europe/Paris",
                                    "csrf_token": token})
        assert r.status_code == 422
        for value in ("typed@example.com", "Typed Name", "Europe/Paris"):
            assert f'value="{value}"' in r.text, value
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201  # may upload
    token = csrf_from(pat.get("/account").text)
    r = pat.post("/account", data={"name": "New\u202eName", "timezone": "Europe/London",
                                   "csrf_token": token})
    assert r.status_code == 422 and 'value="New\u202eName"' in r.text
    r = pat.post("/upload", data={"pain_before": "3", "pain_after": "11", "keep": "1",
                                  "csrf_token": token},
                 files={"file": ("x.mp4", b"not a video", "video/mp4")})
    assert r.status_code == 422
    assert 'value="3"' in r.text and 'value="11"' in r.text
    assert 'name="keep" value="1" checked' in r.text
    doc = users.clinician()
    token = csrf_from(doc.get("/clinic/availability").text)
    doc.post("/clinic/availability", data={"weekday": "2", "start_time": "09:00",
                                           "end_time": "12:00", "csrf_token": token})
    r = doc.post("/clinic/availability", data={"weekday": "2", "start_time": "11:15",
                                               "end_time": "13:45", "slot_minutes": "15",
                                               "csrf_token": token})
    assert r.status_code == 422 and "The window overlaps" in r.text
    assert 'value="11:15"' in r.text and 'value="13:45"' in r.text and 'value="15"' in r.text
    assert '<option value="2" selected>' in r.text


def _set_form(page: str, exercise: str) -> str:
    """The "log a set" form of one exercise on /today, with its <details> opening tag."""
    for block in re.findall(r"<details[^>]*>\s*<summary>Log a set.*?</form>", page, re.S):
        if f'name="exercise" value="{exercise}"' in block:
            return block
    raise AssertionError(f"no set form for {exercise}")


def test_pain_form_keeps_what_was_typed_after_an_error(users: Users) -> None:
    """Issue 12: pain 11 is refused in words, and the other values stay in the form."""
    pat = users.patient(timezone="UTC")
    token = csrf_from(pat.get("/pain").text)
    earlier = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = pat.post("/pain", data={"csrf_token": token, "back": "4", "knee": "11", "at": earlier})
    assert r.status_code == 422
    assert "The knee pain must be a whole number 0-10, got 11." in r.text
    assert re.search(r'id="back"[^>]*value="4"', r.text)
    assert re.search(r'id="knee"[^>]*value="11"', r.text)
    assert re.search(rf'id="at"[^>]*value="{earlier}"', r.text)
    assert pat.get("/api/pain").json() == []  # the good back reading was not saved alone
    r = pat.post("/pain", data={"csrf_token": token, "back": "4", "at": "2099-01-01T10:00"})
    assert r.status_code == 422 and "in the future" in r.text
    assert re.search(r'id="back"[^>]*value="4"', r.text)
    assert re.search(r'id="at"[^>]*value="2099-01-01T10:00"', r.text)


def test_set_form_keeps_what_was_typed_after_an_error(users: Users) -> None:
    """Issue 12: a set with the reps missing, or pain 11, comes back on Today with the reason
    in words inside that exercise's form, opened, and everything else still typed in."""
    pat = users.patient(timezone="UTC")
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    token = csrf_from(pat.get("/today").text)
    earlier = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    typed = {"csrf_token": token, "exercise": "glute_bridge", "pain_before": "3",
             "pain_during": "5", "pain_after": "4", "at": earlier}
    r = pat.post("/sets", data={**typed, "reps": ""})
    assert r.status_code == 422
    form = _set_form(r.text, "glute_bridge")
    assert form.startswith("<details open>")
    assert "Your set was not saved. The number of reps is missing" in form
    assert 'name="reps" type="number" min="1" max="200" required value=""' in form
    for name in ("pain_before", "pain_during", "pain_after", "at"):
        assert re.search(rf'name="{name}"[^>]*value="{typed[name]}"', form), name
    other = _set_form(r.text, "squat")  # the other exercises' forms stay closed and clean
    assert other.startswith("<details>") and "not saved" not in other and 'value="3"' not in other
    r = pat.post("/sets", data={**typed, "reps": "7", "pain_during": "11"})
    assert r.status_code == 422
    form = _set_form(r.text, "glute_bridge")
    assert "The pain during must be a whole number 0-10, got 11." in form
    assert re.search(r'name="reps"[^>]*value="7"', form)
    assert re.search(r'name="pain_during"[^>]*value="11"', form)
    assert re.search(r'name="pain_before"[^>]*value="3"', form)
    assert pat.get("/api/progress").json()["sessions"] == []  # nothing was saved
    r = pat.post("/sets", data={**typed, "reps": "7"}, follow_redirects=False)
    assert r.status_code == 303


def test_plurals(app: FastAPI, users: Users) -> None:
    doc = users.clinician()
    assert "next 1 week<" in doc.get("/clinic/calendar?weeks=1").text
    pat = users.patient()
    users.link(pat, doc)
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    assert pat.post("/api/sets", json={"exercise": "glute_bridge", "reps": 5}).status_code == 201
    assert "(1 day)" in doc.get("/clinic").text
    from glutecoach.web.templating import plural

    assert [plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == "3 people"


def test_analyses_list_shows_date_and_reps(app: FastAPI, users: Users) -> None:
    from glutecoach.store.columns import utc_now
    from glutecoach.store.models import AnalysisJob

    pat = users.patient()
    with app.state.db.session_scope() as s:
        s.add(AnalysisJob(person_id=pat.me["id"], status="done", progress=1.0,
                          original_name="squats.mp4", created_at=utc_now(),
                          result=analysis_doc([[]])))
    page = pat.get("/analyses").text
    assert "1 rep," in page and "1 with good form" in page and "squats.mp4" in page
    listed = pat.get("/api/analyses").json()[0]
    assert listed["reps"] == 1 and listed["good_reps"] == 1
    from glutecoach.web.templating import local_time

    assert local_time(listed["created_at"], "Europe/London") in page


def test_a_stored_result_that_is_not_the_contract_is_refused_with_a_reason(
        app: FastAPI, users: Users) -> None:
    """A damaged or foreign result (here a fault code that does not exist) is answered 422 with
    where it breaks glutecoach.analysis/1, on the API and the page, never half-shown."""
    from glutecoach.store.models import AnalysisJob

    pat = users.patient()
    bad = analysis_doc([[fault(FaultCode.KNEES_CAVING_IN)]])
    bad["reps"][0]["faults"][0]["code"] = "knee_valgus"
    with app.state.db.session_scope() as s:
        job = AnalysisJob(person_id=pat.me["id"], status="done", progress=1.0,
                          original_name="old.mp4", result=bad)
        s.add(job)
        s.flush()
        job_id = job.id
    got = pat.get(f"/api/analyses/{job_id}")
    assert got.status_code == 422
    assert got.json()["detail"].startswith("video: analysis reps.0.faults.0.code: Input should be")
    page = pat.get(f"/analyses/{job_id}", headers={"accept": "text/html"})
    assert page.status_code == 422 and "reps.0.faults.0.code" in page.text
    assert "Traceback" not in page.text


GENERIC = ("Cancel", "Cancel…", "Remove", "Delete")


def _book_a_tuesday(users: Users) -> tuple[TestClient, TestClient, dict[str, Any]]:
    """A clinician free every Tuesday 09:00-10:00 and a patient who books the first slot:
    the clinician, the patient and the booking."""
    doc = users.clinician()
    pat = users.patient()
    doc.post("/api/availability/weekly", json={"weekday": 1, "start_time": "09:00",
                                                "end_time": "10:00"})
    slot = pat.get("/api/slots", params={"clinician_id": doc.me["id"]}).json()[0]
    booked = pat.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                                 "start": slot["start"]}).json()
    return doc, pat, booked


def test_buttons_say_what_they_cancel_or_remove(users: Users) -> None:
    import html as html_module

    doc, pat, _ = _book_a_tuesday(users)
    for client, path in ((pat, "/appointments"), (doc, "/clinic/calendar"),
                         (doc, "/clinic/availability")):
        page = client.get(path).text
        controls = re.findall(r"<(?:button|a)\b([^>]*)>\s*([^<]*?)\s*</(?:button|a)>", page)
        generic = [(attrs, text) for attrs, text in controls if text in GENERIC]
        assert generic, path
        for attrs, text in generic:
            label = re.search(r'aria-label="([^"]+)"', attrs)
            assert label, (path, text)
            assert any(w in html_module.unescape(label.group(1))
                       for w in ("Dr Lee", "Pat", "every Tuesday")), label.group(1)


def test_cancelling_asks_first_and_says_what_was_cancelled(users: Users) -> None:
    _, pat, booked = _book_a_tuesday(users)
    ask = pat.get(f"/appointments/{booked['id']}/cancel")
    assert ask.status_code == 200 and "Cancel this appointment?" in ask.text
    assert pat.get("/api/appointments").json()[0]["status"] == "booked"  # asking changes nothing
    r = pat.post(f"/appointments/{booked['id']}/cancel",
                 data={"csrf_token": csrf_from(ask.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/appointments?cancelled={booked['id']}"
    done = pat.get(r.headers["location"]).text
    assert "Cancelled:" in done and "with Dr Lee" in done
    # Nobody else's appointment can be named in the message.
    other = users.patient("other@example.com", "Other")
    assert "Cancelled:" not in other.get(r.headers["location"]).text
    assert other.get(f"/appointments/{booked['id']}/cancel").status_code == 404
