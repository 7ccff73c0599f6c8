"""``/api/analyses``: upload a squat video, follow its analysis, fetch the annotated video.

An upload is streamed to a file with a generated name (never the client's name) in the uploads
folder, refused past the size limit (413), then probed by content with PyAV
(:func:`glutecoach.io.video.probe`): anything PyAV cannot open as a video, or that is too long, is
deleted and answered 422. The job runs in the background (:mod:`glutecoach.web.jobs`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.sets import read_analysis
from glutecoach.result import AnalysisResult
from glutecoach.store import clinic
from glutecoach.store.models import AnalysisJob, ExerciseSet, Person
from glutecoach.store.service import check_pain, require_exercise_allowed
from glutecoach.web.deps import Db, Patient, RecordId, User, require_fetch
from glutecoach.web.jobs import safe_name

router = APIRouter(prefix="/api/analyses", tags=["analyses"],
                   dependencies=[Depends(require_fetch)])

CHUNK = 1024 * 1024


class JobOut(BaseModel):
    """An analysis as the API and the pages show it: status, progress (0-1), the error or the
    ``glutecoach.analysis/1`` result, and the set's rep counts for lists."""

    id: int
    status: str
    progress: float = 0.0
    error: str | None = None
    result: AnalysisResult | None = None
    video_url: str | None = None
    keep_video: bool = False
    created_at: str | None = None
    original_name: str = ""
    reps: int | None = None
    good_reps: int | None = None

    @classmethod
    def of(cls, job: AnalysisJob, *, with_result: bool = True) -> JobOut:
        """The job's view; a stored result that is not a valid ``glutecoach.analysis/1``
        document is refused (:class:`InvalidField`, answered 422) rather than half-shown."""
        result = None if job.result is None else read_analysis(job.result)
        return cls(
            id=job.id, status=job.status, progress=job.progress, error=job.error,
            result=result if with_result else None,
            video_url=f"/api/analyses/{job.id}/video" if job.annotated_path else None,
            keep_video=job.keep_video,
            created_at=job.created_at.isoformat() if job.created_at else None,
            original_name=job.original_name,
            reps=result.summary.rep_count if result else None,
            good_reps=result.summary.form_passing_reps if result else None,
        )


def job_dict(job: AnalysisJob, *, with_result: bool = True) -> dict[str, Any]:
    """:class:`JobOut` as plain JSON data, for the page templates and larger documents."""
    return JobOut.of(job, with_result=with_result).model_dump(mode="json")


async def _save_upload(file: UploadFile, folder: Path, limit: int) -> Path:
    target = folder / uuid.uuid4().hex
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"the video is larger than {limit // (1024 * 1024)} MB")
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise InvalidField("file", "the file is empty")
    return target


def _check_video(path: Path, max_seconds: float) -> None:
    """Refuse by content: PyAV must find a video stream; the clip must not be too long."""
    from glutecoach.io.video import probe

    try:
        info = probe(path)
    except Exception:  # noqa: BLE001 - any decoder complaint means "not a usable video"
        path.unlink(missing_ok=True)
        raise InvalidField("file", "this is not a video we can read (try MP4 or MOV)") from None
    if info.duration_s and info.duration_s > max_seconds:
        path.unlink(missing_ok=True)
        raise InvalidField("file", f"the video is {info.duration_s:.0f} s long; "
                                   f"film one set, at most {max_seconds:.0f} s")


async def create_job(
    request: Request, db: Session, person: Person, file: UploadFile, keep: bool,
    pain_before: int | None = None, pain_after: int | None = None,
) -> AnalysisJob:
    """Store the upload, queue its analysis and commit; shared by the API and the page."""
    settings = request.app.state.settings
    require_exercise_allowed(db, person)  # the red-flag block, before the upload is read
    pain_before = check_pain(pain_before, "pain_before")
    pain_after = check_pain(pain_after, "pain_after")
    path = await _save_upload(file, settings.uploads_dir, settings.max_upload_bytes)
    # Probing and the database are blocking calls: keep them off the event loop, which the
    # live coach's WebSocket shares.
    await run_in_threadpool(_check_video, path, settings.max_video_seconds)
    job = AnalysisJob(
        person_id=person.id, status="queued", progress=0.0,
        original_name=safe_name(file.filename), upload_path=str(path), keep_video=keep,
        pain_before=pain_before, pain_after=pain_after,
    )

    def save() -> None:
        db.add(job)
        db.commit()

    try:
        await run_in_threadpool(save)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    request.app.state.jobs.submit(job.id)
    return job


def jobs_of(db: Session, person: Person, *, limit: int) -> list[AnalysisJob]:
    """The person's newest ``limit`` analyses, newest first."""
    return list(db.scalars(select(AnalysisJob).where(AnalysisJob.person_id == person.id)
                           .order_by(AnalysisJob.created_at.desc(), AnalysisJob.id.desc())
                           .limit(limit)))


def visible_job(db: Session, user: Person, job_id: int) -> AnalysisJob:
    """A job of the user's own, or of one of their patients for a clinician; 404 otherwise."""
    job = db.get(AnalysisJob, job_id)
    if job is not None:
        if job.person_id == user.id:
            return job
        try:
            clinic.patient_of(db, user, job.person_id)  # the one rule for "their patient"
            return job
        except clinic.NotFound:
            pass
    raise HTTPException(404, "no such analysis")


@router.post("", status_code=202, response_model=JobOut,
             responses={413: {"description": "too large"}, 422: {"description": "not a video"}})
async def upload(
    request: Request,
    user: Patient,
    db: Db,
    file: Annotated[UploadFile, File(description="a squat video (MP4, MOV, WebM...)")],
    keep: Annotated[bool, Form(description="keep the video after analysis")] = False,
    pain_before: Annotated[int | None, Form(ge=0, le=10)] = None,
    pain_after: Annotated[int | None, Form(ge=0, le=10)] = None,
) -> JobOut:
    """Upload a video; its analysis runs in the background (poll ``GET /api/analyses/{id}``)."""
    job = await create_job(request, db, user, file, keep, pain_before, pain_after)
    return JobOut(id=job.id, status=job.status, progress=0.0)


@router.get("", response_model=list[JobOut], responses={422: {"description": "a damaged result"}})
def list_jobs(user: Patient, db: Db) -> list[JobOut]:
    """Your analyses, newest first (without the full result)."""
    return [JobOut.of(j, with_result=False) for j in jobs_of(db, user, limit=200)]


@router.get("/{job_id}", response_model=JobOut, responses={422: {"description": "a damaged result"}})
def get_job(job_id: RecordId, user: User, db: Db) -> JobOut:
    """Status, progress (0-1), error, and the ``glutecoach.analysis/1`` result when done."""
    return JobOut.of(visible_job(db, user, job_id))


@router.get("/{job_id}/video", response_class=FileResponse,
            responses={200: {"content": {"video/mp4": {}}}, 404: {"description": "no video"}})
def get_video(job_id: RecordId, user: User, db: Db) -> FileResponse:
    """The annotated MP4 (supports range requests for seeking). A clinician sees it only
    when the patient chose to keep the video."""
    job = visible_job(db, user, job_id)
    if job.person_id != user.id and not job.keep_video:
        # The patient did not choose to keep this video: it is theirs alone.
        raise HTTPException(404, "the patient did not keep this video")
    if not job.annotated_path or not Path(job.annotated_path).is_file():
        raise HTTPException(404, "this analysis has no annotated video (not kept or no reps)")
    return FileResponse(job.annotated_path, media_type="video/mp4")


@router.delete("/{job_id}", status_code=204)
def delete_job(job_id: RecordId, user: Patient, db: Db) -> None:
    """Delete an analysis and its videos (the logged set stays in your log)."""
    job = visible_job(db, user, job_id)
    if job.status in ("queued", "running"):
        raise HTTPException(409, "the analysis is still running")
    for path in (job.annotated_path, job.upload_path):
        if path:
            Path(path).unlink(missing_ok=True)
    if job.exercise_set_id is not None:
        logged = db.get(ExerciseSet, job.exercise_set_id)
        if logged is not None:
            logged.video_path = None
    db.delete(job)
    db.commit()
