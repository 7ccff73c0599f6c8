"""Clinician API: alerts, patient record, programme changes, clearing a red flag, PDF."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from fastapi import FastAPI

from glutecoach.store import service
from glutecoach.store.columns import utc_now
from glutecoach.store.models import Person
from glutecoach.web.testing import SCREEN_OK, Users, csrf_from, screen_with


def test_alerts_for_red_flags_pain_rise_and_missed_sessions(app: FastAPI, users: Users) -> None:
    doc = users.clinician()
    flagged = users.patient("flag@example.com", "Flag")
    sore = users.patient("sore@example.com", "Sore")
    fine = users.patient("fine@example.com", "Fine")
    for p in (flagged, sore, fine):
        users.link(p, doc)
    flagged.post("/api/screenings", json=screen_with(bladder_bowel_change=True))
    sore.post("/api/screenings", json=SCREEN_OK)  # back 3
    sore.post("/api/pain", json={"back": 7})
    fine.post("/api/screenings", json=SCREEN_OK)
    # Fine trained weeks ago and then stopped: missed sessions.
    with app.state.db.session_scope() as s:
        person = s.get(Person, fine.me["id"])
        from glutecoach.coaching.sets import counts_from_reps

        service.log_set(s, person, "glute_bridge", counts_from_reps(10),
                        now=utc_now() - timedelta(days=20))
    rows = {p["name"]: p for p in doc.get("/api/patients").json()}
    kinds = {name: {a["kind"] for a in row["alerts"]} for name, row in rows.items()}
    assert "red_flag" in kinds["Flag"]
    assert "pain_rise" in kinds["Sore"]
    assert "missed_sessions" in kinds["Fine"]
    page = doc.get("/clinic").text
    assert "URGENT (same day) red flag: new bladder or bowel problem" in page
    assert "bladder_bowel_change" not in page  # finding 13: plain words, not codes


def test_record_programme_clear_and_report(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient()
    users.link(pat, doc)
    pat.post("/api/screenings", json=screen_with(saddle_numbness=True))
    assert pat.get("/api/plan").json()["status"] == "blocked"
    pid = pat.me["id"]
    record = doc.get(f"/api/patients/{pid}").json()
    assert record["screenings"][0]["red_flags"] == ["saddle_numbness"]
    # Clearing needs a note (API: 422 without one); then clear through the page form (CSRF).
    assert doc.post(f"/api/patients/{pid}/clear", json={}).status_code == 422
    token = csrf_from(doc.get(f"/clinic/patients/{pid}").text)
    r = doc.post(f"/clinic/patients/{pid}/clear",
                 data={"csrf_token": token, "note": "Seen today; no red-flag signs"},
                 follow_redirects=False)
    assert r.status_code == 303
    assert pat.get("/api/plan").json()["status"] == "ok"
    cleared = doc.get(f"/api/patients/{pid}").json()["screenings"][0]
    assert (cleared["cleared_by"], cleared["clearance_note"]) == (
        "Dr Lee", "Seen today; no red-flag signs")
    # Finding 5: once cleared, Today and the PDF no longer say "get help today" / "blocked".
    today = pat.get("/today").text
    assert "medical help today" not in today and "Dr Lee checked your answers" in today
    # Adjust the programme (API), then the plan follows it.
    r = doc.post(f"/api/patients/{pid}/programme",
                 json={"level": 2, "target_reps": 12, "sets": 3, "sessions_per_week": 2,
                       "reason": "good control"})
    assert r.status_code == 201 and r.json()["exercise"] == "squat"
    plan = pat.get("/api/plan").json()
    assert plan["level"] == 2 and plan["sessions_per_week"] == 2
    assert doc.post(f"/api/patients/{pid}/programme",
                    json={"level": 9, "target_reps": 12, "sets": 3,
                          "sessions_per_week": 2}).status_code == 422
    r = doc.put(f"/api/patients/{pid}/identifiers",
                json={"clinic_number": "GC-0042", "date_of_birth": "1970-05-31"})
    assert r.status_code == 200 and r.json()["clinic_number"] == "GC-0042"
    assert doc.put(f"/api/patients/{pid}/identifiers",
                   json={"date_of_birth": "31/05/1970"}).status_code == 422
    r = doc.get(f"/api/patients/{pid}/report.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(r.content)).pages)
    assert "Pat" in text
    squashed = " ".join(text.split())
    assert "blocked" not in squashed and "Seen today; no red-flag signs" in squashed
    assert "clinic number GC-0042" in squashed and "date of birth 1970-05-31" in squashed
    for name in ("pain", "reps", "adherence"):
        assert doc.get(f"/api/patients/{pid}/plots/{name}").content.startswith(b"\x89PNG")


def test_weekly_availability_page(users: Users) -> None:
    doc = users.clinician()
    token = csrf_from(doc.get("/clinic/availability").text)
    r = doc.post("/clinic/availability", data={"csrf_token": token, "weekday": "2",
                                               "start_time": "14:00", "end_time": "16:00",
                                               "slot_minutes": "30"}, follow_redirects=False)
    assert r.status_code == 303
    rows = doc.get("/api/availability").json()
    assert rows[0]["weekday"] == 2 and rows[0]["start_time"] == "14:00:00"
    assert "Every Wednesday 14:00" in doc.get("/clinic/availability").text
    r = doc.post("/clinic/availability", data={"csrf_token": token, "weekday": "2",
                                               "start_time": "16:00", "end_time": "14:00"})
    assert r.status_code == 422 and "after" in r.text
    r = doc.post(f"/clinic/availability/{rows[0]['id']}/delete", data={"csrf_token": token},
                 follow_redirects=False)
    assert r.status_code == 303 and doc.get("/api/availability").json() == []
