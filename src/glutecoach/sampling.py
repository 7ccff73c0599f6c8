"""Which video frames go through the pose model, and the pose sequence that results.

On a laptop core the pose model costs about 20 ms a frame whatever the resolution, decoding a
720p H.264 frame about 1 ms: the lever for speed is how many frames the model sees. A squat rep
lasts 1-4 s and its landmarks carry little above 6 Hz (the smoothing cut-off), so by default:

* **Adaptive rate.** The model sees about 7.5 frames a second (``BASE_RATE_HZ``) and about 15
  (``DENSE_RATE_HZ``) where a straight line between samples would cut a corner: near the turning
  points of a rep (the bottom, and leaving and regaining the top), where depth, angles and the
  rep's start and end are measured. The choice is causal (made from the landmarks already
  found, frame by frame), so one pass over the video suffices and the tracker of the pose model
  sees frames in order, at a spacing of one or two dense steps.
* **Decoding overlaps the model.** A background thread decodes (FFmpeg's own frame threads do
  the work, PyAV releases the GIL) and converts only candidate frames to RGB, scaled in FFmpeg's
  scaler to at most ``POSE_MAX_SIDE`` px (BlazePose works on 256 px crops; a larger picture costs
  conversion time and gives no better landmarks). A short bounded queue joins the two, so memory
  does not grow with the video's length.
* **Every input frame keeps its landmarks.** They are interpolated between the samples, so
  frame numbers stay those of the input.

``every_frame=True`` runs the model on every frame, on the same code path.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from glutecoach.pose.base import PoseEstimator
from glutecoach.skeleton import J, N_JOINTS
from glutecoach.types import PoseSequence, SourceInfo
from glutecoach.video import Frame, iter_frames

BASE_RATE_HZ = 7.5
DENSE_RATE_HZ = 15.0
POSE_MAX_SIDE = 640
# Dense sampling: the knee bend (thigh rise, 0 standing .. 1 thighs horizontal) is past this ...
DENSE_MIN_RISE = 0.08
# ... and changing slower than this (rise per second): near a turning point, where linear
# interpolation between sparse samples would cut the corner. Fast, straight stretches of the
# descent and ascent interpolate well at the base rate.
DENSE_MAX_SPEED = 0.5
# The knee bend's speed is taken over at least this long (landmark jitter over one dense step
# would look like speed).
SPEED_SPAN_S = 0.12
# The standing reference: the straightest legs of the last few seconds.
STANDING_WINDOW_S = 4.0
# The decoder may run this many frames ahead of the pose model (bounded memory).
PREFETCH_FRAMES = 16
_MIN_LEG_SCORE = 0.5


def pose_stride(fps: float, every_frame: bool = False) -> int:
    """Input frames between two candidate frames (the dense step)."""
    return 1 if every_frame else max(1, int(round(fps / DENSE_RATE_HZ)))


def base_stride(fps: float, every_frame: bool = False) -> int:
    """Input frames between two samples away from turning points: a multiple of the dense step,
    so dense and sparse samples fall on the same grid."""
    dense = pose_stride(fps, every_frame)
    return dense if every_frame else dense * max(1, int(round(DENSE_RATE_HZ / BASE_RATE_HZ)))


@dataclass
class SamplingStats:
    """What one pass cost: for benchmarks and logs."""

    frames: int = 0
    pose_frames: int = 0
    dense_frames: int = 0
    pose_s: float = 0.0
    decode_s: float = 0.0  # busy time of the decoding thread (runs alongside the pose model)
    wall_s: float = 0.0
    sampled: list[int] = field(default_factory=list)


class AdaptiveSampler:
    """Decides, candidate by candidate, whether the pose model sees a frame.

    ``want(index)`` is asked for each candidate frame in order; ``observe(index, t, xy, score)``
    is told what the model found on it. Near a turning point of a rep (the knee bend is past
    ``DENSE_MIN_RISE`` and moving slower than ``DENSE_MAX_SPEED``) every candidate is taken,
    elsewhere every ``base // dense``-th. Nobody in view: the base rate.
    """

    def __init__(self, fps: float, every_frame: bool = False):
        self.dense = pose_stride(fps, every_frame)
        self.base = base_stride(fps, every_frame)
        self.dense_mode = True  # start dense until the first landmarks say otherwise
        self._last: int | None = None
        self._history: deque[tuple[float, float]] = deque()  # (t, leg ratio)

    def want(self, index: int) -> bool:
        if self._last is None or self.dense_mode:
            return True
        return index - self._last >= self.base

    def observe(self, index: int, t: float, xy: npt.NDArray[np.float64] | None,
                score: npt.NDArray[np.float64] | None) -> None:
        self._last = index
        ratio = _leg_ratio(xy, score)
        if ratio is None:
            self.dense_mode = False
            return
        self._history.append((t, ratio))
        while self._history and self._history[0][0] < t - STANDING_WINDOW_S:
            self._history.popleft()
        standing = max(r for _, r in self._history)
        if standing <= 0.3:  # no upright posture seen lately (lying, kneeling): no reps to refine
            self.dense_mode = False
            return
        rise = 1.0 - ratio / standing
        earlier = [(tt, rr) for tt, rr in self._history if tt <= t - SPEED_SPAN_S]
        if not earlier:
            self.dense_mode = rise >= DENSE_MIN_RISE
            return
        t0, r0 = earlier[-1]
        speed = abs(ratio - r0) / standing / max(t - t0, 1e-6)
        self.dense_mode = rise >= DENSE_MIN_RISE and speed <= DENSE_MAX_SPEED


def _leg_ratio(xy: npt.NDArray[np.float64] | None, score: npt.NDArray[np.float64] | None) -> float | None:
    """Vertical thigh over vertical shin extent of the better-seen leg (kinematics.angles'
    knee-bend signal, on one raw frame); None when no leg was seen well enough."""
    if xy is None or score is None:
        return None
    best: tuple[float, float] | None = None
    for side in ("left", "right"):
        idx = [J[f"{side}_{n}"] for n in ("hip", "knee", "ankle")]
        quality = float(score[idx].min())
        if quality < _MIN_LEG_SCORE:
            continue
        hip, knee, ankle = xy[idx, 1]
        shin = ankle - knee
        if shin <= 1e-6:
            continue
        ratio = (knee - hip) / shin
        if best is None or quality > best[0]:
            best = (quality, float(np.clip(ratio, -1.5, 5.0)))
    return None if best is None else best[1]


def estimate_video_poses(
    path: Path,
    info: SourceInfo,
    estimator_factory: Callable[[], PoseEstimator],
    every_frame: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stats: SamplingStats | None = None,
) -> PoseSequence:
    """Landmarks on every input frame of a video, the pose model run on the sampled ones."""
    started = time.perf_counter()
    stats = stats if stats is not None else SamplingStats()
    sampler = AdaptiveSampler(info.fps, every_frame)
    dense = sampler.dense
    estimator = estimator_factory()
    times: list[float] = []
    xy_list, score_list, sampled = [], [], []
    w, h = float(info.width or 1), float(info.height or 1)
    try:
        for frame in _prefetch(path, lambda i, _t: i % dense == 0, POSE_MAX_SIDE, stats):
            times.append(frame.time_s)
            if frame.image is not None and sampler.want(frame.index):
                t0 = time.perf_counter()
                est = estimator.estimate(frame.image)
                stats.pose_s += time.perf_counter() - t0
                sampled.append(frame.index)
                stats.dense_frames += int(sampler.dense_mode)
                if est is None:
                    xy_list.append(np.full((N_JOINTS, 2), np.nan))
                    score_list.append(np.zeros(N_JOINTS))
                    sampler.observe(frame.index, frame.time_s, None, None)
                else:
                    xy_list.append(est.xy * [w, h])
                    score_list.append(est.score)
                    sampler.observe(frame.index, frame.time_s, xy_list[-1], est.score)
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
    xy, score = _interpolate(np.asarray(sampled, dtype=np.int64),
                             np.asarray(xy_list).reshape(-1, N_JOINTS, 2),
                             np.asarray(score_list).reshape(-1, N_JOINTS), n)
    t = np.asarray(times, dtype=np.float64)
    t = t - t[0] if n else t
    info.frames = n
    info.duration_s = float(t[-1] + (t[-1] / max(n - 1, 1))) if n > 1 else info.duration_s
    stats.frames, stats.pose_frames, stats.sampled = n, len(sampled), sampled
    stats.wall_s = time.perf_counter() - started
    return PoseSequence(xy=xy, score=score, times=t, frame_indices=np.arange(n, dtype=np.int64),
                        coords="pixels", source=info, notes=notes)


_DONE = object()


def _prefetch(path: Path, want: Callable[[int, float], bool], max_side: int,
              stats: SamplingStats) -> Iterator[Frame]:
    """video.iter_frames on a background thread, at most PREFETCH_FRAMES ahead.

    Errors (InputError for unreadable files) are raised here, in the caller's thread. Closing
    this generator early (an exception in the consumer) stops the thread.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=PREFETCH_FRAMES)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        frames = iter_frames(path, want=want, max_side=max_side)
        try:
            while True:
                t0 = time.perf_counter()
                try:
                    frame = next(frames)
                except StopIteration:
                    break
                finally:
                    stats.decode_s += time.perf_counter() - t0
                if not put(frame):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        finally:
            frames.close()
        put(_DONE)

    thread = threading.Thread(target=work, name="glutecoach-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _interpolate(sampled: npt.NDArray[np.int64], xy: npt.NDArray[np.float64],
                 score: npt.NDArray[np.float64], n: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Landmarks on every frame 0..n-1 from the sampled ones.

    Between two samples where a joint was found: linear interpolation (confidence: the lower of
    the two). Next to a sample where it was not found, a frame takes its nearer sample, so a
    missed detection blanks the frames nearest to it and no more (as on every frame it would
    blank about one sampling step). After the last sample: not found.
    """
    if len(sampled) == n and (n == 0 or np.array_equal(sampled, np.arange(n))):
        return xy, score
    out_xy = np.full((n, N_JOINTS, 2), np.nan)
    out_score = np.zeros((n, N_JOINTS))
    if len(sampled) == 0:
        return out_xy, out_score
    frames = np.arange(n)
    lo = np.clip(np.searchsorted(sampled, frames, side="right") - 1, 0, len(sampled) - 1)
    hi = np.clip(lo + 1, 0, len(sampled) - 1)
    span = np.maximum(sampled[hi] - sampled[lo], 1)
    a = np.clip((frames - sampled[lo]) / span, 0, 1)[:, None]  # (n, 1)
    found_lo = np.isfinite(xy[lo]).all(axis=-1)  # (n, J)
    found_hi = np.isfinite(xy[hi]).all(axis=-1)
    both = found_lo & found_hi
    nearer_lo = a <= 0.5
    lerp = xy[lo] * (1 - a[..., None]) + xy[hi] * a[..., None]
    nearest_xy = np.where(nearer_lo[..., None], xy[lo], xy[hi])
    out_xy = np.where(both[..., None], lerp, nearest_xy)
    out_score = np.where(both, np.minimum(score[lo], score[hi]), np.where(nearer_lo, score[lo], score[hi]))
    beyond = frames > sampled[-1]
    out_xy[beyond] = np.nan
    out_score[beyond] = 0
    return out_xy, out_score
