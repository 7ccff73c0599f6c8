"""Clinician pages: own patients with alerts, a patient's record, programme changes,
weekly availability and the appointment calendar. Same functions as the JSON API."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.programme import LADDER
from glutecoach.errors import InputError
from glutecoach.store import appointments as appt
from glutecoach.store import clinic
from glutecoach.web.api_account import issue_reset_link
from glutecoach.web.api_appointments import appointment_dict, availability_dict
from glutecoach.web.api_clinician import (
    ProgrammeIn,
    clear_latest,
    own_patient,
    patient_detail,
    patient_summary,
    set_programme,
)
from glutecoach.web.deps import Clinician, Db, Note, RecordId, check_csrf
from glutecoach.web.pages import cancelled_shown
from glutecoach.web.templating import in_words, render

router = APIRouter(prefix="/clinic", include_in_schema=False)
Csrf = Depends(check_csrf)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@router.get("")
def patients_page(request: Request, user: Clinician, db: Db) -> Response:
    rows = [patient_summary(db, p) for p in clinic.patients_of(db, user)]
    rows.sort(key=lambda r: (-len(r["alerts"]), r["name"].lower()))
    return render(request, "clinic.html", {"patients": rows})


@router.get("/patients/{patient_id}")
def patient_page(request: Request, patient_id: RecordId, user: Clinician, db: Db) -> Response:
    patient = own_patient(db, user, patient_id)
    return render(request, "clinic_patient.html", {
        "p": patient_detail(db, user, patient), "ladder": LADDER,
        "plot_base": f"/api/patients/{patient.id}/plots",
    })


@router.post("/patients/{patient_id}/programme", dependencies=[Csrf])
def programme_submit(
    request: Request, patient_id: RecordId, user: Clinician, db: Db,
    level: Annotated[int, Form(ge=0, le=len(LADDER) - 1)],
    target_reps: Annotated[int, Form(ge=1, le=50)],
    sets: Annotated[int, Form(ge=1, le=5)],
    sessions_per_week: Annotated[int, Form(ge=1, le=7)],
    reason: Annotated[Note, Form(max_length=500)] = "",
) -> Response:
    patient = own_patient(db, user, patient_id)
    set_programme(db, user, patient, ProgrammeIn(
        level=level, target_reps=target_reps, sets=sets, sessions_per_week=sessions_per_week,
        reason=reason))
    return RedirectResponse(f"/clinic/patients/{patient.id}?saved=1", status_code=303)


@router.post("/patients/{patient_id}/clear", dependencies=[Csrf])
def clear_submit(request: Request, patient_id: RecordId, user: Clinician, db: Db,
                 note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    patient = own_patient(db, user, patient_id)
    clear_latest(db, user, patient, note.replace("\x00", ""))
    return RedirectResponse(f"/clinic/patients/{patient.id}?cleared=1", status_code=303)


@router.post("/patients/{patient_id}/reset-link", dependencies=[Csrf])
def reset_link_submit(request: Request, patient_id: RecordId, user: Clinician, db: Db) -> Response:
    patient = own_patient(db, user, patient_id)
    link = issue_reset_link(db, request, user, patient)
    return render(request, "clinic_reset_link.html", {"patient": patient, "link": link})


def _availability_page(request: Request, user: Clinician, db: Db, error: str | None = None,
                       status_code: int = 200, form: dict[str, Any] | None = None) -> Response:
    rows = [availability_dict(r) for r in appt.list_availability(db, user)]
    return render(request, "clinic_availability.html", {
        "rows": rows, "weekdays": WEEKDAYS, "error": error, "form": form or {}},
        status_code=status_code)


@router.get("/availability")
def availability_page(request: Request, user: Clinician, db: Db) -> Response:
    return _availability_page(request, user, db)


@router.post("/availability", dependencies=[Csrf])
def availability_submit(
    request: Request, user: Clinician, db: Db,
    weekday: Annotated[int, Form(ge=0, le=6)],
    start_time: Annotated[time, Form()],
    end_time: Annotated[time, Form()],
    slot_minutes: Annotated[int, Form(ge=appt.SLOT_MINUTES_MIN, le=appt.SLOT_MINUTES_MAX)] = 30,
) -> Response:
    try:
        appt.add_weekly(db, user, weekday, start_time, end_time, slot_minutes)
        db.commit()
    except InputError as bad:
        db.rollback()
        typed = {"weekday": weekday, "start_time": start_time.strftime("%H:%M"),
                 "end_time": end_time.strftime("%H:%M"), "slot_minutes": slot_minutes}
        return _availability_page(request, user, db, in_words(bad), 422, typed)
    return RedirectResponse("/clinic/availability?saved=1", status_code=303)


@router.post("/availability/{availability_id}/delete", dependencies=[Csrf])
def availability_delete(
    request: Request, availability_id: RecordId, user: Clinician, db: Db
) -> Response:
    try:
        appt.delete_availability(db, user, availability_id)
    except appt.NotFound:
        raise InvalidField("availability", "no such availability window") from None
    db.commit()
    return RedirectResponse("/clinic/availability", status_code=303)


@router.get("/calendar")
def calendar_page(request: Request, user: Clinician, db: Db, weeks: int = 4) -> Response:
    weeks = max(1, min(weeks, 12))
    now = datetime.now(timezone.utc)
    rows = [appointment_dict(db, a) for a in appt.appointments_of(db, user, since=now - timedelta(days=1))
            if a.start_utc <= now + timedelta(weeks=weeks)]
    free = appt.free_slots(db, user, days=7 * weeks)
    return render(request, "clinic_calendar.html", {
        "rows": rows, "free": len(free), "weeks": weeks,
        "cancelled": cancelled_shown(request, db, user)})
