"""Patient and sign-in pages: server-rendered HTML forms that call the same functions as the
JSON API, so a page never holds logic of its own. Every post checks the CSRF token; input
problems re-render the form with the reason (status 422), never a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.screening import RED_FLAGS, SYMPTOM_CHECK_QUESTIONS
from glutecoach.errors import InputError
from glutecoach.store import accounts, service
from glutecoach.store import appointments as appt
from glutecoach.store.models import Person
from glutecoach.store.web_sessions import end_session
from glutecoach.web import api_account, mail
from glutecoach.web import api_appointments as api_appt
from glutecoach.web.api_analyses import create_job, job_dict, jobs_of, visible_job
from glutecoach.web.api_auth import (
    clear_session_cookie,
    login_person,
    register_person,
    set_session_cookie,
)
from glutecoach.web.api_patient import (
    SetIn,
    log_manual_set,
    plan_dict,
    questions,
    save_screening,
    symptom_check,
)
from glutecoach.web.deps import (
    ID_MAX,
    SESSION_COOKIE,
    Db,
    Patient,
    RecordId,
    User,
    check_csrf,
    optional_user,
    time_zones,
)
from glutecoach.web.progress import progress_dict
from glutecoach.web.templating import in_words, render

router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only local paths (no scheme, no '//host'), so sign-in cannot redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def home_for(user: Person) -> str:
    return "/clinic" if user.role == "clinician" else "/today"


@router.get("/")
def index(request: Request, user: Annotated[Person | None, Depends(optional_user)]) -> Response:
    if user is None:
        return render(request, "welcome.html")
    return _see_other(home_for(user))


# --- sign up / in / out ----------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[Csrf])
def login_submit(
    request: Request, db: Db,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        person, token, device = login_person(db, request, email, password)
    except InvalidField as wrong:
        return render(request, "login.html", {"error": in_words(wrong), "email": email,
                                              "next": _safe_next(next)}, status_code=401)
    except HTTPException as wait:  # throttled: the form stays, with how long to wait
        return render(request, "login.html", {"error": wait.detail, "email": email,
                                              "next": _safe_next(next)},
                      status_code=wait.status_code)
    target = _safe_next(next)
    response = _see_other(home_for(person) if target == "/" else target)
    set_session_cookie(request, response, token, device)
    return response


@router.get("/signup")
def signup_page(request: Request) -> Response:
    return render(request, "signup.html")


@router.post("/signup", dependencies=[Csrf])
def signup_submit(
    request: Request, db: Db,
    email: Annotated[str, Form(max_length=320)],
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    try:
        _person, token, device = register_person(db, request, email, password, name,
                                                 timezone or "UTC")
    except (InputError, HTTPException) as bad:
        db.rollback()
        status = bad.status_code if isinstance(bad, HTTPException) else 422
        message = bad.detail if isinstance(bad, HTTPException) else in_words(bad)
        return render(request, "signup.html", {"error": message, "email": email,
                                               "name": name, "timezone": timezone},
                      status_code=status)
    response = _see_other("/screening")
    set_session_cookie(request, response, token, device)
    return response


@router.post("/logout", dependencies=[Csrf])
def logout_submit(request: Request, db: Db) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = _see_other("/login")
    clear_session_cookie(response)
    return response


# --- screening -------------------------------------------------------------------------------


def _answers_from_form(form: FormData) -> dict[str, Any]:
    def number(key: str) -> Any:
        value = str(form.get(key, "")).strip()
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value or None

    items: list[Any] = [1 if form.get(f"sb{i}") == "1" else 0 for i in range(1, 9)]
    items.append(str(form.get("sb9", "")))
    return {
        "red_flags": {f.code: form.get(f"flag_{f.code}") == "1" for f in RED_FLAGS},
        "start_back": items,
        "pain": {"back": number("pain_back"), "knee": number("pain_knee")},
        "pain_is_new": form.get("pain_is_new") == "1",
        "age": number("age"),
        "sitting_hours_per_day": number("sitting_hours_per_day"),
        "active_days_per_week": number("active_days_per_week"),
        "previous_injury": str(form.get("previous_injury", "none")),
    }


@router.get("/screening")
def screening_page(request: Request, user: Patient) -> Response:
    return render(request, "screening.html", {"q": questions(), "values": {}})


@router.post("/screening", dependencies=[Csrf])
async def screening_submit(request: Request, user: Patient, db: Db) -> Response:
    form = await request.form()
    try:
        result = save_screening(db, user, _answers_from_form(form), str(form.get("at", "")))
    except InputError as bad:
        db.rollback()
        return render(request, "screening.html",
                      {"q": questions(), "error": in_words(bad), "values": dict(form)},
                      status_code=422)
    return render(request, "screening_result.html", {"s": result})


# --- today's plan and logging ----------------------------------------------------------------


def _today(request: Request, user: Person, db: Db, error: str | None = None,
           typed: dict[str, str] | None = None, status_code: int = 200) -> Response:
    """Today's page; after a refused set, with the reason and what was typed (``typed``) back
    in that exercise's form."""
    plan = plan_dict(db, user)
    due = service.outcomes_due(db, user) if plan["status"] == "ok" else []
    db.commit()
    return render(request, "today.html", {
        "plan": plan, "check_questions": SYMPTOM_CHECK_QUESTIONS, "outcomes_due": due,
        "error": error, "typed": typed or {}}, status_code=status_code)


@router.get("/today")
def today_page(request: Request, user: Patient, db: Db) -> Response:
    return _today(request, user, db)


@router.post("/check", dependencies=[Csrf])
async def check_submit(request: Request, user: Patient, db: Db) -> Response:
    form = await request.form()
    result = symptom_check(db, user, {key: form.get(key) == "1" for key in SYMPTOM_CHECK_QUESTIONS})
    return _see_other("/today" if not result["positive"] else "/today?paused=1")


@router.post("/sets", dependencies=[Csrf])
def set_submit(
    request: Request, user: Patient, db: Db,
    exercise: Annotated[str, Form(max_length=40)] = "",
    reps: Annotated[str, Form(max_length=5)] = "",
    pain_before: Annotated[str, Form(max_length=3)] = "",
    pain_during: Annotated[str, Form(max_length=3)] = "",
    pain_after: Annotated[str, Form(max_length=3)] = "",
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    typed = {"exercise": exercise, "reps": reps, "pain_before": pain_before,
             "pain_during": pain_during, "pain_after": pain_after, "at": at}
    try:
        body = SetIn(exercise=exercise, reps=_reps_field(reps),
                     pain_before=_pain_field(pain_before, "pain_before"),
                     pain_during=_pain_field(pain_during, "pain_during"),
                     pain_after=_pain_field(pain_after, "pain_after"), at=at or None)
        log_manual_set(db, user, body)
    except (InputError, ValueError) as bad:
        db.rollback()
        return _today(request, user, db, in_words(bad), typed, status_code=422)
    return _see_other("/today?logged=" + quote(exercise))


def _reps_field(text: str) -> int:
    """The reps done, from the set form: a whole number 1-200."""
    if not text.strip():
        raise InvalidField("reps", "is missing: how many did you do?")
    try:
        value = int(text)
    except ValueError:
        raise InvalidField("reps", f"must be a whole number 1-200, got {text!r}") from None
    if not 1 <= value <= 200:
        raise InvalidField("reps", f"must be a whole number 1-200, got {value}")
    return value


def _pain_field(text: str, name: str) -> int | None:
    """A 0-10 pain rating from a form field; blank means not given."""
    if not text.strip():
        return None
    try:
        value = int(text)
    except ValueError:
        raise InvalidField(name, f"must be a whole number 0-10, got {text!r}") from None
    return service.check_pain(value, name)


# --- upload and analyses ---------------------------------------------------------------------


@router.get("/upload")
def upload_page(request: Request, user: Patient) -> Response:
    limit = request.app.state.settings.max_upload_bytes // (1024 * 1024)
    return render(request, "upload.html", {"limit_mb": limit})


@router.post("/upload", dependencies=[Csrf])
async def upload_submit(
    request: Request, user: Patient, db: Db,
    file: Annotated[UploadFile, File()],
    keep: Annotated[str, Form(max_length=5)] = "",
    pain_before: Annotated[str, Form(max_length=3)] = "",
    pain_after: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    limit = request.app.state.settings.max_upload_bytes // (1024 * 1024)
    typed = {"keep": keep == "1", "pain_before": pain_before, "pain_after": pain_after}
    try:
        before = _pain_field(pain_before, "pain_before")
        after = _pain_field(pain_after, "pain_after")
        job = await create_job(request, db, user, file, keep == "1", before, after)
    except ValueError as bad:
        return render(request, "upload.html", {"limit_mb": limit, "error": in_words(bad),
                                               "typed": typed}, status_code=422)
    except HTTPException as too_big:
        return render(request, "upload.html", {"limit_mb": limit, "error": too_big.detail,
                                               "typed": typed}, status_code=too_big.status_code)
    return _see_other(f"/analyses/{job.id}")


@router.get("/analyses")
def analyses_page(request: Request, user: Patient, db: Db) -> Response:
    jobs = jobs_of(db, user, limit=100)
    return render(request, "analyses.html", {"jobs": [job_dict(j, with_result=False)
                                                      for j in jobs]})


@router.get("/analyses/{job_id}")
def analysis_page(request: Request, job_id: RecordId, user: User, db: Db) -> Response:
    job = visible_job(db, user, job_id)
    return render(request, "analysis.html", {"job": job_dict(job)})


# --- pain, progress --------------------------------------------------------------------------


@router.get("/pain")
def pain_page(request: Request, user: Patient) -> Response:
    entries = list(reversed(user.pain_entries))[:30]
    return render(request, "pain.html", {"entries": entries})


@router.post("/pain", dependencies=[Csrf])
def pain_submit(
    request: Request, user: Patient, db: Db,
    back: Annotated[str, Form(max_length=3)] = "",
    knee: Annotated[str, Form(max_length=3)] = "",
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    typed = {"back": back, "knee": knee, "at": at}
    try:
        if not back.strip() and not knee.strip():
            raise InvalidField("pain", "give back and/or knee pain (0-10)")
        scores = {"back": _pain_field(back, "back_pain"), "knee": _pain_field(knee, "knee_pain")}
        when = service.entered_at(user, at)
        for region, score in scores.items():
            if score is not None:
                service.log_pain(db, user, region, score, now=when)
        db.commit()
    except InputError as bad:
        db.rollback()
        entries = list(reversed(user.pain_entries))[:30]
        return render(request, "pain.html", {"entries": entries, "error": in_words(bad),
                                             "typed": typed}, status_code=422)
    return _see_other("/pain?saved=1")


@router.get("/progress")
def progress_page(request: Request, user: Patient, db: Db) -> Response:
    data = progress_dict(service.progress_data(db, user))
    return render(request, "progress.html", {"p": data, "plot_base": "/api/progress/plots"})


# --- account ---------------------------------------------------------------------------------


def _account(request: Request, user: Person, db: Db, error: str | None = None,
             status_code: int = 200, typed_name: str | None = None) -> Response:
    clinicians = appt.clinicians(db)
    return render(request, "account.html", {
        "zones": sorted(time_zones()), "clinicians": clinicians, "current": user.clinician_id,
        "error": error, "name": user.name if typed_name is None else typed_name},
        status_code=status_code)


@router.get("/account")
def account_page(request: Request, user: User, db: Db) -> Response:
    return _account(request, user, db)


@router.post("/account/password", dependencies=[Csrf])
def password_submit(
    request: Request, user: User, db: Db,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    response = _see_other("/account?password=1")
    try:
        api_account.change_password(db, request, response, user, current_password, new_password)
    except InputError as bad:
        db.rollback()
        return _account(request, user, db, in_words(bad), 422)
    return response


@router.post("/account/logout-all", dependencies=[Csrf])
def logout_all_submit(request: Request, user: User, db: Db) -> Response:
    accounts.end_all_sessions(db, user)
    db.commit()
    response = _see_other("/login?signed_out=all")
    clear_session_cookie(response)
    return response


@router.post("/account/delete", dependencies=[Csrf])
def delete_submit(
    request: Request, user: User, db: Db, password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        api_account.delete_account(db, request, user, password)
    except InputError as bad:
        db.rollback()
        return _account(request, user, db, in_words(bad), 422)
    response = _see_other("/?deleted=1")
    clear_session_cookie(response)
    return response


# --- password reset --------------------------------------------------------------------------


@router.get("/reset/{token}")
def reset_page(request: Request, token: str, db: Db) -> Response:
    try:
        accounts.reset_for(db, token)
    except InputError as bad:
        return render(request, "reset.html", {"error": in_words(bad), "spent": True}, 410)
    return render(request, "reset.html", {"token": token})


@router.post("/reset/{token}", dependencies=[Csrf])
def reset_submit(
    request: Request, token: str, db: Db, password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        accounts.use_reset(db, token, password)
        db.commit()
    except InputError as bad:
        db.rollback()
        return render(request, "reset.html", {"token": token, "error": in_words(bad)}, 422)
    return _see_other("/login?reset=1")


@router.get("/forgot")
def forgot_page(request: Request) -> Response:
    return render(request, "forgot.html", {"email_on": mail.can_email(request.app.state.settings)})


@router.post("/forgot", dependencies=[Csrf])
def forgot_submit(
    request: Request, db: Db, email: Annotated[str, Form(max_length=320)],
) -> Response:
    api_account.forgot(db, request, email)
    return render(request, "forgot.html", {"sent": True, "email_on": True})


@router.post("/account", dependencies=[Csrf])
def account_submit(
    request: Request, user: User, db: Db,
    name: Annotated[str, Form(max_length=200)],
    timezone: Annotated[str, Form(max_length=64)],
    clinician_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        if not name.strip():
            raise InvalidField("name", "must not be empty")
        if timezone not in time_zones():
            raise InvalidField("timezone", f"unknown time zone {timezone!r}")
        if clinician_id and user.role == "patient":
            ok = clinician_id.isdigit() and 0 < int(clinician_id) <= ID_MAX
            lead = db.get(Person, int(clinician_id)) if ok else None
            if lead is None or lead.role != "clinician":
                raise InvalidField("clinician_id", "no such clinician")
            user.clinician_id = lead.id
        user.name, user.timezone = name.strip(), timezone
        db.commit()
    except InputError as bad:
        db.rollback()
        return _account(request, user, db, in_words(bad), 422, typed_name=name)
    return _see_other("/account?saved=1")


# --- appointments ----------------------------------------------------------------------------


@router.get("/appointments")
def appointments_page(
    request: Request, user: Patient, db: Db, clinician_id: int | None = None
) -> Response:
    clinicians = appt.clinicians(db)
    chosen = clinician_id or user.clinician_id or (clinicians[0].id if clinicians else None)
    slots: list[appt.Slot] = []
    if chosen is not None and any(c.id == chosen for c in clinicians):
        slots = appt.free_slots(db, appt.get_clinician(db, chosen), days=28)
    mine = [api_appt.appointment_dict(db, a) for a in appt.appointments_of(db, user)]
    return render(request, "appointments.html", {
        "clinicians": clinicians, "chosen": chosen, "slots": slots[:60], "mine": mine,
        "cancelled": cancelled_shown(request, db, user),
    })


def cancelled_shown(request: Request, db: Db, user: Person) -> dict[str, Any] | None:
    """The appointment named by ``?cancelled=ID`` (one of the user's), to confirm it went."""
    ref = request.query_params.get("cancelled", "")
    if not ref.isdigit() or not 0 < int(ref) <= ID_MAX:
        return None
    try:
        row = appt.appointment_for(db, user, int(ref))
    except appt.NotFound:
        return None
    return api_appt.appointment_dict(db, row) if row.status == "cancelled" else None


@router.post("/appointments", dependencies=[Csrf])
def book_submit(
    request: Request, user: Patient, db: Db,
    clinician_id: Annotated[int, Form(ge=1, le=ID_MAX)],
    start: Annotated[str, Form(max_length=64)],
) -> Response:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise InvalidField("start", f"not an ISO 8601 time: {start!r}") from None
    try:
        row = api_appt.book_slot(db, user, clinician_id, moment)
    except HTTPException as refused:
        if refused.status_code == 409:
            return render(request, "error.html", {
                "message": "That slot was just taken by someone else. Please pick another.",
                "back": f"/appointments?clinician_id={clinician_id}"}, status_code=409)
        raise
    return _see_other(f"/appointments?booked={row.id}")


def _appointments_home(user: Person) -> str:
    return "/clinic/calendar" if user.role == "clinician" else "/appointments"


@router.get("/appointments/{appointment_id}/cancel")
def cancel_page(request: Request, appointment_id: RecordId, user: User, db: Db) -> Response:
    """Ask before cancelling (the button on the list only leads here)."""
    try:
        row = appt.appointment_for(db, user, appointment_id)
    except appt.NotFound:
        raise HTTPException(404, "no such appointment") from None
    if row.status == "cancelled":
        return _see_other(f"{_appointments_home(user)}?cancelled={row.id}")
    return render(request, "cancel.html", {"a": api_appt.appointment_dict(db, row),
                                           "back": _appointments_home(user)})


@router.post("/appointments/{appointment_id}/cancel", dependencies=[Csrf])
def cancel_submit(request: Request, appointment_id: RecordId, user: User, db: Db) -> Response:
    row = api_appt.cancel_appointment(db, user, appointment_id)
    return _see_other(f"{_appointments_home(user)}?cancelled={row.id}")


