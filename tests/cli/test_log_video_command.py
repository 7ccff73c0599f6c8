"""``log --video`` on a real clip: the real analysis runs and its result is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from pypdf import PdfReader
from support import VIDEOS
from typer.testing import CliRunner

from glutecoach.cli.coaching import register
from glutecoach.coaching.screening import example_answers
from glutecoach.coaching.sets import rep_passes
from glutecoach.result import Rep
from glutecoach.store.db import Database
from glutecoach.store.models import ExerciseSet

VIDEO = VIDEOS / "side_bodyweight_5reps.mp4"

pytestmark = [pytest.mark.slow]


def _screened_patient(runner: CliRunner, app: typer.Typer, tmp_path: Path, email: str, name: str) -> None:
    """A patient who has answered the safety questions (exercise is refused before that)."""
    added = runner.invoke(app, ["users", "add", email, "--name", name, "--no-password"])
    assert added.exit_code == 0, added.output
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example_answers()))
    screened = runner.invoke(app, ["screen", "--person", email, "--answers", str(answers)])
    assert screened.exit_code == 0, screened.output


def test_log_video_stores_the_analysis(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUTECOACH_DATABASE_URL", db_url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    assert VIDEO.is_file(), f"{VIDEO}: the shared data must lie beside the repository"
    _screened_patient(runner, app, tmp_path, "vid@example.org", "Vid")

    logged = runner.invoke(
        app,
        [
            "log",
            "--person",
            "Vid",
            "--exercise",
            "chair_squat",  # the example patient's programme starts at the chair squat
            "--video",
            str(VIDEO),
            "--pain-before",
            "2",
            "--pain-after",
            "2",
            "--keep-video",
        ],
    )
    assert logged.exit_code == 0, logged.output
    assert "Logged Chair squat (sit to stand): 5 reps" in logged.stdout

    db = Database.open(db_url)
    with db.session_scope() as session:
        row = session.scalars(sa.select(ExerciseSet)).one()
        analysis = row.analysis
        assert analysis is not None and analysis["schema"] == "glutecoach.analysis/1"
        assert row.reps == analysis["rep_count"] == 5
        assert row.form_passing_reps == sum(rep_passes(Rep.model_validate(r)) for r in analysis["reps"])
        assert row.form_score == analysis["summary"]["form_score"]
        assert 0 <= row.form_score <= 100
        kept = Path(row.video_path or "")
        assert kept.is_file() and kept.is_relative_to(tmp_path / "xdg")
        assert kept.read_bytes() == VIDEO.read_bytes()
    db.dispose()

    pdf = tmp_path / "report.pdf"
    reported = runner.invoke(app, ["report", "--person", "Vid", "--out", str(pdf)])
    assert reported.exit_code == 0, reported.output
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Form faults over time" in text and "No filmed sets yet" not in text


def test_unreadable_video_is_rejected_and_nothing_is_stored(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUTECOACH_DATABASE_URL", db_url)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    _screened_patient(runner, app, tmp_path, "v@example.org", "V")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    result = runner.invoke(
        app, ["log", "--person", "v@example.org", "--exercise", "chair_squat", "--video", str(junk)]
    )
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    db = Database.open(db_url)
    with db.session_scope() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ExerciseSet)) == 0
    db.dispose()
