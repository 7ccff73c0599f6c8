"""Uploads at clinic scale: two real ``glutecoach serve`` processes on one PostgreSQL database,
analysing on one local Ray instance, share the uploads without running any twice, and a job
whose server is killed mid-analysis is finished by the other one (and a restarted server
carries on)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from glutecoach.coaching.screening import example_answers
from glutecoach.store.testing import backend_database_url

CLIP = "side_bodyweight_5reps.mp4"  # truth.csv: 5 squats; long enough to kill a server mid-way
PASSWORD = "Five squats, then a long rest 2026"


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    yield from backend_database_url("postgresql", tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One ``glutecoach serve`` process; the media folder is the storage every node shares."""

    def __init__(self, url: str, media: Path, ray_address: str, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "glutecoach.cli", "serve", "--port", str(self.port),
             "--database-url", url, "--media-dir", str(media), "--ray", ray_address],
            stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "GLUTECOACH_JOB_LEASE_S": "4"})
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(self.base + "/", timeout=2)
                return
            except httpx.TransportError:
                assert self.proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "server did not start in 120 s"
                time.sleep(0.3)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"X-Requested-With": "fetch"}, timeout=60)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(60)
        self.log.close()


def _upload(client: httpx.Client, clip: Path, name: str) -> int:
    with clip.open("rb") as fh:
        r = client.post("/api/analyses", files={"file": (name, fh, "video/mp4")})
    assert r.status_code == 202, r.text
    return int(r.json()["id"])


def _jobs(engine: sa.Engine) -> dict[int, Any]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, status, claimed_by, attempts, exercise_set_id, error FROM analysis_jobs"))
        return {row.id: row for row in rows}


def _wait_until(check: Any, what: str, timeout_s: float = 300) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)
    return found


@pytest.mark.slow
def test_two_servers_on_ray_share_uploads_and_survive_a_killed_server(
        pg_url: str, tmp_path: Path, videos: Path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    address = ray.get_runtime_context().gcs_address
    media = tmp_path / "media"
    engine = sa.create_engine(pg_url)
    servers: list[Server] = []
    try:
        a = Server(pg_url, media, address, tmp_path / "a.log")
        servers.append(a)
        b = Server(pg_url, media, address, tmp_path / "b.log")
        servers.append(b)
        with a.client() as on_a, b.client() as on_b:
            r = on_a.post("/api/auth/register",
                          json={"email": "pat@example.com", "password": PASSWORD, "name": "Pat"})
            assert r.status_code == 201, r.text
            # Exercise (uploads included) is refused until the safety questions are answered.
            r = on_a.post("/api/screenings", json=example_answers())
            assert r.status_code == 201, r.text
            r = on_b.post("/api/auth/login", json={"email": "pat@example.com", "password": PASSWORD})
            assert r.status_code == 200, r.text
            ids = [_upload(client, videos / CLIP, f"set {i}.mp4")
                   for i, client in enumerate((on_a, on_b, on_a, on_b))]

            # Kill server A (no clean stop) while it analyses one of the uploads.
            a_prefix = f"{socket.gethostname()[:60]}:{a.proc.pid}:"
            killed = _wait_until(lambda: next(
                (j.id for j in _jobs(engine).values()
                 if j.status == "running" and (j.claimed_by or "").startswith(a_prefix)), None),
                "server A to take a job")
            a.stop(signal.SIGKILL)

            done = _wait_until(lambda: all(j.status in ("done", "failed")
                                           for j in _jobs(engine).values()), "all four analyses")
            assert done
            jobs = _jobs(engine)
            for job_id in ids:
                got = on_b.get(f"/api/analyses/{job_id}").json()
                assert got["status"] == "done", got
                assert got["result"]["rep_count"] == 5
            # Each upload analysed and logged exactly once: the killed one ran a second time
            # (on B, after A's lease ran out), every other one once.
            assert jobs[killed].attempts == 2
            assert sorted(j.attempts for j in jobs.values()) == [1, 1, 1, 2]
            with engine.connect() as conn:
                sets = conn.execute(sa.text("SELECT id FROM exercise_sets")).scalars().all()
            assert sorted(sets) == sorted(j.exercise_set_id for j in jobs.values())
            assert len(set(sets)) == 4

            # A restarted server takes its share again.
            a = Server(pg_url, media, address, tmp_path / "a2.log")
            servers.append(a)
            b.stop()  # a clean stop: B's work, if any, goes back to the queue
            with a.client() as on_a2:
                r = on_a2.post("/api/auth/login",
                               json={"email": "pat@example.com", "password": PASSWORD})
                assert r.status_code == 200, r.text
                late = _upload(on_a2, videos / CLIP, "after restart.mp4")
                got = _wait_until(lambda: (j := on_a2.get(f"/api/analyses/{late}").json())
                                  ["status"] in ("done", "failed") and j, "the upload after restart")
                assert got["status"] == "done" and got["result"]["rep_count"] == 5, got
    finally:
        for server in servers:
            server.stop()
        engine.dispose()
        ray.shutdown()
    assert list((media / "uploads").iterdir()) == []  # every upload deleted after analysis
