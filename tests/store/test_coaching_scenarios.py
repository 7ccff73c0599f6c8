"""Issue 11 scenarios: weeks of simulated use through the service layer, on SQLite and
PostgreSQL, with fixed timestamps. Each scenario fails without the rule it names."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from analysis_docs import filmed

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField, ProgrammeBlocked
from glutecoach.coaching.screening import RED_FLAG_CODES, example_answers, parse_answers, screen
from glutecoach.coaching.sets import counts_from_analysis, counts_from_reps
from glutecoach.store import clinic, service
from glutecoach.store.db import Database
from glutecoach.store.models import Programme

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)  # a Monday
DAY = timedelta(days=1)
ANSWERS = example_answers(start_back=[0, 0, 0, 0, 0, 0, 0, 0, "slightly"],
                          pain={"back": 2, "knee": 0}, age=35, sitting_hours_per_day=4,
                          active_days_per_week=3)


def screen_kim(db: Database, at: datetime, flags: tuple[str, ...] = (), **changes: Any) -> None:
    data = {**ANSWERS, **changes, "red_flags": {c: c in flags for c in RED_FLAG_CODES}}
    with db.session_scope() as session:
        try:
            person = service.find_person(session, "Kim")
        except InvalidField:
            doc = service.create_person(session, "doc@example.org", "Dr Lee", role="clinician")
            person = service.create_person(session, "kim@example.org", "Kim", clinician=doc)
        parsed = parse_answers(data)
        service.save_screening(session, person, parsed, screen(parsed), now=at)


def plan(db: Database, at: datetime) -> service.PlanOutcome:
    with db.session_scope() as session:
        return service.build_plan(session, service.find_person(session, "Kim"), now=at)


def key_exercise(db: Database) -> str:
    with db.session_scope() as session:
        programme = service.current_programme(session, service.find_person(session, "Kim"))
        assert programme is not None
        return programme.current_exercise


def train(db: Database, at: datetime, reps: int, *, exercise: str | None = None,
          analysis: dict[str, Any] | None = None, **pain: Any) -> None:
    exercise = exercise or key_exercise(db)
    counts = counts_from_analysis(analysis) if analysis else counts_from_reps(reps)
    with db.session_scope() as session:
        service.log_set(session, service.find_person(session, "Kim"), exercise, counts,
                        analysis=analysis, now=at, **pain)


def morning(db: Database, at: datetime, **scores: int) -> None:
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        for region, score in scores.items():
            service.log_pain(session, person, region, score, now=at)


def levels(db: Database) -> list[tuple[int, str, int]]:
    with db.session_scope() as session:
        rows = session.scalars(sa.select(Programme).order_by(Programme.started_at, Programme.id))
        return [(p.level, p.current_exercise, p.target_reps) for p in rows]


def clear(db: Database, at: datetime, note: str = "Seen in clinic today; safe to go on") -> None:
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        doc = service.find_person(session, "doc@example.org")
        screening = service.latest_screening(session, person)
        assert screening is not None
        service.clear_screening(session, screening, doc, note, now=at)


# --- 1: pain level, not only its rise -----------------------------------------------------------


def test_pain_creeping_up_over_three_weeks_never_progresses_to_split_squats(db: Database) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    befores = [2, 2, 3, 4, 5, 6, 7, 8, 9]
    actions = []
    for week in range(3):
        for n, offset in enumerate((0, 2, 4)):
            at = T0 + (7 * week + offset) * DAY + timedelta(hours=10)
            pain = befores[3 * week + n]
            train(db, at, 14, pain_before=pain, pain_after=pain)
            actions.append(plan(db, at + timedelta(hours=1)).decision.action)
    assert "step_back" in actions
    assert all(level <= 2 for level, _, _ in levels(db))  # never split squats
    assert levels(db)[-1] < levels(db)[0] or levels(db)[-1][0] < 2


@pytest.mark.parametrize(("before", "after"), [(7, 8), (8, 9)])
def test_high_pain_rising_a_point_steps_back(db: Database, before: int, after: int) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    train(db, T0 + DAY, 14, pain_before=2, pain_after=2)
    train(db, T0 + 3 * DAY, 14, pain_before=before, pain_after=after)
    decision = plan(db, T0 + 3 * DAY + timedelta(hours=1)).decision
    assert decision.action == "step_back"
    assert f"back pain after {after}/10 > 5" in decision.detail
    assert levels(db)[-1] == (1, "chair_squat", 12)


# --- 2: "soon" flags are followed up and cap the programme --------------------------------------


def test_night_pain_stays_at_the_gentle_level_until_a_clinician_reviews(db: Database) -> None:
    screen_kim(db, T0, flags=("constant_night_pain",))
    plan(db, T0)
    for session in range(14):
        at = T0 + (2 * session + 1) * DAY
        train(db, at, 15, pain_before=2, pain_during=2, pain_after=2)
        outcome = plan(db, at + timedelta(hours=1))
        assert outcome.advice[0].startswith("Have you seen a clinician yet about: pain all the "
                                            "time or worst at night?")
    assert {level for level, _, _ in levels(db)} == {0}
    assert outcome.decision.action == "hold" and "until a clinician" in outcome.decision.reason
    clear(db, T0 + 29 * DAY, "Reviewed: mechanical night pain, no serious cause")
    at = T0 + 30 * DAY
    train(db, at, 15, pain_before=2, pain_after=2)
    after_review = plan(db, at + timedelta(hours=1))
    assert not any(a.startswith("Have you seen") for a in after_review.advice)
    assert after_review.decision.action == "progress"
    assert levels(db)[-1][0] == 1


# --- 3: same-day urgency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "pain"),
    [(("fever",), {"back": 3, "knee": 0}),
     (("knee_hot_swollen", "fever"), {"back": 0, "knee": 6}),
     (("cannot_bear_weight",), {"back": 0, "knee": 7}),
     (("leg_numb_cold_colour",), {"back": 2, "knee": 2}),
     (("cancer_history", "unexplained_weight_loss", "constant_night_pain"),
      {"back": 4, "knee": 0})],
)
def test_same_day_flags_block_the_programme(db: Database, flags: tuple[str, ...],
                                            pain: dict[str, int]) -> None:
    screen_kim(db, T0, flags=flags, pain=pain)
    outcome = plan(db, T0 + timedelta(hours=1))
    assert outcome.blocked and "today" in outcome.advice[0]
    assert not any("gentle level" in a or "sit-to-stand" in a for a in outcome.advice)


# --- 4: a new screening changes the programme under way -----------------------------------------


def test_rescreen_with_a_knee_that_gives_way_removes_step_ups(db: Database) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        doc = service.find_person(session, "doc@example.org")
        clinic.adjust_programme(session, person, doc, level=4, target_reps=10, sets=2,
                                sessions_per_week=3, now=T0 + DAY)
    assert plan(db, T0 + 2 * DAY).items[0].exercise.code == "step_up"
    screen_kim(db, T0 + 14 * DAY, flags=("knee_locking_or_giving_way",),
               pain={"back": 2, "knee": 3})
    outcome = plan(db, T0 + 14 * DAY + timedelta(hours=1))
    codes = [item.exercise.code for item in outcome.items]
    assert codes == ["glute_bridge", "clamshell"]
    assert levels(db)[-1] == (0, "glute_bridge", 10)


def test_cleared_urgent_flag_restarts_at_level_0_with_the_note_in_the_history(
    db: Database,
) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    for n in range(4):
        train(db, T0 + (2 * n + 1) * DAY, 14, pain_before=1, pain_after=1)
        plan(db, T0 + (2 * n + 1) * DAY + timedelta(hours=1))
    assert levels(db)[-1][0] >= 2
    screen_kim(db, T0 + 10 * DAY, flags=("saddle_numbness",))
    assert plan(db, T0 + 10 * DAY).blocked
    with pytest.raises(InvalidField, match="^note:"):
        clear(db, T0 + 11 * DAY, note="  ")
    clear(db, T0 + 11 * DAY, note="MRI clear; numbness was from cycling")
    outcome = plan(db, T0 + 11 * DAY + timedelta(hours=1))
    assert not outcome.blocked and outcome.items[0].exercise.code == "glute_bridge"
    assert levels(db)[-1] == (0, "glute_bridge", 10)
    with db.session_scope() as session:
        data = service.progress_data(session, service.find_person(session, "Kim"),
                                     now=T0 + 12 * DAY)
    event = data.flag_history[-1]
    assert (event.flags, event.cleared_by, event.note) == (
        ["numbness around the bottom or genitals"], "Dr Lee",
        "MRI clear; numbness was from cycling")
    assert "MRI clear" in data.programme_history[-1]["reason"]


# --- 5: the block is enforced where exercise is recorded ----------------------------------------


def test_block_is_enforced_on_logging_and_by_the_symptom_check(db: Database) -> None:
    with db.session_scope() as session:
        service.create_person(session, "kim@example.org", "Kim")
    with pytest.raises(ProgrammeBlocked, match="screening"):
        train(db, T0, 10, exercise="split_squat")  # never screened
    with db.session_scope() as session:
        doc = service.create_person(session, "doc@example.org", "Dr Lee", role="clinician")
        service.find_person(session, "Kim").clinician = doc
    screen_kim(db, T0)
    plan(db, T0)
    with pytest.raises(ProgrammeBlocked, match="Split squat is not in your programme"):
        train(db, T0 + DAY, 10, exercise="split_squat")
    train(db, T0 + DAY, 10)
    with db.session_scope() as session:
        check = service.record_symptom_check(
            session, service.find_person(session, "Kim"),
            {"numbness_or_bladder": False, "new_weakness": True}, now=T0 + 3 * DAY)
        assert check.positive
    with pytest.raises(ProgrammeBlocked, match="clinician to check you today"):
        train(db, T0 + 3 * DAY, 10)
    with db.session_scope() as session:
        reason = service.exercise_blocked(db, service.find_person(session, "Kim").id)
    assert reason is not None and "today" in reason
    assert plan(db, T0 + 3 * DAY).blocked
    clear(db, T0 + 4 * DAY)
    train(db, T0 + 4 * DAY, 10, exercise="glute_bridge")
    assert levels(db)[-1][0] == rules.CLEARED_RESTART_LEVEL


# --- 6: only filmed reps are good form ----------------------------------------------------------


def test_a_reported_set_does_not_override_a_filmed_one(db: Database) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    for day in (1, 3):
        train(db, T0 + day * DAY, 14, analysis=filmed(14, 4))
        train(db, T0 + day * DAY + timedelta(minutes=10), 15)  # reported afterwards
    decision = plan(db, T0 + 3 * DAY + timedelta(hours=1)).decision
    assert decision.action == "continue"
    with db.session_scope() as session:
        data = service.progress_data(session, service.find_person(session, "Kim"),
                                     now=T0 + 4 * DAY)
    sets = data.sessions[0].sets
    assert [s.describe() for s in sets] == ["14 reps, 4 with good form (filmed)",
                                            "15 reps (reported)"]


# --- 7: each region on its own ------------------------------------------------------------------


def test_a_settled_back_flare_with_an_unchanged_knee_is_settled(db: Database) -> None:
    screen_kim(db, T0, pain={"back": 2, "knee": 4})
    plan(db, T0)
    for region, before, after in (("back", 2, 4), ("knee", 4, 4)):
        train(db, T0 + DAY, 12, region=region, pain_before=before, pain_after=after)
    morning(db, T0 + 2 * DAY, back=2, knee=4)
    for region, score in (("back", 2), ("knee", 4)):
        train(db, T0 + 3 * DAY, 12, region=region, pain_before=score, pain_after=score)
    assert plan(db, T0 + 3 * DAY + timedelta(hours=1)).decision.action == "progress"


# --- 8: small changes are not called meaningful -------------------------------------------------


def test_two_to_three_is_not_worse(db: Database) -> None:
    screen_kim(db, T0)
    morning(db, T0 + 7 * DAY, back=3)
    with db.session_scope() as session:
        data = service.progress_data(session, service.find_person(session, "Kim"),
                                     now=T0 + 8 * DAY)
    assert data.trends[0].direction == "no meaningful change"


# --- entering earlier sessions ------------------------------------------------------------------


def test_entered_at_takes_up_to_90_days_back_never_the_future(db: Database) -> None:
    screen_kim(db, T0)
    now = T0 + 100 * DAY
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        person.timezone = "Europe/London"
        at = service.entered_at(person, "2026-12-01T18:30", now=now)
        assert at == datetime(2026, 12, 1, 18, 30, tzinfo=timezone.utc)  # GMT in December
        for text, problem in (("2027-03-01T10:00", "future"), ("2026-11-01T10:00", "90 days"),
                              ("yesterday", "expected a date")):
            with pytest.raises(InvalidField, match=problem):
                service.entered_at(person, text, now=now)


# --- outcome measures and STarT Back for back pain only ----------------------------------------


def test_knee_only_patient_gets_no_start_back_and_knee_measures_every_4_weeks(
    db: Database,
) -> None:
    screen_kim(db, T0, pain={"back": 0, "knee": 5}, start_back=None)
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        screening = service.latest_screening(session, person)
        assert screening is not None and screening.start_back_risk is None
        assert screening.result["start_back"] is None
        assert service.outcomes_due(session, person, T0) == ["akps", "psfs"]
    assert any("first questionnaires" in a for a in plan(db, T0).advice)
    activities = [{"activity": "stairs", "score": 3}, {"activity": "running", "score": 2},
                  {"activity": "kneeling", "score": 4}]
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        service.record_outcome(session, person, "akps", 60, now=T0)
        service.record_outcome(session, person, "psfs", activities, now=T0)
        assert service.outcomes_due(session, person, T0 + 27 * DAY) == []
        assert service.outcomes_due(session, person, T0 + 28 * DAY) == ["akps", "psfs"]
        service.record_outcome(session, person, "akps", 65, now=T0 + 28 * DAY)  # +5 < 10
        service.record_outcome(session, person, "psfs", [{**a, "score": a["score"] + 3}
                                                         for a in activities], now=T0 + 28 * DAY)
        trends = {t["measure"]: t for t in service.outcome_trends(session, person)}
    assert trends["akps"]["direction"] == "no meaningful change"
    assert (trends["psfs"]["first"], trends["psfs"]["last"], trends["psfs"]["direction"]) == (
        3.0, 6.0, "better")


def test_back_measures_use_the_larger_of_points_and_30_percent(db: Database) -> None:
    screen_kim(db, T0)
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        assert service.outcomes_due(session, person, T0) == ["rmdq", "psfs"]
        service.record_outcome(session, person, "odi", [4] * 10, now=T0)  # 80%
        assert service.outcomes_due(session, person, T0 + DAY) == ["psfs"]  # ODI counts too
        service.record_outcome(session, person, "odi", [3] * 9 + [4], now=T0 + 28 * DAY)
        odi = service.outcome_trends(session, person)[0]
    # 80% -> 62%: 18 points is more than 10 but less than 30% of 80 (24): not yet meaningful.
    assert (odi["first"], odi["last"], odi["minimal_important_change"]) == (80.0, 62.0, 24.0)
    assert odi["direction"] == "no meaningful change"


def test_report_carries_the_identifiers_the_clinic_sets(db: Database) -> None:
    screen_kim(db, T0)
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        clinic.set_identifiers(person, clinic_number="GC-7", date_of_birth="1981-02-03")
        with pytest.raises(InvalidField, match="^date_of_birth:"):
            clinic.set_identifiers(person, date_of_birth="03/02/1981")
    with db.session_scope() as session:
        data = service.progress_data(session, service.find_person(session, "Kim"), now=T0)
    assert data.identifiers == {"email": "kim@example.org", "clinic number": "GC-7",
                                "date of birth": "1981-02-03"}
    assert data.clinician == "Dr Lee <doc@example.org>"


def test_a_rescreen_without_flags_keeps_progress(db: Database) -> None:
    screen_kim(db, T0)
    plan(db, T0)
    with db.session_scope() as session:
        person = service.find_person(session, "Kim")
        doc = service.find_person(session, "doc@example.org")
        clinic.adjust_programme(session, person, doc, level=3, target_reps=12, sets=2,
                                sessions_per_week=3, now=T0 + DAY)
    screen_kim(db, T0 + 28 * DAY)  # the 4-weekly re-screen, nothing new
    assert plan(db, T0 + 28 * DAY + timedelta(hours=1)).items[0].exercise.code == "split_squat"
    assert levels(db)[-1] == (3, "split_squat", 12)


def test_plan_asks_the_safety_questions_until_answered_that_day(db: Database) -> None:
    screen_kim(db, T0)
    asks = "answer the two safety questions"
    assert any(asks in a for a in plan(db, T0).advice)
    with db.session_scope() as session:
        service.record_symptom_check(session, service.find_person(session, "Kim"),
                                     {"numbness_or_bladder": False, "new_weakness": False},
                                     now=T0 + timedelta(hours=1))
    assert not any(asks in a for a in plan(db, T0 + timedelta(hours=2)).advice)
    assert any(asks in a for a in plan(db, T0 + DAY).advice)  # a new day, asked again


def test_filmed_squats_wait_for_the_chair_squat_level(db: Database) -> None:
    screen_kim(db, T0, flags=("knee_locking_or_giving_way",), pain={"back": 0, "knee": 4})
    plan(db, T0)
    with pytest.raises(ProgrammeBlocked, match="^Filmed squats are not in your programme yet"):
        train(db, T0 + DAY, 0, exercise="squat", analysis=filmed(10, 8))
    with db.session_scope() as session:
        with pytest.raises(ProgrammeBlocked, match="Filmed squats"):
            service.require_exercise_allowed(session, service.find_person(session, "Kim"))
    train(db, T0 + DAY, 12, exercise="glute_bridge")
