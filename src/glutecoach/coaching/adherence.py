"""Consistency: sessions per week against the plan, streaks and missed sessions.

Weeks run Monday to Sunday in the person's own time zone (the caller converts UTC timestamps to
local dates). The plan is 2-3 sessions a week (ACSM, Ratamess et al. 2009); a week "meets the
plan" when it holds at least that many training days. The current week is reported but only
counted as missed once it is over, so nobody is told off on a Tuesday. The first week counts
only the days left in it (a programme starting on Sunday plans nothing for that week).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday week: training days done against the plan."""

    start: date
    done: int
    planned: int
    complete: bool

    @property
    def met(self) -> bool:
        """True when the week reached the plan."""
        return self.done >= self.planned


@dataclass(frozen=True)
class Adherence:
    """Summary over every week from the first session (or programme start) to today."""

    weeks: list[Week]
    sessions: int
    adherence_pct: float | None
    current_streak_weeks: int
    longest_streak_weeks: int
    missed_sessions: int
    days_since_last: int | None
    training_day_streak: int


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _weeks(days: set[date], first: date, today: date, planned: int) -> list[Week]:
    weeks = []
    start = week_start(first)
    current = week_start(today)
    while start <= current:
        end = start + timedelta(days=7)
        done = sum(1 for d in days if start <= d < end)
        days_left = (end - max(start, first)).days
        weeks.append(Week(start, done, planned * days_left // 7, complete=start < current))
        start = end
    return weeks


def _streaks(weeks: list[Week]) -> tuple[int, int]:
    """(current, longest) runs of weeks that met the plan; an unfinished week that already
    met it extends the run, one that has not yet does not break it."""
    longest = run = 0
    for week in weeks:
        if week.met:
            run += 1
        elif week.complete:
            run = 0
        longest = max(longest, run)
    return run, longest


def _day_streak(days: set[date], today: date) -> int:
    """Consecutive training days ending today or yesterday (for encouragement only)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def adherence(
    session_days: Iterable[date], today: date, sessions_per_week: int, since: date | None = None
) -> Adherence:
    """Summarise consistency from local session dates.

    ``since`` is when the programme started (defaults to the first session); several sessions on
    one day count as one training day.
    """
    days = {d for d in session_days if d <= today}
    starts = [d for d in (since, min(days, default=None)) if d is not None]
    if not starts:
        return Adherence([], 0, None, 0, 0, 0, None, 0)
    weeks = _weeks(days, min(starts), today, sessions_per_week)
    complete = [w for w in weeks if w.complete]
    planned = sum(w.planned for w in complete)
    done = sum(min(w.done, w.planned) for w in complete)
    current, longest = _streaks(weeks)
    return Adherence(
        weeks=weeks,
        sessions=len(days),
        adherence_pct=round(100.0 * done / planned, 1) if planned else None,
        current_streak_weeks=current,
        longest_streak_weeks=longest,
        missed_sessions=sum(max(0, w.planned - w.done) for w in complete),
        days_since_last=(today - max(days)).days if days else None,
        training_day_streak=_day_streak(days, today),
    )
