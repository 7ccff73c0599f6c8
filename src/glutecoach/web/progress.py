"""Progress for the web: the CLI's plots and PDF as bytes, JSON views, clinician alerts.

The pictures are exactly the CLI's (:mod:`glutecoach.report.plots`, :mod:`glutecoach.report.pdf`);
matplotlib's pyplot state is not thread-safe, so drawing is serialised by a lock.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from glutecoach.coaching.exercises import get_exercise
from glutecoach.coaching.progress import ProgressData
from glutecoach.coaching.screening import flag_label
from glutecoach.store import service
from glutecoach.store.columns import utc_now
from glutecoach.store.models import AnalysisJob, Person, Screening

PLOTS = ("pain", "reps", "adherence")
_DRAWING = threading.Lock()


def plot_png(data: ProgressData, name: str) -> bytes:
    """One of :data:`PLOTS` as PNG bytes."""
    from glutecoach.report import plots

    draw = {"pain": plots.plot_pain, "reps": plots.plot_reps, "adherence": plots.plot_adherence}
    with _DRAWING, tempfile.TemporaryDirectory(prefix="glutecoach-plot-") as tmp:
        path = draw[name](data, Path(tmp) / f"{name}.png")
        return path.read_bytes()


def report_pdf(data: ProgressData) -> bytes:
    """The clinician PDF (same as ``glutecoach report``) as bytes."""
    from glutecoach.report.pdf import build_report

    with _DRAWING, tempfile.TemporaryDirectory(prefix="glutecoach-report-") as tmp:
        return build_report(data, Path(tmp) / "report.pdf").read_bytes()


def progress_dict(data: ProgressData) -> dict[str, Any]:
    """JSON view of the progress data (dates as ISO strings)."""
    a = data.adherence
    return {
        "person": {"name": data.person_name, "email": data.person_email},
        "today": data.today.isoformat(),
        "programme": data.programme,
        "programme_history": data.programme_history,
        "trends": [{**asdict(t), "sentence": t.sentence()} for t in data.trends],
        "adherence": {
            "sessions": a.sessions,
            "adherence_pct": a.adherence_pct,
            "missed_sessions": a.missed_sessions,
            "current_streak_weeks": a.current_streak_weeks,
            "longest_streak_weeks": a.longest_streak_weeks,
            "days_since_last": a.days_since_last,
            "training_day_streak": a.training_day_streak,
        },
        "sessions": [
            {
                "day": s.day.isoformat(),
                "pain_before": s.pain_before,
                "pain_after": s.pain_after,
                "sets": [{**asdict(x), "name": get_exercise(x.exercise).name,
                          "described": x.describe()} for x in s.sets],
            }
            for s in data.sessions
        ],
        "pain": [{"at": p.at.isoformat(), "region": p.region, "score": p.score,
                  "moment": p.moment} for p in data.pain],
        "flag_history": [asdict(f) for f in data.flag_history],
        "outcomes": data.outcomes,
    }


def alerts(session: Session, patient: Person, data: ProgressData | None = None) -> list[dict[str, str]]:
    """What a clinician should look at: red flags, pain going up, missed sessions."""
    data = data or service.progress_data(session, patient)
    found: list[dict[str, str]] = []
    screening = service.latest_screening(session, patient)
    if screening is not None and screening.red_flags:
        urgent = screening.referral == "urgent" and screening.cleared_at is None
        waiting = screening.referral == "soon" and screening.cleared_at is None
        found.append({
            "kind": "red_flag",
            "level": "bad" if urgent else "warn",
            "text": ("URGENT (same day) red flag: " if urgent else "red flag: ")
            + "; ".join(flag_label(c) for c in screening.red_flags)
            + (" (cleared)" if screening.cleared_at else "")
            + (": capped at the gentle level until you review it" if waiting else ""),
        })
    for trend in data.trends:
        if trend.direction == "worse":
            found.append({"kind": "pain_rise", "level": "warn", "text": trend.sentence()})
    a = data.adherence
    if a.missed_sessions > 0:
        found.append({"kind": "missed_sessions", "level": "warn",
                      "text": f"{a.missed_sessions} planned sessions missed"
                              + (f"; last trained {a.days_since_last} days ago"
                                 if a.days_since_last is not None else "")})
    elif screening is not None and a.sessions == 0 and utc_now() - screening.taken_at > timedelta(days=7):
        found.append({"kind": "missed_sessions", "level": "warn",
                      "text": "no sessions logged since the screening a week ago"})
    return found


def screenings_of(session: Session, person: Person) -> list[Screening]:
    return list(session.scalars(select(Screening).where(Screening.person_id == person.id)
                                .order_by(Screening.taken_at.desc(), Screening.id.desc())))


def videos_of(session: Session, person: Person) -> list[AnalysisJob]:
    """The annotated videos the person chose to keep, newest first (what a clinician sees)."""
    return list(session.scalars(
        select(AnalysisJob).where(AnalysisJob.person_id == person.id,
                                  AnalysisJob.keep_video.is_(True),
                                  AnalysisJob.annotated_path.is_not(None))
        .order_by(AnalysisJob.created_at.desc(), AnalysisJob.id.desc())
    ))


def screening_dict(row: Screening) -> dict[str, Any]:
    return {
        "id": row.id,
        "taken_at": row.taken_at.isoformat(),
        "red_flags": row.red_flags,
        "red_flag_labels": [flag_label(c) for c in row.red_flags],
        "referral": row.referral,
        "programme_allowed": row.programme_allowed,
        "cleared_at": row.cleared_at.isoformat() if row.cleared_at else None,
        "cleared_by": row.cleared_by.name if row.cleared_by else None,
        "clearance_note": row.clearance_note,
        "start_back": None if row.start_back_risk is None else {
            "total": row.start_back_total, "distress": row.start_back_distress,
            "risk": row.start_back_risk},
        "starting_level": row.starting_level,
        "advice": list(row.result.get("advice", [])),
        "answers": row.answers,
    }
