"""Request dependencies: the database session, the signed-in person, CSRF and fetch checks.

FastAPI's ``Depends`` does the wiring (well kept, typed, and visible in the OpenAPI document),
so routes stay thin: ``user: Patient`` or ``user: Clinician`` in a signature is the whole
access check for the role; ownership of a resource is checked in the store query itself.

Names other modules rely on (the live coach included): :data:`SESSION_COOKIE`,
:func:`get_db`, :func:`current_user`, :func:`user_from_cookie`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Annotated
from zoneinfo import available_timezones

from fastapi import Depends, HTTPException, Path, Request
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.store.db import Database
from glutecoach.store.models import Person
from glutecoach.store.text import clean_text
from glutecoach.store.web_sessions import person_for_token

#: Name of the HttpOnly, SameSite=Lax cookie that carries the sign-in token.
SESSION_COOKIE = "glutecoach_session"
#: CSRF: a random value in this cookie, and in every form a token signed with the server's key
#: over that value and the sign-in cookie (csrf_token): a token cannot be made without the key,
#: and one made for another sign-in or another browser is refused.
CSRF_COOKIE = "glutecoach_csrf"
CSRF_FIELD = "csrf_token"
#: State-changing ``/api/`` calls must carry ``X-Requested-With: fetch``.
FETCH_HEADER = "x-requested-with"
FETCH_VALUE = "fetch"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: Largest id accepted in a path or body (ids are 32-bit in every backend we run on), so a
#: fuzzer's 2**70 is a 422, not a database overflow.
ID_MAX = 2_147_483_647
RecordId = Annotated[int, Path(ge=1, le=ID_MAX)]


def _plain(value: str, *, multiline: bool = False) -> str:
    try:
        return clean_text(value, "text", multiline=multiline)
    except InvalidField as bad:
        raise ValueError(bad.problem) from None


#: One line of free text, in NFC, without control or text-direction characters
#: (:func:`glutecoach.store.text.clean_text`; so also nothing PostgreSQL would refuse).
Text = Annotated[str, AfterValidator(_plain)]
#: The same, where line breaks are allowed (notes, reasons).
Note = Annotated[str, AfterValidator(partial(_plain, multiline=True))]


@cache
def time_zones() -> frozenset[str]:
    """The IANA zone names one may choose; read once (each look-up walks the zone folders)."""
    return frozenset(available_timezones())


@dataclass(frozen=True)
class UserView:
    """What pages show of the signed-in person; a plain copy, so an error page rendered after
    the database session closed can still use it."""

    id: int
    email: str
    name: str
    role: str
    timezone: str

    @classmethod
    def of(cls, person: Person | None) -> UserView | None:
        if person is None:
            return None
        return cls(person.id, person.email, person.name, person.role, person.timezone)


class NotSignedIn(Exception):
    """No valid session: 401 for the API, a redirect to /login for pages (see app.py)."""


def database(request: Request) -> Database:
    """The app's :class:`~glutecoach.store.db.Database`."""
    db: Database = request.app.state.db
    return db


def get_db(request: Request) -> Iterator[Session]:
    """One SQLAlchemy session per request. Routes that write call ``commit()`` themselves
    (so a failed commit is answered, e.g. 409 for a taken slot); anything uncommitted is
    rolled back when the request ends."""
    session = database(request).sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


Db = Annotated[Session, Depends(get_db)]


def user_from_cookie(db_session: Session, cookie_value: str | None) -> Person | None:
    """The person signed in with this session cookie value, or None. For the WebSocket, which
    reads ``websocket.cookies.get(SESSION_COOKIE)`` itself."""
    return person_for_token(db_session, cookie_value)


def current_user(request: Request, db: Db) -> Person:
    """The signed-in person; raises :class:`NotSignedIn` (401 / redirect to /login)."""
    person = user_from_cookie(db, request.cookies.get(SESSION_COOKIE))
    if person is None:
        raise NotSignedIn()
    request.state.user = UserView.of(person)
    return person


def optional_user(request: Request, db: Db) -> Person | None:
    """The signed-in person or None (for pages that work both ways)."""
    person = user_from_cookie(db, request.cookies.get(SESSION_COOKIE))
    request.state.user = UserView.of(person)
    return person


User = Annotated[Person, Depends(current_user)]


def patient(user: User) -> Person:
    """The signed-in person, who must be a patient (403 otherwise)."""
    if user.role != "patient":
        raise HTTPException(403, "only patients can do this")
    return user


def clinician(user: User) -> Person:
    """The signed-in person, who must be a clinician (403 otherwise)."""
    if user.role != "clinician":
        raise HTTPException(403, "only clinicians can do this")
    return user


Patient = Annotated[Person, Depends(patient)]
Clinician = Annotated[Person, Depends(clinician)]


def require_fetch(request: Request) -> None:
    """Refuse (403) a state-changing API call without ``X-Requested-With: fetch``.

    A custom header cannot be sent cross-site without a CORS preflight, which this app never
    grants, so a forged form post or image tag cannot change anything.
    """
    sent = request.headers.get(FETCH_HEADER, "").lower()
    if request.method not in SAFE_METHODS and sent != FETCH_VALUE:
        raise HTTPException(403, "state-changing API calls need the header "
                                 "'X-Requested-With: fetch'")


def _signed(request: Request, seed: str) -> str:
    """HMAC-SHA256, under the server's key, of this browser's CSRF cookie value and its sign-in
    cookie (empty when signed out): the OWASP signed double-submit token, bound to the session."""
    session = request.cookies.get(SESSION_COOKIE, "")
    key: bytes = request.app.state.signing_key
    return hmac.new(key, f"{session}|{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page; the cookie it is bound to is set by the
    middleware in app.py."""
    seed = getattr(request.state, "csrf", None) or request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = secrets.token_urlsafe(24)
    request.state.csrf = seed
    return _signed(request, str(seed))


async def check_csrf(request: Request) -> None:
    """Refuse (403) an HTML form post whose ``csrf_token`` is not the one signed for this
    browser's cookie and sign-in."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, _signed(request, cookie)):
        raise HTTPException(403, "the form expired or came from another site; reload the page "
                                 "and try again")
