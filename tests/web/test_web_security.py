"""Abuse resistance (issue 12): sign-in throttling that slows an attacker without locking the
owner out, trusted proxies, shared state, no caching of personal pages, strong passwords,
sign-up and booking caps, and text that cannot spoof direction."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from glutecoach.settings import Settings
from glutecoach.store.models import Throttle
from glutecoach.web.app import create_app
from glutecoach.web.testing import FETCH, PASSWORD, SCREEN_OK, Users

PROXY = ("10.0.0.2", 40000)


def login(c: TestClient, email: str, password: str, **headers: str) -> int:
    r = c.post("/api/auth/login", json={"email": email, "password": password}, headers=headers)
    return r.status_code


def time_passes(app: FastAPI, seconds: float) -> None:
    """Move every throttling count ``seconds`` into the past."""
    with app.state.db.session_scope() as s:
        for row in s.scalars(select(Throttle)):
            row.first_at -= timedelta(seconds=seconds)
            row.last_at -= timedelta(seconds=seconds)


def test_wrong_passwords_slow_the_next_try_but_never_lock_the_owner_out(
    app: FastAPI, users: Users
) -> None:
    users.patient("owner@example.com")
    with TestClient(app, headers=FETCH) as c:
        codes = [login(c, "owner@example.com", "wrong-password") for _ in range(3)]
        assert codes == [401] * 3
        waits = []
        for _ in range(4):
            r = c.post("/api/auth/login", json={"email": "owner@example.com",
                                                "password": PASSWORD})
            assert r.status_code == 429
            assert "wrong" not in r.json()["detail"] and "Please wait" in r.json()["detail"]
            waits.append(int(r.headers["retry-after"]))
            time_passes(app, waits[-1])
            assert login(c, "owner@example.com", "wrong-password") == 401
        assert waits == [1, 2, 4, 8]  # doubling ...
        time_passes(app, 10_000)
        for _ in range(12):
            assert login(c, "owner@example.com", "wrong-password") == 401
            time_passes(app, 60)
        assert login(c, "owner@example.com", "wrong-password") == 401
        r = c.post("/api/auth/login", json={"email": "owner@example.com", "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["retry-after"]) == 60  # ... up to a minute
        time_passes(app, 60)
        assert login(c, "owner@example.com", PASSWORD) == 200
        # Success resets the account's count.
        assert login(c, "owner@example.com", "wrong-password") == 401
        assert login(c, "owner@example.com", PASSWORD) == 200


def test_guessing_from_elsewhere_never_slows_the_owners_own_browser(app: FastAPI,
                                                                   users: Users) -> None:
    from glutecoach.store.models import KnownDevice

    owner = users.patient("owner@example.com")  # signed up in this browser: a known device
    assert owner.post("/api/auth/logout").status_code == 204  # the device cookie stays
    with TestClient(app, headers=FETCH) as attacker:
        assert [login(attacker, "owner@example.com", "guess-guess") for _ in range(3)] == [401] * 3
        time_passes(app, -5)
        assert login(attacker, "owner@example.com", PASSWORD) == 429  # the guesser waits ...
    assert login(owner, "owner@example.com", PASSWORD) == 200  # ... the owner does not
    # The owner's own typos are still throttled, on the device's own count.
    assert [login(owner, "owner@example.com", "typo-typo") for _ in range(3)] == [401] * 3
    time_passes(app, -5)
    assert login(owner, "owner@example.com", PASSWORD) == 429
    # Another account's device cookie gives no standing here.
    other = users.patient("other@example.com", "Other")
    time_passes(app, -5)
    assert login(other, "owner@example.com", PASSWORD) == 429
    # A new password forgets every device (their standing came from the old one).
    time_passes(app, 3600)
    assert login(owner, "owner@example.com", PASSWORD) == 200
    r = owner.post("/api/auth/password", json={"current_password": PASSWORD,
                                               "new_password": "violet anchor drizzle"})
    assert r.status_code == 204
    with app.state.db.session_scope() as s:
        owners = s.scalars(select(KnownDevice.person_id)).all()
        assert owner.me["id"] not in owners and other.me["id"] in owners


def test_unknown_emails_answer_like_known_ones(app: FastAPI, users: Users) -> None:
    users.patient("known@example.com")
    with TestClient(app, headers=FETCH) as c:
        known = c.post("/api/auth/login", json={"email": "known@example.com", "password": "x"})
        unknown = c.post("/api/auth/login", json={"email": "nobody@example.com", "password": "x"})
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()


def test_an_attacker_behind_the_clinic_proxy_does_not_lock_out_other_users(
    settings: Settings, users: Users
) -> None:
    settings = dataclasses.replace(settings, trusted_proxies=("10.0.0.0/8",), address_failures=8)
    app = create_app(settings)
    try:
        Users(app).patient("real@example.com")
        with TestClient(app, headers=FETCH, client=PROXY) as proxy:
            attacker = {"X-Forwarded-For": "203.0.113.9"}
            codes = [login(proxy, f"guess{i}@example.com", "nope-nope", **attacker)
                     for i in range(settings.address_failures + 2)]
            assert codes[:settings.address_failures] == [401] * settings.address_failures
            assert codes[-1] == 429  # the attacker's own address waits ...
            # ... but another patient behind the same proxy signs in at once.
            assert login(proxy, "real@example.com", PASSWORD,
                         **{"X-Forwarded-For": "198.51.100.7"}) == 200
        # Only the proxy's header is believed: a direct client cannot pick its address.
        with TestClient(app, headers=FETCH, client=("192.0.2.1", 1)) as direct:
            for i in range(settings.address_failures):
                login(direct, f"x{i}@example.com", "nope-nope", **{"X-Forwarded-For": f"1.2.3.{i}"})
            assert login(direct, "real@example.com", PASSWORD,
                         **{"X-Forwarded-For": "5.6.7.8"}) == 429
    finally:
        app.state.db.dispose()


def test_throttling_is_shared_by_every_server_process(settings: Settings, app: FastAPI,
                                                      users: Users) -> None:
    users.patient("shared@example.com")
    second = create_app(settings)  # another process on the same database
    try:
        with TestClient(app, headers=FETCH) as one, TestClient(second, headers=FETCH) as two:
            for c in (one, two, one):
                assert login(c, "shared@example.com", "wrong-password") == 401
            assert login(two, "shared@example.com", PASSWORD) == 429
    finally:
        second.state.db.dispose()


def test_signups_per_address_are_limited(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, signups_per_hour=3,
                                         trusted_proxies=("10.0.0.2",)))
    try:
        with TestClient(app, headers=FETCH, client=PROXY) as c:
            def signup(i: int, address: str) -> int:
                c.cookies.clear()
                return c.post("/api/auth/register", headers={"X-Forwarded-For": address},
                              json={"email": f"s{i}@example.com", "password": PASSWORD,
                                    "name": f"S{i}"}).status_code
            assert [signup(i, "203.0.113.5") for i in range(4)] == [201, 201, 201, 429]
            assert signup(9, "198.51.100.1") == 201
        time_passes(app, 3600)
        with TestClient(app, headers=FETCH, client=PROXY) as c:
            c.headers["X-Forwarded-For"] = "203.0.113.5"
            r = c.post("/api/auth/register", json={"email": "later@example.com",
                                                   "password": PASSWORD, "name": "Later"})
            assert r.status_code == 201
    finally:
        app.state.db.dispose()


def test_trusted_proxy_must_be_an_address(settings: Settings) -> None:
    from glutecoach.settings import proxy_list

    assert proxy_list(["10.0.0.0/8", " 127.0.0.1 ", ""]) == ("10.0.0.0/8", "127.0.0.1")
    with pytest.raises(ValueError, match="not an IP address"):
        proxy_list(["proxy.local"])


# --- no caching -----------------------------------------------------------------------------


PATIENT_PAGES = ("/today", "/pain", "/progress", "/account", "/appointments", "/analyses",
                 "/upload", "/screening", "/live")
PATIENT_API = ("/api/auth/me", "/api/pain", "/api/plan", "/api/progress", "/api/analyses",
               "/api/appointments", "/api/screenings", "/api/clinicians",
               "/api/progress/plots/pain")


def test_personal_pages_and_api_answers_are_never_cached(users: Users) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201  # opens every page
    doc = users.clinician()
    users.link(pat, doc)
    for path in PATIENT_PAGES + PATIENT_API:
        r = pat.get(path)
        assert r.status_code == 200, path
        assert r.headers.get("cache-control") == "no-store", path
    for path in ("/clinic", "/clinic/calendar", "/clinic/availability",
                 f"/clinic/patients/{pat.me['id']}", "/api/patients",
                 f"/api/patients/{pat.me['id']}", "/api/availability"):
        r = doc.get(path)
        assert r.status_code == 200, path
        assert r.headers.get("cache-control") == "no-store", path
    # An error answer for a signed-in person too.
    assert pat.get("/api/analyses/999").headers.get("cache-control") == "no-store"


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "password", " " * 8, "aaaaaaaaaaaa",
                                      "qwertyuiop", "ann@example.com", "Password1"])
def test_common_and_trivial_passwords_are_refused(app: FastAPI, password: str) -> None:
    with TestClient(app, headers=FETCH) as c:
        r = c.post("/api/auth/register", json={"email": "ann@example.com", "password": password,
                                               "name": "Ann"})
    assert r.status_code == 422, password
    assert r.json()["field"] == "password" and "easy to guess" in r.json()["detail"]


def test_strong_passwords_are_accepted_however_long(app: FastAPI) -> None:
    with TestClient(app, headers=FETCH) as c:
        r = c.post("/api/auth/register", json={"email": "b@example.com", "name": "B",
                                               "password": "plum kettle orbit"})
        assert r.status_code == 201
        c.cookies.clear()
        r = c.post("/api/auth/register", json={"email": "c@example.com", "name": "C",
                                               "password": "plum kettle orbit " * 12})
        assert r.status_code == 201  # zxcvbn itself refuses over 72 characters


# --- text that cannot spoof -----------------------------------------------------------------


SPOOFS = ["Ann\u202eevil", "Ann\u2066x\u2069", "Ann\u200fB", "Ann\x07", "Ann\u2028B", "Ann\x00"]


@pytest.mark.parametrize("name", SPOOFS)
def test_control_and_bidi_characters_are_refused_in_names(users: Users, name: str) -> None:
    pat = users.patient()
    r = pat.post("/api/auth/register", json={"email": "x@example.com", "password": PASSWORD,
                                             "name": name})
    assert r.status_code == 422 and "text-direction" in r.json()["reason"]
    r = pat.patch("/api/auth/me", json={"name": name})
    assert r.status_code == 422 and "text-direction" in r.json()["reason"]
    assert pat.get("/api/auth/me").json()["name"] == "Pat"


def test_text_is_normalised_and_checked_on_every_path(app: FastAPI, users: Users) -> None:
    from glutecoach.web.testing import csrf_from

    pat = users.patient(name="Jose\u0301")  # e + combining acute
    assert pat.me["name"] == "Jos\u00e9"  # one code point (NFC)
    # The form pages refuse the same characters, keeping nothing.
    with TestClient(app) as c:
        token = csrf_from(c.get("/signup").text)
        r = c.post("/signup", data={"email": "rlo@example.com", "name": "Eve\u202e",
                                    "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 422 and "text-direction" in r.text
        assert c.get("/api/auth/me", headers=FETCH).status_code == 401
    doc = users.clinician()
    users.link(pat, doc)
    r = doc.post(f"/api/patients/{pat.me['id']}/programme",
                 json={"level": 1, "target_reps": 8, "sets": 2, "sessions_per_week": 3,
                       "reason": "knee\u202e better"})
    assert r.status_code == 422
    r = doc.post(f"/api/patients/{pat.me['id']}/programme",
                 json={"level": 1, "target_reps": 8, "sets": 2, "sessions_per_week": 3,
                       "reason": "knee better\nsee notes"})
    assert r.status_code == 201
    # The CLI's path into the database is checked too (the model validates).
    from glutecoach.coaching.errors import InvalidField
    from glutecoach.store import service

    with pytest.raises(InvalidField, match="text-direction"), app.state.db.session_scope() as s:
        service.create_person(s, "cli@example.com", "Mal\u202elory")


def test_throttled_sign_in_form_keeps_the_email_and_says_how_long(app: FastAPI,
                                                                   users: Users) -> None:
    from glutecoach.web.testing import csrf_from

    users.patient("form@example.com")
    with TestClient(app) as c:
        token = csrf_from(c.get("/login").text)
        for _ in range(3):
            c.post("/login", data={"email": "form@example.com", "password": "nope-nope",
                                   "csrf_token": token})
        time_passes(app, -5)  # the last failure "just now", however slow this machine is
        r = c.post("/login", data={"email": "form@example.com", "password": PASSWORD,
                                   "csrf_token": token})
        assert r.status_code == 429
        assert re.search(r"Please wait [56] seconds and try again\.", r.text), r.text
        assert 'value="form@example.com"' in r.text and 'id="password"' in r.text
