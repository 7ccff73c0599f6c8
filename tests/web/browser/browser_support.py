"""Constants and helpers shared by the browser tests (imported by conftest and the tests)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from support import ROOT, VIDEOS

CLIP = VIDEOS / "side_bodyweight_5reps.mp4"
CHROMIUM = Path(os.environ.get("GLUTECOACH_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "browser"
DOCS_IMG = ROOT / "docs" / "img"
PASSWORD = "squat-Better-2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
README_MAX_HEIGHT = 1100


def unique_email(prefix: str = "patient") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"


def shot(page: Any, name: str, *, full_page: bool = True, readme: bool = False) -> Path:
    """Save a screenshot under artifacts/browser/; README pictures also go to docs/img/ when
    GLUTECOACH_UPDATE_SCREENSHOTS=1 (so ordinary test runs never touch tracked files)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if readme and os.environ.get("GLUTECOACH_UPDATE_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        target = DOCS_IMG / f"web-{name}.png"
        from PIL import Image  # Pillow comes with matplotlib

        with Image.open(path) as image:
            if image.height > README_MAX_HEIGHT:  # the top of a long page is enough
                image.crop((0, 0, image.width, README_MAX_HEIGHT)).save(target, optimize=True)
            else:
                image.save(target, optimize=True)
    return path


def api_register(page: Any, email: str, name: str = "Pat Browser") -> None:
    """Create a patient through the JSON API; registering signs the page's context in."""
    response = page.request.post(
        "/api/auth/register",
        data={"email": email, "password": PASSWORD, "name": name},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status in (200, 201), response.text()


def api_screen(page: Any) -> None:
    """Answer the screening through the JSON API with no red flags, so the exercise routes
    (upload, live coach, logging) are open to the page's patient."""
    from glutecoach.web.testing import SCREEN_OK

    response = page.request.post("/api/screenings", data=SCREEN_OK,
                                 headers={"X-Requested-With": "fetch"})
    assert response.status == 201, response.text()


def wait_until(page: Any, expression: str, timeout: float = 30_000) -> None:
    """Wait until a JavaScript expression is truthy on the page. Playwright's own
    ``wait_for_function`` evaluates a string inside the page, which the app's
    Content-Security-Policy (no eval) refuses; ``page.evaluate`` is not subject to it."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"{expression!r} still false after {timeout / 1000:.0f} s")
        page.wait_for_timeout(100)


def add_clinician(server: Any, email: str, name: str) -> None:
    """A clinician account made with the CLI, as a clinic would."""
    done = server.cli("users", "add", email, "--role", "clinician", "--name", name,
                      "--timezone", "Europe/London", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


def sign_in(page: Any, email: str) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()
