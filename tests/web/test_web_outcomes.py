"""The outcome-measure pages (issue 11): Today links to the questionnaires when they are due;
the PSFS, the back pain questionnaire (ODI section scores) and the knee questionnaire (AKPS
total) are answered with plain forms, scored by the library, and shown with their change since
the first one and whether that change is real. Bad answers come back in words with what was
typed still in the form."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from test_web_pages import assert_accessible

from glutecoach.web.testing import SCREEN_OK, Users, csrf_from

KNEE_ONLY = {**SCREEN_OK, "pain": {"back": 0, "knee": 4}}


def _ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _alert(page: str) -> str:
    found = re.search(r'class="alert" role="alert">(.*?)</p>', page, re.S)
    assert found, "no error shown"
    return found.group(1).replace("&#34;", '"')


def _scores(pat: TestClient) -> dict[str, tuple[float, float, str]]:
    """Each measure taken: (first, last, direction), from the progress API."""
    return {o["measure"]: (o["first"], o["last"], o["direction"])
            for o in pat.get("/api/progress").json()["outcomes"]}


def _psfs(token: str, scores: list[int], at: str = "") -> dict[str, str]:
    names = ["Climbing stairs", "Picking up my son", "Gardening", "Running", "Dancing"]
    form = {"csrf_token": token, "at": at}
    for number, score in enumerate(scores, start=1):
        form[f"activity{number}"], form[f"score{number}"] = names[number - 1], str(score)
    return form


def test_today_links_to_the_questionnaires_while_they_are_due(users: Users) -> None:
    pat = users.patient(timezone="UTC")
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    assert 'href="/outcomes"' in pat.get("/today").text
    page = pat.get("/outcomes")
    assert page.status_code == 200
    assert_accessible(page.text, "/outcomes")
    assert page.text.count("Due now") == 3
    for measure in ("odi", "akps", "psfs"):
        form = pat.get(f"/outcomes/{measure}")
        assert form.status_code == 200
        assert_accessible(form.text, f"/outcomes/{measure}")
    token = csrf_from(page.text)
    for measure, form in (("odi", {"s1": "2", "s4": "3"}), ("akps", {"total": "70"}),
                          ("psfs", _psfs(token, [4, 5, 6]))):
        r = pat.post(f"/outcomes/{measure}", data={**form, "csrf_token": token},
                     follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, f"/outcomes?saved={measure}")
    assert 'href="/outcomes"' not in pat.get("/today").text  # nothing due for 4 weeks
    assert 'href="/outcomes"' in pat.get("/progress").text  # the scores stay one click away
    page = pat.get("/outcomes?saved=psfs").text
    assert "Your answers to the everyday activities questionnaire are saved" in page
    assert "Due now" not in page and page.count("Next one from") == 3
    assert page.count("This is your starting point. We will ask again in 4 weeks.") == 3
    assert _scores(pat) == {"odi": (50.0, 50.0, "not enough data"),
                            "akps": (70.0, 70.0, "not enough data"),
                            "psfs": (5.0, 5.0, "not enough data")}
    for word in ("odi", "akps", "psfs", "Oswestry", "Kujala", "MIC"):  # no codes or jargon
        assert word not in re.sub(r'href="[^"]*"|id="[^"]*"|labelledby="[^"]*"', "", page)


def test_a_knee_only_patient_is_not_offered_the_back_questionnaire(users: Users) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=KNEE_ONLY).status_code == 201
    page = pat.get("/outcomes").text
    assert "knee questionnaire" in page and "everyday activities" in page
    assert "back pain questionnaire" not in page and "/outcomes/odi" not in page


def test_psfs_shows_the_change_since_the_first_and_whether_it_is_real(users: Users) -> None:
    pat = users.patient(timezone="UTC")
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    token = csrf_from(pat.get("/outcomes/psfs").text)
    r = pat.post("/outcomes/psfs", data=_psfs(token, [2, 3, 4], at=_ago(30)),
                 follow_redirects=False)
    assert r.status_code == 303
    # Four weeks on it is due again, and the form starts from the same activities.
    assert 'href="/outcomes/psfs">Answer the everyday' in pat.get("/outcomes").text
    form = pat.get("/outcomes/psfs").text
    assert 'name="activity2" type="text" maxlength="100" value="Picking up my son"' in form
    assert 'name="score2" type="number" min="0" max="10" value=""' in form
    r = pat.post("/outcomes/psfs", data=_psfs(token, [4, 4, 5]))  # 3 -> 4.3: under 2 points
    page = pat.get("/outcomes").text
    assert "Your latest score: 4.3 out of 10" in page
    assert "That is up 1.3 points from your first score, 3 " in page
    assert "That is not a real change yet: a change of less than 2 points can happen by " \
           "chance." in page
    pat.post("/outcomes/psfs", data=_psfs(token, [5, 6, 7, 6]))  # 3 -> 6: a real change
    page = pat.get("/outcomes").text
    assert "That is up 3 points from your first score, 3 " in page
    assert "That is a real improvement." in page
    assert _scores(pat)["psfs"] == (3.0, 6.0, "better")


def test_back_and_knee_questionnaires_score_and_judge_the_change(users: Users) -> None:
    pat = users.patient(timezone="UTC")
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    token = csrf_from(pat.get("/outcomes/odi").text)
    form = pat.get("/outcomes/odi").text
    assert form.count('type="radio"') == 10 * 7  # 0-5 and "leave out" for ten sections
    assert "Sex life" in form and "You can leave it out" in form
    first = {f"s{n}": "2" for n in range(1, 11)}  # 20 of 50: 40%
    assert pat.post("/outcomes/odi", data={**first, "csrf_token": token, "at": _ago(29)},
                    follow_redirects=False).status_code == 303
    # 40 -> 33.3: the change that matters is 30% of 40 = 12 points (Ostelo 2008), not 10.
    later = {**first, "s1": "1", "s2": "1", "s3": "1", "s8": ""}  # 15 of 45
    pat.post("/outcomes/odi", data={**later, "csrf_token": token})
    page = pat.get("/outcomes").text
    assert "Your latest score: 33.3 out of 100" in page
    assert "A lower score means your back gets in your way less." in page
    assert "That is down 6.7 points from your first score, 40 " in page
    assert "a change of less than 12 points can happen by chance" in page
    assert _scores(pat)["odi"] == (40.0, 33.3, "no meaningful change")
    worse = {f"s{n}": "4" for n in range(1, 11)}
    pat.post("/outcomes/odi", data={**worse, "csrf_token": token})
    page = pat.get("/outcomes").text
    assert "That is up 40 points from your first score" in page
    assert "That is a real change for the worse. Please tell your clinician." in page
    # The knee questionnaire: the paper form's total; 10 points matter (Crossley 2004).
    assert pat.post("/outcomes/akps", data={"total": "60", "csrf_token": token,
                                            "at": _ago(28)}).status_code == 200
    pat.post("/outcomes/akps", data={"total": "69", "csrf_token": token})
    assert _scores(pat)["akps"] == (60.0, 69.0, "no meaningful change")
    pat.post("/outcomes/akps", data={"total": "70", "csrf_token": token})
    assert _scores(pat)["akps"] == (60.0, 70.0, "better")
    assert "That is up 10 points from your first score, 60" in pat.get("/outcomes").text


def test_bad_answers_come_back_in_words_with_what_was_typed(users: Users) -> None:
    pat = users.patient(timezone="UTC")
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    token = csrf_from(pat.get("/outcomes/psfs").text)
    typed = _psfs(token, [4, 11, 6], at=_ago(2))
    r = pat.post("/outcomes/psfs", data=typed)
    assert r.status_code == 422
    assert _alert(r.text) == ("Your answers were not saved. The score for activity 2 must be "
                              "a whole number 0-10, got 11.")
    for name in ("activity1", "score1", "activity2", "score2", "activity3", "score3", "at"):
        assert re.search(rf'name="{name}"[^>]*value="{typed[name]}"', r.text), name
    r = pat.post("/outcomes/psfs", data={**typed, "score2": "", "score3": "5"})
    assert _alert(r.text).endswith("The score for activity 2 is missing.")
    r = pat.post("/outcomes/psfs", data={**typed, "score2": "5", "activity3": "",
                                                  "score3": ""})
    assert _alert(r.text).endswith("The number of activities is too small: name at least 3, "
                                   "each with a score.")
    r = pat.post("/outcomes/psfs", data={**typed, "score2": "5", "activity1": "Stairs\u202e"})
    assert r.status_code == 422 and "text-direction" in _alert(r.text)
    r = pat.post("/outcomes/odi", data={"s1": "2", "s4": "6", "s9": "1", "csrf_token": token})
    assert r.status_code == 422
    assert _alert(r.text).endswith('The answer for "Walking" must be a whole number 0-5, got 6.')
    assert 'name="s1" value="2" checked' in r.text and 'name="s9" value="1" checked' in r.text
    r = pat.post("/outcomes/odi", data={"csrf_token": token})
    assert _alert(r.text).endswith("The questionnaire is empty: pick a number for at least one "
                                   "section.")
    r = pat.post("/outcomes/akps", data={"total": "", "csrf_token": token, "at": _ago(1)})
    assert r.status_code == 422 and "The total is missing" in _alert(r.text)
    assert re.search(rf'name="at"[^>]*value="{_ago(1)[:13]}', r.text)
    r = pat.post("/outcomes/akps", data={"total": "70", "csrf_token": token,
                                         "at": "2099-01-01T09:00"})
    assert r.status_code == 422 and "in the future" in r.text and 'value="70"' in r.text
    assert pat.get("/api/progress").json()["outcomes"] == []  # nothing was saved
    assert pat.get("/outcomes/rmdq").status_code == 404
    assert pat.get("/outcomes/nothing").status_code == 404
    assert pat.post("/outcomes/akps", data={"total": "70"}).status_code == 403  # no CSRF token


def test_questionnaire_pages_are_for_patients(users: Users) -> None:
    doc = users.clinician()
    assert doc.get("/outcomes").status_code == 403
    assert doc.get("/outcomes/psfs").status_code == 403
    with TestClient(users.app) as anonymous:
        r = anonymous.get("/outcomes", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/outcomes"
