"""Video upload end to end on a real clip with the real pose model, and upload refusals."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from glutecoach.settings import Settings
from glutecoach.store.columns import utc_now
from glutecoach.web.app import create_app
from glutecoach.web.testing import SCREEN_OK, Users, csrf_from

CLIP = "side_bodyweight_5reps.mp4"  # truth.csv: 5 squats, side view


def _wait(client, job_id: int, timeout_s: float = 180) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    seen = set()
    progress = []
    while time.monotonic() < deadline:
        job = client.get(f"/api/analyses/{job_id}").json()
        seen.add(job["status"])
        progress.append(job["progress"])
        assert 0.0 <= job["progress"] <= 1.0
        if job["status"] in ("done", "failed"):
            job["seen"], job["progress_seen"] = seen, progress
            return job
        time.sleep(0.25)
    raise AssertionError(f"analysis {job_id} still {job['status']} after {timeout_s} s")


@pytest.mark.slow
def test_upload_analyse_result_page_and_log(app: FastAPI, users: Users, videos: Path,
                                            settings: Settings) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    with (videos / CLIP).open("rb") as fh:
        r = pat.post("/api/analyses", files={"file": ("my squats.mp4", fh, "video/mp4")},
                     data={"pain_before": "3", "pain_after": "2"})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    job = _wait(pat, r.json()["id"])
    assert job["status"] == "done", job["error"]
    # The bar keeps moving while the annotated video is drawn (it used to sit at 80 %).
    assert any(0.8 < value < 1.0 for value in job["progress_seen"]), job["progress_seen"]
    assert job["progress_seen"] == sorted(job["progress_seen"])
    result = job["result"]
    assert result["schema"] == "glutecoach.analysis/1"
    assert result["squat_detected"] and result["rep_count"] == 5
    assert result["source"]["path"] == "my squats.mp4"  # no server path leaks out
    # The upload is gone (not kept); the annotated video is served.
    assert list(settings.uploads_dir.iterdir()) == []
    video = pat.get(job["video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    ranged = pat.get(job["video_url"], headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100
    # Result page: the video, a card per rep, cues, not-checked items with filming advice.
    page = pat.get(f"/analyses/{job['id']}").text
    assert page.count('class="card rep"') == 5
    assert "<video" in page and "How to film next time" in page
    for cue in result["summary"]["top_cues"]:
        assert cue["cue"] in page
    # The set is in the log with the pain readings, as 'log --video' records it.
    progress = pat.get("/api/progress").json()
    sets = progress["sessions"][-1]["sets"]
    assert sets[-1]["exercise"] == "squat" and sets[-1]["reps"] == 5
    assert progress["sessions"][-1]["pain_before"] == 3


@pytest.mark.slow
def test_upload_page_keep_video_and_nonsquat(app: FastAPI, users: Users, videos: Path,
                                             settings: Settings) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    token = csrf_from(pat.get("/upload").text)
    with (videos / CLIP).open("rb") as fh:
        r = pat.post("/upload", files={"file": ("a.mov", fh, "application/octet-stream")},
                     data={"csrf_token": token, "keep": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/analyses/")
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = pat.get(f"/analyses/{job_id}").text  # seconds before a 10 s clip can be analysed
    assert 'id="pending"' in page and '<progress id="bar"' in page
    job = _wait(pat, job_id)
    assert job["status"] == "done" and job["keep_video"]
    kept = list(settings.uploads_dir.iterdir())
    assert len(kept) == 1 and "." not in kept[0].name  # generated name, no client suffix
    # Push-ups: analysed, nothing logged, no annotated video.
    with (videos / "wt_pushups_test0.mp4").open("rb") as fh:
        r = pat.post("/api/analyses", files={"file": ("p.mp4", fh, "video/mp4")})
    job = _wait(pat, r.json()["id"])
    assert job["status"] == "done" and not job["result"]["squat_detected"]
    assert job["video_url"] is None
    page = pat.get(f"/analyses/{job['id']}").text
    assert "No squat reps were found" in page


def test_uploads_are_checked_by_content_and_size(app: FastAPI, users: Users,
                                                 settings: Settings) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    fake = b"<html>not a video</html>" * 100
    r = pat.post("/api/analyses", files={"file": ("squat.mp4", fake, "video/mp4")})
    assert r.status_code == 422 and "not a video" in r.json()["detail"]
    r = pat.post("/api/analyses", files={"file": ("empty.mp4", b"", "video/mp4")})
    assert r.status_code == 422
    assert pat.post("/api/analyses", data={"keep": "true"}).status_code == 422
    assert list(settings.uploads_dir.iterdir()) == []
    doc = users.clinician()
    assert doc.post("/api/analyses", files={"file": ("a.mp4", fake, "video/mp4")}).status_code == 403


def test_upload_size_limit(settings: Settings, videos: Path) -> None:
    small = settings.replace(max_upload_mb=0.1)
    app = create_app(small)
    made = Users(app)
    try:
        pat = made.patient()
        with (videos / CLIP).open("rb") as fh:
            r = pat.post("/api/analyses", files={"file": ("big.mp4", fh, "video/mp4")})
        assert r.status_code == 413
        assert list(small.uploads_dir.iterdir()) == []
    finally:
        made.close()
        app.state.db.dispose()


def _stored_job(app: FastAPI, person_id: int, upload: Path, status: str, **row: Any) -> int:
    """A job row pointing at ``upload`` (a small file that is not a video unless it exists
    already); returns its id."""
    from glutecoach.store.models import AnalysisJob

    if not upload.exists():
        upload.write_bytes(b"x")
    with app.state.db.session_scope() as s:
        job = AnalysisJob(person_id=person_id, status=status, progress=0.0,
                          original_name="x.mp4", upload_path=str(upload), keep_video=False, **row)
        s.add(job)
        s.flush()
        return int(job.id)


def _job_row(app: FastAPI, job_id: int) -> Any:
    from glutecoach.store.models import AnalysisJob

    with app.state.db.session_scope() as s:
        return s.get(AnalysisJob, job_id)


def _runner(app: FastAPI, settings: Settings, **changes: Any) -> Any:
    from glutecoach.web.jobs import JobRunner

    return JobRunner(app.state.db, dataclasses.replace(settings, **changes))


def test_a_dead_servers_job_is_queued_again_and_analysed(app: FastAPI, users: Users,
                                                         settings: Settings) -> None:
    """A job whose server stopped renewing its lease is run again by a live server, not
    failed; one that has already been tried MAX_ATTEMPTS times is failed."""
    from glutecoach.web.jobs import MAX_ATTEMPTS

    pat = users.patient()
    expired = {"claimed_by": "dead-server", "lease_until": utc_now() - timedelta(seconds=1)}
    again = _stored_job(app, pat.me["id"], settings.uploads_dir / "a", "running", attempts=1,
                        **expired)
    given_up = _stored_job(app, pat.me["id"], settings.uploads_dir / "b", "running",
                           attempts=MAX_ATTEMPTS, **expired)
    app.state.jobs.submit(again)  # the app's runner (started with the client) takes it
    got = _wait(pat, again, timeout_s=120)
    # Run again: the file is not a video, so this run fails with that reason (not a restart).
    assert got["status"] == "failed" and "not a video" in got["error"], got
    assert _job_row(app, again).attempts == 2
    stopped = pat.get(f"/api/analyses/{given_up}").json()
    assert stopped["status"] == "failed" and "several times" in stopped["error"]
    assert not (settings.uploads_dir / "b").exists()


def test_a_job_submitted_before_the_runner_started_is_analysed(
        app: FastAPI, users: Users, settings: Settings) -> None:
    # An app used without its lifespan (the runner never started): submitting starts it.
    pat = users.patient()
    job_id = _stored_job(app, pat.me["id"], settings.uploads_dir / "not-a-video", "queued")
    runner = _runner(app, settings)
    runner.submit(job_id)
    try:
        got = _wait(pat, job_id, timeout_s=120)
    finally:
        runner.stop()
    assert got["status"] == "failed" and "not a video" in got["error"], got


@pytest.mark.slow
def test_a_stopping_server_hands_its_job_back_and_a_restart_finishes_it(
        app: FastAPI, users: Users, settings: Settings, videos: Path) -> None:
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    upload = settings.uploads_dir / "clip.mp4"
    upload.write_bytes((videos / CLIP).read_bytes())
    job_id = _stored_job(app, pat.me["id"], upload, "queued")
    first = app.state.jobs  # this server, started with the client
    first.submit(job_id)
    deadline = time.monotonic() + 120
    while (job := pat.get(f"/api/analyses/{job_id}").json())["progress"] <= 0:
        assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
        time.sleep(0.1)
    first.stop()  # mid-analysis
    row = _job_row(app, job_id)
    assert (row.status, row.claimed_by, row.progress) == ("queued", None, 0.0)
    assert upload.exists()
    second = _runner(app, settings)
    second.start()
    try:
        got = _wait(pat, job_id)
    finally:
        second.stop()
    assert got["status"] == "done" and got["result"]["rep_count"] == 5, got
    assert _job_row(app, job_id).attempts == 2
    assert len(pat.get("/api/progress").json()["sessions"][-1]["sets"]) == 1  # logged once


def test_a_patient_blocked_while_the_upload_waits_gets_the_reason_once(
        app: FastAPI, users: Users, settings: Settings, videos: Path) -> None:
    """A "yes" in the symptom check while an upload is queued: the analysis ends failed with
    the reason in words, after one try, and no set is logged (it used to be retried until it
    failed as "stopped several times")."""
    pat = users.patient()
    assert pat.post("/api/screenings", json=SCREEN_OK).status_code == 201
    upload = settings.uploads_dir / "clip.mp4"
    upload.write_bytes((videos / CLIP).read_bytes())
    job_id = _stored_job(app, pat.me["id"], upload, "queued")
    checked = pat.post("/api/symptom-check", json={"numbness_or_bladder": True, "new_weakness": False})
    assert checked.status_code == 201 and checked.json()["positive"]
    app.state.jobs.submit(job_id)
    got = _wait(pat, job_id)
    assert got["status"] == "failed" and "clinician" in got["error"], got
    assert _job_row(app, job_id).attempts == 1
    assert not any(s["sets"] for s in pat.get("/api/progress").json()["sessions"])
