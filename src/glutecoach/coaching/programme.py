"""The programme: a ladder of levels, today's plan, and the rules that move a person along it.

The ladder follows evidence.md: glute bridge -> clamshell / side-lying hip abduction -> chair
squat -> bodyweight squat -> split squat / step-up -> single-leg bridge / hip thrust ->
single-leg squat, then added resistance (band, then dumbbell). Each level has one key exercise
whose logged sets drive progression and a couple of supporting exercises.

Within a level the rep target climbs 10 -> 12 -> 13; moving on needs the target + 2, so nobody
is asked past the article's 15. Sets and reps stay inside the ACSM position stand (8-15 reps,
1-3 sets, 2-3 sessions a week; Ratamess et al. 2009).

Rules, applied only to sessions since the programme last changed, each body region on its own
(the pain-monitoring model: Thomeé 1997; Silbernagel et al. 2007):

* **Step back** when pain during or after exercise went above 5/10, when the next morning had
  not settled (2+ points above the pain before the session), or when the weekly average rose by
  2+ points.
* **Hold** when pain reached 5, when the next morning was worse at all, when pain before the
  session was above 5, or while the next morning is unknown after a 2+ point rise.
* **Progress** (the 2-for-2 rule) when the key exercise beat the target by 2 or more reps in two
  sessions in a row: good-form reps when filmed, else the reps reported.
* Never past the gentle level while a "soon" red flag waits for a clinician's review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from glutecoach.coaching import rules
from glutecoach.coaching.exercises import EXERCISES, Exercise
from glutecoach.thresholds import TARGET_REPS_MAX


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
    """Where a person is: level, key exercise, rep target, sets, sessions a week, resistance.

    ``resistance`` indexes :data:`rules.RESISTANCE_STEPS` (0 is bodyweight).
    """

    level: int
    target_reps: int
    sets: int
    sessions_per_week: int = rules.ACSM_SESSIONS_PER_WEEK_MAX
    resistance: int = 0

    @property
    def exercise(self) -> str:
        """Code of the level's key exercise."""
        return LADDER[self.level].key

    @property
    def resistance_name(self) -> str:
        """What to hold or wear for the key exercise, in words."""
        return rules.RESISTANCE_STEPS[self.resistance]


@dataclass(frozen=True)
class RegionPain:
    """One body region's pain (0-10) around one session; None where not recorded.

    ``next_morning`` is the first reading of that region on a later day.
    """

    before: int | None = None
    during: int | None = None
    after: int | None = None
    next_morning: int | None = None


@dataclass(frozen=True)
class SessionRecord:
    """What the rules need from one past session (since the programme last changed).

    ``key_reps`` is the reps of the key exercise that count: good-form reps of the last filmed
    set when one was filmed (a reported set never overrides the camera), else the reps of the
    last reported set; None when it was not done. ``pain`` maps a region to its readings.
    """

    day: date
    key_reps: int | None
    pain: Mapping[str, RegionPain] = field(default_factory=dict)
    key_filmed: bool = False


Action = Literal["continue", "progress", "hold", "step_back"]


@dataclass(frozen=True)
class Decision:
    """What to do today: ``reason`` in plain words for the patient, ``detail`` with the numbers
    for the clinician (stored with the programme change)."""

    action: Action
    reason: str
    state: ProgrammeState
    detail: str = ""


@dataclass(frozen=True)
class PlanItem:
    """One exercise in today's plan."""

    exercise: Exercise
    sets: int
    reps: int
    key: bool
    resistance: str = rules.RESISTANCE_STEPS[0]


def initial_state(level: int) -> ProgrammeState:
    """The state a new programme starts at: two sets of 10 (one set at the easiest level)."""
    level = max(0, min(level, TOP_LEVEL))
    sets = 1 if level == 0 else 2
    return ProgrammeState(level=level, target_reps=rules.REP_TARGET_STEPS[0], sets=sets)


def step_up(state: ProgrammeState) -> ProgrammeState:
    """One step harder: the next rep target, else the next level at 10 reps, else (at the top
    level) the next resistance at 10 reps, else a third set."""
    steps = rules.REP_TARGET_STEPS
    higher = [reps for reps in steps if reps > state.target_reps]
    if higher:
        return replace(state, target_reps=higher[0])
    if state.level < TOP_LEVEL:
        return replace(state, level=state.level + 1, target_reps=steps[0], sets=max(state.sets, 2))
    if state.resistance < len(rules.RESISTANCE_STEPS) - 1:
        return replace(state, resistance=state.resistance + 1, target_reps=steps[0])
    return replace(state, sets=min(state.sets + 1, rules.ACSM_SETS_MAX))


def step_down(state: ProgrammeState) -> ProgrammeState:
    """One step easier: the previous rep target, else less resistance or the previous level at
    its middle target."""
    steps = rules.REP_TARGET_STEPS
    lower = [reps for reps in steps if reps < state.target_reps]
    if lower:
        return replace(state, target_reps=lower[-1])
    if state.resistance > 0:
        return replace(state, resistance=state.resistance - 1, target_reps=steps[1])
    if state.level == 0:
        return replace(state, target_reps=steps[0], sets=1)
    return replace(state, level=state.level - 1, target_reps=steps[1])


def cap_level(state: ProgrammeState, max_level: int) -> ProgrammeState:
    """``state`` no harder than ``max_level`` (bodyweight, from its first target)."""
    if state.level <= max_level:
        return state
    return replace(initial_state(max_level), sessions_per_week=state.sessions_per_week)


_SEVERITY = {"hold": 1, "step_back": 2}
_PLAIN = {
    "hold": "We keep today's plan the same",
    "step_back": "We make today's plan a little easier",
}


def _region_verdicts(region: str, p: RegionPain, day: date) -> list[tuple[Action, str, str]]:
    """(action, plain words, numbers) for one region in one session, by the monitoring model."""
    limit = rules.PAIN_MONITOR_LIMIT
    when = day.isoformat()
    found: list[tuple[Action, str, str]] = []
    for moment, score in (("during", p.during), ("after", p.after)):
        if score is None:
            continue
        if score > limit:
            found.append(("step_back", f"your {region} pain {moment} exercise went above {limit}",
                          f"{region} pain {moment} {score}/10 > {limit} on {when}"))
        elif score == limit:
            found.append(("hold", f"your {region} pain {moment} exercise reached {limit}",
                          f"{region} pain {moment} {score}/10 = {limit} on {when}"))
    if p.before is not None and p.before > limit:
        found.append(("hold", f"your {region} pain before exercise was above {limit}",
                      f"{region} pain before {p.before}/10 > {limit} on {when}"))
    if p.before is not None and p.next_morning is not None:
        rise = p.next_morning - p.before
        if rise >= rules.PAIN_NEXT_MORNING_UNSETTLED_POINTS:
            found.append(("step_back", f"your {region} pain had not settled by the next morning",
                          f"{region} {p.before}/10 before, {p.next_morning}/10 next morning "
                          f"(+{rise}) after {when}"))
        elif rise > 0:
            found.append(("hold", f"your {region} pain was a little worse the next morning",
                          f"{region} {p.before}/10 before, {p.next_morning}/10 next morning "
                          f"after {when}"))
    peak = max((x for x in (p.during, p.after) if x is not None), default=None)
    if (p.before is not None and peak is not None and p.next_morning is None
            and peak - p.before >= rules.PAIN_FLARE_RISE_POINTS):
        found.append(("hold", f"your {region} pain went up during exercise; tell us how it is "
                      "tomorrow morning before we move on",
                      f"{region} {p.before}->{peak}/10 on {when}, next morning not yet known"))
    return found


def weekly_rise(
    readings: Sequence[tuple[date, str, int]], until: date
) -> dict[str, tuple[float, float]]:
    """Per region, (average of the week before, average of the last week) up to ``until``,
    where the last week's average is higher by the meaningful change or more."""
    days = rules.PAIN_WEEK_DAYS
    rising: dict[str, tuple[float, float]] = {}
    for region in sorted({r for _, r, _ in readings}):
        week_ago, fortnight_ago = until - timedelta(days=days), until - timedelta(days=2 * days)
        last = [s for d, r, s in readings if r == region and week_ago < d <= until]
        before = [s for d, r, s in readings if r == region and fortnight_ago < d <= week_ago]
        if last and before:
            previous, latest = sum(before) / len(before), sum(last) / len(last)
            if latest - previous >= rules.PAIN_WEEKLY_RISE_POINTS:
                rising[region] = (round(previous, 1), round(latest, 1))
    return rising


def _pain_decision(
    state: ProgrammeState,
    history: Sequence[SessionRecord],
    rising: Mapping[str, tuple[float, float]],
) -> Decision | None:
    """The most cautious verdict: step-backs from any session since the change, holds from the
    latest one (a later good session lifts an older hold), each region judged on its own."""
    verdicts: list[tuple[Action, str, str]] = []
    for index, record in enumerate(history):
        latest = index == len(history) - 1
        for region, pain in sorted(record.pain.items()):
            verdicts += [v for v in _region_verdicts(region, pain, record.day)
                         if v[0] == "step_back" or latest]
    if history:
        for region, (previous, now) in sorted(rising.items()):
            verdicts.append(("step_back", f"your {region} pain has been rising week by week",
                             f"{region} weekly average {previous:g} -> {now:g}/10"))
    if not verdicts:
        return None
    worst = max(_SEVERITY[v[0]] for v in verdicts)
    chosen = [v for v in verdicts if _SEVERITY[v[0]] == worst]
    action = chosen[0][0]
    plain = f"{_PLAIN[action]}: " + "; ".join(dict.fromkeys(v[1] for v in chosen)) + "."
    detail = f"{action.replace('_', ' ')}: " + "; ".join(v[2] for v in chosen)
    new_state = step_down(state) if action == "step_back" else state
    return Decision(action, plain, new_state, detail)


def decide(
    state: ProgrammeState,
    history: Sequence[SessionRecord],
    rising: Mapping[str, tuple[float, float]] | None = None,
    max_level: int | None = None,
) -> Decision:
    """Apply the pain-monitoring rules, then the 2-for-2 rule, to the sessions since the last
    change (oldest first), so a decision already acted on is never applied twice.

    ``rising`` is :func:`weekly_rise` of the person's readings; ``max_level`` caps progression
    while a "soon" red flag waits for a clinician's review.
    """
    by_pain = _pain_decision(state, history, rising or {})
    if by_pain is not None:
        return by_pain
    key_sessions = [r for r in history if r.key_reps is not None]
    needed = rules.PROGRESS_CONSECUTIVE_SESSIONS
    goal = state.target_reps + rules.PROGRESS_MARGIN_REPS
    name = EXERCISES[state.exercise].name.lower()
    recent = key_sessions[-needed:]
    if len(recent) == needed and all((r.key_reps or 0) >= goal for r in recent):
        harder = step_up(state)
        numbers = ", ".join(f"{r.key_reps} {'filmed good-form' if r.key_filmed else 'reported'}"
                            for r in recent)
        if max_level is not None and harder.level > max_level:
            return Decision(
                "hold",
                "You are ready for a harder exercise, but your plan stays at the gentle level "
                "until a clinician has looked at the answers from your screening.",
                state,
                f"2-for-2 met ({numbers} reps of {name}, goal {goal}) but capped at level "
                f"{max_level} until a clinician reviews the 'soon' red flag",
            )
        return Decision(
            "progress",
            f"Well done: you did {goal} or more {name} reps twice in a row, so the plan "
            "moves up a step.",
            harder,
            f"progress (2-for-2 rule): {numbers} reps of {name} against a goal of {goal}",
        )
    done = sum(1 for r in recent if (r.key_reps or 0) >= goal)
    return Decision(
        "continue",
        f"Aim for {goal} {name} reps in {needed} sessions in a row to move on ({done} so far).",
        state,
        f"continue: {done}/{needed} sessions at {goal}+ reps",
    )


def todays_plan(state: ProgrammeState) -> list[PlanItem]:
    """The exercises for today: the key exercise at the target, then the supporting ones."""
    level = LADDER[state.level]
    items = [PlanItem(EXERCISES[level.key], state.sets, state.target_reps, key=True,
                      resistance=state.resistance_name)]
    support_reps = min(max(state.target_reps, rules.REP_TARGET_STEPS[1]), TARGET_REPS_MAX)
    items.extend(
        PlanItem(EXERCISES[code], state.sets, support_reps, key=False) for code in level.support
    )
    return items


def first_level_of(exercise: str) -> int | None:
    """The lowest ladder level that uses ``exercise`` (None when no level does)."""
    levels = [lvl.number for lvl in LADDER if exercise == lvl.key or exercise in lvl.support]
    return min(levels, default=None)
