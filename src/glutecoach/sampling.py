"""Which video frames go through the pose model, and the pose sequence that results.

The pose model costs about 20 ms a frame on a laptop core whatever the resolution, decoding
costs about 2 ms: the lever for speed is how many frames the model sees. A squat rep lasts 1-4 s
and its landmarks carry little above 6 Hz (the smoothing cut-off), so by default the model sees
frames at about 15 per second (stride = fps / 15), skipped frames are decoded without colour
conversion, converted frames are scaled to at most 640 px (BlazePose works on 256 px crops), and
landmarks are interpolated back onto every input frame so frame numbers stay those of the input.
``every_frame=True`` runs the model on every frame.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from glutecoach.pose.base import PoseEstimator
from glutecoach.skeleton import N_JOINTS
from glutecoach.types import PoseSequence, SourceInfo
from glutecoach.video import iter_frames

POSE_RATE_HZ = 15.0
POSE_MAX_SIDE = 640


def pose_stride(fps: float, every_frame: bool = False) -> int:
    return 1 if every_frame else max(1, int(round(fps / POSE_RATE_HZ)))


def estimate_video_poses(
    path: Path,
    info: SourceInfo,
    estimator_factory: Callable[[], PoseEstimator],
    every_frame: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PoseSequence:
    stride = pose_stride(info.fps, every_frame)
    estimator = estimator_factory()
    times, xy_list, score_list, sampled = [], [], [], []
    w, h = float(info.width or 1), float(info.height or 1)
    try:
        for frame in iter_frames(path, want=lambda i, t: i % stride == 0, max_side=POSE_MAX_SIDE):
            times.append(frame.time_s)
            if frame.image is not None:
                est = estimator.estimate(frame.image)
                sampled.append(frame.index)
                if est is None:
                    xy_list.append(np.full((N_JOINTS, 2), np.nan))
                    score_list.append(np.zeros(N_JOINTS))
                else:
                    xy_list.append(est.xy * [w, h])
                    score_list.append(est.score)
            if progress and frame.index % 10 == 0:
                progress(frame.index + 1, max(info.frames, frame.index + 1))
    finally:
        estimator.close()
    n = len(times)
    if progress:
        progress(n, n)
    notes = []
    if info.frames and n < 0.9 * info.frames:
        notes.append(f"The video stopped decoding after {n} of {info.frames} frames (truncated file?); "
                     "the frames that decoded were analysed.")
    xy, score = _interpolate(np.asarray(sampled), np.asarray(xy_list), np.asarray(score_list), n)
    t = np.asarray(times, dtype=np.float64)
    t = t - t[0] if n else t
    info.frames = n
    info.duration_s = float(t[-1] + (t[-1] / max(n - 1, 1))) if n > 1 else info.duration_s
    return PoseSequence(xy=xy, score=score, times=t, frame_indices=np.arange(n, dtype=np.int64),
                        coords="pixels", source=info, notes=notes)


def _interpolate(sampled: np.ndarray, xy: np.ndarray, score: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks on every frame 0..n-1 from the sampled ones; gaps stay NaN (score 0)."""
    if len(sampled) == n:
        return xy, score
    out_xy = np.full((n, N_JOINTS, 2), np.nan)
    out_score = np.zeros((n, N_JOINTS))
    if len(sampled) == 0:
        return out_xy, out_score
    frames = np.arange(n)
    lo = np.clip(np.searchsorted(sampled, frames, side="right") - 1, 0, len(sampled) - 1)
    hi = np.clip(lo + 1, 0, len(sampled) - 1)
    span = np.maximum(sampled[hi] - sampled[lo], 1)
    a = np.clip((frames - sampled[lo]) / span, 0, 1)[:, None, None]
    out_xy = xy[lo] * (1 - a) + xy[hi] * a
    out_score = np.minimum(score[lo], score[hi])
    beyond = frames > sampled[-1]
    out_xy[beyond] = np.nan
    out_score[beyond] = 0
    return out_xy, out_score
