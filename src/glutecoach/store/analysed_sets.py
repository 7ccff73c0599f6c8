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
from glutecoach.coaching.sets import counts_from_analysis
from glutecoach.store import service
from glutecoach.store.models import ExerciseSet, Person


def analysis_dict(result: Any) -> dict[str, Any]:
    """The analysis as a dict: an ``AnalysisResult`` (anything with ``to_dict()``) or a mapping."""
    if isinstance(result, Mapping):
        return dict(result)
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict):
        value = to_dict()
        if isinstance(value, Mapping):
            return dict(value)
    raise InvalidField("analysis", "expected an AnalysisResult or its glutecoach.analysis/1 dict")


def has_reps(analysis: Mapping[str, Any]) -> bool:
    """True when the analysis found a squat with at least one rep (worth logging)."""
    return bool(analysis.get("squat_detected")) and bool(analysis.get("reps"))


def log_analysed_set(
    session: Session,
    person: Person,
    result: Any,
    *,
    exercise: str = "squat",
    video_path: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    now: datetime | None = None,
) -> ExerciseSet:
    """Record a filmed set in the person's log (today's session); flushes, caller commits.

    ``result`` is an ``AnalysisResult`` or its dict. Raises :class:`InvalidField` when it holds
    no squat reps, so an empty set never enters the log.
    """
    analysis = analysis_dict(result)
    if not has_reps(analysis):
        raise InvalidField("video", "no squat reps were found, so nothing was logged")
    counts = counts_from_analysis(analysis)
    return service.log_set(
        session,
        person,
        exercise,
        counts,
        analysis=analysis,
        video_path=video_path,
        pain_before=pain_before,
        pain_after=pain_after,
        now=now,
    )
