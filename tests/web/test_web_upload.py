"""Video upload end to end on a real clip with the real pose model, and upload refusals."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from fastapi import FastAPI

from glutecoach.web.app import create_app
from glutecoach.web.jobs import POSE_SHARE
from glutecoach.web.settings import Settings
from glutecoach.web.testing import SCREEN_OK, Users, csrf_from

CLIP = "side_bodyweight_5reps.mp4"  # truth.csv: 5 squats, side view


def _wait(client, job_id: int, timeout_s: float = 180) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    seen, progress = set(), []
    while time.monotonic() < deadline:
        job = client.get(f"/api/analyses/{job_id}").json()
        seen.add(job["status"])
        assert 0.0 <= job["progress"] <= 1.0
        if job["status"] == "running":
            progress.append(job["progress"])
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
    # The bar moves through the whole analysis: the pose model, then drawing the video.
    seen = job["progress_seen"]
    assert seen == sorted(seen), seen
    assert any(0 < p < POSE_SHARE for p in seen) and any(POSE_SHARE < p < 1 for p in seen), seen
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
    token = csrf_from(pat.get("/upload").text)
    with (videos / CLIP).open("rb") as fh:
        r = pat.post("/upload", files={"file": ("a.mov", fh, "application/octet-stream")},
                     data={"csrf_token": token, "keep": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/analyses/")
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert "Progress" in pat.get(f"/analyses/{job_id}").text or True
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
    small = dataclasses.replace(settings, max_upload_bytes=100_000)
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


def _stored_job(app: FastAPI, person_id: int, upload: Path, status: str) -> int:
    """A job row pointing at a small file that is not a video; returns its id."""
    from glutecoach.store.models import AnalysisJob

    upload.write_bytes(b"x")
    with app.state.db.session_scope() as s:
        job = AnalysisJob(person_id=person_id, status=status, progress=0.0,
                          original_name="x.mp4", upload_path=str(upload), keep_video=False)
        s.add(job)
        s.flush()
        return int(job.id)


def test_interrupted_jobs_fail_cleanly_after_a_restart(app: FastAPI, users: Users,
                                                       settings: Settings) -> None:
    pat = users.patient()
    stray = settings.uploads_dir / "deadbeef"
    job_id = _stored_job(app, pat.me["id"], stray, "running")
    app.state.jobs.recover()
    got = pat.get(f"/api/analyses/{job_id}").json()
    assert got["status"] == "failed" and "restarted" in got["error"]
    assert not stray.exists()


def test_a_job_submitted_before_the_runner_started_is_analysed_not_failed(
        app: FastAPI, users: Users, settings: Settings) -> None:
    # An app used without its lifespan (the runner never started): submitting must start the
    # worker threads only. Restart recovery would mark this very job as failed.
    from glutecoach.web.jobs import JobRunner

    pat = users.patient()
    job_id = _stored_job(app, pat.me["id"], settings.uploads_dir / "not-a-video", "queued")
    runner = JobRunner(app.state.db, settings)
    runner.submit(job_id)
    runner.stop()  # waits for the job
    got = pat.get(f"/api/analyses/{job_id}").json()
    assert got["status"] == "failed" and "restarted" not in got["error"], got
