"""Availability, free slots and appointments (see :mod:`glutecoach.store.appointments`).

Times go out as ISO 8601 in UTC (``...+00:00``) and come in with any UTC offset; pages show
them in the viewer's own time zone. A slot booked by someone else answers 409 ``taken``.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from glutecoach.store import appointments as appt
from glutecoach.store.models import Appointment, Availability, Person
from glutecoach.web.deps import ID_MAX, Clinician, Db, Patient, RecordId, User, require_fetch

router = APIRouter(prefix="/api", tags=["appointments"], dependencies=[Depends(require_fetch)])


class AvailabilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime = Field(description="ISO 8601 with its UTC offset")
    end: AwareDatetime
    slot_minutes: int = Field(default=30, ge=appt.SLOT_MINUTES_MIN, le=appt.SLOT_MINUTES_MAX)


class WeeklyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weekday: int = Field(ge=0, le=6, description="0 Monday ... 6 Sunday")
    start_time: time = Field(description="local time in your time zone, e.g. 09:00")
    end_time: time
    slot_minutes: int = Field(default=30, ge=appt.SLOT_MINUTES_MIN, le=appt.SLOT_MINUTES_MAX)


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clinician_id: int = Field(ge=1, le=ID_MAX)
    start: AwareDatetime


def availability_dict(row: Availability) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "weekday": row.weekday,
        "start_time": row.start_time.isoformat() if row.start_time else None,
        "end_time": row.end_time.isoformat() if row.end_time else None,
        "start": row.start_utc.isoformat() if row.start_utc else None,
        "end": row.end_utc.isoformat() if row.end_utc else None,
        "slot_minutes": row.slot_minutes,
    }


def appointment_dict(db: Db, row: Appointment) -> dict[str, Any]:
    clinician = db.get(Person, row.clinician_id)
    patient = db.get(Person, row.patient_id) if row.patient_id else None
    return {
        "id": row.id,
        "clinician_id": row.clinician_id,
        "clinician_name": clinician.name if clinician else None,
        "patient_id": row.patient_id,
        "patient_name": patient.name if patient else None,
        "start": row.start_utc.isoformat(),
        "end": row.end_utc.isoformat(),
        "status": row.status,
    }


@router.get("/clinicians")
def clinicians(user: User, db: Db) -> list[dict[str, Any]]:
    """Clinicians one can book with."""
    return [{"id": p.id, "name": p.name, "timezone": p.timezone} for p in appt.clinicians(db)]


@router.post("/availability", status_code=201)
def add_availability(body: AvailabilityIn, user: Clinician, db: Db) -> dict[str, Any]:
    """Add a one-off window, cut into bookable slots of ``slot_minutes``."""
    row = appt.add_explicit(db, user, body.start, body.end, body.slot_minutes)
    db.commit()
    return availability_dict(row)


@router.post("/availability/weekly", status_code=201)
def add_weekly(body: WeeklyIn, user: Clinician, db: Db) -> dict[str, Any]:
    """Add a weekly window (local time in your time zone)."""
    row = appt.add_weekly(db, user, body.weekday, body.start_time, body.end_time,
                          body.slot_minutes)
    db.commit()
    return availability_dict(row)


@router.get("/availability")
def list_availability(user: Clinician, db: Db) -> list[dict[str, Any]]:
    """Your availability windows."""
    return [availability_dict(r) for r in appt.list_availability(db, user)]


@router.delete("/availability/{availability_id}", status_code=204)
def delete_availability(availability_id: RecordId, user: Clinician, db: Db) -> None:
    """Remove one of your windows (appointments already booked stay)."""
    try:
        appt.delete_availability(db, user, availability_id)
    except appt.NotFound:
        raise HTTPException(404, "no such availability") from None
    db.commit()


def slots_for(db: Db, clinician_id: int, days: int) -> list[dict[str, str]]:
    try:
        lead = appt.get_clinician(db, clinician_id)
    except appt.NotFound:
        raise HTTPException(404, "no such clinician") from None
    return [{"start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in appt.free_slots(db, lead, days=days)]


@router.get("/slots")
def slots(
    user: User, db: Db,
    clinician_id: Annotated[int, Query(ge=1, le=ID_MAX, description="the clinician's id")],
    days: Annotated[int, Query(ge=1, le=appt.MAX_DAYS_AHEAD)] = 28,
) -> list[dict[str, str]]:
    """Free slots of a clinician in the next ``days`` days, as [{start, end}] in UTC."""
    return slots_for(db, clinician_id, days)


def book_slot(db: Db, user: Person, clinician_id: int, start: datetime) -> Appointment:
    """Book and commit; 409 ``taken`` when the unique index refuses, 404 unknown clinician."""
    try:
        row = appt.book(db, user, clinician_id, start)
        db.commit()
    except appt.SlotTaken:
        db.rollback()
        raise HTTPException(409, "taken: someone else booked this slot; pick another") from None
    except appt.NotFound:
        raise HTTPException(404, "no such clinician") from None
    return row


@router.post("/appointments", status_code=201,
             responses={409: {"description": "the slot is taken"}})
def book(body: BookingIn, user: Patient, db: Db) -> dict[str, Any]:
    """Book a free slot."""
    row = book_slot(db, user, body.clinician_id, body.start)
    return appointment_dict(db, row)


@router.get("/appointments")
def my_appointments(
    user: User, db: Db, include_cancelled: bool = False,
) -> list[dict[str, Any]]:
    """Your appointments (as patient or clinician), soonest first."""
    rows = appt.appointments_of(db, user, include_cancelled=include_cancelled)
    return [appointment_dict(db, r) for r in rows]


def cancel_appointment(db: Db, user: Person, appointment_id: int) -> Appointment:
    try:
        row = appt.cancel(db, user, appointment_id)
    except appt.NotFound:
        raise HTTPException(404, "no such appointment") from None
    db.commit()
    return row


@router.delete("/appointments/{appointment_id}")
def cancel(appointment_id: RecordId, user: User, db: Db) -> dict[str, Any]:
    """Cancel one of your appointments; the slot becomes free again."""
    return appointment_dict(db, cancel_appointment(db, user, appointment_id))
