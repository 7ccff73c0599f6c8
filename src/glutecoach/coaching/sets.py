"""Turning an analysis result (``glutecoach.analysis/1`` JSON) into the numbers a set keeps.

Form-passing reps are the reliable reps with no fault of severity ``fault``; ``advice`` notes
(e.g. depth for someone in pain, "as far as comfortable") do not fail a rep. Unreliable reps are
counted as reps but never as passing: the camera could not vouch for them. A set logged without
a camera is "reported": its reps count for the plan, but none of them is "good form".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from glutecoach.coaching.errors import InvalidField
from glutecoach.result import SCHEMA_ID, AnalysisResult, Rep


@dataclass(frozen=True)
class SetCounts:
    """Reps, form-passing reps, the 0-100 form score (None if absent), fault codes, and whether
    a camera saw the set."""

    reps: int
    passing_reps: int
    form_score: float | None
    faults: list[str]
    filmed: bool = True


def rep_passes(rep: Rep) -> bool:
    """A rep passes when it is reliable and has no fault of severity ``fault``."""
    return rep.reliable and not any(f.severity == "fault" for f in rep.faults)


def read_analysis(result: AnalysisResult | Mapping[str, Any]) -> AnalysisResult:
    """The typed result of a fresh analysis or of its stored JSON.

    Raises :class:`InvalidField` naming the first part that does not match
    ``glutecoach.analysis/1`` (another schema id, a fault code that does not exist, a missing
    field), so a damaged or foreign document is refused in one line rather than half-read.
    """
    if isinstance(result, AnalysisResult):
        return result
    try:
        return AnalysisResult.model_validate(result)
    except ValidationError as bad:
        first = bad.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        more = f" (and {bad.error_count() - 1} more)" if bad.error_count() > 1 else ""
        raise InvalidField("video", f"analysis {where}: {first['msg']}{more}; "
                                    f"expected a {SCHEMA_ID} result") from None


def counts_from_analysis(result: AnalysisResult | Mapping[str, Any]) -> SetCounts:
    """Reps, passing reps, score and faults of an analysis (typed, or its JSON)."""
    analysis = read_analysis(result)
    score = analysis.summary.form_score
    return SetCounts(
        reps=len(analysis.reps),
        passing_reps=sum(1 for rep in analysis.reps if rep_passes(rep)),
        form_score=None if score is None else max(0.0, min(100.0, float(score))),
        faults=[f.code.value for rep in analysis.reps for f in rep.faults if f.severity == "fault"],
    )


def counts_from_reps(reps: int) -> SetCounts:
    """A set logged without a camera: every rep counts for the plan, none is "good form"."""
    if isinstance(reps, bool) or not isinstance(reps, int) or not 0 < reps <= 200:
        raise InvalidField("reps", f"must be a whole number 1-200, got {reps!r}")
    return SetCounts(reps=reps, passing_reps=0, form_score=None, faults=[], filmed=False)


def json_safe(value: Any) -> Any:
    """A copy of ``value`` with NaN and infinities replaced by None.

    Unmeasured metrics come out of the analysis as NaN; strict JSON (and PostgreSQL's JSONB)
    has no NaN, so they are stored as null.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
