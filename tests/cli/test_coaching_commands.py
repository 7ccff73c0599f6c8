"""The coaching commands end to end, through Typer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from glutecoach.cli.coaching import EXIT_BAD_INPUT, EXIT_BLOCKED, register
from glutecoach.coaching.screening import example_answers
from glutecoach.store.db import Database
from glutecoach.store.models import (
    ExerciseSet,
    PainEntry,
    Person,
    Programme,
    Questionnaire,
    Screening,
    TrainingSession,
)

ANSWERS: dict[str, Any] = example_answers()
ALL_TABLES = (Person, Screening, Questionnaire, PainEntry, Programme, TrainingSession, ExerciseSet)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("GLUTECOACH_DATABASE_URL", db_url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return Cli(db_url, tmp_path)


class Cli:
    """Runs commands against one private database and counts its rows."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.app = typer.Typer()
        register(self.app)
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(self.app, list(args), input=input)

    def answers_file(self, data: Any, name: str = "answers.json") -> str:
        path = self.folder / name
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        return str(path)

    def counts(self) -> dict[str, int]:
        db = Database.open(self.url)
        with db.session_scope() as session:
            found = {
                m.__tablename__: int(session.scalar(sa.select(sa.func.count()).select_from(m)) or 0)
                for m in ALL_TABLES
            }
        db.dispose()
        return found

    def add_patient(self, email: str = "ann@example.org", name: str = "Ann") -> None:
        result = self("users", "add", email, "--role", "patient", "--name", name, "--no-password")
        assert result.exit_code == 0, result.output


def test_whole_journey(cli: Cli) -> None:
    added = cli(
        "users",
        "add",
        "doc@example.org",
        "--role",
        "clinician",
        "--name",
        "Dr Lee",
        input="long enough pw\n",
    )
    assert added.exit_code == 0, added.output
    assert "Dr Lee <doc@example.org> (clinician)" in added.stdout
    cli.add_patient()

    json_out = cli.folder / "out" / "screening.json"
    json_out.parent.mkdir()  # output folders are never created silently
    screened = cli(
        "screen", "--person", "Ann", "--answers", cli.answers_file(ANSWERS), "--json", str(json_out)
    )
    assert screened.exit_code == 0, screened.output
    result = json.loads(json_out.read_text())
    assert result["person"] == "ann@example.org"
    assert result["start_back"] == {"total": 3, "distress": 2, "risk": "low"}
    assert result["referral"] == "none" and result["programme_allowed"] is True

    planned = cli("plan", "--person", "ann@example.org")
    assert planned.exit_code == 0, planned.output
    assert "Chair squat" in planned.stdout and "2 x 10" in planned.stdout

    logged = cli(
        "log",
        "--person",
        "Ann",
        "--exercise",
        "chair_squat",
        "--reps",
        "12",
        "--pain-before",
        "3",
        "--pain-after",
        "4",
    )
    assert logged.exit_code == 0, logged.output
    assert "12 reps" in logged.stdout
    assert cli("pain", "--person", "Ann", "--back", "3", "--knee", "1").exit_code == 0

    plots = cli.folder / "plots"
    plots.mkdir()
    shown = cli("progress", "--person", "Ann", "--out", str(plots), "--format", "svg")
    assert shown.exit_code == 0, shown.output
    assert sorted(p.name for p in plots.iterdir()) == ["adherence.svg", "pain.svg", "reps.svg"]
    assert all(p.read_text().lstrip().startswith("<?xml") for p in plots.iterdir())
    assert "Adherence" in shown.stdout

    pdf = cli.folder / "ann.pdf"
    reported = cli("report", "--person", "Ann", "--out", str(pdf))
    assert reported.exit_code == 0, reported.output
    assert pdf.read_bytes().startswith(b"%PDF")
    reader = PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    for needle in ("Ann", "STarT Back total 3/9", "Chair squat", "Farrar", "Hill"):
        assert needle in text
    counts = cli.counts()
    assert counts["people"] == 2 and counts["exercise_sets"] == 1
    # 2 at screening + back and knee today + the set's pain before and after (its region)
    assert counts["pain_entries"] == 6


def test_interactive_screen(cli: Cli) -> None:
    cli.add_patient()
    replies = ["n"] * 13 + [
        "4",
        "2",
        "n",
        "y",
        "n",
        "n",
        "y",
        "n",
        "n",
        "y",
        "very_much",
        "n",
        "46",
        "9",
        "1",
        "none",
    ]
    result = cli("screen", "--person", "Ann", input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert "total 4/9, distress 3/5 -> medium risk" in result.stdout
    assert cli.counts()["screenings"] == 1


def test_emergency_flag_blocks_the_plan(cli: Cli) -> None:
    cli.add_patient()
    flagged = json.loads(json.dumps(ANSWERS))
    flagged["red_flags"]["saddle_numbness"] = True
    screened = cli("screen", "--person", "Ann", "--answers", cli.answers_file(flagged))
    assert screened.exit_code == 0 and "urgent" in screened.stdout
    planned = cli("plan", "--person", "Ann")
    assert planned.exit_code == EXIT_BLOCKED
    assert "Get medical help today" in " ".join(planned.stdout.split())
    assert cli.counts()["programmes"] == 0


def _bad(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


BAD_CASES = [
    ("unknown person", ["screen", "--person", "Zed", "--answers", "{good}"], "person"),
    ("pain 11", ["screen", "--person", "Ann", "--answers", "{pain11}"], "pain.back"),
    (
        "missing STarT Back item",
        ["screen", "--person", "Ann", "--answers", "{short}"],
        "start_back[9]",
    ),
    ("malformed JSON", ["screen", "--person", "Ann", "--answers", "{broken}"], "answers"),
    ("missing answers file", ["screen", "--person", "Ann", "--answers", "/nope.json"], "file"),
    (
        "log pain 11",
        ["log", "--person", "Ann", "--exercise", "squat", "--reps", "10", "--pain-after", "11"],
        "pain_after",
    ),
    (
        "log unknown exercise",
        ["log", "--person", "Ann", "--exercise", "deadlift", "--reps", "10"],
        "exercise",
    ),
    (
        "log both sources",
        ["log", "--person", "Ann", "--exercise", "squat", "--reps", "10", "--video", "x.mp4"],
        "video/reps",
    ),
    (
        "log unknown person",
        ["log", "--person", "Zed", "--exercise", "squat", "--reps", "10"],
        "person",
    ),
    (
        "video of a bridge",
        ["log", "--person", "Ann", "--exercise", "glute_bridge", "--video", "x.mp4"],
        "exercise",
    ),
    ("plan before screening", ["plan", "--person", "Ann"], "person"),
    ("duplicate email", ["users", "add", "ann@example.org", "--no-password"], "email"),
    (
        "bad time zone",
        ["users", "add", "new@example.org", "--timezone", "Mars/X", "--no-password"],
        "timezone",
    ),
    ("report not pdf", ["report", "--person", "Ann", "--out", "x.txt"], "out"),
    # A missing output folder is refused, as analyze refuses it, not created silently.
    ("report into a missing folder", ["report", "--person", "Ann", "--out", "{missing}/r.pdf"], "out"),
    ("plots into a missing folder", ["progress", "--person", "Ann", "--out", "{missing}"], "out"),
    ("screening into a missing folder",
     ["screen", "--person", "Ann", "--answers", "{good}", "--json", "{missing}/s.json"], "json"),
    ("pain out of range", ["pain", "--person", "Ann", "--knee", "12"], "pain.knee"),
]


@pytest.mark.parametrize(("label", "args", "field"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    cli: Cli, label: str, args: list[str], field: str
) -> None:
    cli.add_patient()
    files = {
        "{good}": cli.answers_file(ANSWERS, "good.json"),
        "{pain11}": cli.answers_file(_bad(ANSWERS, ("pain", "back"), 11), "p.json"),
        "{short}": cli.answers_file(_bad(ANSWERS, ("start_back",), [0] * 8), "s.json"),
        "{broken}": cli.answers_file('{"red_flags": {', "b.json"),
    }
    files.update({a: a.replace("{missing}", str(cli.folder / "no-such-folder"))
                  for a in args if "{missing}" in a})
    before = cli.counts()
    result = cli(*[files.get(a, a) for a in args])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"glutecoach: error: {field}: "), result.stderr
    assert "Traceback" not in result.output
    assert cli.counts() == before
    assert not (cli.folder / "no-such-folder").exists()


def test_json_output_is_not_left_behind_when_the_screen_fails(cli: Cli) -> None:
    cli.add_patient()
    out = cli.folder / "result.json"
    bad = cli.answers_file(_bad(ANSWERS, ("age",), 200))
    result = cli("screen", "--person", "Ann", "--answers", bad, "--json", str(out))
    assert result.exit_code == EXIT_BAD_INPUT and "error: age:" in result.stderr
    assert not out.exists()


def test_clinician_clears_an_emergency_flag(cli: Cli) -> None:
    assert (
        cli(
            "users", "add", "doc@example.org", "--role", "clinician", input="clinician pw\n"
        ).exit_code
        == 0
    )
    assert cli(
        "users", "add", "other@example.org", "--role", "clinician", input="other pw 1\n"
    ).exit_code == 0
    added = cli("users", "add", "ann@example.org", "--name", "Ann", "--no-password",
                "--clinician", "doc@example.org")
    assert added.exit_code == 0, added.output
    note = ("--note", "Seen today: no cauda equina signs")
    assert cli("clear", "--person", "Ann", "--clinician", "doc@example.org", *note,
               input="clinician pw\n").exit_code == EXIT_BAD_INPUT  # nothing to clear yet
    flagged = json.loads(json.dumps(ANSWERS))
    flagged["red_flags"]["bladder_bowel_change"] = True
    assert cli("screen", "--person", "Ann", "--answers", cli.answers_file(flagged)).exit_code == 0
    assert cli("plan", "--person", "Ann").exit_code == EXIT_BLOCKED

    wrong = cli("clear", "--person", "Ann", "--clinician", "doc@example.org", *note,
                input="guess\n")
    assert wrong.exit_code == EXIT_BAD_INPUT and "error: password:" in wrong.stderr
    patient = cli("clear", "--person", "Ann", "--clinician", "ann@example.org", *note,
                  input="x\n")
    assert patient.exit_code == EXIT_BAD_INPUT and "error: clinician:" in patient.stderr
    # Finding 11: only the patient's own clinician may clear.
    other = cli("clear", "--person", "Ann", "--clinician", "other@example.org", *note,
                input="other pw 1\n")
    assert other.exit_code == EXIT_BAD_INPUT and "is not Ann's clinician" in other.stderr
    blank = cli("clear", "--person", "Ann", "--clinician", "doc@example.org", "--note", " ",
                input="clinician pw\n")
    assert blank.exit_code == EXIT_BAD_INPUT and "error: note:" in blank.stderr
    assert cli("plan", "--person", "Ann").exit_code == EXIT_BLOCKED

    cleared = cli("clear", "--person", "Ann", "--clinician", "doc@example.org", *note,
                  input="clinician pw\n")
    assert cleared.exit_code == 0, cleared.output
    assert "restarts at level 0" in cleared.stdout
    planned = cli("plan", "--person", "Ann")
    assert planned.exit_code == 0 and "Glute bridge" in planned.stdout


def test_symptom_check_outcome_and_paper_diary(cli: Cli, tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    cli.add_patient()
    assert cli("screen", "--person", "Ann", "--answers", cli.answers_file(ANSWERS)).exit_code == 0
    assert cli("plan", "--person", "Ann").exit_code == 0
    fine = cli("check", "--person", "Ann", "--no-numbness-or-bladder", "--no-new-weakness")
    assert fine.exit_code == 0 and "nothing new" in fine.stdout
    # A paper diary: yesterday's set and pain; the future and 91 days ago are refused.
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    logged = cli("log", "--person", "Ann", "--exercise", "glute_bridge", "--reps", "12",
                 "--pain-before", "3", "--pain-during", "4", "--at", yesterday)
    assert logged.exit_code == 0, logged.output
    assert "12 reps (reported" in logged.stdout and "good form" not in logged.stdout.split(";")[0]
    for when, problem in (((datetime.now(timezone.utc) + timedelta(days=2)).isoformat(), "future"),
                          ((datetime.now(timezone.utc) - timedelta(days=91)).isoformat(), "90")):
        bad = cli("pain", "--person", "Ann", "--back", "2", "--at", when)
        assert bad.exit_code == EXIT_BAD_INPUT and "error: at:" in bad.stderr
        assert problem in bad.stderr
    assert cli("pain", "--person", "Ann", "--back", "2", "--at", yesterday).exit_code == 0
    rmdq = cli.answers_file([1] * 9 + [0] * 15, "rmdq.json")
    scored = cli("outcome", "--person", "Ann", "--measure", "rmdq", "--answers", rmdq)
    assert scored.exit_code == 0 and "Roland-Morris Disability Questionnaire: 9/24" in scored.stdout
    short = cli.answers_file([1] * 9, "short.json")
    assert cli("outcome", "--person", "Ann", "--measure", "rmdq",
               "--answers", short).exit_code == EXIT_BAD_INPUT
    # A "yes" at the check pauses everything until a clinician clears it.
    stop = cli("check", "--person", "Ann", "--numbness-or-bladder", "--no-new-weakness")
    assert stop.exit_code == EXIT_BLOCKED and "today" in stop.stdout
    refused = cli("log", "--person", "Ann", "--exercise", "glute_bridge", "--reps", "10")
    assert refused.exit_code == EXIT_BAD_INPUT and "clinician to check you today" in refused.stderr
    assert cli("plan", "--person", "Ann").exit_code == EXIT_BLOCKED
