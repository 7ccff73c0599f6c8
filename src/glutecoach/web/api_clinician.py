"""Clinician API: own patients only (anyone else's answers 404), alerts, detail, plots,
PDF report, programme changes and clearing a red-flag screening."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from glutecoach.coaching.programme import TOP_LEVEL
from glutecoach.coaching.progress import ProgressData
from glutecoach.store import clinic, service
from glutecoach.store.appointments import NotFound, appointments_of
from glutecoach.store.models import Person
from glutecoach.web.api_account import issue_reset_link
from glutecoach.web.api_analyses import job_dict
from glutecoach.web.api_appointments import appointment_dict
from glutecoach.web.api_patient import PlotName
from glutecoach.web.deps import Clinician, Db, Note, RecordId, Text, require_fetch
from glutecoach.web.progress import (
    alerts,
    plot_png,
    progress_dict,
    report_pdf,
    screening_dict,
    screenings_of,
    videos_of,
)

router = APIRouter(prefix="/api/patients", tags=["clinician"],
                   dependencies=[Depends(require_fetch)])


def own_patient(db: Db, user: Person, patient_id: int) -> Person:
    try:
        return clinic.patient_of(db, user, patient_id)
    except NotFound:
        raise HTTPException(404, "no such patient") from None


def patient_summary(db: Db, patient: Person, data: ProgressData | None = None) -> dict[str, Any]:
    data = data or service.progress_data(db, patient)
    return {
        "id": patient.id,
        "name": patient.name,
        "email": patient.email,
        "alerts": alerts(db, patient, data),
        "programme": data.programme,
        "adherence_pct": data.adherence.adherence_pct,
        "sessions": data.adherence.sessions,
    }


@router.get("")
def my_patients(user: Clinician, db: Db) -> list[dict[str, Any]]:
    """Your patients with red-flag, pain-rise and missed-session alerts."""
    return [patient_summary(db, p) for p in clinic.patients_of(db, user)]


def patient_detail(db: Db, user: Person, patient: Person) -> dict[str, Any]:
    data = service.progress_data(db, patient)
    return {
        **patient_summary(db, patient, data),
        "screenings": [screening_dict(s) for s in screenings_of(db, patient)],
        "progress": progress_dict(data),
        "videos": [job_dict(j, with_result=False) for j in videos_of(db, patient)],
        "appointments": [appointment_dict(db, a) for a in appointments_of(db, patient)
                         if a.clinician_id == user.id],
    }


@router.get("/{patient_id}")
def get_patient(patient_id: RecordId, user: Clinician, db: Db) -> dict[str, Any]:
    """One patient's screenings, sessions, pain and form trends, and annotated videos."""
    return patient_detail(db, user, own_patient(db, user, patient_id))


@router.get("/{patient_id}/plots/{name}", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def patient_plot(patient_id: RecordId, name: PlotName, user: Clinician, db: Db) -> Response:
    """A progress plot of one of your patients (PNG)."""
    data = service.progress_data(db, own_patient(db, user, patient_id))
    return Response(plot_png(data, name.value), media_type="image/png",
                    headers={"Cache-Control": "no-store"})


@router.get("/{patient_id}/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def patient_report(patient_id: RecordId, user: Clinician, db: Db) -> Response:
    """The clinician PDF report (same as ``glutecoach report``)."""
    patient = own_patient(db, user, patient_id)
    pdf = report_pdf(service.progress_data(db, patient))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="glutecoach-report-{patient.id}.pdf"',
        "Cache-Control": "no-store"})


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int = Field(ge=0, le=TOP_LEVEL)
    target_reps: int = Field(ge=1, le=50)
    sets: int = Field(ge=1, le=5)
    sessions_per_week: int = Field(ge=1, le=7)
    reason: Note = Field(default="", max_length=500)


def set_programme(db: Db, user: Person, patient: Person, body: ProgrammeIn) -> dict[str, Any]:
    row = clinic.adjust_programme(
        db, patient, user, level=body.level, target_reps=body.target_reps, sets=body.sets,
        sessions_per_week=body.sessions_per_week, reason=body.reason)
    db.commit()
    return {"level": row.level, "exercise": row.current_exercise, "target_reps": row.target_reps,
            "sets": row.sets, "sessions_per_week": row.sessions_per_week, "reason": row.reason,
            "started_at": row.started_at.isoformat()}


@router.post("/{patient_id}/programme", status_code=201)
def adjust_programme(
    patient_id: RecordId, body: ProgrammeIn, user: Clinician, db: Db
) -> dict[str, Any]:
    """Set the patient's level, rep target, sets and sessions a week."""
    return set_programme(db, user, own_patient(db, user, patient_id), body)


class IdentifiersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clinic_number: Text | None = Field(default=None, max_length=40)
    date_of_birth: Text | None = Field(default=None, max_length=10, examples=["1970-05-31"])


@router.put("/{patient_id}/identifiers")
def identifiers(
    patient_id: RecordId, body: IdentifiersIn, user: Clinician, db: Db
) -> dict[str, Any]:
    """Set the clinic number and/or date of birth printed on the patient's report."""
    patient = clinic.set_identifiers(own_patient(db, user, patient_id),
                                     clinic_number=body.clinic_number,
                                     date_of_birth=body.date_of_birth)
    db.commit()
    return {"clinic_number": patient.clinic_number,
            "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None}


class ClearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Note = Field(max_length=2000,
                       description="what you checked and why it is safe to go on")


def clear_latest(db: Db, user: Person, patient: Person, note: str) -> dict[str, Any]:
    screening = service.latest_screening(db, patient)
    if screening is None:
        raise HTTPException(409, "this patient has no screening to clear")
    service.clear_screening(db, screening, user, note)
    db.commit()
    return screening_dict(screening)


@router.post("/{patient_id}/reset-link", status_code=201)
def reset_link(patient_id: RecordId, request: Request, user: Clinician, db: Db) -> dict[str, Any]:
    """A one-time link (24 h) with which your patient sets a new password; emailed to them
    too when the server sends email. Earlier links stop working."""
    return issue_reset_link(db, request, user, own_patient(db, user, patient_id))


@router.post("/{patient_id}/clear")
def clear(
    patient_id: RecordId, user: Clinician, db: Db, body: ClearIn | None = None
) -> dict[str, Any]:
    """Clear the latest screening's urgent red flag (the programme restarts at level 0) or
    review its "soon" flag (lifts the gentle-level cap), with a note kept in the history.
    Someone else's patient answers 404 before the note is looked at."""
    patient = own_patient(db, user, patient_id)
    return clear_latest(db, user, patient, body.note if body else "")
