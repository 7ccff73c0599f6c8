"""Plots and the clinician PDF from hand-built progress data (no database needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from glutecoach.coaching.adherence import adherence
from glutecoach.coaching.progress import (
    PainPoint,
    ProgressData,
    SessionSummary,
    SetSummary,
    pain_trend,
)
from glutecoach.report import pdf, plots

T0 = datetime(2026, 9, 7, 8, tzinfo=timezone.utc)  # a Monday
EVIDENCE = Path("/work/shared/research/evidence.md")


def make_data(n_sessions: int = 24, flags: list[str] | None = None) -> ProgressData:
    sessions, pain = [], []
    for i in range(n_sessions):
        at = T0 + timedelta(days=2 * i + (i // 3))
        before = max(0, 6 - i // 4)
        faults = ["knee_valgus"] * (3 if i < 8 else 0) + ["trunk_lean"] * (i % 3)
        sets = [
            SetSummary("squat", 10 + i % 6, 8 + i % 6, 60 + i, faults),
            SetSummary("glute_bridge", 12, 12, None),
        ]
        sessions.append(SessionSummary(at.date(), before, before + (i % 2), sets))
        pain.append(PainPoint(at, "session", before))
        pain.append(PainPoint(at + timedelta(hours=1), "back", max(0, 7 - i // 3)))
    history = [
        {
            "level": 1 + i // 3,
            "exercise": "squat",
            "target_reps": 10 + 2 * (i % 3),
            "sets": 2,
            "sessions_per_week": 3,
            "started_at": (T0 + timedelta(days=7 * i)).isoformat(),
            "reason": "12+ good reps of squat in 2 sessions in a row (2-for-2 rule)",
        }
        for i in range(9)
    ]
    today = T0.date() + timedelta(days=70)
    return ProgressData(
        person_name="Ann Example",
        person_email="ann@example.org",
        today=today,
        screening={
            "red_flags": flags or [],
            "referral": "soon" if flags else "none",
            "start_back": {"total": 5, "distress": 4, "risk": "high"},
            "programme_allowed": True,
            "risk_factors": ["prolonged_sitting", "age"],
            "pain": {"back": 7, "knee": 2},
            "advice": [],
        },
        screening_day=T0.date(),
        programme=history[-1],
        programme_history=history,
        sessions=sessions,
        pain=pain,
        trends=[pain_trend(pain, r) for r in ("back", "knee", "session")],
        adherence=adherence([s.day for s in sessions], today, 3, since=T0.date()),
    )


def empty_data() -> ProgressData:
    return ProgressData(
        "New Person",
        "new@example.org",
        date(2026, 11, 2),
        None,
        None,
        None,
        [],
        [],
        [],
        [],
        adherence([], date(2026, 11, 2), 3),
    )


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("factory", [make_data, empty_data])
def test_plots_are_written(
    tmp_path: Path, fmt: plots.ImageFormat, factory: Callable[[], ProgressData]
) -> None:
    paths = plots.write_all(factory(), tmp_path / "p", fmt)
    assert [p.name for p in paths] == [f"pain.{fmt}", f"reps.{fmt}", f"adherence.{fmt}"]
    for path in paths:
        head = path.read_bytes()[:200]
        assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head or b"<?xml" in head
        assert path.stat().st_size > 2000


def test_plot_format_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="png or svg"):
        plots.write_all(empty_data(), tmp_path, "gif")  # type: ignore[arg-type]


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages)


def test_full_report_fits_two_pages_with_every_section(tmp_path: Path) -> None:
    out = pdf.build_report(make_data(flags=["cancer_history"]), tmp_path / "r.pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    pages, text = pdf_text(out)
    assert 1 <= pages <= 2
    squashed = " ".join(text.split())
    for needle in (
        "Screening and red flags",
        "Have you ever had cancer?",
        "soon referral",
        "high risk",
        "Programme and level",
        "Adherence",
        "Pain trend",
        "back: 7/10 -> 0/10 (-7), better",
        "2 points or 30%",
        "Form faults over time",
        "knee valgus",
        "References",
        "Farrar",
        "Hill",
        "not a diagnosis",
    ):
        assert needle in squashed, needle


def test_empty_report_still_renders(tmp_path: Path) -> None:
    pages, text = pdf_text(pdf.build_report(empty_data(), tmp_path / "e.pdf"))
    assert pages == 1
    assert "No screening recorded" in text and "No programme yet" in text


def test_references_come_only_from_evidence_md() -> None:
    evidence = EVIDENCE.read_text() if EVIDENCE.exists() else None
    for ref in pdf.REFERENCES.values():
        assert "Inman" not in ref and "Intramuscular" not in ref
        if evidence is not None:
            first_author = ref.split()[0].rstrip(",")
            assert first_author in evidence, first_author


def test_failed_report_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(plots, "write_all", broken)
    with pytest.raises(RuntimeError):
        pdf.build_report(make_data(), out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]
