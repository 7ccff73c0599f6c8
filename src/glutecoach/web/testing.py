"""Test helpers for the web app (shared by tests/web and the browser tests).

:class:`Users` makes signed-in clients on one app: patients through the real sign-up API,
clinicians the way ``glutecoach users add --role clinician`` makes them, then signed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.coaching.screening import example_answers

FETCH = {"X-Requested-With": "fetch"}
PASSWORD = "correct-horse-9"
#: Screening answers that allow the programme (no red flags, low STarT Back risk).
SCREEN_OK: dict[str, Any] = example_answers(
    start_back=[0, 0, 0, 0, 0, 0, 0, 0, "slightly"], pain={"back": 3, "knee": 2}, age=45,
    sitting_hours_per_day=6, active_days_per_week=2)


def screen_with(**flags: bool) -> dict[str, Any]:
    """:data:`SCREEN_OK` with some red flags ticked."""
    return {**SCREEN_OK, "red_flags": {**SCREEN_OK["red_flags"], **flags}}


def create_clinician(app: FastAPI, email: str, name: str, timezone: str = "UTC",
                     password: str = PASSWORD) -> int:
    """Add a clinician to the app's database as the CLI does; returns the id."""
    from glutecoach.store import service
    from glutecoach.store.security import hash_password

    with app.state.db.session_scope() as s:
        person = service.create_person(s, email, name, role="clinician",
                                       password_hash=hash_password(password),
                                       timezone=timezone)
        return person.id


@dataclass
class Users:
    """Signed-in API clients (with the fetch header) on one app; :meth:`close` them all."""

    app: FastAPI
    opened: list[TestClient] = field(default_factory=list)

    def client(self, **kwargs: Any) -> TestClient:
        c = TestClient(self.app, headers=FETCH, **kwargs)
        c.__enter__()
        self.opened.append(c)
        return c

    def patient(self, email: str = "pat@example.com", name: str = "Pat",
                timezone: str = "Europe/London") -> TestClient:
        c = self.client()
        r = c.post("/api/auth/register", json={"email": email, "password": PASSWORD,
                                               "name": name, "timezone": timezone})
        assert r.status_code == 201, r.text
        c.me = r.json()
        return c

    def clinician(self, email: str = "doc@example.com", name: str = "Dr Lee",
                  timezone: str = "Europe/London") -> TestClient:
        create_clinician(self.app, email, name, timezone)
        c = self.client()
        r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.me = r.json()
        return c

    @staticmethod
    def link(patient: TestClient, clinician: TestClient) -> None:
        """Make ``patient`` one of ``clinician``'s patients (the patient chooses)."""
        cid = clinician.me["id"]
        r = patient.patch("/api/auth/me", json={"clinician_id": cid})
        assert r.status_code == 200, r.text

    def close(self) -> None:
        for c in self.opened:
            c.__exit__(None, None, None)
        self.opened.clear()


def csrf_from(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)
