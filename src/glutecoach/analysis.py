"""analyse(source) -> AnalysisResult: composition of the pipeline's stages, nothing else.

video or keypoints -> pose (PoseSequence) -> kinematics (smoothing, leg ratio, view) -> reps
(RepCounter) -> gate and checks per rep -> feedback. The live coach (live.py) uses the same
RepCounter and the same checks on frames as they arrive.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glutecoach import feedback
from glutecoach.checks.judge import RepJudge
from glutecoach.errors import InputError
from glutecoach.io.keypoints import check_fps, is_keypoint_path, load_keypoints
from glutecoach.io.video import probe
from glutecoach.kinematics.signals import compute_signals
from glutecoach.kinematics.view import view_of_set
from glutecoach.pose.backfill import backfill
from glutecoach.pose.base import PoseEstimator, default_estimator
from glutecoach.pose.people import Band, cropped_factory, find_people
from glutecoach.pose.sampling import estimate_video_poses
from glutecoach.reps import RepCounter, RepWindow
from glutecoach.result import AnalysisResult, Rep
from glutecoach.types import PoseSequence

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AnalysisOptions:
    """fps: frame rate of keypoint input (None: not known, DEFAULT_FPS is assumed and durations
    are not judged; io.keypoints.load_keypoints). every_frame: run the pose model on every video frame
    instead of the adaptive sampling (pose/sampling.py). find_people: look for several people in
    view and follow the one exercising (pose/people.py). pose_threads: pose models at once on a
    long video (None: pose.sampling.pose_threads's default); speed only, never the result. Raises InputError for a frame rate
    outside ``FPS_RANGE``: every analysis (command line, web, batch) takes its options from
    here, so this is the one check."""

    fps: float | None = None
    every_frame: bool = False
    find_people: bool = True
    pose_threads: int | None = None

    def __post_init__(self) -> None:
        if self.fps is not None:
            check_fps(self.fps)


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
                                   progress=progress, threads=options.pose_threads)
        return backfill(path, seq, estimator_factory)
    # One pass of the pose model per person, and one on the whole picture, which wins ties: a
    # face on a poster or a screen must not cut the real person's band in two. Rare; worth it.
    candidates = []
    regions: list[Band | None] = [None, *bands]
    for k, band in enumerate(regions):
        factory = estimator_factory if band is None else cropped_factory(estimator_factory, band)
        part = None if progress is None else _part_progress(progress, k, len(regions))
        seq = estimate_video_poses(path, info, factory, every_frame=options.every_frame,
                                   progress=part, threads=options.pose_threads)
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
    span = (windows[0][0].start, windows[-1][0].end) if windows else None
    view = view_of_set(sig.xy, seq.score, seq.world, seq.times, combined, counter.standing_ratio, span)
    judge = RepJudge()
    reps: list[Rep] = []
    rejected: list[str] = []
    for k, (w, standing) in enumerate(windows):
        nxt = windows[k + 1][0].start if k + 1 < len(windows) else len(seq) - 1
        ctx, why, _ = judge.gate(sig.xy, seq.times, combined, sig.leg_ratios, standing, w, nxt,
                                 seq.coords, view, seq.world)
        if why:
            rejected.append(why)
            continue
        reps.append(judge.judge(seq, ctx))
    if rejected:
        warnings.append(f"{len(rejected)} movement(s) were not counted as squats: {'; '.join(sorted(set(rejected)))}.")
    if any(not r.reliable for r in reps):
        why = next(r.unreliable_reason for r in reps if not r.reliable)
        warnings.append(f"Some reps could not be judged: {why}.")
    if seq.source.fps_assumed and reps:
        warnings.append(f"The keypoints do not record their frame rate: {seq.source.fps:g} fps was assumed, "
                        "so the tempo was not judged (give the rate with --fps).")
    if seq.coords == "frame_normalised":
        warnings.append("Keypoints are normalised frame by frame: reps are counted, angles are not judged.")
    return _result(seq, reps, view, warnings)


def _result(seq: PoseSequence, reps: list[Rep], view: str, warnings: list[str]) -> AnalysisResult:
    detected = len(reps) > 0
    if not detected and not any("Nobody" in w for w in warnings):
        warnings.append("No squat was seen. Film the whole body from the side or front while you squat.")
    return AnalysisResult(
        source=seq.source, squat_detected=detected, view=view,  # type: ignore[arg-type]
        reps=reps, summary=feedback.summarize(reps, detected), warnings=warnings,
        people_in_view=seq.people_in_view, analysed_frames=len(seq),
    )
