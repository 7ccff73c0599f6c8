"""Log a filmed set from an analysis result, as ``glutecoach log --video`` does.

Shared by the web upload (background job) and the live coach: both end with a
``glutecoach.analysis/1`` result that becomes one :class:`~glutecoach.store.models.ExerciseSet`
in today's session, counted by :func:`glutecoach.coaching.sets.counts_from_analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.sets import counts_from_analysis, read_analysis
from glutecoach.result import AnalysisResult
from glutecoach.store import service
from glutecoach.store.models import ExerciseSet, Person


def has_reps(analysis: AnalysisResult) -> bool:
    """True when the analysis found a squat with at least one rep (worth logging)."""
    return analysis.squat_detected and bool(analysis.reps)


def log_analysed_set(
    session: Session,
    person: Person,
    result: AnalysisResult | Mapping[str, Any],
    *,
    exercise: str = "squat",
    video_path: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    now: datetime | None = None,
) -> ExerciseSet:
    """Record a filmed set in the person's log (today's session); flushes, caller commits.

    ``result`` is an ``AnalysisResult`` or its JSON. Raises :class:`InvalidField` when it is
    not a valid ``glutecoach.analysis/1`` result or holds no squat reps, so an empty set never
    enters the log.
    """
    analysis = read_analysis(result)
    if not has_reps(analysis):
        raise InvalidField("video", "no squat reps were found, so nothing was logged")
    counts = counts_from_analysis(analysis)
    return service.log_set(
        session,
        person,
        exercise,
        counts,
        analysis=analysis.to_dict(),
        video_path=video_path,
        pain_before=pain_before,
        pain_after=pain_after,
        now=now,
    )
