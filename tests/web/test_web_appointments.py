"""Availability, slots, booking, cancelling; one booking per slot under real concurrency."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from glutecoach.store import appointments as appt
from glutecoach.store.models import Appointment, Availability, Person
from glutecoach.web.testing import FETCH, Users


def _tomorrow_window(hours: int = 2) -> tuple[str, str]:
    start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0)
    paris = ZoneInfo("Europe/Paris")
    return start.astimezone(paris).isoformat(), (start + timedelta(hours=hours)).astimezone(paris).isoformat()


def test_availability_slots_book_cancel(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient()
    start, end = _tomorrow_window()
    r = doc.post("/api/availability", json={"start": start, "end": end, "slot_minutes": 30})
    assert r.status_code == 201, r.text
    assert r.json()["start"].endswith("+00:00")  # stored and returned in UTC
    assert [a["id"] for a in doc.get("/api/availability").json()] == [r.json()["id"]]

    slots = pat.get("/api/slots", params={"clinician_id": doc.me["id"]}).json()
    assert len(slots) == 4
    first = datetime.fromisoformat(slots[0]["start"])
    assert first == datetime.fromisoformat(start)
    assert datetime.fromisoformat(slots[0]["end"]) - first == timedelta(minutes=30)

    # Book with a different offset for the same instant: still the same slot.
    same_instant = first.astimezone(ZoneInfo("America/New_York")).isoformat()
    r = pat.post("/api/appointments", json={"clinician_id": doc.me["id"], "start": same_instant})
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["id"] and booking["status"] == "booked"
    assert len(pat.get("/api/slots", params={"clinician_id": doc.me["id"]}).json()) == 3

    other = users.patient("other@example.com", "Olive")
    r = other.post("/api/appointments", json={"clinician_id": doc.me["id"], "start": slots[0]["start"]})
    assert r.status_code == 409 and "taken" in r.json()["detail"]

    # The clinician sees it in their calendar; the booking made Pat their patient.
    assert [a["id"] for a in doc.get("/api/appointments").json()] == [booking["id"]]
    assert [p["id"] for p in doc.get("/api/patients").json()] == [pat.me["id"]]

    # Cancelling frees the slot for someone else.
    assert pat.delete(f"/api/appointments/{booking['id']}").json()["status"] == "cancelled"
    assert pat.get("/api/appointments").json() == []
    r = other.post("/api/appointments", json={"clinician_id": doc.me["id"], "start": slots[0]["start"]})
    assert r.status_code == 201


def test_booking_input_errors(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient()
    start, end = _tomorrow_window(1)
    doc.post("/api/availability", json={"start": start, "end": end, "slot_minutes": 30})
    cid = doc.me["id"]
    r = pat.post("/api/appointments", json={"clinician_id": cid, "start": "2030-01-01T09:00:00"})
    assert r.status_code == 422  # no UTC offset
    r = pat.post("/api/appointments", json={"clinician_id": cid, "start": "2030-01-01T09:07:00+00:00"})
    assert r.status_code == 422 and "not one of the clinician's" in r.json()["detail"]
    r = pat.post("/api/appointments", json={"clinician_id": pat.me["id"], "start": start})
    assert r.status_code == 404
    assert pat.get("/api/slots", params={"clinician_id": 999999}).status_code == 404
    # Patients cannot add availability; clinicians cannot book.
    assert pat.post("/api/availability", json={"start": start, "end": end}).status_code == 403
    assert doc.post("/api/appointments", json={"clinician_id": cid, "start": start}).status_code == 403
    for body in ({"start": end, "end": start}, {"start": start, "end": end, "slot_minutes": 0},
                 {"start": "2030-01-01T09:00", "end": end},
                 {"start": start, "end": "2031-01-01T00:00:00+00:00"}):
        r = doc.post("/api/availability", json=body)
        assert r.status_code == 422, body


def test_weekly_availability_follows_the_clinicians_clock(users: Users) -> None:
    doc = users.clinician(timezone="Europe/London")
    pat = users.patient(timezone="Asia/Tokyo")
    r = doc.post("/api/availability/weekly",
                 json={"weekday": 0, "start_time": "09:00", "end_time": "10:00", "slot_minutes": 20})
    assert r.status_code == 201, r.text
    slots = pat.get("/api/slots", params={"clinician_id": doc.me["id"], "days": 35}).json()
    assert len(slots) in (12, 15)  # 3 slots on each of 4-5 Mondays
    london = ZoneInfo("Europe/London")
    for s in slots:
        local = datetime.fromisoformat(s["start"]).astimezone(london)
        assert local.weekday() == 0 and (local.hour, local.minute) in ((9, 0), (9, 20), (9, 40))
    # The page shows them in the patient's own zone (Tokyo, 8-9 hours ahead).
    page = pat.get("/appointments", params={"clinician_id": doc.me["id"]}).text
    first = datetime.fromisoformat(slots[0]["start"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert first.strftime("%a %d %b %Y, %H:%M") in page


def test_concurrent_bookings_over_http_give_exactly_one(app: FastAPI, users: Users) -> None:
    doc = users.clinician()
    start, end = _tomorrow_window(1)
    doc.post("/api/availability", json={"start": start, "end": end, "slot_minutes": 30})
    patients = [users.patient(f"p{i}@example.com", f"P{i}") for i in range(6)]
    slot = patients[0].get("/api/slots", params={"clinician_id": doc.me["id"]}).json()[0]
    barrier = threading.Barrier(len(patients))
    codes: list[int] = []

    def book(client: TestClient) -> None:
        barrier.wait()
        r = client.post("/api/appointments", json={"clinician_id": doc.me["id"], "start": slot["start"]})
        codes.append(r.status_code)

    threads = [threading.Thread(target=book, args=(c,)) for c in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == [201] + [409] * (len(patients) - 1)
    assert len(doc.get("/api/appointments").json()) == 1


def test_concurrent_bookings_in_the_store_give_exactly_one(app: FastAPI) -> None:
    """Threads with their own database sessions race for one slot: the unique index decides."""
    from glutecoach.store import service

    db = app.state.db
    with db.session_scope() as s:
        doc = service.create_person(s, "race@example.com", "Race", role="clinician")
        appt.add_explicit(s, doc, datetime.now(timezone.utc) + timedelta(days=2),
                          datetime.now(timezone.utc) + timedelta(days=2, minutes=30), 30)
        ids = [service.create_person(s, f"r{i}@example.com", f"R{i}").id for i in range(8)]
        doc_id = doc.id
        start = appt.free_slots(s, doc)[0].start
    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def book(pid: int) -> None:
        session = db.sessions()
        try:
            patient = session.get(Person, pid)
            barrier.wait()
            appt.book(session, patient, doc_id, start)
            session.commit()
            outcomes.append("booked")
        except appt.SlotTaken:
            outcomes.append("taken")
        finally:
            session.close()

    threads = [threading.Thread(target=book, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (len(ids) - 1)


def test_clinician_calendar_and_cancel_pages(users: Users) -> None:
    from glutecoach.web.testing import csrf_from

    doc = users.clinician()
    pat = users.patient()
    start, end = _tomorrow_window(1)
    doc.post("/api/availability", json={"start": start, "end": end, "slot_minutes": 60})
    page = pat.get("/appointments").text
    token = csrf_from(page)
    r = pat.post("/appointments", data={"csrf_token": token, "clinician_id": doc.me["id"],
                                        "start": datetime.fromisoformat(start).isoformat()},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    cal = doc.get("/clinic/calendar").text
    assert "Pat" in cal and "Nothing booked" not in cal
    again = pat.post("/appointments", data={"csrf_token": token, "clinician_id": doc.me["id"],
                                            "start": start}, headers=FETCH)
    assert again.status_code in (409, 422)


def _next_weekday(days: int = 2) -> tuple[int, str]:
    """A weekday a few days ahead and its date (Europe/London, the clinician's zone)."""
    day = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=days)).date()
    return day.weekday(), day.isoformat()


def test_overlapping_availability_windows_are_refused(users: Users) -> None:
    doc = users.clinician()
    weekday, day = _next_weekday()
    ok = doc.post("/api/availability/weekly", json={
        "weekday": weekday, "start_time": "09:10", "end_time": "09:55", "slot_minutes": 45})
    assert ok.status_code == 201
    for body in ({"weekday": weekday, "start_time": "09:30", "end_time": "10:00",
                  "slot_minutes": 30},
                 {"weekday": weekday, "start_time": "08:00", "end_time": "12:00"}):
        r = doc.post("/api/availability/weekly", json=body)
        assert r.status_code == 422 and "overlaps" in r.json()["detail"], body
    # A one-off window on a day of the weekly one, in another offset, is compared in time.
    r = doc.post("/api/availability", json={"start": f"{day}T10:30:00+02:00",
                                            "end": f"{day}T11:30:00+02:00"})
    assert r.status_code == 422 and "09:10-09:55" in r.json()["detail"]
    # Touching windows and other days are fine.
    assert doc.post("/api/availability/weekly", json={
        "weekday": weekday, "start_time": "09:55", "end_time": "10:55"}).status_code == 201
    assert doc.post("/api/availability/weekly", json={
        "weekday": (weekday + 1) % 7, "start_time": "09:30", "end_time": "10:00",
    }).status_code == 201


def test_overlapping_bookings_are_impossible_even_from_overlapping_windows(
    app: FastAPI, users: Users
) -> None:
    """Windows saved before overlaps were refused (inserted directly here) cut slots that
    overlap: the database still lets only one of two overlapping bookings through."""
    doc = users.clinician()
    ann, bob = users.patient("ann@example.com", "Ann"), users.patient("bob@example.com", "Bob")
    base = (datetime.now(timezone.utc) + timedelta(days=2)).replace(hour=9, minute=10, second=0,
                                                                     microsecond=0)
    with app.state.db.session_scope() as s:
        s.add_all([Availability(clinician_id=doc.me["id"], kind="explicit", start_utc=base,
                                end_utc=base + timedelta(minutes=45), slot_minutes=45),
                   Availability(clinician_id=doc.me["id"], kind="explicit",
                                start_utc=base + timedelta(minutes=20),
                                end_utc=base + timedelta(minutes=50), slot_minutes=30)])
    first = ann.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                                "start": base.isoformat()})
    assert first.status_code == 201
    # The overlapping slot is no longer offered ...
    offered = {s["start"] for s in bob.get("/api/slots",
                                           params={"clinician_id": doc.me["id"]}).json()}
    later = (base + timedelta(minutes=20)).isoformat()
    assert later not in offered
    # ... and booking it anyway is refused by the database.
    r = bob.post("/api/appointments", json={"clinician_id": doc.me["id"], "start": later})
    assert r.status_code == 409
    with app.state.db.session_scope() as s:
        with pytest.raises(IntegrityError), s.begin_nested():
            s.add(Appointment(clinician_id=doc.me["id"], patient_id=bob.me["id"],
                              start_utc=base + timedelta(minutes=44),
                              end_utc=base + timedelta(minutes=60)))
        # Cancelled ones do not count; adjacent ones do not overlap.
        s.add(Appointment(clinician_id=doc.me["id"], patient_id=bob.me["id"], status="cancelled",
                          start_utc=base + timedelta(minutes=5),
                          end_utc=base + timedelta(minutes=35)))
        s.add(Appointment(clinician_id=doc.me["id"], patient_id=bob.me["id"],
                          start_utc=base + timedelta(minutes=45), end_utc=base + timedelta(minutes=60)))


def test_a_patient_holds_a_limited_number_of_future_bookings(users: Users) -> None:
    doc = users.clinician()
    pat = users.patient()
    start, end = _tomorrow_window(4)
    doc.post("/api/availability", json={"start": start, "end": end, "slot_minutes": 30})
    slots = pat.get("/api/slots", params={"clinician_id": doc.me["id"]}).json()
    codes = [pat.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                                 "start": s["start"]}).status_code
             for s in slots[:appt.MAX_FUTURE_BOOKINGS + 1]]
    assert codes == [201] * appt.MAX_FUTURE_BOOKINGS + [422]
    last = pat.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                               "start": slots[-1]["start"]})
    assert "upcoming appointments" in last.json()["detail"]
    first = pat.get("/api/appointments").json()[0]
    assert pat.delete(f"/api/appointments/{first['id']}").status_code == 200
    r = pat.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                            "start": slots[-1]["start"]})
    assert r.status_code == 201
