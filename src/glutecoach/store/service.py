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
from glutecoach.coaching.errors import InvalidField, ProgrammeBlocked
from glutecoach.coaching.exercises import get_exercise
from glutecoach.coaching.programme import (
    Decision,
    PlanItem,
    ProgrammeState,
    RegionPain,
    SessionRecord,
    cap_level,
    decide,
    first_level_of,
    initial_state,
    todays_plan,
    weekly_rise,
)
from glutecoach.coaching.progress import (
    FlagEvent,
    PainPoint,
    ProgressData,
    SessionSummary,
    SetSummary,
    meaningful_change,
    pain_trend,
)
from glutecoach.coaching.questionnaires import (
    MEASURES,
    WEB_FORM_FOR,
    measures_for,
    minimal_important_change,
    result_in_words,
    score_measure,
)
from glutecoach.coaching.screening import (
    NOT_A_DIAGNOSIS,
    START_BACK_QUESTIONS,
    SYMPTOM_CHECK_FLAGS,
    Answers,
    ScreeningResult,
    current_answers,
    flag_label,
    parse_answers,
    screen,
    whole_number,
)
from glutecoach.coaching.sets import SetCounts, json_safe
from glutecoach.store.columns import utc_now
from glutecoach.store.models import (
    PAIN_MOMENTS,
    PAIN_REGIONS,
    ROLES,
    ExerciseSet,
    PainEntry,
    Person,
    Programme,
    Questionnaire,
    Screening,
    SymptomCheck,
    TrainingSession,
)
from glutecoach.store.text import clean_text

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


def entered_at(person: Person, text: str | None, now: datetime | None = None) -> datetime:
    """When something happened, from ``--at`` / a form's ISO date and time (the person's local
    time unless it names an offset): up to ``rules.BACKDATE_MAX_DAYS`` back, never in the future,
    so a paper diary can be entered. None or blank means now."""
    now = now or utc_now()
    if text is None or not text.strip():
        return now
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidField(
            "at", f"expected a date and time like 2026-11-02T18:30, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(person.timezone))
    if moment > now + timedelta(minutes=1):
        raise InvalidField("at", f"{text} is in the future")
    if now - moment > timedelta(days=rules.BACKDATE_MAX_DAYS):
        raise InvalidField("at", f"{text} is more than {rules.BACKDATE_MAX_DAYS} days ago")
    return moment.astimezone(now.tzinfo)


# --- screening ----------------------------------------------------------------------------------


def save_screening(
    session: Session,
    person: Person,
    answers: Answers,
    result: ScreeningResult,
    *,
    now: datetime | None = None,
    pain: bool = True,
) -> Screening:
    """Store a screening, its STarT Back questionnaire and (``pain``) the pain it reported."""
    now = now or utc_now()
    screening = Screening(
        person_id=person.id,
        taken_at=now,
        answers=answers.to_dict(),
        red_flags=list(result.red_flags),
        referral=result.referral,
        start_back_total=result.start_back.total if result.start_back else None,
        start_back_distress=result.start_back.distress if result.start_back else None,
        start_back_risk=result.start_back.risk if result.start_back else None,
        programme_allowed=result.programme_allowed,
        starting_level=result.starting_level,
        result=result.to_dict(),
    )
    session.add(screening)
    session.flush()
    if answers.start_back is not None and result.start_back is not None:
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
    for region, score in (("back", answers.pain_back), ("knee", answers.pain_knee)) if pain else ():
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
    session: Session,
    screening: Screening,
    clinician: Person,
    note: str,
    *,
    now: datetime | None = None,
) -> Screening:
    """The patient's own clinician clears an urgent flag or reviews a "soon" one, with a note.

    Clearing an urgent flag restarts the programme at ``rules.CLEARED_RESTART_LEVEL`` (a new
    programme row whose reason carries who cleared it and the note); reviewing a "soon" flag
    lifts the cap on the gentle level.
    """
    patient = screening.person
    if clinician.role != "clinician" or patient.clinician_id != clinician.id:
        raise InvalidField("clinician", f"{clinician.email} is not {patient.name}'s clinician")
    if not screening.red_flags:
        raise InvalidField("person", f"{patient.name}'s latest screening has no red flag to clear")
    if screening.cleared_at is not None:
        raise InvalidField("person", f"{patient.name}'s red flags were already cleared")
    note = (note or "").strip()
    if not note:
        raise InvalidField("note", "write what you checked and why it is safe to go on")
    now = now or utc_now()
    screening.cleared_by_id = clinician.id
    screening.cleared_at = now
    screening.clearance_note = note[:2000]
    if screening.referral == "urgent":
        state = initial_state(rules.CLEARED_RESTART_LEVEL)
        why = f"restart at level {state.level}: red flags cleared by {clinician.name}: {note}"
        session.add(new_programme(patient, state, why[:2000], now, screening))
    session.flush()
    return screening


def _blocked_by(screening: Screening | None) -> str | None:
    """Why exercise is not allowed under ``screening``, in plain words; None when it is."""
    if screening is None:
        return "Please answer the safety questions (the screening) before you exercise."
    if screening.referral == "urgent" and screening.cleared_at is None:
        return ("Your answers need a clinician to check you today. The exercises stay paused "
                "until your clinician has cleared you.")
    return None


def exercise_blocked(database: Any, person_id: int) -> str | None:
    """Why ``person_id`` may not exercise now (None when they may), in its own session: for the
    live coach's socket, which has no request session."""
    with database.sessions() as session:
        person = session.get(Person, person_id)
        return _blocked_by(latest_screening(session, person) if person else None)


#: What a filmed set may be: the camera sees a squat, and the easiest squat is the chair squat.
FILMED_EXERCISE = "chair_squat"


def require_exercise_allowed(
    session: Session, person: Person, exercise: str | None = None
) -> None:
    """The one guard for every route that records or analyses exercise (CLI, pages, API,
    uploads, live coach): raises :class:`ProgrammeBlocked` with the reason when the person has
    not screened, has an urgent flag no clinician has cleared, or asks for an exercise above
    their level. ``exercise`` None means a filmed squat (not at level 0, so not while a "soon"
    flag waits for review either)."""
    screening = latest_screening(session, person)
    reason = _blocked_by(screening)
    if reason is not None:
        raise ProgrammeBlocked(reason)
    assert screening is not None  # _blocked_by refuses a person without one
    programme = current_programme(session, person)
    allowed = programme.level if programme else (screening.starting_level or 0)
    if screening.referral == "soon" and screening.cleared_at is None:
        allowed = min(allowed, rules.UNREVIEWED_FLAG_MAX_LEVEL)
    needed = first_level_of(exercise or FILMED_EXERCISE)
    if needed is not None and needed > allowed:
        what = "Filmed squats are" if exercise is None else f"{get_exercise(exercise).name} is"
        raise ProgrammeBlocked(f"{what} not in your programme yet; your plan shows the "
                               "exercises for your level.")


def checked_today(session: Session, person: Person, now: datetime) -> bool:
    """Whether the two safety questions were answered on ``now``'s local day."""
    since = now - timedelta(days=2)
    taken = session.scalars(
        select(SymptomCheck.taken_at)
        .where(SymptomCheck.person_id == person.id, SymptomCheck.taken_at >= since)
    ).all()
    return any(local_day(person, at) == local_day(person, now) for at in taken)


def record_symptom_check(
    session: Session,
    person: Person,
    answers: dict[str, bool],
    *,
    now: datetime | None = None,
) -> SymptomCheck:
    """Store the two-question check before a session. A "yes" stores a new screening with
    those flags added, which re-opens the urgent block until a clinician clears it."""
    now = now or utc_now()
    for key in SYMPTOM_CHECK_FLAGS:
        if not isinstance(answers.get(key), bool):
            raise InvalidField(key, f"must be true or false, got {answers.get(key)!r}")
    extra = sorted(set(answers) - set(SYMPTOM_CHECK_FLAGS))
    if extra:
        raise InvalidField(extra[0], "is not a symptom check question")
    positive = any(answers.values())
    check = SymptomCheck(person_id=person.id, taken_at=now, answers=dict(answers),
                         positive=positive)
    if positive:
        latest = latest_screening(session, person)
        if latest is None:
            raise InvalidField("person", f"{person.name} has no screening yet")
        raw = current_answers(latest.answers)
        for key, codes in SYMPTOM_CHECK_FLAGS.items():
            if answers[key]:
                raw["red_flags"].update({code: True for code in codes})
        parsed = parse_answers(raw)
        check.screening_id = save_screening(session, person, parsed, screen(parsed), now=now,
                                            pain=False).id
    session.add(check)
    session.flush()
    return check


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
        programme.level,
        programme.target_reps,
        programme.sets,
        programme.sessions_per_week,
        programme.resistance,
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
        resistance=state.resistance,
        reason=reason,
    )


def _resting_readings(session: Session, person: Person) -> list[tuple[date, str, int]]:
    """(local day, region, score) of readings not provoked by exercise: between sessions, at
    screening and before a session (pain during and after exercise are left out)."""
    rows = session.execute(
        select(PainEntry.recorded_at, PainEntry.region, PainEntry.score)
        .where(PainEntry.person_id == person.id)
        .where((PainEntry.moment.is_(None)) | (PainEntry.moment == "before"))
        .order_by(PainEntry.recorded_at, PainEntry.id)
    ).all()
    return [(local_day(person, at), region, int(score)) for at, region, score in rows]


def _next_morning(readings: list[tuple[date, str, int]], region: str, day: date) -> int | None:
    """The region's worst reading on the first later day that has one (ideally the next day)."""
    later = [d for d, r, _ in readings if r == region and d > day]
    if not later:
        return None
    first = min(later)
    return max(score for d, r, score in readings if r == region and d == first)


def _session_pain(
    row: TrainingSession, readings: list[tuple[date, str, int]], day: date
) -> dict[str, RegionPain]:
    by_region: dict[str, dict[str, int]] = {}
    for entry in row.pain_entries:
        if entry.moment is not None:
            by_region.setdefault(entry.region, {})[entry.moment] = entry.score
    return {
        region: RegionPain(
            before=moments.get("before"),
            during=moments.get("during"),
            after=moments.get("after"),
            next_morning=_next_morning(readings, region, day),
        )
        for region, moments in by_region.items()
    }


def _key_reps(sets: list[ExerciseSet]) -> tuple[int | None, bool]:
    """Reps of the key exercise that count: filmed good-form reps win over reported reps."""
    filmed = [s for s in sets if s.filmed]
    if filmed:
        return filmed[-1].form_passing_reps, True
    return (sets[-1].reps, False) if sets else (None, False)


def session_history(
    session: Session, person: Person, programme: Programme
) -> tuple[list[SessionRecord], dict[str, tuple[float, float]]]:
    """Sessions since ``programme`` started, as the rules need them (oldest first), and the
    regions whose weekly pain average is rising."""
    rows = session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.person_id == person.id,
            TrainingSession.started_at >= programme.started_at,
        )
        .order_by(TrainingSession.started_at, TrainingSession.id)
        .options(selectinload(TrainingSession.sets), selectinload(TrainingSession.pain_entries))
    ).all()
    readings = _resting_readings(session, person)
    records = []
    for row in rows:
        day = local_day(person, row.started_at)
        reps, filmed = _key_reps([s for s in row.sets if s.exercise == programme.current_exercise])
        records.append(SessionRecord(day, reps, _session_pain(row, readings, day), filmed))
    rising = weekly_rise(readings, records[-1].day) if records else {}
    return records, rising


def _follow_up(screening: Screening) -> list[str]:
    """The repeated question for a "soon" flag no clinician has reviewed yet."""
    if screening.referral != "soon" or screening.cleared_at is not None:
        return []
    flags = "; ".join(flag_label(code) for code in screening.red_flags)
    return [
        f"Have you seen a clinician yet about: {flags}? If not, please book to see one. "
        "Your plan stays at the gentlest level until your clinician has reviewed it here."
    ]


def _advice_now(person: Person, screening: Screening) -> list[str]:
    """The screening's advice as it stands today: once a clinician has cleared or reviewed the
    flags, their "get help" lines give way to who cleared them and when."""
    advice = list(screening.result.get("advice", []))
    if screening.cleared_at is None or not screening.red_flags:
        return advice
    who = screening.cleared_by.name if screening.cleared_by else "your clinician"
    cleared = (f"{who} checked your answers on {local_day(person, screening.cleared_at)} "
               "and said you can go on.")
    if screening.referral == "urgent":
        return [cleared + " Start again gently at the easiest level.", NOT_A_DIAGNOSIS]
    return [cleared, *advice[1:]]


def build_plan(session: Session, person: Person, *, now: datetime | None = None) -> PlanOutcome:
    """Today's plan from the screening and history, storing any progression or step back.

    A screening newer than the programme (a re-screen, or a symptom check that found
    something) restarts the programme no harder than that screening allows.
    """
    now = now or utc_now()
    screening = latest_screening(session, person)
    if screening is None:
        raise InvalidField(
            "person", f"{person.name} has no screening yet; run 'glutecoach screen' first"
        )
    blocked = _blocked_by(screening)
    if blocked is not None:
        return PlanOutcome(blocked=True, advice=list(screening.result.get("advice", [])))
    programme = current_programme(session, person)
    start_level = screening.starting_level
    if start_level is None:  # an urgent screening, cleared: the promised restart level
        start_level = rules.CLEARED_RESTART_LEVEL
    if programme is None:
        # The programme starts when the screening allowed it, so sets logged before the first
        # 'plan' still count towards the rules.
        start = screening.cleared_at or screening.taken_at
        programme = new_programme(person, initial_state(start_level),
                                  "start, from the screening", start, screening)
        session.add(programme)
        session.flush()
    elif (programme.screening_id != screening.id and screening.red_flags
          and programme.level > start_level):
        # A new red flag (a knee that gives way, say) takes the programme back to what that
        # screening allows; a re-screen without flags leaves progress where it is.
        when = local_day(person, screening.taken_at).isoformat()
        programme = new_programme(
            person, cap_level(_state(programme), start_level),
            f"new screening on {when} with red flags: back to level {start_level}",
            max(screening.taken_at, programme.started_at), screening)
        session.add(programme)
        session.flush()
    unreviewed = screening.referral == "soon" and screening.cleared_at is None
    history, rising = session_history(session, person, programme)
    decision = decide(
        _state(programme), history, rising,
        max_level=rules.UNREVIEWED_FLAG_MAX_LEVEL if unreviewed else None,
    )
    if decision.action in ("progress", "step_back"):
        programme = new_programme(person, decision.state, decision.detail, now, screening)
        session.add(programme)
        session.flush()
    if not checked_today(session, person, now):
        ask_check = ["Before you start today, please answer the two safety questions "
                     "(new numbness or bladder/bowel change, a newly weak leg)."]
    else:
        ask_check = []
    due = [MEASURES[m]["plain"] for m in outcomes_due(session, person, now)]
    which = "first" if not programme_has_outcomes(session, person) else "4-weekly"
    ask = [f"Time for your {which} questionnaires ({' and '.join(due)}): they show you and "
           "your clinician what has changed."] if due else []
    return PlanOutcome(
        blocked=False,
        advice=_follow_up(screening) + ask_check + ask + _advice_now(person, screening),
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


def main_region(session: Session, person: Person) -> str:
    """The region a set's pain belongs to when none is named: the worse one at the latest
    screening (back on a tie)."""
    screening = latest_screening(session, person)
    pain = (screening.answers.get("pain") if screening else None) or {}
    return "knee" if pain.get("knee", 0) > pain.get("back", 0) else "back"


def check_load(load_kg: float | None, band: str | None) -> tuple[float | None, str | None]:
    """Validated added resistance: kilograms above 0 up to ``rules.MAX_LOAD_KG``, a band colour."""
    if load_kg is not None and (
        isinstance(load_kg, bool) or not isinstance(load_kg, (int, float))
        or not 0 < load_kg <= rules.MAX_LOAD_KG
    ):
        raise InvalidField("load_kg", f"must be a number above 0 up to {rules.MAX_LOAD_KG:g}, "
                                      f"got {load_kg!r}")
    if band is not None and band not in rules.BAND_COLOURS:
        raise InvalidField("band", f"must be one of {', '.join(rules.BAND_COLOURS)}, got {band!r}")
    return (None if load_kg is None else float(load_kg)), band


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
    pain_during: int | None = None,
    region: str | None = None,
    load_kg: float | None = None,
    band: str | None = None,
    now: datetime | None = None,
) -> ExerciseSet:
    """Record one set and the session's pain before/during/after it for ``region`` (default:
    :func:`main_region`) in that day's session. Refused (:class:`ProgrammeBlocked`) when the
    guard says exercise is not allowed."""
    now = now or utc_now()
    get_exercise(exercise)
    pains = {
        moment: check_pain(value, f"pain_{moment}")
        for moment, value in (("before", pain_before), ("during", pain_during),
                              ("after", pain_after))
    }
    if region is not None and region not in PAIN_REGIONS:
        raise InvalidField("region", f"must be one of {', '.join(PAIN_REGIONS)}, got {region!r}")
    load_kg, band = check_load(load_kg, band)
    # A filmed set is whatever squat the camera saw, so it is checked as the easiest squat.
    require_exercise_allowed(session, person, exercise if analysis is None else None)
    region = region or main_region(session, person)
    training = todays_session(session, person, now)
    for moment, score in pains.items():
        if score is not None:
            _set_session_pain(session, person, training, region, moment, score, now)
    row = ExerciseSet(
        session_id=training.id,
        exercise=exercise,
        reps=counts.reps,
        form_passing_reps=counts.passing_reps if analysis is not None else 0,
        form_score=counts.form_score,
        analysis=json_safe(analysis),
        video_path=video_path,
        recorded_at=now,
        load_kg=load_kg,
        band=band,
    )
    session.add(row)
    session.flush()
    return row


def _set_session_pain(
    session: Session,
    person: Person,
    training: TrainingSession,
    region: str,
    moment: str,
    score: int,
    now: datetime,
) -> None:
    """One region's pain at one moment of a session (a later entry replaces it); the session's
    own before/after columns keep the worst region's value."""
    assert moment in PAIN_MOMENTS
    entry = next((e for e in training.pain_entries
                  if e.region == region and e.moment == moment), None)
    if entry is None:
        entry = PainEntry(person_id=person.id, region=region, moment=moment,
                          source="session", recorded_at=now, score=score)
        training.pain_entries.append(entry)
    entry.score = score
    if moment != "during":
        worst = max(e.score for e in training.pain_entries if e.moment == moment)
        setattr(training, f"pain_{moment}", worst)
    session.flush()


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


# --- outcome measures ---------------------------------------------------------------------------


def record_outcome(
    session: Session,
    person: Person,
    measure: str,
    answers: Any,
    *,
    now: datetime | None = None,
) -> Questionnaire:
    """Score and store one outcome measure (``odi``, ``rmdq``, ``akps``, ``psfs``); the PSFS
    activities' names are free text, checked as every other (``store/text.py``)."""
    score = score_measure(measure, answers)
    if measure == "psfs":
        answers = [{**item, "activity": clean_text(item["activity"].strip(),
                                                   f"name of activity {number}")}
                   for number, item in enumerate(answers, start=1)]
    row = Questionnaire(person_id=person.id, kind=measure, answers=answers, score=score,
                        taken_at=now or utc_now())
    session.add(row)
    session.flush()
    return row


def latest_outcome(session: Session, person: Person, measure: str) -> Questionnaire | None:
    """The person's latest answers to ``measure`` (a new PSFS starts from the same activities,
    so their scores compare)."""
    return session.scalars(
        select(Questionnaire)
        .where(Questionnaire.person_id == person.id, Questionnaire.kind == measure)
        .order_by(Questionnaire.taken_at.desc(), Questionnaire.id.desc()).limit(1)
    ).first()


def outcome_overview(
    session: Session, person: Person, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The questionnaires a patient answers on the web (``WEB_FORM_FOR`` the measures offered to
    them), each with ``due``, ``next_day`` (when it is offered again, else None) and its latest
    result in plain words (``lines``)."""
    now = now or utc_now()
    due = outcomes_due(session, person, now)
    trends = {t["measure"]: t for t in outcome_trends(session, person)}
    overview = []
    for measure in measures_for(_pain_regions(latest_screening(session, person))):
        form = WEB_FORM_FOR[measure]
        kinds = ("rmdq", "odi") if measure == "rmdq" else (measure,)
        last = session.scalar(
            select(func.max(Questionnaire.taken_at))
            .where(Questionnaire.person_id == person.id, Questionnaire.kind.in_(kinds))
        )
        next_day = (None if measure in due or last is None else
                    local_day(person, last + timedelta(days=rules.OUTCOME_REPEAT_DAYS)))
        overview.append({
            "measure": form, "plain": MEASURES[form]["plain"], "due": measure in due,
            "next_day": next_day, "lines": result_in_words(trends[form]) if form in trends else [],
        })
    return overview


def _pain_regions(screening: Screening | None) -> list[str]:
    pain = (screening.answers.get("pain") if screening else None) or {}
    return [region for region in PAIN_REGIONS if (pain.get(region) or 0) > 0]


def programme_has_outcomes(session: Session, person: Person) -> bool:
    """Whether any outcome measure was taken yet (else the next ones are the baseline)."""
    taken = session.scalar(
        select(func.count()).select_from(Questionnaire)
        .where(Questionnaire.person_id == person.id, Questionnaire.kind.in_(tuple(MEASURES)))
    )
    return bool(taken)


def outcomes_due(session: Session, person: Person, now: datetime | None = None) -> list[str]:
    """Measures to offer now: never taken (the baseline) or last taken
    ``rules.OUTCOME_REPEAT_DAYS`` or more ago. ODI counts as the back measure as well as RMDQ."""
    now = now or utc_now()
    due = []
    for measure in measures_for(_pain_regions(latest_screening(session, person))):
        kinds = ("rmdq", "odi") if measure == "rmdq" else (measure,)
        last = session.scalar(
            select(func.max(Questionnaire.taken_at))
            .where(Questionnaire.person_id == person.id, Questionnaire.kind.in_(kinds))
        )
        if last is None or now - last >= timedelta(days=rules.OUTCOME_REPEAT_DAYS):
            due.append(measure)
    return due


def outcome_trends(session: Session, person: Person) -> list[dict[str, Any]]:
    """First and latest score of each measure taken, and whether the change is meaningful."""
    trends = []
    for measure, spec in MEASURES.items():
        rows = session.scalars(
            select(Questionnaire)
            .where(Questionnaire.person_id == person.id, Questionnaire.kind == measure)
            .order_by(Questionnaire.taken_at, Questionnaire.id)
        ).all()
        if not rows:
            continue
        first, last = rows[0].score, rows[-1].score
        mic = minimal_important_change(measure, first)
        direction = (meaningful_change(first, last, mic, spec["higher_is_better"])
                     if len(rows) > 1 else "not enough data")
        trends.append({
            "measure": measure, "name": spec["name"], "unit": spec["unit"], "taken": len(rows),
            "first": first, "last": last, "change": round(last - first, 1),
            "minimal_important_change": round(mic, 1), "direction": direction,
            "first_day": local_day(person, rows[0].taken_at).isoformat(),
            "last_day": local_day(person, rows[-1].taken_at).isoformat(),
        })
    return trends


# --- progress -----------------------------------------------------------------------------------


def _set_summary(row: ExerciseSet) -> SetSummary:
    faults: list[str] = []
    for rep in (row.analysis or {}).get("reps", []) or []:
        faults.extend(
            f.get("code", "?") for f in rep.get("faults", []) if f.get("severity") == "fault"
        )
    return SetSummary(row.exercise, row.reps, row.form_passing_reps, row.form_score, faults,
                      filmed=row.filmed, load_kg=row.load_kg, band=row.band)


def _programme_dict(row: Programme) -> dict[str, Any]:
    return {
        "level": row.level,
        "exercise": row.current_exercise,
        "exercise_name": get_exercise(row.current_exercise).name,
        "target_reps": row.target_reps,
        "sets": row.sets,
        "sessions_per_week": row.sessions_per_week,
        "resistance": rules.RESISTANCE_STEPS[row.resistance],
        "started_at": row.started_at.isoformat(),
        "reason": row.reason,
    }


def _flag_history(session: Session, person: Person) -> list[FlagEvent]:
    rows = session.scalars(
        select(Screening).where(Screening.person_id == person.id)
        .order_by(Screening.taken_at, Screening.id)
    )
    return [
        FlagEvent(
            day=local_day(person, row.taken_at),
            flags=[flag_label(code) for code in row.red_flags],
            referral=row.referral,
            cleared_by=row.cleared_by.name if row.cleared_by else None,
            cleared_on=local_day(person, row.cleared_at) if row.cleared_at else None,
            note=row.clearance_note,
        )
        for row in rows
        if row.red_flags
    ]


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
    pain = [
        PainPoint(e.recorded_at, e.region, e.score, e.moment)
        for e in session.scalars(
            select(PainEntry)
            .where(PainEntry.person_id == person.id)
            .order_by(PainEntry.recorded_at, PainEntry.id)
        )
    ]
    plan_per_week = history[-1].sessions_per_week if history else rules.ACSM_SESSIONS_PER_WEEK_MAX
    since = local_day(person, history[0].started_at) if history else None
    identifiers = {"email": person.email}
    if person.clinic_number:
        identifiers["clinic number"] = person.clinic_number
    if person.date_of_birth:
        identifiers["date of birth"] = person.date_of_birth.isoformat()
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
        trends=[pain_trend(pain, region) for region in PAIN_REGIONS],
        adherence=adherence([s.day for s in summaries], today, plan_per_week, since=since),
        timezone=person.timezone,
        clinician=(f"{person.clinician.name} <{person.clinician.email}>"
                   if person.clinician else None),
        identifiers=identifiers,
        flag_history=_flag_history(session, person),
        screening_cleared=bool(screening and screening.cleared_at),
        outcomes=outcome_trends(session, person),
        start_back_positive=_start_back_positive(screening),
    )


def _start_back_positive(screening: Screening | None) -> list[str]:
    """The STarT Back statements that scored, numbered as in the tool (Hill 2008)."""
    items = (screening.answers.get("start_back") if screening else None) or []
    return [
        f"{number}. {START_BACK_QUESTIONS[number - 1]}"
        for number, answer in enumerate(items, start=1)
        if answer == 1 or answer in rules.START_BACK_ITEM9_POSITIVE
    ]
