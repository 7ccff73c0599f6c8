"""Progress as plain data: pain trends with their clinical meaning, and per-session summaries.

A pain change is called meaningful at 2 points on the 0-10 scale (Farrar et al., Pain
2001;94(2):149-158; Ostelo et al., Spine 2008). Smaller changes are reported as "no meaningful
change" rather than as progress or as worse, so nobody reads noise as success or as a flare.
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


@dataclass(frozen=True)
class PainPoint:
    """One pain reading: when (UTC), which region (``back``, ``knee``), how much (0-10), and
    ``moment`` (``before``, ``during``, ``after`` a session; None between sessions)."""

    at: datetime
    region: str
    score: int
    moment: str | None = None


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
    """One logged set: reps, form-passing reps, form score (None without a video), faults,
    whether it was filmed (else "reported") and any added load."""

    exercise: str
    reps: int
    passing_reps: int
    form_score: float | None
    faults: list[str] = field(default_factory=list)
    filmed: bool = False
    load_kg: float | None = None
    band: str | None = None

    def describe(self) -> str:
        """'12 reps, 9 with good form (filmed)' or '12 reps (reported)', plus any load."""
        load = "".join([f", {self.load_kg:g} kg" if self.load_kg else "",
                        f", {self.band} band" if self.band else ""])
        if self.filmed:
            return f"{self.reps} reps, {self.passing_reps} with good form (filmed){load}"
        return f"{self.reps} reps (reported){load}"


@dataclass(frozen=True)
class SessionSummary:
    """One training session on a local date."""

    day: date
    pain_before: int | None
    pain_after: int | None
    sets: list[SetSummary]


@dataclass(frozen=True)
class FlagEvent:
    """A screening with red flags, and who cleared or reviewed it, when, with what note."""

    day: date
    flags: list[str]
    referral: str
    cleared_by: str | None
    cleared_on: date | None
    note: str | None


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
    timezone: str = "UTC"
    clinician: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    flag_history: list[FlagEvent] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    #: The latest screening's red flags were cleared (or reviewed) by a clinician.
    screening_cleared: bool = False
    #: The STarT Back statements the person agreed with (item 9 when "very much"/"extremely").
    start_back_positive: list[str] = field(default_factory=list)


def meaningful_change(
    first: float, last: float, points: float = rules.PAIN_MEANINGFUL_CHANGE_POINTS,
    higher_is_better: bool = False,
) -> Direction:
    """Classify a change against its minimal important change ``points`` (pain: 2 points)."""
    change = last - first
    if abs(change) < points:
        return "no meaningful change"
    return "better" if (change > 0) == higher_is_better else "worse"


def pain_trend(points: Sequence[PainPoint], region: str) -> PainTrend:
    """Trend of one region from its first to its latest resting reading (pain during or after
    exercise is left out: it is judged by the pain-monitoring rules instead)."""
    series = sorted((p for p in points if p.region == region and p.moment in (None, "before")),
                    key=lambda p: p.at)
    if len(series) < 2:
        first = series[0].score if series else None
        return PainTrend(region, first, first, None, "not enough data")
    first, last = series[0].score, series[-1].score
    return PainTrend(region, first, last, last - first, meaningful_change(first, last))
