"""``glutecoach serve`` starts the real server (uvicorn) on a fresh database and answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_app(web_db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach.cli", "serve", "--port", str(port),
         "--database-url", web_db_url, "--media-dir", str(tmp_path / "media"),
         "--trusted-proxy", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start in 60 s"
                time.sleep(0.3)
        assert r.status_code == 200 and "glutecoach" in r.text
        assert httpx.get(base + "/api/auth/me").status_code == 401
        openapi = httpx.get(base + "/openapi.json").json()
        for path in ("/api/auth/register", "/api/auth/login", "/api/auth/logout",
                     "/api/auth/me", "/api/analyses", "/api/analyses/{job_id}",
                     "/api/availability", "/api/slots", "/api/appointments",
                     "/api/appointments/{appointment_id}"):
            assert path in openapi["paths"], path
        with httpx.Client(base_url=base, headers={"X-Requested-With": "fetch"}) as c:
            r = c.post("/api/auth/register", json={"email": "s@example.com",
                                                   "password": "long-enough", "name": "S"})
            assert r.status_code == 201
            assert c.get("/api/auth/me").json()["email"] == "s@example.com"
    finally:
        proc.terminate()
        proc.wait(20)
    assert (tmp_path / "media" / "uploads").is_dir()


def test_serve_rejects_a_bad_port() -> None:
    out = subprocess.run([sys.executable, "-m", "glutecoach.cli", "serve", "--port", "70000"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "port" in out.stderr


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address() -> None:
    done = subprocess.run([sys.executable, "-m", "glutecoach.cli", "serve", "--trusted-proxy",
                           "10.0.0.0/8", "--trusted-proxy", "proxy.local", "--port", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("glutecoach: error: --trusted-proxy: not an IP address or "
                                   "network: 'proxy.local'")
