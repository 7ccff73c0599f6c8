"""Patient API: screening, today's plan, logging sets and pain, progress and its plots.

Every route works on the signed-in patient only (no id in the path), so there is nothing of
anyone else to reach. The rules are the CLI's: :mod:`glutecoach.coaching` via
:mod:`glutecoach.store.service`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.exercises import get_exercise
from glutecoach.coaching.screening import (
    PREVIOUS_INJURY_CHOICES,
    RED_FLAGS,
    START_BACK_QUESTIONS,
    SYMPTOM_CHECK_QUESTIONS,
    Answers,
    example_answers,
    parse_answers,
)
from glutecoach.coaching.screening import screen as run_screen
from glutecoach.coaching.sets import counts_from_reps
from glutecoach.store import service
from glutecoach.store.models import PainEntry, Person
from glutecoach.web.deps import Db, Patient, require_fetch
from glutecoach.web.progress import plot_png, progress_dict, screening_dict, screenings_of

router = APIRouter(prefix="/api", tags=["patient"], dependencies=[Depends(require_fetch)])


class PlotName(str, Enum):
    pain = "pain"
    reps = "reps"
    adherence = "adherence"


def questions() -> dict[str, Any]:
    """The screening questions, as the CLI asks them."""
    return {
        "red_flags": [{"code": f.code, "question": f.question, "urgent": f.urgent}
                      for f in RED_FLAGS],
        "pain_is_new": f"Did this pain start in the last {rules.NEW_PAIN_WEEKS} weeks?",
        "start_back": list(START_BACK_QUESTIONS),
        "start_back_item9_answers": list(rules.START_BACK_ITEM9_ANSWERS),
        "previous_injury_choices": list(PREVIOUS_INJURY_CHOICES),
    }


@router.get("/screening/questions")
def screening_questions() -> dict[str, Any]:
    """The screening questions and allowed answers (no sign-in needed)."""
    return questions()


def save_screening(db: Db, user: Person, raw: Answers | Mapping[str, Any],
                   at: str | None = None) -> dict[str, Any]:
    """Validate, screen with the CLI's rules, store and commit; shared with the page. ``at``
    enters a paper screening at its own date (up to 90 days back)."""
    answers = parse_answers(raw)
    result = run_screen(answers)
    row = service.save_screening(db, user, answers, result, now=service.entered_at(user, at))
    db.commit()
    return {**screening_dict(row), "urgent": result.referral == "urgent"}


@router.post("/screenings", status_code=201,
             responses={422: {"description": "a missing or invalid answer, named"}})
def screen(
    user: Patient, db: Db,
    answers: Annotated[Answers, Body(
        description="the answers file format of 'glutecoach screen --answers' (docs/coaching.md)",
        examples=[example_answers()])],
) -> dict[str, Any]:
    """Screen for red flags and STarT Back risk (same rules as the CLI)."""
    return save_screening(db, user, answers)


@router.get("/screenings")
def my_screenings(user: Patient, db: Db) -> list[dict[str, Any]]:
    """Your screenings, newest first."""
    return [screening_dict(s) for s in screenings_of(db, user)]


def exercise_dict(code: str) -> dict[str, Any]:
    ex = get_exercise(code)
    return {"code": ex.code, "name": ex.name, "instructions": list(ex.instructions),
            "cues": list(ex.cues), "evidence": ex.evidence, "dosing": ex.dosing,
            "video_checked": ex.video_checked, "regression": ex.regression,
            "progression": ex.progression}


def plan_dict(db: Db, user: Person) -> dict[str, Any]:
    """Today's plan (may store a progression or step back, so the caller commits)."""
    if service.latest_screening(db, user) is None:
        return {"status": "needs_screening", "advice": [], "items": []}
    outcome = service.build_plan(db, user)
    if outcome.blocked or outcome.decision is None:
        return {"status": "blocked", "advice": outcome.advice, "items": []}
    state = outcome.decision.state
    return {
        "status": "ok",
        "advice": outcome.advice,
        "decision": {"action": outcome.decision.action, "reason": outcome.decision.reason},
        "level": state.level,
        "sessions_per_week": state.sessions_per_week,
        "items": [{**exercise_dict(i.exercise.code), "sets": i.sets, "reps": i.reps,
                   "key": i.key, "resistance": i.resistance} for i in outcome.items],
    }


@router.get("/plan")
def plan(user: Patient, db: Db) -> dict[str, Any]:
    """Today's plan, each exercise with instructions and cues; ``blocked`` after a red flag."""
    result = plan_dict(db, user)
    db.commit()
    return result


class PainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    back: int | None = Field(default=None, ge=0, le=10)
    knee: int | None = Field(default=None, ge=0, le=10)


def pain_dict(e: PainEntry) -> dict[str, Any]:
    return {"id": e.id, "region": e.region, "score": e.score,
            "recorded_at": e.recorded_at.isoformat(), "source": e.source}


@router.post("/pain", status_code=201)
def log_pain(body: PainIn, user: Patient, db: Db) -> list[dict[str, Any]]:
    """Record pain now (0-10) for back and/or knee."""
    if body.back is None and body.knee is None:
        raise InvalidField("pain", "give back and/or knee (0-10)")
    rows = [service.log_pain(db, user, region, score)
            for region, score in (("back", body.back), ("knee", body.knee)) if score is not None]
    db.commit()
    return [pain_dict(r) for r in rows]


@router.get("/pain")
def my_pain(user: Patient, db: Db) -> list[dict[str, Any]]:
    """Your pain readings, oldest first."""
    return [pain_dict(e) for e in user.pain_entries]


class SetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exercise: str = Field(min_length=1, max_length=40, examples=["glute_bridge"])
    reps: int = Field(ge=1, le=200)
    pain_before: int | None = Field(default=None, ge=0, le=10)
    pain_during: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    region: Literal["back", "knee"] | None = None
    load_kg: float | None = Field(default=None, gt=0, le=rules.MAX_LOAD_KG)
    band: str | None = Field(default=None, max_length=10)
    at: str | None = Field(default=None, max_length=40,
                           description="ISO date and time, up to 90 days back (paper diary)")


def log_manual_set(db: Db, user: Person, body: SetIn) -> dict[str, Any]:
    row = service.log_set(db, user, body.exercise, counts_from_reps(body.reps),
                          pain_before=body.pain_before, pain_during=body.pain_during,
                          pain_after=body.pain_after, region=body.region, load_kg=body.load_kg,
                          band=body.band, now=service.entered_at(user, body.at))
    db.commit()
    return {"id": row.id, "exercise": row.exercise, "reps": row.reps,
            "recorded_at": row.recorded_at.isoformat()}


@router.post("/sets", status_code=201)
def log_set(body: SetIn, user: Patient, db: Db) -> dict[str, Any]:
    """Log a set done without the camera (every rep counts, form unchecked)."""
    return log_manual_set(db, user, body)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numbness_or_bladder: bool = Field(description=SYMPTOM_CHECK_QUESTIONS["numbness_or_bladder"])
    new_weakness: bool = Field(description=SYMPTOM_CHECK_QUESTIONS["new_weakness"])


def symptom_check(db: Db, user: Person, answers: dict[str, bool]) -> dict[str, Any]:
    """Store the check before a session and commit; shared with the page."""
    row = service.record_symptom_check(db, user, answers)
    db.commit()
    return {"positive": row.positive,
            "advice": list(row.screening.result.get("advice", [])) if row.screening else []}


@router.post("/symptom-check", status_code=201)
def check(body: CheckIn, user: Patient, db: Db) -> dict[str, Any]:
    """The two questions before a session; a "yes" pauses the exercises until a clinician
    clears them (every exercise route then answers 422 with the reason)."""
    return symptom_check(db, user, body.model_dump())


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    measure: Literal["odi", "rmdq", "akps", "psfs"]
    answers: Any = Field(description="the measure's answers, as for 'glutecoach outcome'")
    at: str | None = Field(default=None, max_length=40)


@router.post("/outcomes", status_code=201)
def record_outcome(body: OutcomeIn, user: Patient, db: Db) -> dict[str, Any]:
    """Record an outcome measure (baseline, then every 4 weeks); answers with its score."""
    row = service.record_outcome(db, user, body.measure, body.answers,
                                 now=service.entered_at(user, body.at))
    db.commit()
    return {"measure": row.kind, "score": row.score, "taken_at": row.taken_at.isoformat()}


@router.get("/outcomes/due")
def outcomes_due(user: Patient, db: Db) -> list[str]:
    """The measures to offer now (never taken, or 4 weeks or more since the last)."""
    return service.outcomes_due(db, user)


@router.get("/progress")
def progress(user: Patient, db: Db) -> dict[str, Any]:
    """Trends, adherence, sessions and pain readings."""
    return progress_dict(service.progress_data(db, user))


@router.get("/progress/plots/{name}", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def progress_plot(name: PlotName, user: Patient, db: Db) -> Response:
    """One of the CLI's progress plots as PNG."""
    png = plot_png(service.progress_data(db, user), name.value)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
