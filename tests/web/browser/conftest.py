"""Browser tests: the real app (uvicorn, a throwaway SQLite file and media folder) driven by
Debian's Chromium through Playwright, with Chromium's fake camera playing a real squat clip.

Nothing is mocked: the server runs MediaPipe on the pictures the browser sends. Chromium is
``/usr/bin/chromium`` (``apt-get install chromium``; scripts/setup.sh installs it), never a
Playwright download. Screenshots go to ``artifacts/browser/`` (git-ignored); the README's
pictures are copied from there to ``docs/img/`` when ``GLUTECOACH_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CLIP, DESKTOP


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against the running web app")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    database_url: str
    media_dir: Path
    log_path: Path
    env: dict[str, str]

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run ``glutecoach ARGS`` against the server's database."""
        return subprocess.run(
            [sys.executable, "-m", "glutecoach.cli", *args],
            input=stdin, text=True, capture_output=True, env=self.env, timeout=120, check=False,
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`glutecoach serve` in a subprocess on a free port, on a throwaway SQLite file and media
    folder (the environment variables `glutecoach serve` and the CLI both read)."""
    pytest.importorskip("uvicorn")
    tmp = tmp_path_factory.mktemp("web")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{tmp / 'glutecoach.sqlite'}"
    env = dict(os.environ)
    env.update(
        GLUTECOACH_DATABASE_URL=db_url,
        GLUTECOACH_MEDIA_DIR=str(tmp / "media"),
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
        # Every test signs up from 127.0.0.1; the limit itself is tested in test_web_security.
        GLUTECOACH_SIGNUPS_PER_HOUR="10000",
    )
    port = _free_port()
    log_path = ARTIFACTS / "server.log"
    log = log_path.open("w")
    # The app as a patient or clinic runs it: `glutecoach serve` (uvicorn with its defaults).
    serve = [sys.executable, "-m", "glutecoach.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)]
    proc = subprocess.Popen(serve, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    import httpx

    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"the web app did not start:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/openapi.json", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the web app did not answer in 90 s:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)
    try:
        yield Server(url, db_url, tmp / "media", log_path, env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def fake_camera_y4m(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | None]:
    """The 5-rep side-view clip as the 640x480 Y4M Chromium's fake camera plays (and loops).

    The clip is portrait 720x1280; a 720x720 square around the person (head to feet) is
    pillarboxed to 4:3 and scaled to 640x480, so the person is as large as a webcam would show
    them (about 350 px tall), not a thin strip. None without ffmpeg or the clip: the browser
    then gets Chromium's own test pattern and the live tests skip (see ``squat_camera``)."""
    if shutil.which("ffmpeg") is None or not CLIP.exists():
        yield None
        return
    out = tmp_path_factory.mktemp("camera") / "squat_640x480.y4m"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(CLIP), "-vf",
         "crop=720:720:0:300,pad=960:720:120:0:black,scale=640:480,fps=30",
         "-pix_fmt", "yuv420p", str(out)],
        check=True, timeout=120,
    )
    try:
        yield out
    finally:
        out.unlink(missing_ok=True)  # 140 MB of raw video: not left in pytest's temp folders


@pytest.fixture
def squat_camera(fake_camera_y4m: Path | None) -> Path:
    """The fake camera's squat clip; skips a test that needs it when it cannot be made."""
    if fake_camera_y4m is None:
        pytest.skip(f"the fake camera needs ffmpeg and {CLIP} (../shared/data beside the clone)")
    return fake_camera_y4m


@pytest.fixture(scope="session")
def chromium(fake_camera_y4m: Path | None) -> Iterator[Any]:
    """Debian's Chromium with the fake camera; no Playwright browser download."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (scripts/setup.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                *([f"--use-file-for-fake-video-capture={fake_camera_y4m}"]
                  if fake_camera_y4m else []),
                "--autoplay-policy=no-user-gesture-required",
                "--no-sandbox",
                "--disable-dev-shm-usage",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page; call with a viewport size."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, timezone_id: str = "Europe/London") -> Any:
        context = chromium.new_context(
            base_url=server.url, viewport=viewport or DESKTOP, timezone_id=timezone_id,
            locale="en-GB", permissions=["camera"],
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # The Content-Security-Policy forbids inline script and style: anything the pages still
        # tried is reported by Chromium on the console, and fails the test.
        page.on("console", lambda msg: errors.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        return page

    errors: list[str] = []
    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


