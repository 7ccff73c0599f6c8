"""analyse(source) -> AnalysisResult: composition of the pipeline's stages, nothing else.

video or keypoints -> pose (PoseSequence) -> kinematics (smoothing, leg ratio, view) -> reps
(RepCounter) -> gate and checks per rep -> feedback. The live coach (stream.py) uses the same
RepCounter and the same checks on frames as they arrive.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from glutecoach import feedback
from glutecoach.checks.context import RepContext
from glutecoach.checks.gate import gate_features, squat_gate
from glutecoach.checks.registry import reliability, run_checks
from glutecoach.errors import InputError
from glutecoach.keypoints import is_keypoint_path, load_keypoints
from glutecoach.kinematics.angles import combine_legs, leg_ratio, legs_upright
from glutecoach.kinematics.filtering import smooth_track
from glutecoach.kinematics.view import classify_view
from glutecoach.pose.backfill import backfill
from glutecoach.pose.base import PoseEstimator, default_estimator
from glutecoach.pose.people import Band, cropped_factory, find_people
from glutecoach.reps import RepCounter, RepWindow
from glutecoach.result import AnalysisResult, Rep
from glutecoach.sampling import estimate_video_poses
from glutecoach.thresholds import REPS
from glutecoach.types import CoordKind, PoseSequence, View
from glutecoach.video import probe

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AnalysisOptions:
    """fps: frame rate of keypoint input. every_frame: run the pose model on every video frame
    instead of the adaptive sampling (sampling.py). find_people: look for several people in
    view and follow the one exercising (pose/people.py)."""

    fps: float = 30.0
    every_frame: bool = False
    find_people: bool = True


@dataclass
class Signals:
    """Per-frame kinematics the rep stage and the checks share."""

    xy: npt.NDArray[np.float64]
    leg_ratios: npt.NDArray[np.float64]  # (T, 2) left, right
    combined: npt.NDArray[np.float64]  # (T,) both legs, weighted by how well each was seen
    upright: npt.NDArray[np.bool_]  # (T,) legs pointing up and down (kinematics.angles.legs_upright)


def compute_signals(seq: PoseSequence) -> Signals:
    xy = smooth_track(seq.xy, seq.score, seq.fps)
    ratios = np.stack([leg_ratio(xy, "left"), leg_ratio(xy, "right")], axis=1)
    return Signals(xy, ratios, combine_legs(ratios, _smoothed_scores(seq)), legs_upright(xy))


def _smoothed_scores(seq: PoseSequence) -> npt.NDArray[np.float64] | None:
    """Joint confidences over about a third of a second (a running median), so a weight does
    not flicker frame to frame; None for keypoints that carry no confidence."""
    if seq.score.size == 0 or np.all((seq.score == 0) | (seq.score == 1)):
        return None
    from scipy.ndimage import median_filter

    size = max(1, int(round(0.33 * seq.fps)) | 1)
    return median_filter(seq.score, size=(size, 1), mode="nearest")


def analyze_file(
    path: Path | str,
    options: AnalysisOptions = AnalysisOptions(),
    progress: Progress | None = None,
    estimator_factory: Callable[[], PoseEstimator] = default_estimator,
) -> AnalysisResult:
    """Analyse one video or keypoint file. Raises InputError for input that cannot be read."""
    return analyze_sequence(load_sequence(path, options, progress, estimator_factory))


def load_sequence(
    path: Path | str,
    options: AnalysisOptions = AnalysisOptions(),
    progress: Progress | None = None,
    estimator_factory: Callable[[], PoseEstimator] = default_estimator,
) -> PoseSequence:
    """Landmarks per frame from a video (through the pose model) or a keypoint file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if is_keypoint_path(path):
        return load_keypoints(path, options.fps)
    info = probe(path)
    bands = find_people(path, info.fps) if options.find_people else []
    if len(bands) < 2:
        seq = estimate_video_poses(path, info, estimator_factory, every_frame=options.every_frame,
                                   progress=progress)
        return backfill(path, seq, estimator_factory)
    # One pass of the pose model per person, and one on the whole picture, which wins ties: a
    # face on a poster or a screen must not cut the real person's band in two. Rare; worth it.
    candidates = []
    regions: list[Band | None] = [None, *bands]
    for k, band in enumerate(regions):
        factory = estimator_factory if band is None else cropped_factory(estimator_factory, band)
        part = None if progress is None else _part_progress(progress, k, len(regions))
        seq = estimate_video_poses(path, info, factory, every_frame=options.every_frame,
                                   progress=part)
        candidates.append(backfill(path, seq, factory))
    return _exerciser(candidates, regions)


def _part_progress(progress: Progress, k: int, parts: int) -> Progress:
    return lambda done, total: progress(k * total + done, parts * total)


def _exerciser(candidates: list[PoseSequence], regions: list[Band | None]) -> PoseSequence:
    """The person who squats: most squat reps, then most knee bending, then most often seen;
    the whole-picture pass (region None, listed first) wins ties."""

    def activity(seq: PoseSequence) -> tuple[int, float, float]:
        result = analyze_sequence(seq)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            combined = compute_signals(seq).combined
            found = np.isfinite(combined)
            bend = float(np.ptp(np.nanpercentile(combined, [5, 95]))) if found.sum() > 2 else 0.0
        return len(result.reps), round(bend, 1), round(float(found.mean()), 1)

    scores = [activity(seq) for seq in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    chosen, region = candidates[best], regions[best]
    people = sum(r is not None for r in regions)
    chosen.people_in_view = people
    where = "" if region is None else f" {_place(region.centre)}"
    chosen.notes.append(f"{people} people were in view; the one{where} who squats was followed "
                        "from start to end.")
    return chosen


def _place(x: float) -> str:
    return "on the left" if x < 0.4 else "on the right" if x > 0.6 else "in the middle"


def analyze_sequence(seq: PoseSequence) -> AnalysisResult:
    """Reps, view, per-rep faults and the summary for a sequence of landmarks."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _analyze(seq)


def _analyze(seq: PoseSequence) -> AnalysisResult:
    warnings = list(seq.notes)
    found = np.isfinite(seq.xy).all(axis=-1).any(axis=1)
    if not found.any():
        warnings.append("Nobody was found in the recording. Film the whole body, in good light.")
        return _result(seq, [], "unknown", warnings)
    sig = compute_signals(seq)
    counter = RepCounter()
    windows: list[tuple[RepWindow, float]] = []
    combined = sig.combined
    for i, (t, r) in enumerate(zip(seq.times, combined)):
        w = counter.update(i, float(t), float(r), bool(sig.upright[i]))
        if w:
            windows.append((w, counter.standing_ratio))
    w = counter.finish()
    if w:
        windows.append((w, counter.standing_ratio))
    if counter.unfinished():
        warnings.append("The recording ends during a rep; it was not counted.")
    view = _view(seq, sig, counter.standing_ratio)
    passed: list[RepContext] = []
    rejected: list[str] = []
    previous_passed = True
    for k, (w, standing) in enumerate(windows):
        nxt = windows[k + 1][0].start if k + 1 < len(windows) else len(seq) - 1
        prev = windows[k - 1][0].end if k else 0
        ctx, why, own = gate_rep(sig.xy, seq.times, combined, sig.leg_ratios, standing, w, prev,
                                 nxt, seq.coords, view, previous_passed, seq.world)
        previous_passed = own is None
        if why:
            rejected.append(why)
            continue
        passed.append(ctx)
    reps = [judge_rep(seq, ctx, k) for k, ctx in enumerate(passed)]
    if rejected:
        warnings.append(f"{len(rejected)} movement(s) were not counted as squats: {'; '.join(sorted(set(rejected)))}.")
    if any(not r.reliable for r in reps):
        why = next(r.unreliable_reason for r in reps if not r.reliable)
        warnings.append(f"Some reps could not be judged: {why}.")
    if seq.coords == "frame_normalised":
        warnings.append("Keypoints are normalised frame by frame: reps are counted, angles are not judged.")
    return _result(seq, reps, view, warnings)


def _view(seq: PoseSequence, sig: Signals, standing: float) -> View:
    rise = 1 - sig.combined / standing
    tops = np.flatnonzero(rise <= REPS.exit_ascent)
    return classify_view(sig.xy, seq.score, tops if len(tops) >= 5 else None)


class GateOutcome(NamedTuple):
    """The rep's context; why the squat gate turned it away (None when it passes); and why the
    rep's own features failed, regardless of the rep before it (None when they pass), which is
    what the next chained rep is judged against."""

    ctx: RepContext
    why: str | None
    own: str | None


def gate_rep(xy: npt.NDArray[np.float64], times: npt.NDArray[np.float64],
             combined: npt.NDArray[np.float64], leg_ratios: npt.NDArray[np.float64], standing: float,
             w: RepWindow, prev_end: int, next_start: int, coords: CoordKind,
             view: View, previous_passed: bool = True,
             world: npt.NDArray[np.float64] | None = None) -> GateOutcome:
    """Gate one rep: standing is looked for in the ``REPS.standing_lookback_s`` seconds before
    it, but not before the previous rep's end (``prev_end``); lockout before ``next_start``.
    Shared by file analysis and the live coach (stream.py). The lookback is in seconds, not
    frames: sampled video and a live camera do not deliver frames at one steady rate.

    A rep chained to the previous counted one (reps.RepWindow.chained, and starting where that
    one ended: no full standing in between) is a squat only if that one's own features passed
    (``previous_passed``): its "top" is the previous rep's unfinished one, where a swinging or
    tumbling body can look upright by chance. Only the rep right after a failure is affected,
    so one doubtful rep cannot cost the rest of a fast set."""
    lookback_from = int(np.searchsorted(times, times[w.start] - REPS.standing_lookback_s))
    before = most_upright(combined, max(prev_end, lookback_from), w.start)
    ctx = RepContext(xy, times, w.start, w.bottom, w.end, rep_top(combined, w.end, next_start),
                     coords, view, top_before=before, world=world)
    own = squat_gate(gate_features(ctx, leg_ratios, standing, w.depth))
    if w.chained and w.start == prev_end and not previous_passed:
        return GateOutcome(ctx, "part of a movement that was not a squat", own)
    return GateOutcome(ctx, own, own)


def rep_top(combined: npt.NDArray[np.float64], end: int, nxt: int) -> int:
    """The most upright frame between this rep's end and the next rep's start (lockout)."""
    return most_upright(combined, end, max(end, nxt - 1), fallback=end)


def most_upright(combined: npt.NDArray[np.float64], lo: int, hi: int, fallback: int | None = None) -> int:
    """The frame in [lo, hi] with the straightest legs (highest leg ratio); ``fallback`` (hi by
    default) if none was seen."""
    window = combined[lo : hi + 1]
    if not np.isfinite(window).any():
        return hi if fallback is None else fallback
    return lo + int(np.nanargmax(window))


def judge_rep(seq: PoseSequence, ctx: RepContext, index: int) -> Rep:
    t, f = seq.times, seq.frame_indices
    rep = Rep(index=index, start_frame=int(f[ctx.start]), bottom_frame=int(f[ctx.bottom]),
              end_frame=int(f[ctx.end]), start_s=float(t[ctx.start]), bottom_s=float(t[ctx.bottom]),
              end_s=float(t[ctx.end]), reliable=True)
    why = reliability(ctx, seq.score)
    outcome = run_checks(ctx)
    rep.metrics = outcome.metrics
    if why:
        rep.reliable, rep.unreliable_reason = False, why
    else:
        rep.faults = outcome.faults
        rep.not_checked = outcome.not_checked
    feedback.finish_rep(rep)
    return rep


def _result(seq: PoseSequence, reps: list[Rep], view: str, warnings: list[str]) -> AnalysisResult:
    detected = len(reps) > 0
    if not detected and not any("Nobody" in w for w in warnings):
        warnings.append("No squat was seen. Film the whole body from the side or front while you squat.")
    return AnalysisResult(
        source=seq.source, squat_detected=detected, view=view,  # type: ignore[arg-type]
        reps=reps, summary=feedback.summarize(reps, detected), warnings=warnings,
        people_in_view=seq.people_in_view, analysed_frames=len(seq),
    )
