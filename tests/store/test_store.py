"""Models and unit of work: UTC round trips, constraints, rollback, per-person separation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from analysis_docs import analysis_doc
from sqlalchemy.exc import IntegrityError, StatementError

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.screening import example_answers, parse_answers, screen
from glutecoach.coaching.sets import counts_from_analysis, counts_from_reps
from glutecoach.settings import Settings
from glutecoach.store import service
from glutecoach.store.db import Database, default_url
from glutecoach.store.models import (
    Appointment,
    Availability,
    ExerciseSet,
    PainEntry,
    Person,
    Questionnaire,
    Screening,
    TrainingSession,
)
from glutecoach.store.security import hash_password, verify_password

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
ANSWERS = example_answers()


def count(db: Database, model: type) -> int:
    with db.session_scope() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def add_screened(db: Database, email: str, name: str, **answers: object) -> None:
    data = {**ANSWERS, **answers}
    with db.session_scope() as session:
        person = service.create_person(session, email, name, timezone="Europe/London")
        parsed = parse_answers(data)
        service.save_screening(session, person, parsed, screen(parsed), now=T0)


def test_datetimes_come_back_in_utc(db: Database) -> None:
    local = datetime(2026, 7, 1, 18, 45, tzinfo=ZoneInfo("America/New_York"))
    with db.session_scope() as session:
        person = service.create_person(session, "tz@example.org", "Tz")
        session.add(PainEntry(person_id=person.id, region="back", score=3, recorded_at=local))
    with db.session_scope() as session:
        entry = session.scalars(sa.select(PainEntry)).one()
        assert entry.recorded_at == local
        assert entry.recorded_at.utcoffset() == timedelta(0)
        assert entry.recorded_at.hour == 22


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session_scope() as session:
        person = service.create_person(session, "naive@example.org", "Naive")
        session.add(
            PainEntry(person_id=person.id, region="back", score=3, recorded_at=datetime(2026, 1, 1))
        )
    assert count(db, Person) == 0


def test_emails_are_unique(db: Database) -> None:
    with db.session_scope() as session:
        service.create_person(session, "Ann@Example.org", "Ann")
    taken = "^email: ann@example.org is already registered"
    with pytest.raises(InvalidField, match=taken), db.session_scope() as session:
        service.create_person(session, "ann@example.org", "Ann again")
    # The database enforces it too, for writers that skip the service.
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(Person(email="ann@example.org", name="Bypass", role="patient", timezone="UTC"))
    assert count(db, Person) == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("email", {"email": "not-an-email"}),
        ("role", {"role": "admin"}),
        ("timezone", {"timezone": "Mars/Olympus"}),
        ("name", {"name": "  "}),
    ],
)
def test_person_validation(db: Database, field: str, kwargs: dict[str, str]) -> None:
    args = {"email": "x@example.org", "name": "X", **kwargs}
    with pytest.raises(InvalidField) as caught, db.session_scope() as session:
        service.create_person(session, args.pop("email"), args.pop("name"), **args)
    assert caught.value.field == field


def test_database_checks_pain_range(db: Database) -> None:
    with db.session_scope() as session:
        person_id = service.create_person(session, "p@example.org", "P").id
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(PainEntry(person_id=person_id, region="back", score=11, recorded_at=T0))
    assert count(db, PainEntry) == 0


def test_failure_mid_write_rolls_everything_back(db: Database) -> None:
    parsed = parse_answers(ANSWERS)
    with pytest.raises(RuntimeError, match="disk full"), db.session_scope() as session:
        person = service.create_person(session, "mid@example.org", "Mid")
        service.save_screening(session, person, parsed, screen(parsed), now=T0)
        service.build_plan(session, person, now=T0)
        raise RuntimeError("disk full")  # e.g. the video copy failed
    for model in (Person, Screening, Questionnaire, PainEntry):
        assert count(db, model) == 0


def test_invalid_set_rolls_back_the_session_row(db: Database) -> None:
    add_screened(db, "s@example.org", "S")
    with pytest.raises(InvalidField, match="^pain_after:"), db.session_scope() as session:
        person = service.find_person(session, "S")
        service.log_set(
            session, person, "squat", counts_from_reps(10), pain_before=3, pain_after=11, now=T0
        )
    assert count(db, TrainingSession) == 0 and count(db, ExerciseSet) == 0


def test_screening_stores_questionnaire_and_pain(db: Database) -> None:
    add_screened(db, "q@example.org", "Q")
    with db.session_scope() as session:
        screening = session.scalars(sa.select(Screening)).one()
        assert screening.start_back_risk == "low" and screening.referral == "none"
        assert screening.taken_at == T0
        questionnaire = session.scalars(sa.select(Questionnaire)).one()
        assert (questionnaire.kind, questionnaire.score) == ("start_back", 3.0)
        regions = {(e.region, e.score) for e in session.scalars(sa.select(PainEntry))}
        assert regions == {("back", 4), ("knee", 2)}


def test_people_are_found_by_email_or_name_and_kept_apart(db: Database) -> None:
    add_screened(db, "ann@example.org", "Ann")
    add_screened(db, "bob@example.org", "Bob", pain={"back": 7, "knee": 0})
    with db.session_scope() as session:
        ann = service.find_person(session, "ANN")
        bob = service.find_person(session, "bob@example.org")
        service.build_plan(session, ann, now=T0)
        service.build_plan(session, bob, now=T0)
        for day in range(3):
            service.log_set(
                session,
                ann,
                "chair_squat",
                counts_from_reps(12),
                pain_before=3,
                pain_after=3,
                now=T0 + timedelta(days=day),
            )
        service.log_pain(session, bob, "back", 6, now=T0 + timedelta(days=1))
    with db.session_scope() as session:
        ann_data = service.progress_data(
            session, service.find_person(session, "Ann"), now=T0 + timedelta(days=5)
        )
        bob_data = service.progress_data(
            session, service.find_person(session, "Bob"), now=T0 + timedelta(days=5)
        )
    assert len(ann_data.sessions) == 3 and bob_data.sessions == []
    assert {p.region for p in bob_data.pain} == {"back", "knee"}
    assert [p.score for p in bob_data.pain if p.region == "back"] == [7, 6]
    assert ann_data.programme["exercise"] == "chair_squat"  # type: ignore[index]
    assert bob_data.programme["exercise"] == "glute_bridge"  # type: ignore[index]
    with (
        pytest.raises(InvalidField, match="^person: no one called 'Cy'"),
        db.session_scope() as session,
    ):
        service.find_person(session, "Cy")


def test_same_name_needs_the_email(db: Database) -> None:
    with db.session_scope() as session:
        service.create_person(session, "a1@example.org", "Alex")
        service.create_person(session, "a2@example.org", "Alex")
    with (
        pytest.raises(InvalidField, match="^person: 2 people are called 'Alex'"),
        db.session_scope() as session,
    ):
        service.find_person(session, "Alex")


def test_one_booking_per_slot_and_cancelled_slots_free_up(db: Database) -> None:
    start = T0 + timedelta(days=3)
    with db.session_scope() as session:
        doc = service.create_person(session, "doc@example.org", "Doc", role="clinician")
        pat = service.create_person(session, "pat@example.org", "Pat", clinician=doc)
        session.add(
            Availability(
                clinician_id=doc.id,
                kind="weekly",
                weekday=3,
                start_time=datetime(2026, 1, 1, 9).time(),
                end_time=datetime(2026, 1, 1, 12).time(),
            )
        )
        session.add(
            Appointment(
                clinician_id=doc.id,
                patient_id=pat.id,
                start_utc=start,
                end_utc=start + timedelta(minutes=30),
                status="booked",
            )
        )
        ids = (doc.id, pat.id)
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(
            Appointment(
                clinician_id=ids[0],
                patient_id=None,
                start_utc=start,
                end_utc=start + timedelta(minutes=30),
            )
        )
    with db.session_scope() as session:
        session.scalars(sa.select(Appointment)).one().status = "cancelled"
    with db.session_scope() as session:
        session.add(
            Appointment(
                clinician_id=ids[0],
                patient_id=ids[1],
                start_utc=start,
                end_utc=start + timedelta(minutes=30),
            )
        )
    assert count(db, Appointment) == 2
    with db.session_scope() as session:
        assert session.get(Person, ids[1]).clinician.email == "doc@example.org"  # type: ignore


def test_deleting_a_person_removes_their_records(db: Database) -> None:
    add_screened(db, "del@example.org", "Del")
    with db.session_scope() as session:
        person = service.find_person(session, "Del")
        service.build_plan(session, person, now=T0)
        service.log_set(session, person, "chair_squat", counts_from_reps(10), now=T0)
    with db.session_scope() as session:
        session.execute(sa.delete(Person))  # database-level cascade, not the ORM's
    for model in (Screening, Questionnaire, PainEntry, TrainingSession, ExerciseSet):
        assert count(db, model) == 0


def test_passwords_are_argon2_hashed() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")
    assert not verify_password("garbage", "correct horse")
    with pytest.raises(InvalidField, match="^password:"):
        hash_password("short")


def test_default_database_is_sqlite_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a URL the embedded default is created on first use. The store never reads
    GLUTECOACH_DATABASE_URL itself: the settings do, at the entry points."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("GLUTECOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    expected = tmp_path / "data" / "glutecoach" / "glutecoach.db"
    assert default_url() == f"sqlite:///{expected}"
    db = Database.open()
    assert expected.is_file() and "people" in db.table_names()
    assert not (tmp_path / "elsewhere.db").exists()
    db.dispose()
    assert Settings.from_env().database_url == f"sqlite:///{tmp_path / 'elsewhere.db'}"


def test_analysis_with_nan_is_stored_as_null(db: Database) -> None:
    """Unmeasured metrics are NaN in the analysis; JSONB has no NaN, so they become null."""
    analysis = analysis_doc([[]])
    analysis["reps"][0]["metrics"] = {"depth_deg": float("nan"), "fppa_deg": float("inf"),
                                      "tempo_s": 1.5}
    add_screened(db, "nan@example.org", "Nan")
    with db.session_scope() as session:
        person = service.find_person(session, "Nan")
        service.log_set(
            session, person, "squat", counts_from_analysis(analysis), analysis=analysis, now=T0
        )
    with db.session_scope() as session:
        stored = session.scalars(sa.select(ExerciseSet)).one().analysis
        assert stored is not None
        assert stored["reps"][0]["metrics"] == {"depth_deg": None, "fppa_deg": None, "tempo_s": 1.5}
