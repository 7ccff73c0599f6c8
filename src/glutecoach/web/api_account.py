"""A person's own account: change or reset the password, sign out everywhere, export
everything (JSON and the PDF report), delete the account. Thin over
:mod:`glutecoach.store.accounts`; the pages in ``pages.py`` call the same functions."""

from __future__ import annotations

import json
import logging
import smtplib
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from glutecoach.settings import Settings
from glutecoach.store import accounts, service, throttle
from glutecoach.store.models import Person
from glutecoach.store.web_sessions import start_session
from glutecoach.web import mail
from glutecoach.web.api_auth import (
    clear_session_cookie,
    client_address,
    set_session_cookie,
    too_many,
)
from glutecoach.web.deps import Db, Text, User, require_fetch
from glutecoach.web.progress import report_pdf

router = APIRouter(prefix="/api/auth", tags=["account"], dependencies=[Depends(require_fetch)])
log = logging.getLogger(__name__)
#: Reset emails one address may ask for in an hour (each is a real email to someone).
FORGOT_PER_HOUR = 5


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class Forgot(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Text = Field(min_length=3, max_length=320)


class Confirm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024)


def change_password(db: Db, request: Request, response: Response, user: Person,
                    current: str, new_password: str) -> None:
    """Change, sign out every device, and keep this one signed in with a new session."""
    accounts.change_password(db, user, current, new_password)
    token = start_session(db, user, days=request.app.state.settings.session_days)
    db.commit()
    set_session_cookie(request, response, token)


def reset_url(request: Request, token: str) -> str:
    settings: Settings = request.app.state.settings
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return f"{base}/reset/{token}"


def email_reset(request: Request, person: Person, link: str) -> bool:
    """Email the link when SMTP is set up; True when sent (a failure is logged, not shown)."""
    settings: Settings = request.app.state.settings
    if not mail.can_email(settings):
        return False
    try:
        mail.send_reset_link(settings, person.email, person.name, link)
    except (OSError, smtplib.SMTPException):
        log.warning("could not email a password reset link", exc_info=True)
        return False
    return True


def forgot(db: Db, request: Request, email: str) -> None:
    """Email a reset link if the account exists and SMTP is set up; the answer is the same
    either way (nobody learns who has an account). Limited per address."""
    policy = throttle.Policy(FORGOT_PER_HOUR, 3600)
    key = "forgot:" + client_address(request)
    wait = throttle.wait_s(db, key, policy)
    if wait:
        raise too_many(wait, "Several reset emails were asked for from this network.")
    throttle.record(db, key, policy)
    person = db.scalar(select(Person).where(Person.email == email.strip().lower()))
    link = None
    if person is not None and mail.can_email(request.app.state.settings):
        link = reset_url(request, accounts.issue_reset(db, person))
    db.commit()
    if person is not None and link:
        email_reset(request, person, link)


def delete_account(db: Db, request: Request, user: Person, password: str) -> None:
    """Delete the account and everything in it, then its files."""
    paths = accounts.delete_account(db, user, password)
    db.commit()
    for path in paths:
        Path(path).unlink(missing_ok=True)


@router.post("/password", status_code=204, responses={422: {"description": "wrong or weak"}})
def password(body: PasswordChange, request: Request, user: User, db: Db) -> Response:
    """Change your password; other devices are signed out, this one stays signed in."""
    response = Response(status_code=204)
    change_password(db, request, response, user, body.current_password, body.new_password)
    return response


@router.post("/reset", status_code=204, responses={422: {"description": "expired or weak"}})
def reset(body: PasswordReset, db: Db) -> Response:
    """Set a new password with a one-time reset link's token; every device is signed out."""
    accounts.use_reset(db, body.token, body.password)
    db.commit()
    return Response(status_code=204)


@router.post("/forgot", status_code=202)
def forgot_password(body: Forgot, request: Request, db: Db) -> dict[str, str]:
    """Ask for a reset link by email (when the server sends email); the same answer whether
    or not the account exists."""
    forgot(db, request, body.email)
    return {"detail": "If an account has this email, a link to set a new password is on its "
                      "way. Without email, ask your clinician for a reset link."}


@router.post("/logout-all", status_code=204)
def logout_everywhere(user: User, db: Db) -> Response:
    """Sign out on every device, this one included."""
    accounts.end_all_sessions(db, user)
    db.commit()
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me/export", responses={200: {"content": {"application/json": {}}}})
def export(user: User, db: Db) -> Response:
    """Everything kept about you, as one JSON file."""
    data = accounts.export_data(db, user)
    return Response(json.dumps(data, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition":
                             'attachment; filename="glutecoach-my-data.json"'})


@router.get("/me/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def my_report(user: User, db: Db) -> Response:
    """Your progress report as a PDF (the one your clinician sees)."""
    pdf = report_pdf(service.progress_data(db, user))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="glutecoach-my-report.pdf"'})


@router.post("/me/delete", status_code=204, responses={422: {"description": "wrong password"}})
def delete_me(body: Confirm, request: Request, user: User, db: Db) -> Response:
    """Delete your account and everything in it (screenings, sessions, pain, videos); your
    booked appointments are cancelled. Give your password to confirm."""
    delete_account(db, request, user, body.password)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


def issue_reset_link(db: Db, request: Request, clinician: Person,
                     patient: Person) -> dict[str, Any]:
    """A one-time reset link for one of the clinician's patients (also emailed with SMTP)."""
    link = reset_url(request, accounts.issue_reset(db, patient, clinician))
    db.commit()
    return {"url": link, "hours": accounts.RESET_HOURS,
            "emailed": email_reset(request, patient, link)}
