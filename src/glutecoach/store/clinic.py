"""A clinician's view of the store: only their own patients, and programme changes by hand.

Every lookup is filtered by ``clinician_id``, so a clinician cannot reach anyone else's patient
(and cannot tell whether that patient exists). Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glutecoach.coaching import rules
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
