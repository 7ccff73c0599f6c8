"""Plots and the clinician PDF from hand-built progress data (no database needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support import SHARED

from glutecoach.coaching.adherence import adherence
from glutecoach.coaching.progress import (
    FlagEvent,
    PainPoint,
    ProgressData,
    SessionSummary,
    SetSummary,
    pain_trend,
)
from glutecoach.report import pdf, plots

T0 = datetime(2026, 9, 7, 8, tzinfo=timezone.utc)  # a Monday
EVIDENCE = SHARED / "research" / "evidence.md"


def make_data(n_sessions: int = 24, flags: list[str] | None = None) -> ProgressData:
    sessions, pain = [], []
    for i in range(n_sessions):
        at = T0 + timedelta(days=2 * i + (i // 3))
        before = max(0, 6 - i // 4)
        faults = ["knees_caving_in"] * (3 if i < 8 else 0) + ["chest_dropping"] * (i % 3)
        sets = [
            SetSummary("squat", 10 + i % 6, 8 + i % 6, 60 + i, faults, filmed=True),
            SetSummary("glute_bridge", 12, 0, None, load_kg=4.0 if i > 20 else None),
        ]
        sessions.append(SessionSummary(at.date(), before, before + (i % 2), sets))
        pain.append(PainPoint(at, "knee", before, "before"))
        pain.append(PainPoint(at + timedelta(minutes=30), "knee", before + 1, "during"))
        pain.append(PainPoint(at + timedelta(hours=1), "back", max(0, 7 - i // 3)))
    history = [
        {
            "level": 1 + i // 3,
            "exercise": "squat",
            "target_reps": 10 + 2 * (i % 3),
            "sets": 2,
            "sessions_per_week": 3,
            "started_at": (T0 + timedelta(days=7 * i)).isoformat(),
            "resistance": "bodyweight",
            "reason": "step back: knee pain during 7/10 > 5" if i == 4 else
            "progress (2-for-2 rule): 12 filmed good-form, 13 filmed good-form reps",
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
        trends=[pain_trend(pain, r) for r in ("back", "knee")],
        adherence=adherence([s.day for s in sessions], today, 3, since=T0.date()),
        timezone="Europe/London",
        clinician="Dr Lee <doc@example.org>",
        identifiers={"email": "ann@example.org", "clinic number": "GC-0042"},
        flag_history=[FlagEvent(T0.date(), ["has had cancer"], "soon", "Dr Lee",
                                T0.date() + timedelta(days=9), "Treated 2015, discharged")],
        screening_cleared=True,
        start_back_positive=["5. It's not really safe for a person with a condition like mine "
                             "to be physically active."],
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
        "has had cancer",
        "Dr Lee",
        "Treated 2015, discharged",
        "STarT Back items agreed: 5.",
        "high risk",
        "clinic number GC-0042",
        "responsible clinician: Dr Lee",
        "period covered: 2026-09-07 to 2026-11-16",
        "Programme and level",
        "step back: knee pain during 7/10 > 5",
        "What was done, per exercise",
        "Bodyweight squat",
        "Glute bridge",
        "4 kg",
        "Adherence",
        "Pain per region",
        "back: 7/10 -> 0/10 (-7), better",
        "2 points is clinically meaningful",
        "Form faults over time",
        "knees caving in",
        "References",
        "Farrar",
        "Hill",
        "not a diagnosis",
    ):
        assert needle in squashed, needle
    # Finding 13: human exercise names, never codes; no stale "blocked" once cleared.
    assert "glute_bridge" not in squashed and "blocked" not in squashed


def test_empty_report_still_renders(tmp_path: Path) -> None:
    pages, text = pdf_text(pdf.build_report(empty_data(), tmp_path / "e.pdf"))
    assert pages == 1
    assert "No screening recorded" in text and "No programme yet" in text


def test_references_come_only_from_evidence_md() -> None:
    assert EVIDENCE.is_file(), f"{EVIDENCE}: the shared research must lie beside the repository"
    evidence = EVIDENCE.read_text()
    for ref in pdf.REFERENCES.values():
        assert "Inman" not in ref and "Intramuscular" not in ref
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


def test_plots_use_local_time_a_tight_axis_and_the_filmed_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 14: one reading on a short axis, in the person's time zone, the legend below
    the axes, and the filmed squat (not a reported glute bridge) as the session's best set."""
    import matplotlib.dates as mdates

    figures: list[Any] = []
    monkeypatch.setattr(plots, "_save", lambda fig, path: figures.append(fig) or path)
    late = datetime(2026, 11, 2, 23, 30, tzinfo=timezone.utc)  # 08:30 next day in Tokyo
    one = make_data(0)
    one = ProgressData(**{**one.__dict__, "pain": [PainPoint(late, "back", 4)],
                          "timezone": "Asia/Tokyo"})
    plots.plot_pain(one, tmp_path / "pain.png")
    ax = figures[-1].axes[0]
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in ax.get_xlim())
    assert (high - low).days <= 5
    x, _y = ax.lines[0].get_xydata()[0]
    assert mdates.num2date(x).replace(tzinfo=None) == datetime(2026, 11, 3, 8, 30)
    legend = ax.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().y0 < ax.get_window_extent().y0
    filmed = SetSummary("squat", 14, 4, 40.0, filmed=True)
    reported = SetSummary("glute_bridge", 15, 0, None)
    assert plots.best_set([reported, filmed]) is filmed
