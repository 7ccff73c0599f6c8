"""Progress plots: pain over time, reps and form score per session, weekly adherence.

Matplotlib with the Agg backend only (no display, no network). Each function takes plain
:class:`~glutecoach.coaching.progress.ProgressData` and writes one PNG or SVG file. Times are
drawn in the person's own time zone (as the tables show them), the date axis spans the data
with a couple of days either side (one reading is a dot, not years of empty axis), and legends
sit below the plot so they never hide a point. The pain plot shades, per region, a band of
+/-2 points around the first reading: changes inside it are not clinically meaningful
(Farrar et al. 2001; Ostelo et al. 2008).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import matplotlib
import numpy as np
import numpy.typing as npt

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from glutecoach.coaching import rules
from glutecoach.coaching.progress import ProgressData, SetSummary
from glutecoach.thresholds import TARGET_REPS_MAX, TARGET_REPS_MIN

ImageFormat = Literal["png", "svg"]
_COLOURS = {"back": "#1f77b4", "knee": "#ff7f0e"}
_SIZE_IN = (7.0, 3.2)
_PAD = timedelta(days=2)


def local_time(moment: datetime, zone: str) -> datetime:
    """``moment`` in the person's time zone, without the zone (what matplotlib draws)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def local_date(moment: datetime, zone: str) -> date:
    """The person's calendar date of ``moment``."""
    return local_time(moment, zone).date()


def _date_axis(ax: Axes, first: date | datetime, last: date | datetime) -> None:
    """Span the data plus a margin, so a single day is a narrow bar or a dot, not a year."""
    def moment(day: date | datetime) -> datetime:
        return day if isinstance(day, datetime) else datetime.combine(day, datetime.min.time())

    ax.set_xlim(np.datetime64(moment(first) - _PAD), np.datetime64(moment(last) + _PAD))  # type: ignore[arg-type]  # matplotlib takes dates


def _legend_below(ax: Axes, handles: list | None = None, labels: list | None = None) -> None:
    """The legend under the axes: it can never cover a reading."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels or [], fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.28),
              ncol=2, frameon=False)


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
    """Pain (0-10) over time per region in local time: at rest and before sessions as lines,
    during and after exercise as small markers, with each region's meaningful-change band."""
    fig, ax = plt.subplots(figsize=(_SIZE_IN[0], _SIZE_IN[1] + 0.8))
    if not data.pain:
        _empty(ax, "No pain readings yet")
        return _save(fig, path)
    band = rules.PAIN_MEANINGFUL_CHANGE_POINTS
    for region in sorted({p.region for p in data.pain}):
        colour = _COLOURS.get(region, "#2ca02c")
        resting = [p for p in data.pain if p.region == region and p.moment in (None, "before")]
        exercising = [p for p in data.pain
                      if p.region == region and p.moment in ("during", "after")]
        if resting:
            ax.plot(_dates([local_time(p.at, data.timezone) for p in resting]),
                    [p.score for p in resting], marker="o", color=colour,
                    label=f"{region} (rest / before)")
            first = resting[0].score
            ax.axhspan(max(0, first - band), min(10, first + band), color=colour, alpha=0.08,
                       label=f"{region}: within {band} points of {first}/10, not meaningful")
        if exercising:
            ax.plot(_dates([local_time(p.at, data.timezone) for p in exercising]),
                    [p.score for p in exercising], linestyle="none", marker="x", color=colour,
                    label=f"{region} (during / after exercise)")
    times = [local_time(p.at, data.timezone) for p in data.pain]
    _date_axis(ax, min(times), max(times))
    ax.set_ylim(-0.3, 10.3)
    ax.set_ylabel("Pain (0-10)")
    ax.set_title(f"Pain over time ({data.timezone})")
    fig.autofmt_xdate()
    _legend_below(ax)
    return _save(fig, path)


def best_set(sets: Sequence[SetSummary]) -> SetSummary:
    """The set a session is drawn by: a filmed one first (only it has good-form reps), then the
    most good-form reps, then the most reps."""
    return max(sets, key=lambda x: (x.filmed, x.passing_reps, x.reps))


def plot_reps(data: ProgressData, path: Path) -> Path:
    """Reps and good-form reps of the best set per session (filmed sets first: only they have
    good-form reps), with the form score (0-100) of filmed sets."""
    fig, ax = plt.subplots(figsize=(_SIZE_IN[0], _SIZE_IN[1] + 0.6))
    rows = [(s.day, best_set(s.sets)) for s in data.sessions if s.sets]
    if not rows:
        _empty(ax, "No sets logged yet")
        return _save(fig, path)
    days = _dates([d for d, _ in rows])
    ax.bar(days, [x.reps for _, x in rows], width=0.8, color="#c7dcef", label="reps")
    ax.bar(days, [x.passing_reps for _, x in rows], width=0.4, color="#1f77b4",
           label="good-form reps (filmed)")
    ax.axhspan(TARGET_REPS_MIN, TARGET_REPS_MAX, color="green", alpha=0.08,
               label="10-15 rep target range")
    _date_axis(ax, rows[0][0], rows[-1][0])
    ax.set_ylabel("Reps (best set)")
    ax.set_title("Reps and form per session")
    handles, labels = ax.get_legend_handles_labels()
    scored = [(d, x.form_score) for d, x in rows if x.form_score is not None]
    if scored:
        twin = ax.twinx()
        twin.plot(_dates([d for d, _ in scored]), [s for _, s in scored], color="#d62728",
                  marker="s", label="form score")
        twin.set_ylim(0, 105)
        twin.set_ylabel("Form score (0-100)")
        more_handles, more_labels = twin.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    fig.autofmt_xdate()
    _legend_below(ax, handles, labels)
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
    _legend_below(ax)
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
