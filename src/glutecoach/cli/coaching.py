"""Coaching commands: screen, plan, log, pain, progress, report and users.

The main CLI calls :func:`register` to add them. Commands are thin: they read input, call
:mod:`glutecoach.store.service` inside one unit of work, and print with Rich. Bad input (an
unknown person, a pain of 11, a missing STarT Back item, malformed JSON) prints one line on
stderr naming the field and exits with code 2; nothing is written. A screening that blocks the
programme makes ``plan`` exit with code 3 after printing the advice.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from glutecoach.cli.errors import EXIT_BAD_INPUT, fail, out, settings  # noqa: F401 - EXIT_BAD_INPUT re-exported
from glutecoach.errors import InputError
from glutecoach.io.files import check_writable, write_text_atomically

if TYPE_CHECKING:
    from glutecoach.result import AnalysisResult

EXIT_BLOCKED = 3

users_app = typer.Typer(help="Manage patients and clinicians.", no_args_is_help=True)


class ImageFormat(str, Enum):
    png = "png"
    svg = "svg"


class Role(str, Enum):
    patient = "patient"
    clinician = "clinician"


@contextmanager
def _input_errors() -> Iterator[None]:
    """Turn input problems into one line on stderr and exit code 2 (no traceback)."""
    try:
        yield
    except InputError as error:
        fail(str(error))
    except json.JSONDecodeError as error:
        fail(f"answers: malformed JSON at line {error.lineno} column {error.colno}: {error.msg}")
    except FileNotFoundError as error:
        fail(f"file: not found: {error.filename}")
    except (IsADirectoryError, PermissionError) as error:
        fail(f"file: cannot use {error.filename}: {error.strerror}")


def _check_out(path: Path, option: str = "out", folder: bool = False) -> None:
    """Refuse an output file (or ``folder``) that cannot be written, before any work; a missing
    folder is refused, never created (as ``analyze`` does), so a typo in a path shows at once."""
    try:
        check_writable(path / "plot" if folder else path)
    except InputError as error:
        raise InputError(f"{option}: {error}") from None


def _database() -> Any:
    from glutecoach.store.db import Database

    return Database.open(settings().database_url)


# --- screen -------------------------------------------------------------------------------------


def _ask_answers() -> dict[str, Any]:
    """Ask the screening questions one by one (same format as the answers file)."""
    from glutecoach.coaching import rules
    from glutecoach.coaching.screening import (
        PREVIOUS_INJURY_CHOICES,
        RED_FLAGS,
        START_BACK_QUESTIONS,
    )

    out.print("[bold]Safety questions[/bold] (answer y or n)")
    flags = {flag.code: typer.confirm(flag.question, default=False) for flag in RED_FLAGS}
    pain = {
        "back": typer.prompt("Back pain now, 0-10", type=int),
        "knee": typer.prompt("Knee pain now, 0-10", type=int),
    }
    items: list[Any] | None = None
    if pain["back"] != 0:  # STarT Back is for back pain only
        out.print("[bold]Back pain questions[/bold]: do you agree? (last 2 weeks)")
        items = [int(typer.confirm(q, default=False)) for q in START_BACK_QUESTIONS[:8]]
        choices = ", ".join(rules.START_BACK_ITEM9_ANSWERS)
        items.append(typer.prompt(f"{START_BACK_QUESTIONS[8]} ({choices})"))
    return {
        "red_flags": flags,
        "start_back": items,
        "pain": pain,
        "pain_is_new": typer.confirm(
            f"Did this pain start in the last {rules.NEW_PAIN_WEEKS} weeks?", default=False
        ),
        "age": typer.prompt("Age", type=int),
        "sitting_hours_per_day": typer.prompt("Hours sitting a day", type=float),
        "active_days_per_week": typer.prompt("Days a week you are active for 30 minutes", type=int),
        "previous_injury": typer.prompt(
            f"Previous injury ({', '.join(PREVIOUS_INJURY_CHOICES)})", default="none"
        ),
    }


def _show_screening(result: Any) -> None:
    from glutecoach.coaching.screening import flag_label

    sb = result.start_back
    colour = {"urgent": "red", "soon": "yellow", "none": "green"}[result.referral]
    referral = {"urgent": "today (urgent)", "soon": "within a week or two", "none": "none"}
    lines = [
        f"Red flags: {'; '.join(flag_label(c) for c in result.red_flags) or 'none'}",
        f"See a clinician: [{colour}]{referral[result.referral]}[/{colour}]",
        f"STarT Back: total {sb.total}/9, distress {sb.distress}/5 -> {sb.risk} risk"
        if sb else "STarT Back: not asked (no back pain; it is a back pain tool)",
        f"Programme allowed: {'yes' if result.programme_allowed else 'NO'}",
    ]
    if result.starting_level is not None:
        lines.append(f"Starting level: {result.starting_level}")
    lines += ["", *[f"• {a}" for a in result.advice]]
    out.print(Panel("\n".join(lines), title="Screening", border_style=colour))


def screen(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    answers: Annotated[Path | None, typer.Option(help="Answers JSON file (see docs).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the result here.")] = None,
    at: Annotated[str | None, typer.Option(
        help="When it happened (ISO date and time, your local time; up to 90 days back).")] = None,
) -> None:
    """Screen for red flags and STarT Back risk before the programme."""
    from glutecoach.coaching.screening import parse_answers
    from glutecoach.coaching.screening import screen as run_screen
    from glutecoach.store import service

    with _input_errors():
        db = _database()
        with db.session_scope() as session:
            # fail before asking the questions
            service.entered_at(service.find_person(session, person), at)
        if json_out is not None:
            _check_out(json_out, "json")
        raw = json.loads(answers.read_text(encoding="utf-8")) if answers else _ask_answers()
        parsed = parse_answers(raw)
        result = run_screen(parsed)
        written = False
        try:
            with db.session_scope() as session:
                someone = service.find_person(session, person)
                row = service.save_screening(
                    session, someone, parsed, result, now=service.entered_at(someone, at)
                )
                if json_out is not None:
                    payload = {
                        "person": someone.email,
                        "taken_at": row.taken_at.isoformat(),
                        **result.to_dict(),
                    }
                    write_text_atomically(json_out, json.dumps(payload, indent=2, default=str))
                    written = True
        except BaseException:
            if written and json_out is not None:
                json_out.unlink(missing_ok=True)
            raise
    _show_screening(result)


def clear(
    person: Annotated[str, typer.Option(help="Name or email of the patient.")],
    clinician: Annotated[str, typer.Option(help="Email of the patient's own clinician.")],
    note: Annotated[str, typer.Option(help="What you checked and why it is safe to go on.")],
) -> None:
    """The patient's own clinician clears an urgent red flag, or reviews a "soon" one.

    The clinician's password is read from a prompt or stdin and checked, so a patient cannot
    clear their own flag by typing a clinician's email. The note is kept in the history and
    the report.
    """
    from glutecoach.store import service
    from glutecoach.store.security import verify_password

    with _input_errors(), _database().session_scope() as session:
        lead = service.find_person(session, clinician)
        if lead.role != "clinician" or lead.password_hash is None:
            raise InputError(f"clinician: {lead.email} is not a clinician with a password")
        if not verify_password(lead.password_hash, _read_password(confirm=False)):
            raise InputError("password: does not match")
        patient = service.find_person(session, person)
        screening = service.latest_screening(session, patient)
        if screening is None:
            raise InputError(f"person: {patient.name} has no screening to clear")
        service.clear_screening(session, screening, lead, note)
        name, urgent = patient.name, screening.referral == "urgent"
    then = ("the programme restarts at level 0" if urgent
            else "the plan may now go past the gentle level")
    out.print(f"{name}'s red flags cleared by {clinician}; {then}.")


# --- plan ---------------------------------------------------------------------------------------


def plan(person: Annotated[str, typer.Option(help="Name or email of the person.")]) -> None:
    """Build today's plan from the screening and training history."""
    from glutecoach.store import service

    with _input_errors(), _database().session_scope() as session:
        outcome = service.build_plan(session, service.find_person(session, person))
    if outcome.blocked:
        out.print(
            Panel(
                "\n".join(
                    [
                        "The screening blocks the programme until a clinician clears it.",
                        "",
                        *outcome.advice,
                    ]
                ),
                title="No plan today",
                border_style="red",
            )
        )
        raise typer.Exit(EXIT_BLOCKED)
    decision = outcome.decision
    assert decision is not None  # an unblocked outcome always carries its decision
    state = decision.state
    out.print(
        f"[bold]Level {state.level}[/bold] · {state.sessions_per_week} sessions a week · "
        f"{decision.reason}"
    )
    for line in outcome.advice:
        out.print(f"• {line}")
    table = Table(title="Today's plan", show_lines=True)
    for column in ("Exercise", "Dose", "How", "Cues"):
        table.add_column(column)
    for item in outcome.items:
        name = f"[bold]{item.exercise.name}[/bold]" + (" (key)" if item.key else "")
        extra = "" if item.resistance == "bodyweight" else f"\nwith {item.resistance}"
        table.add_row(
            name,
            f"{item.sets} x {item.reps}{extra}",
            "\n".join(item.exercise.instructions),
            "\n".join(item.exercise.cues),
        )
    out.print(table)


# --- log / pain ---------------------------------------------------------------------------------


def _analyse(video: Path) -> AnalysisResult:
    from glutecoach.analysis import analyze_file

    if not video.is_file():
        raise InputError(f"video: not found: {video}")
    result = analyze_file(video)
    if not result.squat_detected or not result.reps:
        raise InputError(f"video: no squat reps found in {video}")
    return result


def _keep(video: Path, person_id: int) -> Path:
    from platformdirs import user_data_dir

    from glutecoach.store.columns import utc_now

    folder = Path(user_data_dir("glutecoach", appauthor=False)) / "videos" / str(person_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{utc_now():%Y%m%dT%H%M%S}-{video.name}"
    shutil.copy2(video, target)
    return target


def log(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    exercise: Annotated[str, typer.Option(help="Exercise code, e.g. squat, glute_bridge.")],
    video: Annotated[Path | None, typer.Option(help="Video of the set to analyse.")] = None,
    reps: Annotated[int | None, typer.Option(help="Reps done (without a camera).")] = None,
    pain_before: Annotated[int | None, typer.Option(help="Pain before, 0-10.")] = None,
    pain_during: Annotated[int | None, typer.Option(help="Worst pain during, 0-10.")] = None,
    pain_after: Annotated[int | None, typer.Option(help="Pain after, 0-10.")] = None,
    region: Annotated[str | None, typer.Option(
        help="Where the pain is: back or knee (default: the worse one at screening).")] = None,
    load_kg: Annotated[float | None, typer.Option(help="Dumbbell weight, kg.")] = None,
    band: Annotated[str | None, typer.Option(help="Resistance band colour.")] = None,
    keep_video: Annotated[
        bool, typer.Option("--keep-video", help="Keep a copy of the video.")
    ] = False,
    at: Annotated[str | None, typer.Option(
        help="When it happened (ISO date and time, your local time; up to 90 days back).")] = None,
) -> None:
    """Log one set, from a video (analysed) or a rep count."""
    from glutecoach.coaching.exercises import get_exercise
    from glutecoach.coaching.sets import counts_from_analysis, counts_from_reps
    from glutecoach.store import service

    kept: Path | None = None
    with _input_errors():
        if (video is None) == (reps is None):
            raise InputError("video/reps: give exactly one of --video FILE or --reps N")
        if keep_video and video is None:
            raise InputError("keep-video: only makes sense with --video")
        chosen = get_exercise(exercise)
        if video is not None and not chosen.video_checked:
            raise InputError(f"exercise: video checks cover squats only, not {exercise}")
        for value, name in ((pain_before, "pain_before"), (pain_during, "pain_during"),
                            (pain_after, "pain_after")):
            service.check_pain(value, name)  # fail before a slow analysis
        service.check_load(load_kg, band)
        db = _database()
        with db.session_scope() as session:  # fail before a slow analysis
            someone = service.find_person(session, person)
            service.entered_at(someone, at)
            # a filmed set is checked as a filmed squat, as log_set will check it
            service.require_exercise_allowed(session, someone, None if video else exercise)
        analysis = _analyse(video) if video is not None else None
        counts = counts_from_analysis(analysis) if analysis else counts_from_reps(reps or 0)
        try:
            with db.session_scope() as session:
                someone = service.find_person(session, person)
                kept = _keep(video, someone.id) if keep_video and video else None
                service.log_set(
                    session,
                    someone,
                    exercise,
                    counts,
                    analysis=analysis.to_dict() if analysis else None,
                    video_path=str(kept) if kept else None,
                    pain_before=pain_before,
                    pain_during=pain_during,
                    pain_after=pain_after,
                    region=region,
                    load_kg=load_kg,
                    band=band,
                    now=service.entered_at(someone, at),
                )
        except BaseException:
            if kept is not None:
                kept.unlink(missing_ok=True)
            raise
    if counts.filmed:
        score = "" if counts.form_score is None else f", form score {counts.form_score:.0f}/100"
        done = f"{counts.reps} reps, {counts.passing_reps} with good form{score}"
    else:
        done = f"{counts.reps} reps (reported; only filmed reps are checked for form)"
    out.print(f"Logged {chosen.name}: {done}.")
    if analysis:
        for cue in analysis.summary.top_cues[:3]:
            out.print(f"  • {cue.cue}")
        if analysis.summary.praise:
            out.print(f"  [green]{analysis.summary.praise}[/green]")


def pain(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    back: Annotated[int | None, typer.Option(help="Back pain now, 0-10.")] = None,
    knee: Annotated[int | None, typer.Option(help="Knee pain now, 0-10.")] = None,
    at: Annotated[str | None, typer.Option(
        help="When it happened (ISO date and time, your local time; up to 90 days back).")] = None,
) -> None:
    """Record today's pain (used to tell whether a flare settled by the next morning)."""
    from glutecoach.store import service

    with _input_errors():
        if back is None and knee is None:
            raise InputError("pain: give --back N and/or --knee N")
        with _database().session_scope() as session:
            someone = service.find_person(session, person)
            when = service.entered_at(someone, at)
            for region, score in (("back", back), ("knee", knee)):
                if score is not None:
                    service.log_pain(session, someone, region, score, now=when)
    out.print("Pain recorded.")


def check(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    numbness_or_bladder: Annotated[bool | None, typer.Option(
        help="New numbness around the bottom, or a bladder or bowel change?")] = None,
    new_weakness: Annotated[bool | None, typer.Option(help="A leg newly weak?")] = None,
) -> None:
    """The two-question symptom check before a session; a "yes" pauses the exercises until a
    clinician clears them (exit code 3)."""
    from glutecoach.coaching.screening import SYMPTOM_CHECK_QUESTIONS
    from glutecoach.store import service

    given = {"numbness_or_bladder": numbness_or_bladder, "new_weakness": new_weakness}
    answers = {key: value if value is not None
               else typer.confirm(SYMPTOM_CHECK_QUESTIONS[key], default=False)
               for key, value in given.items()}
    with _input_errors(), _database().session_scope() as session:
        found = service.record_symptom_check(session, service.find_person(session, person),
                                             answers)
        advice = (list(found.screening.result.get("advice", []))
                  if found.positive and found.screening is not None else [])
    if advice:
        out.print(Panel("\n".join(advice), title="Stop: get help today", border_style="red"))
        raise typer.Exit(EXIT_BLOCKED)
    out.print("Thank you: nothing new. Go ahead with today's plan.")


class Measure(str, Enum):
    odi = "odi"
    rmdq = "rmdq"
    akps = "akps"
    psfs = "psfs"


def outcome(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    measure: Annotated[Measure, typer.Option(help="odi, rmdq (back), akps (knee), psfs (all).")],
    answers: Annotated[Path, typer.Option(help="JSON answers (see docs/coaching.md).")],
    at: Annotated[str | None, typer.Option(
        help="When it happened (ISO date and time, your local time; up to 90 days back).")] = None,
) -> None:
    """Record an outcome measure (baseline, then every 4 weeks) with its score."""
    from glutecoach.coaching.questionnaires import MEASURES
    from glutecoach.store import service

    with _input_errors():
        raw = json.loads(answers.read_text(encoding="utf-8"))
        with _database().session_scope() as session:
            someone = service.find_person(session, person)
            row = service.record_outcome(session, someone, measure.value, raw,
                                         now=service.entered_at(someone, at))
            score = row.score
    spec = MEASURES[measure.value]
    out.print(f"{spec['name']}: {score:g}{spec['unit']}")


# --- progress / report --------------------------------------------------------------------------


def _progress(person: str) -> Any:
    from glutecoach.store import service

    with _database().session_scope() as session:
        return service.progress_data(session, service.find_person(session, person))


def progress(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the plots.")] = Path("."),
    fmt: Annotated[ImageFormat, typer.Option("--format", help="png or svg.")] = ImageFormat.png,
) -> None:
    """Print trends and write plots of pain, reps/form and adherence."""
    from glutecoach.report.plots import write_all

    with _input_errors():
        _check_out(out_dir, folder=True)
        data = _progress(person)
        paths = write_all(data, out_dir, fmt.value)
    a = data.adherence
    table = Table(title=f"Progress: {data.person_name}")
    table.add_column("Measure")
    table.add_column("Now")
    for trend in data.trends:
        table.add_row(f"Pain ({trend.region})", trend.sentence().split(": ", 1)[1])
    pct = "n/a" if a.adherence_pct is None else f"{a.adherence_pct:.0f}%"
    table.add_row(
        "Adherence", f"{a.sessions} training days, {pct} of plan, {a.missed_sessions} missed"
    )
    table.add_row(
        "Streak",
        f"{a.current_streak_weeks} weeks on plan (best "
        f"{a.longest_streak_weeks}), {a.training_day_streak} days in a row",
    )
    for o in data.outcomes:
        table.add_row(o["name"], f"{o['first']:g} -> {o['last']:g}{o['unit']} "
                                 f"({o['change']:+g}), {o['direction']}")
    if data.programme:
        p = data.programme
        table.add_row(
            "Programme",
            f"level {p['level']}: {p['exercise_name']} {p['sets']}x{p['target_reps']}"
            + ("" if p["resistance"] == "bodyweight" else f", {p['resistance']}"),
        )
    out.print(table)
    for path in paths:
        out.print(f"wrote {path}")


def report(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    out_file: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
) -> None:
    """Write a 1-2 page PDF for the clinician."""
    from glutecoach.report.pdf import build_report

    with _input_errors():
        if out_file.suffix.lower() != ".pdf":
            raise InputError(f"out: expected a .pdf file name, got {out_file}")
        _check_out(out_file)
        path = build_report(_progress(person), out_file)
    out.print(f"wrote {path}")


# --- users --------------------------------------------------------------------------------------


def _read_password(confirm: bool = True) -> str:
    """A password from stdin when piped, else a hidden prompt (confirmed when setting one)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="Email, used to sign in.")],
    role: Annotated[Role, typer.Option(help="patient or clinician.")] = Role.patient,
    name: Annotated[str | None, typer.Option(help="Display name (default: from email).")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/London.")] = "UTC",
    clinician: Annotated[str | None, typer.Option(help="Clinician's email (patients).")] = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="CLI-only user without a password.")
    ] = False,
    clinic_number: Annotated[
        str | None, typer.Option(help="The clinic's own patient number.")
    ] = None,
    date_of_birth: Annotated[str | None, typer.Option(help="YYYY-MM-DD, for the report.")] = None,
) -> None:
    """Add a patient or clinician; the password comes from a prompt or stdin."""
    from glutecoach.store import clinic, service
    from glutecoach.store.security import hash_password

    with _input_errors():
        hashed = None if no_password else hash_password(_read_password())
        with _database().session_scope() as session:
            lead = service.find_person(session, clinician) if clinician else None
            person = service.create_person(
                session,
                email,
                name or email.split("@")[0],
                role=role.value,
                password_hash=hashed,
                clinician=lead,
                timezone=timezone,
            )
            clinic.set_identifiers(person, clinic_number=clinic_number, date_of_birth=date_of_birth)
            label = f"{person.name} <{person.email}> ({person.role})"
    out.print(f"added {label}")


def register(app: typer.Typer) -> None:
    """Add the coaching commands to the main CLI."""
    app.command("screen")(screen)
    app.command("clear")(clear)
    app.command("plan")(plan)
    app.command("log")(log)
    app.command("pain")(pain)
    app.command("check")(check)
    app.command("outcome")(outcome)
    app.command("progress")(progress)
    app.command("report")(report)
    app.add_typer(users_app, name="users")
