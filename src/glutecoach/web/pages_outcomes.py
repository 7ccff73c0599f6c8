"""Patient pages for the outcome measures (issue 11): the questionnaires due, each one's form,
and the latest score with its change since the first one in plain words. Scoring and storage
are the CLI's (:mod:`glutecoach.coaching.questionnaires` via :mod:`glutecoach.store.service`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from glutecoach.coaching import rules
from glutecoach.coaching.questionnaires import (
    MEASURES,
    ODI_SCALE_PLAIN,
    ODI_SECTIONS_PLAIN,
    PSFS_ACTIVITY_MAX,
    WEB_FORMS,
    answers_from_form,
)
from glutecoach.errors import InputError
from glutecoach.store import service
from glutecoach.store.models import Person
from glutecoach.web.deps import Db, Patient, check_csrf
from glutecoach.web.templating import in_words, render

router = APIRouter(include_in_schema=False)
#: How much of each typed field is kept, to show again after an error (longer is refused).
FIELD_MAX = PSFS_ACTIVITY_MAX + 20


def _measure(measure: str) -> str:
    if measure not in WEB_FORMS:
        raise HTTPException(404, "There is no such questionnaire.")
    return measure


def _form_page(request: Request, db: Db, user: Person, measure: str,
               typed: dict[str, str] | None = None, error: str | None = None,
               status_code: int = 200) -> Response:
    if typed is None:  # a new PSFS starts from the activities named last time
        typed = {}
        last = service.latest_outcome(db, user, "psfs") if measure == "psfs" else None
        for number, item in enumerate(last.answers if last else [], start=1):
            typed[f"activity{number}"] = item["activity"]
    return render(request, "outcome_form.html", {
        "measure": measure, "plain": MEASURES[measure]["plain"], "typed": typed, "error": error,
        "sections": ODI_SECTIONS_PLAIN, "scale": ODI_SCALE_PLAIN,
        "rows": range(1, rules.PSFS_MAX_ACTIVITIES + 1), "least": rules.PSFS_MIN_ACTIVITIES,
        "activity_max": PSFS_ACTIVITY_MAX}, status_code=status_code)


@router.get("/outcomes")
def outcomes_page(request: Request, user: Patient, db: Db) -> Response:
    overview = service.outcome_overview(db, user)
    saved = request.query_params.get("saved")
    return render(request, "outcomes.html", {
        "overview": overview, "saved": MEASURES[saved]["plain"] if saved in WEB_FORMS else None,
        "weeks": rules.OUTCOME_REPEAT_DAYS // 7})


@router.get("/outcomes/{measure}")
def outcome_form(request: Request, measure: str, user: Patient, db: Db) -> Response:
    return _form_page(request, db, user, _measure(measure))


@router.post("/outcomes/{measure}", dependencies=[Depends(check_csrf)])
async def outcome_submit(request: Request, measure: str, user: Patient, db: Db) -> Response:
    measure = _measure(measure)
    form = await request.form()
    typed: dict[str, Any] = {key: str(value)[:FIELD_MAX] for key, value in form.items()
                             if key != "csrf_token" and isinstance(value, str)}
    try:
        answers = answers_from_form(measure, typed)
        service.record_outcome(db, user, measure, answers,
                               now=service.entered_at(user, typed.get("at")))
        db.commit()
    except InputError as bad:
        db.rollback()
        return _form_page(request, db, user, measure, typed, in_words(bad), 422)
    return RedirectResponse(f"/outcomes?saved={measure}", status_code=303)
