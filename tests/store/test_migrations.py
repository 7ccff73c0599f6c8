"""Migrations: build from empty, match the models, and upgrade 0001 -> head keeping data."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from glutecoach.store.db import Database, alembic_config, current_revision, make_engine, upgrade
from glutecoach.store.models import Base

HEAD_TABLES = {
    "alembic_version",
    "analysis_jobs",
    "appointments",
    "availability",
    "exercise_sets",
    "known_devices",
    "pain_entries",
    "password_resets",
    "people",
    "programmes",
    "questionnaires",
    "screenings",
    "sessions",
    "symptom_checks",
    "throttles",
    "web_sessions",
}
#: The newest revision shipped (one head: the revisions form a single line).
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_empty_database_is_built_to_head(db_url: str) -> None:
    db = Database.open(db_url)
    assert set(db.table_names()) == HEAD_TABLES
    assert current_revision(db.engine) == HEAD
    db.dispose()
    again = Database.open(db_url)  # opening twice is a no-op
    assert current_revision(again.engine) == HEAD
    again.dispose()


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(db: Database) -> None:
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert db.table_names() == ["alembic_version"]
    upgrade(db.engine)
    assert set(db.table_names()) == HEAD_TABLES


def test_upgrade_from_0001_keeps_data_and_backfills_questionnaires(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "questionnaires" not in sa.inspect(engine).get_table_names()
    taken = datetime(2026, 3, 1, 10, 30, tzinfo=timezone.utc)
    meta = sa.MetaData()
    meta.reflect(engine)
    people, screenings, sessions = (meta.tables[t] for t in ("people", "screenings", "sessions"))
    with engine.begin() as conn:
        conn.execute(
            people.insert().values(
                id=1,
                email="old@example.org",
                name="Old Patient",
                role="patient",
                timezone="Europe/London",
                created_at=taken,
            )
        )
        conn.execute(
            screenings.insert().values(
                id=1,
                person_id=1,
                taken_at=taken,
                answers={"start_back": [1, 1, 1, 1, 1, 0, 0, 0, "very_much"]},
                red_flags=[],
                referral="none",
                start_back_total=6,
                start_back_distress=2,
                start_back_risk="medium",
                programme_allowed=True,
                starting_level=1,
                result={"advice": []},
            )
        )
        conn.execute(
            sessions.insert().values(
                id=1, person_id=1, started_at=taken, pain_before=5, pain_after=4, notes="kept"
            )
        )
        conn.execute(meta.tables["exercise_sets"].insert().values(
            id=1, session_id=1, exercise="squat", reps=12, form_passing_reps=12,
            recorded_at=taken))
        conn.execute(meta.tables["programmes"].insert().values(
            id=1, person_id=1, screening_id=1, started_at=taken, level=1,
            current_exercise="chair_squat", target_reps=10, sets=2, sessions_per_week=3,
            reason="start"))
    engine.dispose()

    db = Database.open(db_url)  # upgrades 0001 -> head on open
    assert current_revision(db.engine) == HEAD
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT email, name FROM people")).all() == [
            ("old@example.org", "Old Patient")
        ]
        assert conn.execute(
            sa.text("SELECT pain_before, pain_after, notes FROM sessions")
        ).all() == [(5, 4, "kept")]
        row = conn.execute(
            sa.text("SELECT person_id, screening_id, kind, score, category FROM questionnaires")
        ).one()
        assert tuple(row) == (1, 1, "start_back", 6.0, "medium")
        # 0004 copies tables on SQLite: links to the screening and child rows survive it, and
        # a set logged without a camera keeps its reps but no longer claims good form.
        assert conn.execute(sa.text("SELECT screening_id, resistance FROM programmes")).all() == [
            (1, 0)]
        assert conn.execute(
            sa.text("SELECT reps, form_passing_reps FROM exercise_sets")).all() == [(12, 0)]
    from glutecoach.store.models import Questionnaire, Screening

    with db.session_scope() as session:
        questionnaire = session.scalars(sa.select(Questionnaire)).one()
        assert questionnaire.answers == [1, 1, 1, 1, 1, 0, 0, 0, "very_much"]
        assert questionnaire.taken_at == taken
        assert session.get(Screening, 1).taken_at == taken  # type: ignore[union-attr]
    db.dispose()


def test_upgrade_stops_on_overlapping_appointments_without_changing_them(db_url: str) -> None:
    """Revision 0005 forbids overlapping bookings; overlaps made before it are named, not
    silently cancelled, and the upgrade can run again once one of each pair is cancelled."""
    import pytest

    engine = make_engine(db_url)
    upgrade(engine, "0004")  # the revision before the one that forbids overlaps
    meta = sa.MetaData()
    meta.reflect(engine)
    people, appointments = meta.tables["people"], meta.tables["appointments"]
    at = datetime(2030, 1, 7, 9, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(people.insert().values(id=1, email="doc@example.org", name="Doc",
                                            role="clinician", timezone="UTC", created_at=at))
        for id_, minutes in ((1, 0), (2, 20)):
            start = at.replace(minute=minutes)
            conn.execute(appointments.insert().values(
                id=id_, clinician_id=1, start_utc=start, end_utc=start.replace(minute=minutes + 30),
                status="booked", notes="", created_at=at))
    with pytest.raises(RuntimeError, match=r"appointments overlap \(1/2\)"):
        upgrade(engine)
    assert current_revision(engine) == "0004"
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM appointments WHERE status = 'booked'")
                            ).scalar() == 2
        conn.execute(sa.text("UPDATE appointments SET status = 'cancelled' WHERE id = 2"))
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()
