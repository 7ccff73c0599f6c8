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
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from glutecoach.cli_errors import EXIT_BAD_INPUT, fail, out  # noqa: F401 - EXIT_BAD_INPUT re-exported
from glutecoach.errors import InputError
from glutecoach.outputs import check_writable, write_text_atomically

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

    return Database.open()


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
    out.print("[bold]STarT Back questions[/bold]: do you agree? (last 2 weeks)")
    items: list[Any] = [int(typer.confirm(q, default=False)) for q in START_BACK_QUESTIONS[:8]]
    choices = ", ".join(rules.START_BACK_ITEM9_ANSWERS)
    items.append(typer.prompt(f"{START_BACK_QUESTIONS[8]} ({choices})"))
    return {
        "red_flags": flags,
        "start_back": items,
        "pain": {
            "back": typer.prompt("Back pain now, 0-10", type=int),
            "knee": typer.prompt("Knee pain now, 0-10", type=int),
        },
        "age": typer.prompt("Age", type=int),
        "sitting_hours_per_day": typer.prompt("Hours sitting a day", type=float),
        "active_days_per_week": typer.prompt("Days a week you are active for 30 minutes", type=int),
        "previous_injury": typer.prompt(
            f"Previous injury ({', '.join(PREVIOUS_INJURY_CHOICES)})", default="none"
        ),
    }


def _show_screening(result: Any) -> None:
    sb = result.start_back
    colour = {"urgent": "red", "soon": "yellow", "none": "green"}[result.referral]
    lines = [
        f"Red flags: {', '.join(result.red_flags) or 'none'}",
        f"Referral: [{colour}]{result.referral}[/{colour}]",
        f"STarT Back: total {sb.total}/9, distress {sb.distress}/5 -> {sb.risk} risk",
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
) -> None:
    """Screen for red flags and STarT Back risk before the programme."""
    from glutecoach.coaching.screening import parse_answers
    from glutecoach.coaching.screening import screen as run_screen
    from glutecoach.store import service

    with _input_errors():
        db = _database()
        with db.session_scope() as session:
            service.find_person(session, person)  # fail before asking the questions
        if json_out is not None:
            _check_out(json_out, "json")
        raw = json.loads(answers.read_text(encoding="utf-8")) if answers else _ask_answers()
        parsed = parse_answers(raw)
        result = run_screen(parsed)
        written = False
        try:
            with db.session_scope() as session:
                someone = service.find_person(session, person)
                row = service.save_screening(session, someone, parsed, result)
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
    clinician: Annotated[str, typer.Option(help="Email of the clinician clearing them.")],
) -> None:
    """A clinician allows the programme after reviewing an emergency red flag.

    The clinician's password is read from a prompt or stdin and checked, so a patient cannot
    clear their own flag by typing a clinician's email.
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
        service.clear_screening(session, screening, lead)
        name = patient.name
    out.print(f"{name}'s screening cleared by {clinician}; 'plan' will now build a programme.")


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
        f"[cyan]{decision.action}[/cyan]: {decision.reason}"
    )
    table = Table(title="Today's plan", show_lines=True)
    for column in ("Exercise", "Dose", "How", "Cues"):
        table.add_column(column)
    for item in outcome.items:
        name = f"[bold]{item.exercise.name}[/bold]" + (" (key)" if item.key else "")
        table.add_row(
            name,
            f"{item.sets} x {item.reps}",
            "\n".join(item.exercise.instructions),
            "\n".join(item.exercise.cues),
        )
    out.print(table)


# --- log / pain ---------------------------------------------------------------------------------


def _analyse(video: Path) -> dict[str, Any]:
    from glutecoach.analysis import analyze_file

    if not video.is_file():
        raise InputError(f"video: not found: {video}")
    result = analyze_file(video).to_dict()
    if not result.get("squat_detected") or not result.get("reps"):
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
    pain_after: Annotated[int | None, typer.Option(help="Pain after, 0-10.")] = None,
    keep_video: Annotated[
        bool, typer.Option("--keep-video", help="Keep a copy of the video.")
    ] = False,
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
        service.check_pain(pain_before, "pain_before")  # fail before a slow analysis
        service.check_pain(pain_after, "pain_after")
        db = _database()
        with db.session_scope() as session:
            service.find_person(session, person)  # fail before a slow analysis
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
                    analysis=analysis,
                    video_path=str(kept) if kept else None,
                    pain_before=pain_before,
                    pain_after=pain_after,
                )
        except BaseException:
            if kept is not None:
                kept.unlink(missing_ok=True)
            raise
    score = "" if counts.form_score is None else f", form score {counts.form_score:.0f}/100"
    out.print(
        f"Logged {chosen.name}: {counts.reps} reps, {counts.passing_reps} with good form{score}."
    )
    if analysis:
        for cue in (analysis.get("summary") or {}).get("top_cues", [])[:3]:
            text = cue.get("cue", "") if isinstance(cue, dict) else str(cue)
            out.print(f"  • {text}")
        praise = (analysis.get("summary") or {}).get("praise")
        if praise:
            out.print(f"  [green]{praise}[/green]")


def pain(
    person: Annotated[str, typer.Option(help="Name or email of the person.")],
    back: Annotated[int | None, typer.Option(help="Back pain now, 0-10.")] = None,
    knee: Annotated[int | None, typer.Option(help="Knee pain now, 0-10.")] = None,
) -> None:
    """Record today's pain (used to tell whether a flare settled by the next day)."""
    from glutecoach.store import service

    with _input_errors():
        if back is None and knee is None:
            raise InputError("pain: give --back N and/or --knee N")
        with _database().session_scope() as session:
            someone = service.find_person(session, person)
            for region, score in (("back", back), ("knee", knee)):
                if score is not None:
                    service.log_pain(session, someone, region, score)
    out.print("Pain recorded.")


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
    from glutecoach.coaching.progress import region_label
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
        table.add_row(f"Pain ({region_label(trend.region)})", trend.sentence().split(": ", 1)[1])
    pct = "n/a" if a.adherence_pct is None else f"{a.adherence_pct:.0f}%"
    table.add_row(
        "Adherence", f"{a.sessions} training days, {pct} of plan, {a.missed_sessions} missed"
    )
    table.add_row(
        "Streak",
        f"{a.current_streak_weeks} weeks on plan (best "
        f"{a.longest_streak_weeks}), {a.training_day_streak} days in a row",
    )
    if data.programme:
        p = data.programme
        table.add_row(
            "Programme", f"level {p['level']}: {p['exercise']} {p['sets']}x{p['target_reps']}"
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
) -> None:
    """Add a patient or clinician; the password comes from a prompt or stdin."""
    from glutecoach.store import service
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
            label = f"{person.name} <{person.email}> ({person.role})"
    out.print(f"added {label}")


def register(app: typer.Typer) -> None:
    """Add the coaching commands to the main CLI."""
    app.command("screen")(screen)
    app.command("clear")(clear)
    app.command("plan")(plan)
    app.command("log")(log)
    app.command("pain")(pain)
    app.command("progress")(progress)
    app.command("report")(report)
    app.add_typer(users_app, name="users")
