"""Browser sign-in sessions: a random token in the cookie, only its SHA-256 in the database.

A stolen database therefore holds no usable cookie. Like :mod:`glutecoach.store.service`, every
function only flushes; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.store.columns import utc_now
from glutecoach.store.models import KnownDevice, Person, WebSession
from glutecoach.store.security import dummy_hash, verify_password

#: Longest cookie value accepted; anything longer is not one of ours.
MAX_TOKEN_LENGTH = 128


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(
    session: Session, person: Person, *, days: int = 14, now: datetime | None = None
) -> str:
    """Create a sign-in for ``person``; returns the token to put in the cookie."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            person_id=person.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def person_for_token(
    session: Session, token: str | None, *, now: datetime | None = None
) -> Person | None:
    """The signed-in person for a cookie value, or None (missing, unknown or expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.expires_at <= (now or utc_now()):
        return None
    return session.get(Person, row.person_id)


def end_session(session: Session, token: str | None) -> None:
    """Sign out: forget this token (unknown tokens are ignored)."""
    if token and len(token) <= MAX_TOKEN_LENGTH:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))
        session.flush()


def remember_device(session: Session, person: Person) -> str:
    """Mark this browser as one ``person`` signs in from; returns the token for its cookie."""
    token = secrets.token_urlsafe(32)
    session.add(KnownDevice(token_hash=_digest(token), person_id=person.id))
    session.flush()
    return token


def device_owner(session: Session, token: str | None) -> int | None:
    """The id of the person this device cookie belongs to, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalar(select(KnownDevice.person_id).where(
        KnownDevice.token_hash == _digest(token)))


def forget_devices(session: Session, person: Person) -> None:
    """After a password change or reset: no browser keeps its standing."""
    session.execute(delete(KnownDevice).where(KnownDevice.person_id == person.id))
    session.flush()


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired sign-ins; returns how many went."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= (now or utc_now())))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def authenticate(session: Session, email: str, password: str) -> Person:
    """The person with this email and password, else :class:`InvalidField` (same message
    whether the email or the password was wrong, and about the same time)."""
    person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or person.password_hash is None:
        verify_password(dummy_hash(), password)
        raise InvalidField("credentials", "email or password is wrong")
    if not verify_password(person.password_hash, password):
        raise InvalidField("credentials", "email or password is wrong")
    return person
