"""A person's own account: password change and reset, signing out everywhere, exporting and
deleting their data; password reset emails through a real local SMTP server."""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.settings import Settings
from glutecoach.store.models import AnalysisJob, Person
from glutecoach.web.app import create_app
from glutecoach.web.testing import FETCH, PASSWORD, SCREEN_OK, Users

NEW_PASSWORD = "violet anchor drizzle"


def login(app: FastAPI, email: str, password: str) -> int:
    with TestClient(app, headers=FETCH) as c:
        return c.post("/api/auth/login", json={"email": email, "password": password}).status_code


def test_password_change_signs_out_other_devices_but_not_this_one(app: FastAPI,
                                                                  users: Users) -> None:
    pat = users.patient()
    other_device = users.client()
    assert other_device.post("/api/auth/login", json={"email": "pat@example.com",
                                                      "password": PASSWORD}).status_code == 200
    r = pat.post("/api/auth/password", json={"current_password": "not-it",
                                             "new_password": NEW_PASSWORD})
    assert r.status_code == 422 and r.json()["field"] == "current_password"
    r = pat.post("/api/auth/password", json={"current_password": PASSWORD,
                                             "new_password": "password1"})
    assert r.status_code == 422 and "easy to guess" in r.json()["detail"]
    r = pat.post("/api/auth/password", json={"current_password": PASSWORD,
                                             "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    assert pat.get("/api/auth/me").status_code == 200
    assert other_device.get("/api/auth/me").status_code == 401
    assert login(app, "pat@example.com", PASSWORD) == 401
    assert login(app, "pat@example.com", NEW_PASSWORD) == 200


def test_sign_out_of_all_devices(users: Users) -> None:
    pat = users.patient()
    other = users.client()
    other.post("/api/auth/login", json={"email": "pat@example.com", "password": PASSWORD})
    assert other.get("/api/auth/me").status_code == 200
    assert pat.post("/api/auth/logout-all").status_code == 204
    assert pat.get("/api/auth/me").status_code == 401
    assert other.get("/api/auth/me").status_code == 401


def test_clinician_reset_link_works_once(app: FastAPI, users: Users) -> None:
    pat, doc = users.patient(), users.clinician()
    stranger = users.clinician("other@example.com", "Dr Other")
    users.link(pat, doc)
    assert stranger.post(f"/api/patients/{pat.me['id']}/reset-link").status_code == 404
    r = doc.post(f"/api/patients/{pat.me['id']}/reset-link")
    assert r.status_code == 201 and r.json()["emailed"] is False
    url = r.json()["url"]
    token = url.rsplit("/", 1)[1]
    assert url.startswith("http://testserver/reset/")
    with TestClient(app, headers=FETCH) as anyone:
        assert anyone.get(f"/reset/{token}").status_code == 200  # the page with the form
        r = anyone.post("/api/auth/reset", json={"token": token, "password": "12345678"})
        assert r.status_code == 422  # weak: the link is not spent
        r = anyone.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD})
        assert r.status_code == 204
        r = anyone.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD})
        assert r.status_code == 422 and "expired or was already used" in r.json()["detail"]
    assert pat.get("/api/auth/me").status_code == 401  # every device signed out
    assert login(app, "pat@example.com", NEW_PASSWORD) == 200
    # A new link replaces an unused older one.
    first = doc.post(f"/api/patients/{pat.me['id']}/reset-link").json()["url"].rsplit("/", 1)[1]
    doc.post(f"/api/patients/{pat.me['id']}/reset-link")
    with TestClient(app, headers=FETCH) as anyone:
        assert anyone.post("/api/auth/reset",
                           json={"token": first, "password": NEW_PASSWORD}).status_code == 422


@pytest.fixture
def smtp_server() -> Iterator[list]:
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    controller_module = pytest.importorskip("aiosmtpd.controller")

    received: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = controller_module.Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    received.append(port)  # first, for the test to read
    try:
        yield received
    finally:
        controller.stop()


def test_reset_links_are_emailed_when_smtp_is_set_up(settings: Settings,
                                                     smtp_server: list) -> None:
    port = smtp_server.pop(0)
    app = create_app(dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port,
                                         smtp_from="clinic@example.com",
                                         public_url="https://coach.example.com/"))
    users = Users(app)
    try:
        pat = users.patient()
        with TestClient(app, headers=FETCH) as anyone:
            for email in ("pat@example.com", "nobody@example.com"):
                r = anyone.post("/api/auth/forgot", json={"email": email})
                assert r.status_code == 202 and "If an account" in r.json()["detail"]
        assert len(smtp_server) == 1  # only the real account got an email
        mail = smtp_server[0]
        assert mail.rcpt_tos == ["pat@example.com"]
        body = mail.content.decode()
        link = next(w for w in body.split() if w.startswith("https://coach.example.com/reset/"))
        with TestClient(app, headers=FETCH) as anyone:
            r = anyone.post("/api/auth/reset", json={"token": link.rsplit("/", 1)[1],
                                                     "password": NEW_PASSWORD})
            assert r.status_code == 204
        assert pat.get("/api/auth/me").status_code == 401
        # The clinician's link is emailed too.
        doc = users.clinician()
        users.link(users.patient("two@example.com", "Two"), doc)
        two = doc.get("/api/patients").json()[0]["id"]
        assert doc.post(f"/api/patients/{two}/reset-link").json()["emailed"] is True
        assert smtp_server[-1].rcpt_tos == ["two@example.com"]
    finally:
        users.close()
        app.state.db.dispose()


def test_export_my_data_json_and_pdf(users: Users) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    assert pat.post("/api/pain", json={"back": 4}).status_code == 201
    r = pat.get("/api/auth/me/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = json.loads(r.content)
    assert data["schema"] == "glutecoach.export/1"
    assert data["person"]["email"] == "pat@example.com"
    assert "password_hash" not in data["person"]
    assert len(data["screenings"]) == 1 and [p["score"] for p in data["pain"]] == [3, 2, 4]
    assert "correct-horse" not in r.text and "$argon2" not in r.text
    pdf = pat.get("/api/auth/me/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_delete_my_account_removes_everything(app: FastAPI, users: Users,
                                              settings: Settings) -> None:
    pat, doc = users.patient(), users.clinician()
    pat.post("/api/screenings", json=SCREEN_OK)
    # A kept video on disk (as an analysis leaves it).
    video = settings.videos_dir / "kept.mp4"
    video.write_bytes(b"not really a video")
    with app.state.db.session_scope() as s:
        s.add(AnalysisJob(person_id=pat.me["id"], status="done", progress=1.0,
                          annotated_path=str(video)))
    day = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    window = doc.post("/api/availability", json={
        "start": f"{day}T09:00:00+00:00", "end": f"{day}T10:00:00+00:00"})
    assert window.status_code == 201
    booked = pat.post("/api/appointments", json={"clinician_id": doc.me["id"],
                                                 "start": f"{day}T09:00:00+00:00"})
    assert booked.status_code == 201
    r = pat.post("/api/auth/me/delete", json={"password": "wrong"})
    assert r.status_code == 422 and pat.get("/api/auth/me").status_code == 200
    assert pat.post("/api/auth/me/delete", json={"password": PASSWORD}).status_code == 204
    assert pat.get("/api/auth/me").status_code == 401
    assert not video.exists()
    with app.state.db.session_scope() as s:
        assert s.get(Person, pat.me["id"]) is None
    assert login(app, "pat@example.com", PASSWORD) == 401
    # The clinician's calendar has the time free again.
    slots = doc.get("/api/slots", params={"clinician_id": doc.me["id"]}).json()
    assert f"{day}T09:00:00+00:00" in {s["start"] for s in slots}
    assert doc.get("/api/appointments").json() == []
