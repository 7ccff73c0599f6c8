"""The programme: a ladder of levels, today's plan, and the rules that move a person along it.

The ladder follows evidence.md: glute bridge -> clamshell / side-lying hip abduction -> chair
squat -> bodyweight squat -> split squat / step-up -> single-leg bridge / hip thrust ->
single-leg squat. Each level has one key exercise whose logged sets drive progression and a
couple of supporting exercises.

Within a level the rep target climbs 10 -> 12 -> 15 (the article's "10-15, gradually
increasing"); beyond 15 the next level starts again at 10. Sets and rep ranges stay inside the
ACSM position stand (8-15 reps, 1-3 sets, 2-3 sessions a week; Ratamess et al. 2009).

Two rules, applied only to sessions since the programme last changed:

* **Hold or step back** when pain rose by 2 or more points in a session (0-10 scale; Farrar 2001,
  Ostelo 2008) and had not settled by the next day. Not yet known -> hold.
* **Progress** (the 2-for-2 rule) when the last set of the key exercise beat the target by 2 or
  more form-passing reps in two sessions in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from glutecoach.coaching import rules
from glutecoach.coaching.exercises import EXERCISES, Exercise


@dataclass(frozen=True)
class Level:
    """One rung of the ladder: the key exercise and the supporting ones."""

    number: int
    key: str
    support: tuple[str, ...]


LADDER: tuple[Level, ...] = (
    Level(0, "glute_bridge", ("clamshell",)),
    Level(1, "chair_squat", ("glute_bridge", "side_lying_hip_abduction")),
    Level(2, "squat", ("glute_bridge", "side_lying_hip_abduction")),
    Level(3, "split_squat", ("single_leg_bridge", "side_lying_hip_abduction")),
    Level(4, "step_up", ("hip_thrust", "side_lying_hip_abduction")),
    Level(5, "single_leg_squat", ("hip_thrust", "single_leg_bridge")),
)
TOP_LEVEL = LADDER[-1].number


@dataclass(frozen=True)
class ProgrammeState:
    """Where a person is: level, the key exercise, its rep target, sets, sessions a week."""

    level: int
    target_reps: int
    sets: int
    sessions_per_week: int = rules.ACSM_SESSIONS_PER_WEEK_MAX

    @property
    def exercise(self) -> str:
        """Code of the level's key exercise."""
        return LADDER[self.level].key


@dataclass(frozen=True)
class SessionRecord:
    """What the rules need from one past session (since the programme last changed).

    ``key_passing_reps`` is the form-passing reps of the last set of the key exercise, None when
    it was not done. ``next_day_pain`` is the first pain reading on the following day, if any.
    """

    day: date
    key_passing_reps: int | None
    pain_before: int | None = None
    pain_after: int | None = None
    next_day_pain: int | None = None


Action = Literal["continue", "progress", "hold", "step_back"]


@dataclass(frozen=True)
class Decision:
    """What to do today and why, with the state to train at."""

    action: Action
    reason: str
    state: ProgrammeState


@dataclass(frozen=True)
class PlanItem:
    """One exercise in today's plan."""

    exercise: Exercise
    sets: int
    reps: int
    key: bool


def initial_state(level: int) -> ProgrammeState:
    """The state a new programme starts at: two sets of 10 (one set at the easiest level)."""
    level = max(0, min(level, TOP_LEVEL))
    sets = 1 if level == 0 else 2
    return ProgrammeState(level=level, target_reps=rules.REP_TARGET_STEPS[0], sets=sets)


def step_up(state: ProgrammeState) -> ProgrammeState:
    """One step harder: the next rep target, else the next level at 10 reps."""
    steps = rules.REP_TARGET_STEPS
    higher = [reps for reps in steps if reps > state.target_reps]
    if higher:
        return ProgrammeState(state.level, higher[0], state.sets, state.sessions_per_week)
    if state.level >= TOP_LEVEL:
        sets = min(state.sets + 1, rules.ACSM_SETS_MAX)
        return ProgrammeState(state.level, state.target_reps, sets, state.sessions_per_week)
    return ProgrammeState(state.level + 1, steps[0], max(state.sets, 2), state.sessions_per_week)


def step_down(state: ProgrammeState) -> ProgrammeState:
    """One step easier: the previous rep target, else the previous level at its middle target."""
    steps = rules.REP_TARGET_STEPS
    lower = [reps for reps in steps if reps < state.target_reps]
    if lower:
        return ProgrammeState(state.level, lower[-1], state.sets, state.sessions_per_week)
    if state.level == 0:
        return ProgrammeState(0, steps[0], 1, state.sessions_per_week)
    return ProgrammeState(state.level - 1, steps[1], state.sets, state.sessions_per_week)


def _pain_flare(record: SessionRecord) -> bool:
    if record.pain_before is None or record.pain_after is None:
        return False
    return record.pain_after - record.pain_before >= rules.PAIN_FLARE_RISE_POINTS


def _settled(record: SessionRecord) -> bool | None:
    """True/False once the next day's pain is known, None while it is not."""
    if record.next_day_pain is None or record.pain_before is None:
        return None
    return record.next_day_pain - record.pain_before < rules.PAIN_FLARE_RISE_POINTS


def _pain_decision(state: ProgrammeState, history: Sequence[SessionRecord]) -> Decision | None:
    """Hold or step back for the latest session whose pain flared, if it has not settled."""
    for record in reversed(history):
        if not _pain_flare(record):
            continue
        rise = f"pain rose {record.pain_before}->{record.pain_after} on {record.day.isoformat()}"
        settled = _settled(record)
        if settled is None:
            return Decision("hold", f"{rise}; log tomorrow's pain before moving on", state)
        if not settled:
            return Decision(
                "step_back",
                f"{rise} and had not settled by the next day ({record.next_day_pain}/10)",
                step_down(state),
            )
        return None  # the latest flare settled: earlier ones are history
    return None


def decide(state: ProgrammeState, history: Sequence[SessionRecord]) -> Decision:
    """Apply the pain rule, then the 2-for-2 rule, to the sessions since the last change.

    ``history`` is oldest first and holds only sessions since the programme last changed, so a
    decision already acted on is never applied twice.
    """
    by_pain = _pain_decision(state, history)
    if by_pain is not None:
        return by_pain
    key_sessions = [r for r in history if r.key_passing_reps is not None]
    needed = rules.PROGRESS_CONSECUTIVE_SESSIONS
    goal = state.target_reps + rules.PROGRESS_MARGIN_REPS
    recent = key_sessions[-needed:]
    if len(recent) == needed and all((r.key_passing_reps or 0) >= goal for r in recent):
        return Decision(
            "progress",
            f"{goal}+ good reps of {state.exercise} in {needed} sessions in a row (2-for-2 rule)",
            step_up(state),
        )
    done = sum(1 for r in recent if (r.key_passing_reps or 0) >= goal)
    return Decision(
        "continue",
        f"aim for {goal}+ good reps in {needed} sessions in a row to move on ({done} so far)",
        state,
    )


def todays_plan(state: ProgrammeState) -> list[PlanItem]:
    """The exercises for today: the key exercise at the target, then the supporting ones."""
    level = LADDER[state.level]
    items = [PlanItem(EXERCISES[level.key], state.sets, state.target_reps, key=True)]
    support_reps = min(max(state.target_reps, rules.REP_TARGET_STEPS[1]), rules.ARTICLE_REPS_MAX)
    items.extend(
        PlanItem(EXERCISES[code], state.sets, support_reps, key=False) for code in level.support
    )
    return items
