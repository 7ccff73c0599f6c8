"""Sign up, sign in, sign out; cookies; the fetch header; CSRF on forms (throttling:
test_web_security.py)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.web.deps import SESSION_COOKIE
from glutecoach.web.testing import FETCH, PASSWORD, Users, csrf_from


def test_register_me_logout(users: Users) -> None:
    c = users.patient("ann@example.com", "Ann")
    assert c.me["role"] == "patient"
    me = c.get("/api/auth/me").json()
    assert {k: me[k] for k in ("id", "email", "name", "role")} == {
        "id": c.me["id"], "email": "ann@example.com", "name": "Ann", "role": "patient"}
    assert c.post("/api/auth/logout").status_code == 204
    assert c.get("/api/auth/me").status_code == 401


def test_session_cookie_is_httponly_and_samesite(app: FastAPI) -> None:
    with TestClient(app, headers=FETCH) as c:
        r = c.post("/api/auth/register",
                   json={"email": "c@example.com", "password": PASSWORD, "name": "C"})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert PASSWORD not in cookie


def test_missing_or_bad_session_is_401(app: FastAPI) -> None:
    with TestClient(app, headers=FETCH) as c:
        for path in ("/api/auth/me", "/api/plan", "/api/analyses", "/api/appointments",
                     "/api/patients", "/api/progress"):
            assert c.get(path).status_code == 401, path
        c.cookies.set(SESSION_COOKIE, "forged-token")
        assert c.get("/api/auth/me").status_code == 401
        c.cookies.set(SESSION_COOKIE, "x" * 5000)
        assert c.get("/api/auth/me").status_code == 401


def test_state_changes_need_the_fetch_header(users: Users) -> None:
    c = users.patient()
    bare = {"X-Requested-With": ""}
    assert c.post("/api/pain", json={"back": 3}, headers=bare).status_code == 403
    assert c.post("/api/auth/logout", headers=bare).status_code == 403
    assert c.post("/api/pain", json={"back": 3}).status_code == 201
    assert c.get("/api/pain", headers=bare).status_code == 200  # reads need no header


def test_bad_input_is_422_with_a_reason(app: FastAPI, users: Users) -> None:
    users.patient("dup@example.com")
    with TestClient(app, headers=FETCH) as c:
        r = c.post("/api/auth/register",
                   json={"email": "dup@example.com", "password": PASSWORD, "name": "D"})
        assert r.status_code == 422 and "already registered" in r.json()["detail"]
        r = c.post("/api/auth/register", json={"email": "e@example.com", "password": "short",
                                               "name": "E"})
        assert r.status_code == 422 and "8 characters" in r.json()["detail"]
        r = c.post("/api/auth/register", json={"email": "nope", "password": PASSWORD, "name": "E"})
        assert r.status_code == 422 and "email" in r.json()["detail"]
        r = c.post("/api/auth/register", json={"email": "f@example.com", "password": PASSWORD,
                                               "name": "F", "timezone": "Mars/Base"})
        assert r.status_code == 422 and "time zone" in r.json()["detail"]
        r = c.post("/api/auth/register", json={"email": "g@example.com"})
        assert r.status_code == 422 and "password" in r.json()["reason"]


def test_form_pages_need_the_csrf_token(app: FastAPI) -> None:
    with TestClient(app) as c:
        page = c.get("/signup")
        token = csrf_from(page.text)
        data = {"email": "form@example.com", "name": "Form", "password": PASSWORD,
                "timezone": "Europe/Paris"}
        assert c.post("/signup", data=data).status_code == 403
        assert c.post("/signup", data={**data, "csrf_token": "forged"}).status_code == 403
        r = c.post("/signup", data={**data, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/screening"
        assert c.get("/api/auth/me").json()["timezone"] == "Europe/Paris"
        # Sign out and back in through the forms.
        token = csrf_from(c.get("/today").text)
        assert c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        assert c.get("/today", follow_redirects=False).headers["location"].startswith("/login")
        token = csrf_from(c.get("/login").text)
        r = c.post("/login", data={"email": "form@example.com", "password": "bad",
                                   "csrf_token": token})
        assert r.status_code == 401 and "wrong" in r.text
        r = c.post("/login", data={"email": "form@example.com", "password": PASSWORD,
                                   "csrf_token": token, "next": "//evil.example/x"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/today"


def test_expired_sessions_are_refused_and_purged(app: FastAPI, users: Users) -> None:
    from datetime import timedelta

    from glutecoach.store.columns import utc_now
    from glutecoach.store.models import Person, WebSession
    from glutecoach.store.web_sessions import purge_expired, start_session

    pat = users.patient()
    with app.state.db.session_scope() as s:
        old = start_session(s, s.get(Person, pat.me["id"]), days=1,
                            now=utc_now() - timedelta(days=2))
        assert s.query(WebSession).count() == 2
        assert purge_expired(s) == 1  # the live one stays
        old = start_session(s, s.get(Person, pat.me["id"]), days=1,
                            now=utc_now() - timedelta(days=2))
    with TestClient(app, headers=FETCH) as c:  # starting the app purges expired sign-ins
        c.cookies.set(SESSION_COOKIE, old)
        assert c.get("/api/auth/me").status_code == 401
    with app.state.db.session_scope() as s:
        assert s.query(WebSession).count() == 1


def test_csrf_token_is_signed_and_bound_to_the_sign_in(app: FastAPI, users: Users) -> None:
    """OWASP's signed double-submit: a value an attacker plants in the CSRF cookie (from a
    sibling subdomain, say) and echoes in a forged form is refused, and a token made for one
    person's sign-in does not work in another's, even with the same cookie."""
    from glutecoach.web.deps import CSRF_COOKIE

    with TestClient(app) as victim:
        victim.cookies.set(CSRF_COOKIE, "planted-by-the-attacker")
        data = {"email": "v@example.com", "name": "V", "password": PASSWORD, "timezone": "UTC",
                "csrf_token": "planted-by-the-attacker"}
        assert victim.post("/signup", data=data).status_code == 403
    a, b = users.patient("csrf-a@example.com"), users.patient("csrf-b@example.com")
    token_a = csrf_from(a.get("/account").text)
    b.cookies.set(CSRF_COOKIE, a.cookies.get(CSRF_COOKIE))
    assert b.post("/account/logout-all", data={"csrf_token": token_a},
                  follow_redirects=False).status_code == 403
    assert a.post("/account/logout-all", data={"csrf_token": token_a},
                  follow_redirects=False).status_code == 303
