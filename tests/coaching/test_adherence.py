"""Adherence: weekly sessions against the plan, streaks and missed sessions."""

from __future__ import annotations

from datetime import date, timedelta

from glutecoach.coaching.adherence import adherence, week_start

MON = date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> list[date]:
    return [MON + timedelta(days=o) for o in offsets]


def test_week_start_is_monday() -> None:
    assert week_start(date(2026, 11, 8)) == MON  # Sunday
    assert week_start(MON) == MON


def test_no_sessions() -> None:
    summary = adherence([], MON, 3)
    assert summary.sessions == 0 and summary.adherence_pct is None and summary.weeks == []


def test_perfect_three_weeks() -> None:
    summary = adherence(days(0, 2, 4, 7, 9, 11, 14, 16, 18), MON + timedelta(days=21), 3)
    assert summary.adherence_pct == 100.0
    assert summary.current_streak_weeks == 3 and summary.longest_streak_weeks == 3
    assert summary.missed_sessions == 0
    assert summary.days_since_last == 3


def test_missed_week_breaks_the_streak_and_counts_missed_sessions() -> None:
    # week 1: 3, week 2: 1, week 3: 3; today is in week 4 with nothing yet
    summary = adherence(days(0, 2, 4, 8, 14, 15, 17), MON + timedelta(days=22), 3)
    assert [w.done for w in summary.weeks] == [3, 1, 3, 0]
    assert summary.missed_sessions == 2
    assert summary.adherence_pct == round(100 * 7 / 9, 1)
    assert summary.current_streak_weeks == 1  # unfinished week 4 does not break it
    assert summary.longest_streak_weeks == 1


def test_unfinished_week_is_not_counted_as_missed() -> None:
    summary = adherence(days(0), MON + timedelta(days=1), 3)
    assert summary.missed_sessions == 0 and summary.adherence_pct is None


def test_same_day_sessions_count_once_and_day_streak() -> None:
    summary = adherence(days(0, 0, 1, 2), MON + timedelta(days=2), 2)
    assert summary.sessions == 3
    assert summary.training_day_streak == 3
    assert summary.current_streak_weeks == 1


def test_since_programme_start_counts_empty_weeks() -> None:
    summary = adherence(days(14), MON + timedelta(days=15), 2, since=MON)
    assert [w.done for w in summary.weeks] == [0, 0, 1]
    assert summary.missed_sessions == 4


def test_a_programme_starting_on_sunday_misses_nothing_that_week() -> None:
    # Finding 9: the first part-week counts only the days left in it.
    sunday = MON + timedelta(days=6)
    summary = adherence(days(7, 9, 11), MON + timedelta(days=14), 3, since=sunday)
    assert [w.planned for w in summary.weeks] == [0, 3, 3]
    assert summary.missed_sessions == 0 and summary.adherence_pct == 100.0
    thursday = MON + timedelta(days=3)  # 4 days left of 7: 1 session planned
    summary = adherence(days(3, 7, 9, 11), MON + timedelta(days=14), 3, since=thursday)
    assert summary.weeks[0].planned == 1 and summary.missed_sessions == 0
