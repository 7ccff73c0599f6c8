"""The operations the CLI and the web app share: people, screening, plans, logging, progress.

Every function takes an open :class:`~sqlalchemy.orm.Session` and only flushes; the caller owns
the transaction (``Database.session_scope()``), so several operations commit or roll back
together and a failure half-way leaves nothing behind. Rules live in :mod:`glutecoach.coaching`;
this module only loads records, hands plain data to the rules and stores what they decide.
Every query is filtered by person, so one person's data never leaks into another's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from glutecoach.coaching import rules
from glutecoach.coaching.adherence import adherence
from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.exercises import get_exercise
from glutecoach.coaching.programme import (
    Decision,
    PlanItem,
    ProgrammeState,
    SessionRecord,
    decide,
    initial_state,
    todays_plan,
)
from glutecoach.coaching.progress import (
    PainPoint,
    ProgressData,
    SessionSummary,
    SetSummary,
    pain_trend,
)
from glutecoach.coaching.screening import Answers, ScreeningResult, whole_number
from glutecoach.coaching.sets import SetCounts, json_safe
from glutecoach.store.columns import utc_now
from glutecoach.store.models import (
    PAIN_REGIONS,
    ROLES,
    ExerciseSet,
    PainEntry,
    Person,
    Programme,
    Questionnaire,
    Screening,
    TrainingSession,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- people -------------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField("timezone", f"unknown time zone {name!r} (e.g. Europe/London)") from None


def create_person(
    session: Session,
    email: str,
    name: str,
    *,
    role: str = "patient",
    password_hash: str | None = None,
    clinician: Person | None = None,
    timezone: str = "UTC",
) -> Person:
    """Add a patient or clinician; the email must be new (compared case-insensitively)."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidField("email", f"not an email address: {email!r}")
    if role not in ROLES:
        raise InvalidField("role", f"must be one of {', '.join(ROLES)}, got {role!r}")
    if not name.strip():
        raise InvalidField("name", "must not be empty")
    _zone(timezone)
    if clinician is not None and clinician.role != "clinician":
        raise InvalidField("clinician", f"{clinician.email} is not a clinician")
    if session.scalar(select(Person.id).where(Person.email == email)) is not None:
        raise InvalidField("email", f"{email} is already registered")
    person = Person(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=password_hash,
        clinician=clinician,
        timezone=timezone,
    )
    session.add(person)
    session.flush()
    return person


def find_person(session: Session, ref: str) -> Person:
    """A person by email, else by name (case-insensitive); unknown or ambiguous is an error."""
    key = ref.strip().lower()
    person = session.scalar(select(Person).where(Person.email == key))
    if person is not None:
        return person
    matches = session.scalars(select(Person).where(func.lower(Person.name) == key)).all()
    if not matches:
        raise InvalidField(
            "person",
            f"no one called {ref!r}; add them with "
            "'glutecoach users add EMAIL --role patient --name NAME'",
        )
    if len(matches) > 1:
        raise InvalidField("person", f"{len(matches)} people are called {ref!r}; use the email")
    return matches[0]


def local_day(person: Person, moment: datetime) -> date:
    """The calendar date of ``moment`` in the person's own time zone."""
    return moment.astimezone(_zone(person.timezone)).date()


# --- screening ----------------------------------------------------------------------------------


def save_screening(
    session: Session,
    person: Person,
    answers: Answers,
    result: ScreeningResult,
    *,
    now: datetime | None = None,
) -> Screening:
    """Store a screening, its STarT Back questionnaire and the pain it reported."""
    now = now or utc_now()
    screening = Screening(
        person_id=person.id,
        taken_at=now,
        answers=answers.to_dict(),
        red_flags=list(result.red_flags),
        referral=result.referral,
        start_back_total=result.start_back.total,
        start_back_distress=result.start_back.distress,
        start_back_risk=result.start_back.risk,
        programme_allowed=result.programme_allowed,
        starting_level=result.starting_level,
        result=result.to_dict(),
    )
    session.add(screening)
    session.flush()
    session.add(
        Questionnaire(
            person_id=person.id,
            screening_id=screening.id,
            kind="start_back",
            answers=list(answers.start_back),
            score=float(result.start_back.total),
            category=result.start_back.risk,
            taken_at=now,
        )
    )
    for region, score in (("back", answers.pain_back), ("knee", answers.pain_knee)):
        session.add(
            PainEntry(
                person_id=person.id, region=region, score=score, recorded_at=now, source="screening"
            )
        )
    session.flush()
    return screening


def latest_screening(session: Session, person: Person) -> Screening | None:
    """The person's most recent screening."""
    return session.scalars(
        select(Screening)
        .where(Screening.person_id == person.id)
        .order_by(Screening.taken_at.desc(), Screening.id.desc())
        .limit(1)
    ).first()


def clear_screening(
    session: Session, screening: Screening, clinician: Person, *, now: datetime | None = None
) -> None:
    """A clinician allows the programme after reviewing an emergency flag."""
    if clinician.role != "clinician":
        raise InvalidField("clinician", f"{clinician.email} is not a clinician")
    screening.cleared_by_id = clinician.id
    screening.cleared_at = now or utc_now()
    session.flush()


# --- programme ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcome:
    """Today's plan, or why there is none (``blocked`` with the screening's advice)."""

    blocked: bool
    advice: list[str]
    decision: Decision | None = None
    items: list[PlanItem] = field(default_factory=list)
    programme: Programme | None = None


def current_programme(session: Session, person: Person) -> Programme | None:
    """The person's programme row in force (the latest one)."""
    return session.scalars(
        select(Programme)
        .where(Programme.person_id == person.id)
        .order_by(Programme.started_at.desc(), Programme.id.desc())
        .limit(1)
    ).first()


def _state(programme: Programme) -> ProgrammeState:
    return ProgrammeState(
        programme.level, programme.target_reps, programme.sets, programme.sessions_per_week
    )


def new_programme(
    person: Person, state: ProgrammeState, reason: str, now: datetime, screening: Screening | None
) -> Programme:
    """A programme row (not yet added to the session): every change starts a new one."""
    return Programme(
        person_id=person.id,
        screening_id=screening.id if screening else None,
        started_at=now,
        level=state.level,
        current_exercise=state.exercise,
        target_reps=state.target_reps,
        sets=state.sets,
        sessions_per_week=state.sessions_per_week,
        reason=reason,
    )


def _pain_readings(session: Session, person: Person) -> list[tuple[date, int]]:
    entries = session.execute(
        select(PainEntry.recorded_at, PainEntry.score).where(PainEntry.person_id == person.id)
    ).all()
    befores = session.execute(
        select(TrainingSession.started_at, TrainingSession.pain_before).where(
            TrainingSession.person_id == person.id, TrainingSession.pain_before.is_not(None)
        )
    ).all()
    return [
        (local_day(person, at), int(score))
        for at, score in [*entries, *befores]
        if score is not None
    ]


def _next_pain(readings: list[tuple[date, int]], day: date) -> int | None:
    """The worst reading on the first later day that has one (ideally the next day)."""
    later = [d for d, _ in readings if d > day]
    if not later:
        return None
    first = min(later)
    return max(score for d, score in readings if d == first)


def session_history(session: Session, person: Person, programme: Programme) -> list[SessionRecord]:
    """Sessions since ``programme`` started, as the rules need them (oldest first)."""
    rows = session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.person_id == person.id,
            TrainingSession.started_at >= programme.started_at,
        )
        .order_by(TrainingSession.started_at, TrainingSession.id)
        .options(selectinload(TrainingSession.sets))  # one query for all sets, not one each
    ).all()
    readings = _pain_readings(session, person)
    records = []
    for row in rows:
        key_sets = [s for s in row.sets if s.exercise == programme.current_exercise]
        day = local_day(person, row.started_at)
        records.append(
            SessionRecord(
                day=day,
                key_passing_reps=key_sets[-1].form_passing_reps if key_sets else None,
                pain_before=row.pain_before,
                pain_after=row.pain_after,
                next_day_pain=_next_pain(readings, day),
            )
        )
    return records


def build_plan(session: Session, person: Person, *, now: datetime | None = None) -> PlanOutcome:
    """Today's plan from the screening and history, storing any progression or step back."""
    now = now or utc_now()
    screening = latest_screening(session, person)
    if screening is None:
        raise InvalidField(
            "person", f"{person.name} has no screening yet; run 'glutecoach screen' first"
        )
    if not screening.programme_allowed and screening.cleared_at is None:
        return PlanOutcome(blocked=True, advice=list(screening.result.get("advice", [])))
    programme = current_programme(session, person)
    if programme is None:
        # The programme starts when the screening allowed it, so sets logged before the first
        # 'plan' still count towards the rules.
        start = screening.cleared_at or screening.taken_at
        state = initial_state(screening.starting_level or 0)
        programme = new_programme(person, state, "start, from the screening", start, screening)
        session.add(programme)
        session.flush()
    decision = decide(_state(programme), session_history(session, person, programme))
    if decision.action in ("progress", "step_back"):
        programme = new_programme(person, decision.state, decision.reason, now, screening)
        session.add(programme)
        session.flush()
    return PlanOutcome(
        blocked=False,
        advice=list(screening.result.get("advice", [])),
        decision=decision,
        items=todays_plan(decision.state),
        programme=programme,
    )


# --- logging ------------------------------------------------------------------------------------


def check_pain(value: int | None, field_name: str) -> int | None:
    """``value`` if it is None or a whole number 0-10, else :class:`InvalidField`."""
    if value is None:
        return None
    return whole_number(value, field_name, rules.PAIN_MIN, rules.PAIN_MAX)


def todays_session(session: Session, person: Person, now: datetime) -> TrainingSession:
    """The person's training session for ``now``'s local day, created if missing."""
    day = local_day(person, now)
    since = now - timedelta(days=2)
    for row in session.scalars(
        select(TrainingSession)
        .where(TrainingSession.person_id == person.id, TrainingSession.started_at >= since)
        .order_by(TrainingSession.started_at.desc())
    ):
        if local_day(person, row.started_at) == day:
            return row
    row = TrainingSession(person_id=person.id, started_at=now, notes="")
    session.add(row)
    session.flush()
    return row


def log_set(
    session: Session,
    person: Person,
    exercise: str,
    counts: SetCounts,
    *,
    analysis: dict[str, Any] | None = None,
    video_path: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    now: datetime | None = None,
) -> ExerciseSet:
    """Record one set (and the session's pain before/after) in today's session."""
    now = now or utc_now()
    get_exercise(exercise)
    pain_before = check_pain(pain_before, "pain_before")
    pain_after = check_pain(pain_after, "pain_after")
    training = todays_session(session, person, now)
    if pain_before is not None:
        training.pain_before = pain_before
    if pain_after is not None:
        training.pain_after = pain_after
    row = ExerciseSet(
        session_id=training.id,
        exercise=exercise,
        reps=counts.reps,
        form_passing_reps=counts.passing_reps,
        form_score=counts.form_score,
        analysis=json_safe(analysis),
        video_path=video_path,
        recorded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def log_pain(
    session: Session,
    person: Person,
    region: str,
    score: int,
    *,
    now: datetime | None = None,
    source: str = "manual",
) -> PainEntry:
    """Record a pain reading for ``back`` or ``knee`` (0-10)."""
    if region not in PAIN_REGIONS:
        raise InvalidField("region", f"must be one of {', '.join(PAIN_REGIONS)}, got {region!r}")
    checked = check_pain(score, f"pain.{region}")
    entry = PainEntry(
        person_id=person.id,
        region=region,
        score=checked,
        recorded_at=now or utc_now(),
        source=source,
    )
    session.add(entry)
    session.flush()
    return entry


# --- progress -----------------------------------------------------------------------------------


def _set_summary(row: ExerciseSet) -> SetSummary:
    faults: list[str] = []
    for rep in (row.analysis or {}).get("reps", []) or []:
        faults.extend(
            f.get("code", "?") for f in rep.get("faults", []) if f.get("severity") == "fault"
        )
    return SetSummary(row.exercise, row.reps, row.form_passing_reps, row.form_score, faults)


def _programme_dict(row: Programme) -> dict[str, Any]:
    return {
        "level": row.level,
        "exercise": row.current_exercise,
        "target_reps": row.target_reps,
        "sets": row.sets,
        "sessions_per_week": row.sessions_per_week,
        "started_at": row.started_at.isoformat(),
        "reason": row.reason,
    }


def _pain_points(
    session: Session, person: Person, sessions: list[TrainingSession]
) -> list[PainPoint]:
    points = [
        PainPoint(e.recorded_at, e.region, e.score)
        for e in session.scalars(
            select(PainEntry)
            .where(PainEntry.person_id == person.id)
            .order_by(PainEntry.recorded_at, PainEntry.id)
        )
    ]
    points += [
        PainPoint(s.started_at, "session", s.pain_before)
        for s in sessions
        if s.pain_before is not None
    ]
    return sorted(points, key=lambda p: p.at)


def progress_data(session: Session, person: Person, *, now: datetime | None = None) -> ProgressData:
    """Everything the progress command and the report need, for this person only."""
    now = now or utc_now()
    today = local_day(person, now)
    sessions = list(
        session.scalars(
            select(TrainingSession)
            .where(TrainingSession.person_id == person.id)
            .order_by(TrainingSession.started_at, TrainingSession.id)
            .options(selectinload(TrainingSession.sets))
        )
    )
    summaries = [
        SessionSummary(
            local_day(person, s.started_at),
            s.pain_before,
            s.pain_after,
            [_set_summary(x) for x in s.sets],
        )
        for s in sessions
    ]
    history = list(
        session.scalars(
            select(Programme)
            .where(Programme.person_id == person.id)
            .order_by(Programme.started_at, Programme.id)
        )
    )
    screening = latest_screening(session, person)
    pain = _pain_points(session, person, sessions)
    plan_per_week = history[-1].sessions_per_week if history else rules.ACSM_SESSIONS_PER_WEEK_MAX
    since = local_day(person, history[0].started_at) if history else None
    return ProgressData(
        person_name=person.name,
        person_email=person.email,
        today=today,
        screening=screening.result if screening else None,
        screening_day=local_day(person, screening.taken_at) if screening else None,
        programme=_programme_dict(history[-1]) if history else None,
        programme_history=[_programme_dict(p) for p in history],
        sessions=summaries,
        pain=pain,
        trends=[pain_trend(pain, region) for region in ("back", "knee", "session")],
        adherence=adherence([s.day for s in summaries], today, plan_per_week, since=since),
    )
