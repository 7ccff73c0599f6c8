"""What a person can do with their own account: change the password, reset it with a one-time
link, sign out everywhere, export everything kept about them, delete it all.

A reset link carries a random token; only its SHA-256 is stored, it works once and for
:data:`RESET_HOURS`, and using it signs out every device. Functions flush; the caller commits
(file removal after a deletion is the caller's too: :func:`delete_account` returns the paths).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.store.columns import utc_now
from glutecoach.store.models import (
    AnalysisJob,
    Appointment,
    Base,
    ExerciseSet,
    PainEntry,
    PasswordReset,
    Person,
    Programme,
    Questionnaire,
    Screening,
    TrainingSession,
    WebSession,
)
from glutecoach.store.security import hash_password, verify_password
from glutecoach.store.web_sessions import forget_devices

RESET_HOURS = 24
#: Export format name, versioned like the analysis JSON.
EXPORT_SCHEMA = "glutecoach.export/1"
#: Columns never exported: secrets and server file paths.
_PRIVATE = {"password_hash", "token_hash", "upload_path", "annotated_path", "video_path"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def set_password(session: Session, person: Person, new_password: str) -> None:
    """Store a new password (refused when weak), sign out every device and forget which
    browsers were known (their standing came from the old password)."""
    person.password_hash = hash_password(new_password, user_inputs=(person.email, person.name))
    end_all_sessions(session, person)
    forget_devices(session, person)


def change_password(session: Session, person: Person, current: str, new_password: str) -> None:
    """:class:`InvalidField` when ``current`` is not the password; else :func:`set_password`."""
    if not person.password_hash or not verify_password(person.password_hash, current):
        raise InvalidField("current_password", "is not your current password")
    set_password(session, person, new_password)


def end_all_sessions(session: Session, person: Person) -> int:
    """Sign the person out on every device; returns how many sign-ins ended."""
    result = session.execute(delete(WebSession).where(WebSession.person_id == person.id))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def issue_reset(session: Session, person: Person, issued_by: Person | None = None,
                *, now: datetime | None = None) -> str:
    """A new one-time reset token for ``person`` (earlier unused ones stop working)."""
    now = now or utc_now()
    session.execute(update(PasswordReset).where(
        PasswordReset.person_id == person.id, PasswordReset.used_at.is_(None)
    ).values(used_at=now))
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(token_hash=_digest(token), person_id=person.id,
                              issued_by_id=issued_by.id if issued_by else None, created_at=now,
                              expires_at=now + timedelta(hours=RESET_HOURS)))
    session.flush()
    return token


def reset_for(session: Session, token: str, *, now: datetime | None = None) -> PasswordReset:
    """The live reset for ``token``, else :class:`InvalidField` (used, expired or unknown)."""
    row = None
    if token and len(token) <= 128:
        row = session.scalar(select(PasswordReset).where(
            PasswordReset.token_hash == _digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= (now or utc_now()):
        raise InvalidField("token", "this reset link has expired or was already used; ask "
                                    "your clinician for a new one")
    return row


def use_reset(session: Session, token: str, new_password: str,
              *, now: datetime | None = None) -> Person:
    """Set a new password with a reset token; the token is spent and all devices signed out."""
    row = reset_for(session, token, now=now)
    person = session.get(Person, row.person_id)
    assert person is not None  # the reset is deleted with its person
    set_password(session, person, new_password)
    row.used_at = now or utc_now()
    session.flush()
    return person


def _row(item: Base) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in item.__table__.columns:
        if column.key in _PRIVATE:
            continue
        value = getattr(item, column.key)
        out[column.key] = value.isoformat() if isinstance(value, (date, datetime, time)) else value
    return out


def export_data(session: Session, person: Person) -> dict[str, Any]:
    """Everything kept about ``person``, as JSON-ready dicts (no password hash, no paths)."""
    def rows(model: type[Base], column: Any) -> list[dict[str, Any]]:
        found = session.scalars(select(model).where(column == person.id).order_by(model.id))  # type: ignore[attr-defined]
        return [_row(r) for r in found]

    sessions = []
    for training in session.scalars(select(TrainingSession).where(
            TrainingSession.person_id == person.id).order_by(TrainingSession.id)):
        sets = session.scalars(select(ExerciseSet).where(ExerciseSet.session_id == training.id)
                               .order_by(ExerciseSet.id))
        sessions.append({**_row(training), "sets": [_row(s) for s in sets]})
    return {
        "schema": EXPORT_SCHEMA,
        "exported_at": utc_now().isoformat(),
        "person": _row(person),
        "screenings": rows(Screening, Screening.person_id),
        "questionnaires": rows(Questionnaire, Questionnaire.person_id),
        "programmes": rows(Programme, Programme.person_id),
        "sessions": sessions,
        "pain": rows(PainEntry, PainEntry.person_id),
        "appointments": rows(Appointment, Appointment.patient_id),
        "analyses": rows(AnalysisJob, AnalysisJob.person_id),
    }


def delete_account(session: Session, person: Person, password: str) -> list[str]:
    """Delete the person and everything kept about them (after checking ``password``).

    Returns the paths of their files (uploads, annotated and kept videos) for the caller to
    remove once the deletion is committed. Appointments they booked are cancelled first, so the
    clinician's calendar frees the time; a clinician's own patients stay, without a clinician.
    """
    if not person.password_hash or not verify_password(person.password_hash, password):
        raise InvalidField("password", "is not your password")
    paths = [p for job in session.scalars(select(AnalysisJob).where(
        AnalysisJob.person_id == person.id)) for p in (job.upload_path, job.annotated_path) if p]
    paths += [s.video_path for t in person.sessions for s in t.sets if s.video_path]
    session.execute(update(Appointment).where(Appointment.patient_id == person.id)
                    .values(status="cancelled"))
    session.delete(person)
    session.flush()
    return paths
