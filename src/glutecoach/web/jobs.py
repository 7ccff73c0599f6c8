"""Background video analysis: the database is the queue, the batch executors do the work.

Each upload is a job row (status queued|running|done|failed, progress 0-1, error, result). The
row is the only channel between the web requests and the analysis, so any number of web
servers can share one database (PostgreSQL for a clinic) and its jobs:

* A server **claims** a queued job with one guarded ``UPDATE ... WHERE status = 'queued'``
  (after ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so servers do not queue behind
  each other's locks): of two servers racing for a job exactly one updates the row, so no job
  runs twice.
* It holds a **lease** (``lease_until``), extended while the analysis runs. A server that stops
  hands its running jobs back to the queue; a server that dies stops extending its leases, and
  any server queues those jobs again once they run out. A job tried ``MAX_ATTEMPTS`` times
  (a recording that kills its worker every time) fails instead.
* The analysis runs on the executor batch analysis uses (:mod:`glutecoach.batch.local`): local worker
  processes by default, a Ray cluster with ``serve --ray ADDRESS``. The worker writes progress
  to the row itself and stops early if the job is no longer its server's; its server stores the
  result only while it still holds the job.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Result, or_, select, update

from glutecoach.coaching.errors import ProgrammeBlocked
from glutecoach.coaching.sets import read_analysis
from glutecoach.errors import InputError
from glutecoach.settings import Settings
from glutecoach.store.analysed_sets import has_reps, log_analysed_set
from glutecoach.store.columns import utc_now
from glutecoach.store.db import Database
from glutecoach.store.models import AnalysisJob, Person
from glutecoach.store.service import require_exercise_allowed

log = logging.getLogger(__name__)

#: Share of the progress bar for the pose model; the rest is drawing the annotated video.
POSE_SHARE = 0.8
PROGRESS_EVERY_S = 0.4
#: How often a server looks for queued jobs, finished work and expired leases.
POLL_S = 0.5
#: Claims of one job before it is failed rather than queued again.
MAX_ATTEMPTS = 3
UNEXPECTED = "the analysis failed unexpectedly; try another recording"


def safe_name(name: str | None) -> str:
    """A file name fit to show back (never used as a path)."""
    base = re.sub(r"[^\w .()-]+", "_", Path(name or "video").name)[:120].strip()
    return base or "video"


def _changed(result: Result[Any]) -> int:
    """Rows an UPDATE changed (a guarded UPDATE changes 0 rows when it lost a race)."""
    return int(cast(CursorResult[Any], result).rowcount)


class JobLost(Exception):
    """The job is no longer this server's (handed back, taken over, or deleted): stop."""


# --- the worker: runs in a worker process or a Ray task ---------------------------------------


@lru_cache(maxsize=4)
def _worker_database(url: str) -> Database:
    """One connection pool per worker process, for progress updates."""
    return Database.open(url, migrate=False)


def analyse_upload(job_id: int, upload: str, videos_dir: str, database_url: str,
                   server_id: str, pose_threads: int | None = None) -> dict[str, Any]:
    """Analyse one upload and draw its annotated video; never raises. Returns
    ``{"analysis": ..., "annotated": path or None}``, ``{"error": message}`` or
    ``{"lost": True}`` when the job stopped being ``server_id``'s while it ran."""
    from glutecoach.analysis import AnalysisOptions, analyze_sequence, load_sequence
    from glutecoach.coaching.sets import json_safe
    from glutecoach.outputs.annotated import write_annotated_video

    db = _worker_database(database_url)
    last = [0.0]

    def report(value: float) -> None:
        with db.session_scope() as s:
            held = _changed(s.execute(
                update(AnalysisJob)
                .where(AnalysisJob.id == job_id, AnalysisJob.status == "running",
                       AnalysisJob.claimed_by == server_id)
                .values(progress=round(max(0.0, min(1.0, value)), 3))
            ))
        if not held:
            raise JobLost()

    def stage(start: float, share: float) -> Callable[[int, int], None]:
        """Progress of one stage, from ``start`` to ``start + share`` of the bar; also where a
        job that is no longer this server's is noticed (JobLost)."""
        def tick(done: int, total: int) -> None:
            now = time.monotonic()
            if total > 0 and now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                report(start + share * min(done, total) / total)
        return tick

    annotated: Path | None = None
    try:
        seq = load_sequence(Path(upload), AnalysisOptions(pose_threads=pose_threads),
                            stage(0.0, POSE_SHARE))
        result = analyze_sequence(seq)
        analysis: dict[str, Any] = json_safe(result.to_dict())
        if has_reps(result):
            report(POSE_SHARE)
            annotated = Path(videos_dir) / f"{uuid.uuid4().hex}.mp4"
            write_annotated_video(Path(upload), seq, result, annotated,
                                  stage(POSE_SHARE, 1.0 - POSE_SHARE))
        return {"analysis": analysis, "annotated": str(annotated) if annotated else None}
    except JobLost:
        outcome: dict[str, Any] = {"lost": True}
    except InputError as bad:
        outcome = {"error": str(bad)}
    except Exception:
        log.exception("analysis job %s failed", job_id)
        outcome = {"error": UNEXPECTED}
    if annotated is not None:
        annotated.unlink(missing_ok=True)
    return outcome


# --- the server side: one runner per web app (``app.state.jobs``) -----------------------------


class JobRunner:
    """Claims jobs from the database for this server and runs them on its executor."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.server_id = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._executor: Executor | None = None
        self._running: dict[Future[dict[str, Any]], int] = {}
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._last_heartbeat = 0.0

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.job_lease_s)

    def start(self) -> None:
        """Purge expired videos and start taking jobs."""
        self.purge_expired_videos()
        self._ensure_started()

    def submit(self, job_id: int) -> None:
        """A job was queued (and committed): look for work now, not at the next poll. Any
        server sharing the database may be the one that takes it."""
        self._ensure_started()
        self._wake.set()

    def stop(self) -> None:
        """Stop taking jobs; hand the running ones back to the queue (another server, or this
        one restarted, runs them) and end their workers."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._wake.set()
            thread.join()

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None:
                self._stopping.clear()
                self._thread = threading.Thread(target=self._loop, name="analysis-jobs",
                                                daemon=True)
                self._thread.start()

    # --- the loop --------------------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    self._tick()
                except Exception:  # the database away for a moment: try again next time
                    log.exception("analysis job loop")
                if self._running:
                    wait(list(self._running), timeout=POLL_S, return_when=FIRST_COMPLETED)
                else:
                    self._wake.wait(POLL_S)
                self._wake.clear()
        finally:
            self._hand_back()

    def _tick(self) -> None:
        for future in [f for f in self._running if f.done()]:
            self._finish(self._running.pop(future), future)
        if time.monotonic() - self._last_heartbeat >= self.settings.job_lease_s / 4:
            self._heartbeat()
        self._requeue_expired()
        while len(self._running) < max(1, self.settings.analysis_workers):
            executor = self._executor_for_jobs()  # first: a cluster out of reach claims nothing
            claimed = self._claim()
            if claimed is None:
                break
            job_id, upload = claimed
            future = executor.submit(
                analyse_upload, job_id, upload, str(self.settings.videos_dir),
                self.db.engine.url.render_as_string(hide_password=False), self.server_id,
                self.settings.pose_threads)
            self._running[future] = job_id

    def _executor_for_jobs(self) -> Executor:
        if self._executor is None:
            if self.settings.ray_address:
                from glutecoach.batch.ray import RayExecutor
                self._executor = RayExecutor(self.settings.ray_address)
            else:
                from glutecoach.batch.local import LocalExecutor
                self._executor = LocalExecutor(max(1, self.settings.analysis_workers),
                                               start_method="forkserver")
        return self._executor

    def _claim(self) -> tuple[int, str] | None:
        """Take the oldest queued job for this server, or None when there is none."""
        for _ in range(5):  # another server took the candidate first: try the next one
            with self.db.session_scope() as s:
                candidate = s.scalar(
                    select(AnalysisJob.id).where(AnalysisJob.status == "queued")
                    .order_by(AnalysisJob.id).limit(1).with_for_update(skip_locked=True))
                if candidate is None:
                    return None
                taken = _changed(s.execute(
                    update(AnalysisJob)
                    .where(AnalysisJob.id == candidate, AnalysisJob.status == "queued")
                    .values(status="running", progress=0.0, claimed_by=self.server_id,
                            lease_until=utc_now() + self.lease, attempts=AnalysisJob.attempts + 1)
                ))
                job = s.get(AnalysisJob, candidate) if taken else None
                if job is not None:
                    if job.upload_path:
                        return int(job.id), job.upload_path
                    self._fail(job, "the uploaded video is no longer there; upload it again")
        return None

    def _heartbeat(self) -> None:
        self._last_heartbeat = time.monotonic()
        if self._running:
            with self.db.session_scope() as s:
                s.execute(update(AnalysisJob)
                          .where(AnalysisJob.id.in_(list(self._running.values())),
                                 AnalysisJob.claimed_by == self.server_id,
                                 AnalysisJob.status == "running")
                          .values(lease_until=utc_now() + self.lease))

    def _requeue_expired(self) -> None:
        """Jobs of a server that died (its lease ran out): queue them again, or fail them."""
        with self.db.session_scope() as s:
            for job in s.scalars(
                select(AnalysisJob)
                .where(AnalysisJob.status == "running",
                       or_(AnalysisJob.lease_until.is_(None), AnalysisJob.lease_until < utc_now()))
                .with_for_update(skip_locked=True)
            ):
                if job.attempts >= MAX_ATTEMPTS:
                    self._fail(job, "the analysis stopped several times; try another recording")
                else:
                    self._release(job)

    def _hand_back(self) -> None:
        """This server stops: its running jobs go back to the queue, its workers end."""
        try:
            with self.db.session_scope() as s:
                for job in s.scalars(select(AnalysisJob).where(
                        AnalysisJob.claimed_by == self.server_id,
                        AnalysisJob.status == "running")):
                    self._release(job)
        except Exception:  # the database is gone: the leases run out instead
            log.exception("handing back analysis jobs")
        finally:
            self._running.clear()
            if self._executor is not None:
                self._executor.cancel_all()  # type: ignore[attr-defined]
                self._executor = None

    @staticmethod
    def _release(job: AnalysisJob) -> None:
        job.status, job.progress, job.claimed_by, job.lease_until = "queued", 0.0, None, None

    # --- outcomes --------------------------------------------------------------------------

    def _finish(self, job_id: int, future: Future[dict[str, Any]]) -> None:
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - the worker died (killed, out of memory)
            log.error("analysis job %s: worker failed: %s", job_id, exc)
            outcome = {"error": UNEXPECTED}
            if self._executor is not None and not self.settings.ray_address:
                self._executor.cancel_all()  # type: ignore[attr-defined]  # a broken pool
                self._executor = None
        annotated = outcome.get("annotated")
        try:
            with self.db.session_scope() as s:
                job = s.get(AnalysisJob, job_id, with_for_update=True)
                if job is None or job.status != "running" or job.claimed_by != self.server_id:
                    raise JobLost()  # deleted, or handed to another server meanwhile
                blocked = self._blocked(s, job) if "analysis" in outcome else None
                if blocked is not None:
                    # Blocked while the upload waited (an urgent flag, the symptom check):
                    # the set is not logged and the patient reads why, once, not as a retry.
                    self._fail(job, blocked)
                    if annotated:
                        Path(annotated).unlink(missing_ok=True)
                elif "analysis" in outcome:
                    self._store(s, job, outcome["analysis"], annotated)
                elif "error" in outcome:
                    self._fail(job, outcome["error"])
                else:
                    self._release(job)
        except JobLost:
            if annotated:
                Path(annotated).unlink(missing_ok=True)
        except BaseException:
            if annotated:
                Path(annotated).unlink(missing_ok=True)
            raise

    @staticmethod
    def _blocked(s: Any, job: AnalysisJob) -> str | None:
        """Why the job's owner may not record exercise now (service.require_exercise_allowed),
        or None."""
        person = s.get(Person, job.person_id)
        if person is None:
            return None
        try:
            require_exercise_allowed(s, person)
        except ProgrammeBlocked as blocked:
            return str(blocked)
        return None

    @staticmethod
    def _store(s: Any, job: AnalysisJob, analysis: dict[str, Any], annotated: str | None) -> None:
        analysis.setdefault("source", {})["path"] = job.original_name
        job.result = analysis
        job.annotated_path = annotated
        person = s.get(Person, job.person_id)
        result = read_analysis(analysis)
        if person is not None and has_reps(result):
            row = log_analysed_set(
                s, person, result,
                video_path=annotated if (annotated and job.keep_video) else None,
                pain_before=job.pain_before, pain_after=job.pain_after,
            )
            job.exercise_set_id = row.id
        job.status, job.progress, job.finished_at = "done", 1.0, utc_now()
        job.claimed_by, job.lease_until = None, None
        JobRunner._drop_upload(job)

    @staticmethod
    def _fail(job: AnalysisJob, message: str) -> None:
        job.status, job.error, job.finished_at = "failed", message, utc_now()
        job.claimed_by, job.lease_until = None, None
        JobRunner._drop_upload(job)

    @staticmethod
    def _drop_upload(job: AnalysisJob) -> None:
        if job.upload_path and not job.keep_video:
            Path(job.upload_path).unlink(missing_ok=True)
            job.upload_path = None

    # --- maintenance -----------------------------------------------------------------------

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
