"""Programme rules: the ladder, the 2-for-2 progression and the pain hold / step back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from glutecoach.coaching import rules
from glutecoach.coaching.exercises import EXERCISES
from glutecoach.coaching.programme import (
    LADDER,
    TOP_LEVEL,
    ProgrammeState,
    SessionRecord,
    decide,
    initial_state,
    step_down,
    step_up,
    todays_plan,
)

START = date(2026, 11, 2)
STATE = ProgrammeState(level=2, target_reps=10, sets=2)  # bodyweight squat, 2 x 10


def sessions(
    *passing: int | None, pain: list[tuple[int, int, int | None]] | None = None
) -> list[SessionRecord]:
    """Records two days apart; ``pain`` gives (before, after, next day) per session."""
    pain = pain or [(2, 2, 2)] * len(passing)
    return [
        SessionRecord(START + timedelta(days=2 * i), reps, *pain[i])
        for i, reps in enumerate(passing)
    ]


@pytest.mark.parametrize(
    ("passing", "action"),
    [
        ((12, 12), "progress"),  # target 10 beaten by 2 twice in a row
        ((15, 13), "progress"),
        ((11, 12), "continue"),  # 11 is only +1
        ((12,), "continue"),  # one session is not two
        ((12, 9, 12), "continue"),  # not in a row
        ((9, 12, 12), "progress"),
        ((12, None, 12), "progress"),  # a session without the key exercise does not break it
        ((), "continue"),
    ],
)
def test_two_for_two_rule(passing: tuple[int | None, ...], action: str) -> None:
    decision = decide(STATE, sessions(*passing))
    assert decision.action == action
    if action == "progress":
        assert decision.state == ProgrammeState(level=2, target_reps=12, sets=2)
    else:
        assert decision.state == STATE


def test_pain_rise_not_yet_known_holds() -> None:
    decision = decide(STATE, sessions(12, 12, pain=[(2, 2, 2), (2, 4, None)]))
    assert decision.action == "hold"
    assert decision.state == STATE
    assert "tomorrow" in decision.reason


def test_pain_rise_not_settled_steps_back() -> None:
    state = ProgrammeState(level=2, target_reps=12, sets=2)
    decision = decide(state, sessions(14, 14, pain=[(2, 2, 2), (3, 6, 5)]))
    assert decision.action == "step_back"
    assert decision.state == ProgrammeState(level=2, target_reps=10, sets=2)
    assert "had not settled" in decision.reason


def test_pain_rise_that_settled_does_not_stop_progress() -> None:
    decision = decide(STATE, sessions(12, 12, pain=[(2, 2, 2), (2, 4, 3)]))
    assert decision.action == "progress"


def test_pain_rise_of_one_point_is_not_a_flare() -> None:
    decision = decide(STATE, sessions(12, 12, pain=[(2, 3, 3), (3, 4, 4)]))
    assert decision.action == "progress"


def test_step_up_walks_reps_then_levels() -> None:
    state = initial_state(1)
    seen = [(state.level, state.target_reps)]
    while state.level < TOP_LEVEL or state.target_reps < rules.REP_TARGET_STEPS[-1]:
        state = step_up(state)
        seen.append((state.level, state.target_reps))
    assert seen[:5] == [(1, 10), (1, 12), (1, 15), (2, 10), (2, 12)]
    top = step_up(state)
    assert (top.level, top.target_reps) == (TOP_LEVEL, 15)
    assert top.sets == min(state.sets + 1, rules.ACSM_SETS_MAX)


def test_step_down_walks_back_and_stops_at_the_floor() -> None:
    assert step_down(ProgrammeState(2, 15, 2)) == ProgrammeState(2, 12, 2)
    assert step_down(ProgrammeState(2, 10, 2)) == ProgrammeState(1, 12, 2)
    assert step_down(ProgrammeState(0, 10, 1)) == ProgrammeState(0, 10, 1)


@pytest.mark.parametrize("level", range(TOP_LEVEL + 1))
@pytest.mark.parametrize("reps", rules.REP_TARGET_STEPS)
def test_plans_stay_inside_acsm_and_the_article(level: int, reps: int) -> None:
    state = ProgrammeState(level, reps, 2 if level else 1)
    items = todays_plan(state)
    assert items[0].key and items[0].exercise.code == LADDER[level].key
    for item in items:
        assert rules.ARTICLE_REPS_MIN <= item.reps <= rules.ARTICLE_REPS_MAX
        assert rules.ACSM_REPS_MIN <= item.reps <= rules.ACSM_REPS_MAX
        assert rules.ACSM_SETS_MIN <= item.sets <= rules.ACSM_SETS_MAX
    assert (
        rules.ACSM_SESSIONS_PER_WEEK_MIN
        <= state.sessions_per_week
        <= rules.ACSM_SESSIONS_PER_WEEK_MAX
    )


def test_ladder_follows_the_evidence_order() -> None:
    keys = [level.key for level in LADDER]
    assert keys == [
        "glute_bridge",
        "chair_squat",
        "squat",
        "split_squat",
        "step_up",
        "single_leg_squat",
    ]
    for level in LADDER:
        assert all(code in EXERCISES for code in (level.key, *level.support))
