"""Plans over the database: first plan, 2-for-2 progression and pain step back are stored."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from glutecoach.coaching.screening import RED_FLAG_CODES, example_answers, parse_answers, screen
from glutecoach.coaching.sets import counts_from_reps
from glutecoach.store import service
from glutecoach.store.db import Database
from glutecoach.store.models import Programme

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
ANSWERS = example_answers(start_back=[0, 0, 0, 0, 0, 0, 0, 0, "slightly"], pain={"back": 2, "knee": 1},
                          age=35, sitting_hours_per_day=4, active_days_per_week=3)


def setup_person(db: Database, flags: tuple[str, ...] = ()) -> None:
    data = {**ANSWERS, "red_flags": {c: c in flags for c in RED_FLAG_CODES}}
    with db.session_scope() as session:
        person = service.create_person(session, "kim@example.org", "Kim")
        parsed = parse_answers(data)
        service.save_screening(session, person, parsed, screen(parsed), now=T0)


def plan(db: Database, at: datetime) -> service.PlanOutcome:
    with db.session_scope() as session:
        return service.build_plan(session, service.find_person(session, "Kim"), now=at)


def log(
    db: Database,
    at: datetime,
    reps: int,
    before: int | None = 2,
    after: int | None = 2,
    exercise: str = "squat",
) -> None:
    with db.session_scope() as session:
        service.log_set(
            session,
            service.find_person(session, "Kim"),
            exercise,
            counts_from_reps(reps),
            pain_before=before,
            pain_after=after,
            now=at,
        )


def programmes(db: Database) -> list[tuple[int, str, int]]:
    with db.session_scope() as session:
        rows = session.scalars(sa.select(Programme).order_by(Programme.id))
        return [(p.level, p.current_exercise, p.target_reps) for p in rows]


def test_first_plan_then_two_for_two_then_pain_step_back(db: Database) -> None:
    setup_person(db)
    first = plan(db, T0)
    assert not first.blocked and first.decision is not None
    assert [i.exercise.code for i in first.items] == [
        "squat",
        "glute_bridge",
        "side_lying_hip_abduction",
    ]
    assert programmes(db) == [(2, "squat", 10)]

    day = timedelta(days=1)
    log(db, T0 + 1 * day, 12)
    assert plan(db, T0 + 1 * day + timedelta(hours=1)).decision.action == "continue"
    log(db, T0 + 3 * day, 11)  # +1 only: the run restarts
    log(db, T0 + 5 * day, 12)
    log(db, T0 + 7 * day, 13)
    progressed = plan(db, T0 + 7 * day + timedelta(hours=1))
    assert progressed.decision.action == "progress"
    assert programmes(db) == [(2, "squat", 10), (2, "squat", 12)]
    assert plan(db, T0 + 7 * day + timedelta(hours=2)).decision.action == "continue"

    log(db, T0 + 9 * day, 14, before=2, after=5)  # a flare
    held = plan(db, T0 + 9 * day + timedelta(hours=1))
    assert held.decision.action == "hold"
    with db.session_scope() as session:  # next morning: still 4 -> not settled
        service.log_pain(session, service.find_person(session, "Kim"), "back", 4, now=T0 + 10 * day)
    stepped = plan(db, T0 + 10 * day + timedelta(hours=1))
    assert stepped.decision.action == "step_back"
    assert programmes(db)[-1] == (2, "squat", 10)


def test_emergency_flag_blocks_until_cleared(db: Database) -> None:
    setup_person(db, flags=("bladder_bowel_change",))
    outcome = plan(db, T0)
    assert outcome.blocked and outcome.items == []
    assert "today" in outcome.advice[0].lower()
    assert programmes(db) == []
    with db.session_scope() as session:
        doc = service.create_person(session, "doc@example.org", "Doc", role="clinician")
        person = service.find_person(session, "Kim")
        person.clinician = doc
        screening = service.latest_screening(session, person)
        assert screening is not None
        service.clear_screening(session, screening, doc, "seen in clinic, no CES signs",
                                now=T0 + timedelta(days=1))
    cleared = plan(db, T0 + timedelta(days=1))
    assert not cleared.blocked
    assert programmes(db) == [(0, "glute_bridge", 10)]  # cleared people start at the bottom


def test_sets_logged_before_the_first_plan_count(db: Database) -> None:
    setup_person(db)
    log(db, T0 + timedelta(days=1), 12)
    log(db, T0 + timedelta(days=3), 12)
    first = plan(db, T0 + timedelta(days=3, hours=1))
    assert first.decision is not None and first.decision.action == "progress"
    assert programmes(db) == [(2, "squat", 10), (2, "squat", 12)]
