"""Progress as plain data: pain trends with their clinical meaning, and per-session summaries.

A pain change is called meaningful at 2 points or 30% of the starting score on the 0-10 scale
(Farrar et al., Pain 2001;94(2):149-158; Ostelo et al., Spine 2008). Smaller changes are
reported as "no meaningful change" rather than as progress, so nobody reads noise as success.
The store builds :class:`ProgressData`; the report and the CLI only read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from glutecoach.coaching import rules
from glutecoach.coaching.adherence import Adherence

Direction = Literal["better", "worse", "no meaningful change", "not enough data"]


def region_label(region: str) -> str:
    """How people read a pain region: ``session`` (pain logged with a set) is "before training"."""
    return "before training" if region == "session" else region


@dataclass(frozen=True)
class PainPoint:
    """One pain reading: when (UTC), what (``back``, ``knee`` or ``session``), how much (0-10)."""

    at: datetime
    region: str
    score: int


@dataclass(frozen=True)
class PainTrend:
    """First and latest reading of one region and what the change means."""

    region: str
    first: int | None
    last: int | None
    change: int | None
    direction: Direction

    def sentence(self) -> str:
        """A plain sentence for people and the report."""
        if self.first is None or self.last is None or self.change is None:
            return f"{self.region}: not enough readings yet"
        return (
            f"{self.region}: {self.first}/10 -> {self.last}/10 ({self.change:+d}), {self.direction}"
        )


@dataclass(frozen=True)
class SetSummary:
    """One logged set: reps, form-passing reps, form score (None without a video), faults."""

    exercise: str
    reps: int
    passing_reps: int
    form_score: float | None
    faults: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SessionSummary:
    """One training session on a local date."""

    day: date
    pain_before: int | None
    pain_after: int | None
    sets: list[SetSummary]


@dataclass(frozen=True)
class ProgressData:
    """Everything the progress command and the clinician report show, for one person."""

    person_name: str
    person_email: str
    today: date
    screening: dict[str, Any] | None
    screening_day: date | None
    programme: dict[str, Any] | None
    programme_history: list[dict[str, Any]]
    sessions: list[SessionSummary]
    pain: list[PainPoint]
    trends: list[PainTrend]
    adherence: Adherence


def meaningful_change(first: int, last: int) -> Direction:
    """Classify a pain change: 2+ points or 30%+ of the first score is meaningful."""
    change = last - first
    relative = abs(change) / first if first else 0.0
    if abs(change) >= rules.PAIN_MEANINGFUL_CHANGE_POINTS or (
        change != 0 and relative >= rules.PAIN_MEANINGFUL_CHANGE_FRACTION
    ):
        return "better" if change < 0 else "worse"
    return "no meaningful change"


def pain_trend(points: Sequence[PainPoint], region: str) -> PainTrend:
    """Trend of one region from its first to its latest reading."""
    series = sorted((p for p in points if p.region == region), key=lambda p: p.at)
    if len(series) < 2:
        first = series[0].score if series else None
        return PainTrend(region, first, first, None, "not enough data")
    first, last = series[0].score, series[-1].score
    return PainTrend(region, first, last, last - first, meaningful_change(first, last))
