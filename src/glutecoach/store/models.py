"""The database schema, as SQLAlchemy 2 typed models.

One table per thing a clinic keeps: people (patients and clinicians), their screenings,
programmes (one row per change, so the history of levels is kept), training sessions, the
exercise sets inside them, pain readings, questionnaires, appointments and clinician
availability. The CLI and the web app share these models; the schema itself changes only
through the Alembic revisions in ``migrations/versions`` (a test checks they match).

All timestamps are aware datetimes stored in UTC (:class:`~glutecoach.store.columns.UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from glutecoach.store.columns import JSONType, UTCDateTime, utc_now
from glutecoach.store.text import clean_text

# Named constraints make migrations reproducible across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("patient", "clinician")
PAIN_REGIONS = ("back", "knee")
#: When a pain reading linked to a session was taken (revision 0004).
PAIN_MOMENTS = ("before", "during", "after")
APPOINTMENT_STATUSES = ("booked", "cancelled", "completed")


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """``column IN ('a', 'b')`` from the constant that lists the values (same text as before)."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


class Base(DeclarativeBase):
    """Declarative base with a naming convention for constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(Base):
    """A patient or a clinician. Patients may be linked to their clinician."""

    __tablename__ = "people"
    __table_args__ = (_one_of("role", ROLES, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="patient")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    #: Identifiers the clinic sets, printed on the report (revision 0004).
    clinic_number: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date | None] = mapped_column(Date())

    clinician: Mapped[Person | None] = relationship(remote_side=[id])
    screenings: Mapped[list[Screening]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="Screening.taken_at",
        foreign_keys="Screening.person_id",
    )
    programmes: Mapped[list[Programme]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Programme.started_at"
    )
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="TrainingSession.started_at"
    )
    pain_entries: Mapped[list[PainEntry]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PainEntry.recorded_at"
    )

    @validates("name", "email")
    def _plain_text(self, key: str, value: str) -> str:
        return clean_text(value, key)


class Screening(Base):
    """The answers to the screening questions and what they meant."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    red_flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    referral: Mapped[str] = mapped_column(String(10))
    #: None for a knee-only patient (STarT Back is for back pain; nullable since 0004).
    start_back_total: Mapped[int | None] = mapped_column(Integer)
    start_back_distress: Mapped[int | None] = mapped_column(Integer)
    start_back_risk: Mapped[str | None] = mapped_column(String(10))
    programme_allowed: Mapped[bool]
    starting_level: Mapped[int | None]
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: Set when a clinician reviews an emergency flag and allows the programme.
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the clinician wrote when clearing or reviewing the flags (revision 0004).
    clearance_note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="screenings", foreign_keys=[person_id])
    cleared_by: Mapped[Person | None] = relationship(foreign_keys=[cleared_by_id])


class Programme(Base):
    """One step of a person's programme; a new row each time the level or target changes."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screenings.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    level: Mapped[int]
    current_exercise: Mapped[str] = mapped_column(String(40))
    target_reps: Mapped[int]
    sets: Mapped[int]
    sessions_per_week: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Index into ``rules.RESISTANCE_STEPS`` (0 bodyweight; revision 0004).
    resistance: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    person: Mapped[Person] = relationship(back_populates="programmes")

    @validates("reason")
    def _plain_text(self, key: str, value: str) -> str:
        return clean_text(value, key, multiline=True)


class TrainingSession(Base):
    """A training session on one day, with the pain before and after it (0-10)."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    #: The worst region's pain; each region's readings (and the pain during) are the session's
    #: pain entries.
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="sessions")

    @validates("notes")
    def _plain_text(self, key: str, value: str) -> str:
        return clean_text(value, key, multiline=True)
    sets: Mapped[list[ExerciseSet]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ExerciseSet.id"
    )
    #: Each region's pain before, during and after this session.
    pain_entries: Mapped[list[PainEntry]] = relationship(
        cascade="all, delete-orphan", order_by="PainEntry.id"
    )


class ExerciseSet(Base):
    """One set: reps counted, reps that passed the form checks, and the analysis behind them.

    ``analysis`` holds the ``glutecoach.analysis/1`` JSON when the set was filmed. The raw video
    is not kept unless the person asks (then ``video_path`` points at the kept copy).
    """

    __tablename__ = "exercise_sets"
    __table_args__ = (
        CheckConstraint("reps >= 0", name="reps"),
        CheckConstraint("form_passing_reps >= 0 AND form_passing_reps <= reps", name="passing"),
        CheckConstraint(
            "form_score IS NULL OR (form_score >= 0 AND form_score <= 100)", name="form_score"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    exercise: Mapped[str] = mapped_column(String(40))
    reps: Mapped[int]
    form_passing_reps: Mapped[int]
    form_score: Mapped[float | None] = mapped_column(Float)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    video_path: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    #: Added resistance (revision 0004): dumbbell kilograms and/or resistance band colour.
    load_kg: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(10))

    @property
    def filmed(self) -> bool:
        """Only a filmed set has form-checked reps; a set without a camera is "reported"."""
        return self.analysis is not None

    session: Mapped[TrainingSession] = relationship(back_populates="sets")


class PainEntry(Base):
    """A pain reading for one region on the 0-10 numeric rating scale."""

    __tablename__ = "pain_entries"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score"),
        _one_of("region", PAIN_REGIONS, "region"),
        _one_of("moment", PAIN_MOMENTS, "moment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(10))
    score: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    #: Set for a reading taken with a session: which one, and before, during or after it.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    moment: Mapped[str | None] = mapped_column(String(10))

    person: Mapped[Person] = relationship(back_populates="pain_entries")


# --- Added by revision 0002 -------------------------------------------------------------------


class Questionnaire(Base):
    """A scored questionnaire (``start_back``, ``odi``) with its raw answers."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screenings.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))
    answers: Mapped[Any] = mapped_column(JSONType)
    score: Mapped[float] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(20))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Availability(Base):
    """When a clinician can see patients: a weekly slot (local time) or an explicit one (UTC)."""

    __tablename__ = "availability"
    __table_args__ = (
        CheckConstraint("kind IN ('weekly', 'explicit')", name="kind"),
        CheckConstraint(
            "(kind = 'weekly' AND weekday BETWEEN 0 AND 6 AND start_time IS NOT NULL "
            "AND end_time IS NOT NULL) OR "
            "(kind = 'explicit' AND start_utc IS NOT NULL AND end_utc IS NOT NULL)",
            name="shape",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    #: Monday is 0, as in :meth:`datetime.date.weekday`; times are in the clinician's time zone.
    weekday: Mapped[int | None]
    start_time: Mapped[time | None] = mapped_column(Time())
    end_time: Mapped[time | None] = mapped_column(Time())
    start_utc: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_utc: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Length of each bookable slot cut from this window (added by revision 0003).
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default=text("30"))


class Appointment(Base):
    """A booked (or cancelled) slot with a clinician. One live booking per clinician and start."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("end_utc > start_utc", name="order"),
        _one_of("status", APPOINTMENT_STATUSES, "status"),
        # Cancelled bookings free the slot again, so the uniqueness ignores them.
        Index(
            "uq_appointments_slot",
            "clinician_id",
            "start_utc",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime())
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="booked")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    @validates("notes")
    def _plain_text(self, key: str, value: str) -> str:
        return clean_text(value, key, multiline=True)


# --- Added by revision 0003 (web app) -----------------------------------------------------------

JOB_STATUSES = ("queued", "running", "done", "failed")


class WebSession(Base):
    """A signed-in browser. Only a SHA-256 of the cookie's random token is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnalysisJob(Base):
    """An uploaded video being analysed in the background, and what came out.

    ``result`` is the ``glutecoach.analysis/1`` JSON; ``progress`` runs 0-1. ``upload_path`` is
    the generated name of the uploaded file (removed after analysis unless ``keep_video``);
    ``annotated_path`` the annotated MP4; ``exercise_set_id`` the set it was logged as.
    ``claimed_by`` is the web server analysing it until ``lease_until`` (extended while it
    works); ``attempts`` counts how often a server took it (see glutecoach.web.jobs).
    """

    __tablename__ = "analysis_jobs"
    __table_args__ = (
        _one_of("status", JOB_STATUSES, "status"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    upload_path: Mapped[str | None] = mapped_column(Text)
    annotated_path: Mapped[str | None] = mapped_column(Text)
    keep_video: Mapped[bool] = mapped_column(default=False)
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    exercise_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise_sets.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))


# --- Added by revision 0004 (coaching safety) ---------------------------------------------------


class SymptomCheck(Base):
    """The two-question check before a session; a "yes" re-opens the urgent block through the
    screening it creates (``screening_id``)."""

    __tablename__ = "symptom_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    positive: Mapped[bool]
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screenings.id", ondelete="SET NULL")
    )

    screening: Mapped[Screening | None] = relationship()


# --- Added by revision 0005 (accounts and security) --------------------------------------------


class Throttle(Base):
    """Recent failures (or sign-ups) for one throttling key, shared by every server process.

    ``key`` is a SHA-256 of what is counted ("account:<email>", "address:<ip>",
    "signup:<ip>"), so no email or address is stored in the clear. The count restarts when
    ``first_at`` is older than the window; see :mod:`glutecoach.store.throttle`.
    """

    __tablename__ = "throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class KnownDevice(Base):
    """A browser that has signed in to this account before (a random token in a long-lived
    cookie; only its SHA-256 is stored). Sign-in throttling counts its failures apart from
    everyone else's, so guessing from elsewhere never slows the owner's own device."""

    __tablename__ = "known_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class PasswordReset(Base):
    """A one-time password reset link a clinician issued (or that was emailed).

    Only a SHA-256 of the link's random token is stored; using it or its expiry ends it.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
