"""A clinician's view of the store: only their own patients, and programme changes by hand.

Every lookup is filtered by ``clinician_id``, so a clinician cannot reach anyone else's patient
(and cannot tell whether that patient exists). Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.programme import TOP_LEVEL, ProgrammeState
from glutecoach.coaching.screening import whole_number
from glutecoach.store import service
from glutecoach.store.appointments import NotFound
from glutecoach.store.columns import utc_now
from glutecoach.store.models import Person, Programme


def patients_of(session: Session, clinician: Person) -> list[Person]:
    """The clinician's patients, by name."""
    return list(session.scalars(
        select(Person).where(Person.clinician_id == clinician.id, Person.role == "patient")
        .order_by(Person.name, Person.id)
    ))


def patient_of(session: Session, clinician: Person, patient_id: int) -> Person:
    """One of the clinician's own patients, else :class:`NotFound`."""
    person = session.get(Person, patient_id)
    if (
        person is None
        or clinician.role != "clinician"
        or person.role != "patient"
        or person.clinician_id != clinician.id
    ):
        raise NotFound("patient")
    return person


def adjust_programme(
    session: Session,
    patient: Person,
    clinician: Person,
    *,
    level: int,
    target_reps: int,
    sets: int,
    sessions_per_week: int,
    reason: str = "",
    now: datetime | None = None,
) -> Programme:
    """Set the patient's programme by hand: a new programme row (history is kept)."""
    state = ProgrammeState(
        level=whole_number(level, "level", 0, TOP_LEVEL),
        target_reps=whole_number(target_reps, "target_reps", 1, 50),
        sets=whole_number(sets, "sets", 1, max(rules.ACSM_SETS_MAX, 5)),
        sessions_per_week=whole_number(sessions_per_week, "sessions_per_week", 1, 7),
    )
    why = reason.strip() or "adjusted by the clinician"
    row = service.new_programme(patient, state, f"{why} ({clinician.name})"[:2000], now or utc_now(),
                                service.latest_screening(session, patient))
    session.add(row)
    session.flush()
    return row


def set_identifiers(
    patient: Person, *, clinic_number: str | None = None, date_of_birth: str | None = None
) -> Person:
    """The identifiers the clinic prints on the report: its own number and/or the date of birth
    (ISO ``YYYY-MM-DD``). Blank clears one; None leaves it as it is."""
    if clinic_number is not None:
        number = clinic_number.strip()
        if len(number) > 40:
            raise InvalidField("clinic_number", "must be at most 40 characters")
        patient.clinic_number = number or None
    if date_of_birth is not None:
        text = date_of_birth.strip()
        try:
            born = date.fromisoformat(text) if text else None
        except ValueError:
            raise InvalidField("date_of_birth", f"expected YYYY-MM-DD, got {text!r}") from None
        if born is not None and not date(1900, 1, 1) <= born <= date.today():
            raise InvalidField("date_of_birth", f"{text} is not a plausible date of birth")
        patient.date_of_birth = born
    return patient
