"""``/api/auth``: register, login, logout, me; the login rate limiter; cookie helpers."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from glutecoach.coaching.errors import InvalidField
from glutecoach.store import service
from glutecoach.store.models import Person
from glutecoach.store.security import hash_password
from glutecoach.store.web_sessions import authenticate, end_session, start_session
from glutecoach.web.deps import (
    ID_MAX,
    SESSION_COOKIE,
    Db,
    Text,
    User,
    require_fetch,
    time_zones,
)

router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(require_fetch)])


class LoginLimiter:
    """Failed sign-ins per key (email, client address) in a sliding window, in memory.

    In memory is enough for one server process (what ``glutecoach serve`` runs); a restart
    forgets the counts, which only helps someone who can already restart the server.
    """

    #: A client address may try several accounts (a family on one home network).
    ADDRESS_FACTOR = 4

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until another try is allowed (0: allowed now)."""
        now = time.monotonic()
        with self._lock:
            waits = [
                int(q[0] + self.window_s - now) + 1
                for k in keys
                if len(q := self._recent(k, now))
                >= self.limit * (self.ADDRESS_FACTOR if k.startswith("ip:") else 1)
            ]
        return max(waits, default=0)

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def succeeded(self, email_key: str) -> None:
        with self._lock:
            self._failures.pop(email_key, None)


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Text = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class Registration(Credentials):
    name: Text = Field(min_length=1, max_length=200)
    timezone: str = Field(default="UTC", max_length=64, description="IANA zone, e.g. Europe/London")


class Me(BaseModel):
    id: int
    email: str
    name: str
    role: str
    timezone: str = "UTC"
    clinician_id: int | None = None


def me_dict(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "email": person.email,
        "name": person.name,
        "role": person.role,
        "timezone": person.timezone,
        "clinician_id": person.clinician_id,
    }


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """HttpOnly (no script can read it) and SameSite=Lax (not sent on cross-site posts)."""
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def register_person(db: Db, request: Request, email: str, password: str, name: str,
                    timezone: str) -> tuple[Person, str]:
    """Create a patient, sign them in and commit; returns the person and the session token."""
    if timezone not in time_zones():
        raise InvalidField("timezone", f"unknown time zone {timezone!r} (e.g. Europe/London)")
    person = service.create_person(
        db, email, name, role="patient", password_hash=hash_password(password), timezone=timezone
    )
    token = start_session(db, person, days=request.app.state.settings.session_days)
    db.commit()
    return person, token


def login_person(db: Db, request: Request, email: str, password: str) -> tuple[Person, str]:
    """Check the password (rate-limited per email and per client address); 429 when over the
    limit, :class:`InvalidField` (401 from the API) when wrong."""
    limiter: LoginLimiter = request.app.state.login_limiter
    email_key = "email:" + email.strip().lower()
    keys = [email_key, "ip:" + (request.client.host if request.client else "?")]
    wait = limiter.retry_after(keys)
    if wait:
        raise HTTPException(
            429, f"too many failed sign-ins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    try:
        person = authenticate(db, email, password)
    except InvalidField:
        limiter.failed(keys)
        raise
    limiter.succeeded(email_key)
    token = start_session(db, person, days=request.app.state.settings.session_days)
    db.commit()
    return person, token


@router.post("/register", status_code=201, response_model=Me,
             responses={422: {"description": "bad input, with the reason"}})
def register(body: Registration, request: Request, response: Response, db: Db) -> dict[str, Any]:
    """Create a patient account and sign in."""
    person, token = register_person(db, request, body.email, body.password, body.name,
                                     body.timezone)
    set_session_cookie(request, response, token)
    return me_dict(person)


@router.post("/login", response_model=Me,
             responses={401: {"description": "wrong email or password"},
                        429: {"description": "too many failed attempts"}})
def login(body: Credentials, request: Request, response: Response, db: Db) -> Any:
    """Sign in: sets the session cookie."""
    try:
        person, token = login_person(db, request, body.email, body.password)
    except InvalidField as wrong:
        raise HTTPException(401, str(wrong)) from None
    set_session_cookie(request, response, token)
    return me_dict(person)


@router.post("/logout", status_code=204)
def logout(request: Request, db: Db) -> Response:
    """Sign out (the session is deleted on the server too)."""
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me", response_model=Me)
def me(user: User) -> dict[str, Any]:
    """Who is signed in."""
    return me_dict(user)


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[Text | None, Field(min_length=1, max_length=200)] = None
    timezone: Annotated[str | None, Field(max_length=64)] = None
    clinician_id: int | None = Field(default=None, ge=1, le=ID_MAX,
                                     description="patients: choose your clinician")


@router.patch("/me", response_model=Me)
def update_me(body: MeUpdate, user: User, db: Db) -> dict[str, Any]:
    """Change your name, time zone or (patients) clinician."""
    if body.timezone is not None:
        if body.timezone not in time_zones():
            raise InvalidField("timezone", f"unknown time zone {body.timezone!r}")
        user.timezone = body.timezone
    if body.name is not None:
        if not body.name.strip():
            raise InvalidField("name", "must not be empty")
        user.name = body.name.strip()
    if body.clinician_id is not None:
        if user.role != "patient":
            raise InvalidField("clinician_id", "only patients choose a clinician")
        lead = db.get(Person, body.clinician_id)
        if lead is None or lead.role != "clinician":
            raise HTTPException(404, "no such clinician")
        user.clinician_id = lead.id
    db.commit()
    return me_dict(user)
