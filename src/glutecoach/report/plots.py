"""Progress plots: pain over time, reps and form score per session, weekly adherence.

Matplotlib with the Agg backend only (no display, no network). Each function takes plain
:class:`~glutecoach.coaching.progress.ProgressData` and writes one PNG or SVG file. The pain plot
shades a band of +/-2 points around the first reading: changes inside it are not clinically
meaningful (Farrar et al. 2001; Ostelo et al. 2008).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import matplotlib
import numpy as np
import numpy.typing as npt

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from glutecoach.coaching import rules
from glutecoach.coaching.progress import ProgressData, region_label

ImageFormat = Literal["png", "svg"]
_COLOURS = {"back": "#1f77b4", "knee": "#ff7f0e", "session": "#2ca02c"}
_SIZE_IN = (7.0, 3.2)


def _dates(values: Sequence[date]) -> npt.NDArray[np.object_]:
    """Dates as an object array: matplotlib's date converter plots them, and mypy agrees."""
    return np.asarray(values, dtype=object)


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_pain(data: ProgressData, path: Path) -> Path:
    """Pain (0-10) over time per region, with the 2-point meaningful-change band."""
    fig, ax = plt.subplots(figsize=_SIZE_IN)
    if not data.pain:
        _empty(ax, "No pain readings yet")
        return _save(fig, path)
    for region in ("back", "knee", "session"):
        series = [p for p in data.pain if p.region == region]
        if not series:
            continue
        ax.plot(
            _dates([p.at for p in series]),
            [p.score for p in series],
            marker="o",
            color=_COLOURS[region],
            label=region_label(region),
        )
    first = data.pain[0].score
    band = rules.PAIN_MEANINGFUL_CHANGE_POINTS
    ax.axhspan(
        max(0, first - band),
        min(10, first + band),
        color="grey",
        alpha=0.15,
        label=f"within {band} points of the first reading ({first}/10): not a meaningful change",
    )
    ax.set_ylim(-0.3, 10.3)
    ax.set_ylabel("Pain (0-10)")
    ax.set_title("Pain over time")
    ax.legend(fontsize=7, loc="upper right")
    fig.autofmt_xdate()
    return _save(fig, path)


def plot_reps(data: ProgressData, path: Path) -> Path:
    """Reps and form-passing reps of the best set per session, with the form score (0-100)."""
    fig, ax = plt.subplots(figsize=_SIZE_IN)
    rows = [(s.day, max(s.sets, key=lambda x: x.passing_reps)) for s in data.sessions if s.sets]
    if not rows:
        _empty(ax, "No sets logged yet")
        return _save(fig, path)
    days = _dates([d for d, _ in rows])
    ax.bar(days, [x.reps for _, x in rows], color="#c7dcef", label="reps")
    ax.bar(
        days, [x.passing_reps for _, x in rows], color="#1f77b4", width=0.5, label="good-form reps"
    )
    ax.axhspan(
        rules.ARTICLE_REPS_MIN,
        rules.ARTICLE_REPS_MAX,
        color="green",
        alpha=0.08,
        label="10-15 rep target range",
    )
    ax.set_ylabel("Reps (best set)")
    ax.set_title("Reps and form per session")
    scored = [(d, x.form_score) for d, x in rows if x.form_score is not None]
    if scored:
        twin = ax.twinx()
        twin.plot(
            _dates([d for d, _ in scored]),
            [s for _, s in scored],
            color="#d62728",
            marker="s",
            label="form score",
        )
        twin.set_ylim(0, 105)
        twin.set_ylabel("Form score (0-100)")
        twin.legend(fontsize=7, loc="upper right")
    ax.legend(fontsize=7, loc="upper left")
    fig.autofmt_xdate()
    return _save(fig, path)


def plot_adherence(data: ProgressData, path: Path) -> Path:
    """Training days per week against the plan."""
    fig, ax = plt.subplots(figsize=_SIZE_IN)
    weeks = data.adherence.weeks
    if not weeks:
        _empty(ax, "No sessions yet")
        return _save(fig, path)
    labels = [w.start.strftime("%d %b") for w in weeks]
    colours = ["#2ca02c" if w.met else ("#bbbbbb" if not w.complete else "#d62728") for w in weeks]
    ax.bar(labels, [w.done for w in weeks], color=colours)
    ax.axhline(weeks[-1].planned, color="black", linestyle="--", linewidth=1, label="plan")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Training days")
    ax.set_xlabel("Week starting")
    ax.set_title("Sessions per week (green: plan met, red: missed, grey: this week)")
    ax.legend(fontsize=7)
    ax.tick_params(axis="x", labelsize=7, rotation=45)
    return _save(fig, path)


def write_all(data: ProgressData, folder: Path, fmt: ImageFormat = "png") -> list[Path]:
    """Write the three plots into ``folder`` and return their paths."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format must be png or svg, got {fmt!r}")
    folder = Path(folder)
    return [
        plot_pain(data, folder / f"pain.{fmt}"),
        plot_reps(data, folder / f"reps.{fmt}"),
        plot_adherence(data, folder / f"adherence.{fmt}"),
    ]
