"""Background video analysis: a job row per upload, run on a thread pool.

Threads, not processes, because the pose model releases the GIL in its native code, progress
is written straight to the job row, and one worker per app keeps a laptop responsive. The job
row (status queued|running|done|failed, progress 0-1, error, result) is the only channel to
the web requests, so a page can poll it and a restart finds the truth in the database: jobs
that were queued or running when the server stopped are marked failed and their uploads
deleted. The analysis core is called as the CLI calls it; it knows nothing about the web.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from glutecoach.errors import InputError
from glutecoach.store.analysed_sets import has_reps, log_analysed_set
from glutecoach.store.columns import utc_now
from glutecoach.store.db import Database
from glutecoach.store.models import AnalysisJob, Person
from glutecoach.web.settings import Settings

log = logging.getLogger(__name__)

#: Share of the progress bar for the pose model; the rest is drawing the annotated video,
#: which takes about as long (a 10 s phone clip: 6 s of pose model, 7 s of drawing).
POSE_SHARE = 0.5
PROGRESS_EVERY_S = 0.4


def safe_name(name: str | None) -> str:
    """A file name fit to show back (never used as a path)."""
    base = re.sub(r"[^\w .()-]+", "_", Path(name or "video").name)[:120].strip()
    return base or "video"


class JobRunner:
    """Runs analysis jobs for one app (``app.state.jobs``)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Recover from a restart, purge expired videos and start the worker threads."""
        self.recover()
        self.purge_expired_videos()
        self._ensure_pool()

    def _ensure_pool(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=max(1, self.settings.analysis_workers), thread_name_prefix="analysis"
            )

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, job_id: int) -> None:
        # Not started (an app used without its lifespan): only the threads are needed. Recovery
        # must not run here, or it would fail the job just queued.
        self._ensure_pool()
        assert self._pool is not None
        self._pool.submit(self.run, job_id)

    # --- maintenance ---------------------------------------------------------------------

    def recover(self) -> None:
        with self.db.session_scope() as s:
            for job in s.scalars(
                select(AnalysisJob).where(AnalysisJob.status.in_(("queued", "running")))
            ):
                job.status, job.finished_at = "failed", utc_now()
                job.error = "the server restarted before this video was analysed; upload it again"
                self._drop_upload(job)

    def purge_expired_videos(self) -> None:
        """Annotated videos of sets the patient did not keep are viewable for a while only."""
        cutoff = utc_now() - timedelta(hours=self.settings.annotated_keep_hours)
        with self.db.session_scope() as s:
            for job in s.scalars(
                select(AnalysisJob).where(
                    AnalysisJob.keep_video.is_(False),
                    AnalysisJob.annotated_path.is_not(None),
                    AnalysisJob.finished_at < cutoff,
                )
            ):
                if job.annotated_path:
                    Path(job.annotated_path).unlink(missing_ok=True)
                job.annotated_path = None

    @staticmethod
    def _drop_upload(job: AnalysisJob) -> None:
        if job.upload_path and not job.keep_video:
            Path(job.upload_path).unlink(missing_ok=True)
            job.upload_path = None

    # --- one job -------------------------------------------------------------------------

    def _set_progress(self, job_id: int, value: float) -> None:
        with self.db.session_scope() as s:
            job = s.get(AnalysisJob, job_id)
            if job is not None:
                job.progress = round(max(0.0, min(1.0, value)), 3)

    def run(self, job_id: int) -> None:
        """Analyse one job's upload; every outcome ends in ``done`` or ``failed``."""
        try:
            self._run(job_id)
        except InputError as bad:
            self._fail(job_id, str(bad))
        except Exception:
            log.exception("analysis job %s failed", job_id)
            self._fail(job_id, "the analysis failed unexpectedly; try another recording")

    def _fail(self, job_id: int, message: str) -> None:
        with self.db.session_scope() as s:
            job = s.get(AnalysisJob, job_id)
            if job is not None:
                job.status, job.error, job.finished_at = "failed", message, utc_now()
                self._drop_upload(job)

    def _run(self, job_id: int) -> None:
        from glutecoach.analysis import AnalysisOptions, analyze_sequence, load_sequence
        from glutecoach.coaching.sets import json_safe
        from glutecoach.render import write_annotated_video

        with self.db.session_scope() as s:
            job = s.get(AnalysisJob, job_id)
            if job is None or job.status != "queued" or not job.upload_path:
                return
            job.status, job.progress = "running", 0.0
            upload = Path(job.upload_path)
            original = job.original_name
        last = [0.0]

        def progress(start: float, share: float) -> Callable[[int, int], None]:
            def report(done: int, total: int) -> None:
                now = time.monotonic()
                if total > 0 and now - last[0] >= PROGRESS_EVERY_S:
                    last[0] = now
                    self._set_progress(job_id, start + share * min(done, total) / total)
            return report

        seq = load_sequence(upload, AnalysisOptions(), progress(0.0, POSE_SHARE))
        result = analyze_sequence(seq)
        analysis: dict[str, Any] = json_safe(result.to_dict())
        analysis.setdefault("source", {})["path"] = original
        annotated: Path | None = None
        if has_reps(analysis):
            self._set_progress(job_id, POSE_SHARE)
            annotated = self.settings.videos_dir / f"{uuid.uuid4().hex}.mp4"
            write_annotated_video(upload, seq, result, annotated,
                                  progress(POSE_SHARE, 0.99 - POSE_SHARE))
        try:
            with self.db.session_scope() as s:
                job = s.get(AnalysisJob, job_id)
                if job is None:
                    raise InputError("the analysis was deleted while it ran")
                person = s.get(Person, job.person_id)
                job.result = analysis
                job.annotated_path = str(annotated) if annotated else None
                if person is not None and has_reps(analysis):
                    row = log_analysed_set(
                        s, person, analysis,
                        video_path=str(annotated) if (annotated and job.keep_video) else None,
                        pain_before=job.pain_before, pain_after=job.pain_after,
                    )
                    job.exercise_set_id = row.id
                job.status, job.progress, job.finished_at = "done", 1.0, utc_now()
                self._drop_upload(job)
        except BaseException:
            if annotated is not None:
                annotated.unlink(missing_ok=True)
            raise
