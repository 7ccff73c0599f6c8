"""``/api/auth``: register, login, logout, me; the login rate limiter; cookie helpers."""

from __future__ import annotations

import math
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from glutecoach.coaching.errors import InvalidField
from glutecoach.store import service, throttle
from glutecoach.store.models import Person
from glutecoach.store.security import hash_password
from glutecoach.store.web_sessions import (
    authenticate,
    device_owner,
    end_session,
    remember_device,
    start_session,
)
from glutecoach.web.deps import (
    ID_MAX,
    SESSION_COOKIE,
    Db,
    Text,
    User,
    require_fetch,
    time_zones,
)
from glutecoach.web.templating import in_words

#: Long-lived HttpOnly cookie naming a browser that signed in to an account before.
DEVICE_COOKIE = "glutecoach_device"
DEVICE_DAYS = 365

router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(require_fetch)])


def client_address(request: Request) -> str:
    """The client's address: the peer, or the one a trusted proxy forwarded (the proxy headers
    middleware in app.py rewrites the peer only for ``Settings.trusted_proxies``)."""
    return request.client.host if request.client else "unknown"


def _policies(request: Request) -> tuple[throttle.Policy, throttle.Policy]:
    settings = request.app.state.settings
    account = throttle.Policy(settings.login_free_failures, settings.login_window_s,
                              max_delay_s=settings.login_max_delay_s)
    address = throttle.Policy(settings.address_failures, settings.login_window_s)
    return account, address


def too_many(wait: float, what: str) -> HTTPException:
    seconds = max(1, math.ceil(wait))
    return HTTPException(
        429, f"{what} Please wait {seconds} second{'' if seconds == 1 else 's'} and try again.",
        headers={"Retry-After": str(seconds)},
    )


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


class SignIn(NamedTuple):
    """A successful sign-in: who, their session token, and a new device token (None when this
    browser was already known for the account)."""

    person: Person
    token: str
    device: str | None


def set_session_cookie(request: Request, response: Response, token: str,
                       device: str | None = None) -> None:
    """HttpOnly (no script can read it) and SameSite=Lax (not sent on cross-site posts); the
    device cookie, when given, lasts a year and survives signing out."""
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
    if device:
        response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_DAYS * 86400, httponly=True,
                            samesite="lax", secure=settings.secure_cookies, path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def register_person(db: Db, request: Request, email: str, password: str, name: str,
                    timezone: str) -> SignIn:
    """Create a patient, sign them in (this browser becomes a known device) and commit.
    A client address makes at most ``Settings.signups_per_hour`` accounts (429 after)."""
    policy = throttle.Policy(request.app.state.settings.signups_per_hour, 3600)
    key = "signup:" + client_address(request)
    wait = throttle.wait_s(db, key, policy)
    if wait:
        raise too_many(wait, "Many accounts were made from this network in the last hour.")
    if timezone not in time_zones():
        raise InvalidField("timezone", f"unknown time zone {timezone!r} (e.g. Europe/London)")
    person = service.create_person(
        db, email, name, role="patient", timezone=timezone,
        password_hash=hash_password(password, user_inputs=(email, name)),
    )
    token = start_session(db, person, days=request.app.state.settings.session_days)
    device = remember_device(db, person)
    throttle.record(db, key, policy)
    db.commit()
    return SignIn(person, token, device)


def login_person(db: Db, request: Request, email: str, password: str) -> SignIn:
    """Check the password, throttled in the database (shared by all server processes): each
    failure on an account past the first few doubles the wait before its next try (at most
    ``login_max_delay_s``), and an address with many failures waits for the window to end.
    A browser that signed in to this account before (its device cookie) is counted on its
    own, so someone guessing from elsewhere never slows the owner down (OWASP's device
    cookies). 429 with ``Retry-After`` while waiting; :class:`InvalidField` (401) when wrong."""
    account_policy, address_policy = _policies(request)
    email = email.strip().lower()
    device_cookie = request.cookies.get(DEVICE_COOKIE)
    owner = device_owner(db, device_cookie)
    own_device = owner is not None and owner == db.scalar(
        select(Person.id).where(Person.email == email))
    account = "account:" + email + (f":device:{device_cookie}" if own_device else "")
    address = "address:" + client_address(request)
    wait = 0.0 if own_device else throttle.wait_s(db, address, address_policy)
    if wait:
        raise too_many(wait, "Sign-in is paused for this network after many unsuccessful "
                              "attempts.")
    wait = throttle.wait_s(db, account, account_policy)
    if wait:
        raise too_many(wait, "For this account's safety, sign-in pauses briefly after "
                              "unsuccessful attempts.")
    try:
        person = authenticate(db, email, password)
    except InvalidField:
        db.rollback()
        throttle.record(db, account, account_policy)
        throttle.record(db, address, address_policy)
        db.commit()
        raise
    throttle.clear(db, account)
    token = start_session(db, person, days=request.app.state.settings.session_days)
    device = None if own_device else remember_device(db, person)
    db.commit()
    return SignIn(person, token, device)


@router.post("/register", status_code=201, response_model=Me,
             responses={422: {"description": "bad input, with the reason"}})
def register(body: Registration, request: Request, response: Response, db: Db) -> dict[str, Any]:
    """Create a patient account and sign in."""
    person, token, device = register_person(db, request, body.email, body.password, body.name,
                                             body.timezone)
    set_session_cookie(request, response, token, device)
    return me_dict(person)


@router.post("/login", response_model=Me,
             responses={401: {"description": "wrong email or password"},
                        429: {"description": "too many failed attempts"}})
def login(body: Credentials, request: Request, response: Response, db: Db) -> Any:
    """Sign in: sets the session cookie."""
    try:
        person, token, device = login_person(db, request, body.email, body.password)
    except InvalidField as wrong:
        raise HTTPException(401, in_words(wrong)) from None
    set_session_cookie(request, response, token, device)
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
