"""Which video frames go through the pose model, and the pose sequence that results.

On a laptop core the pose model costs about 20 ms a frame whatever the resolution, decoding a
720p H.264 frame about 1 ms: the lever for speed is how many frames the model sees, then using both cores. A squat rep
lasts 1-4 s and its landmarks carry little above 6 Hz (the smoothing cut-off), so by default:

* **Adaptive rate.** The model sees about 7.5 frames a second (``SAMPLING.base_rate_hz``) and about 15
  (``SAMPLING.dense_rate_hz``) where a straight line between samples would cut a corner: near the turning
  points of a rep (the bottom, and leaving and regaining the top), where depth, angles and the
  rep's start and end are measured. The choice is causal (made from the landmarks already
  found, frame by frame), so one pass over the video suffices and the tracker of the pose model
  sees frames in order, at a spacing of one or two dense steps.
* **Decoding overlaps the model.** A background thread decodes (FFmpeg's own frame threads do
  the work, PyAV releases the GIL) and converts only candidate frames to RGB, scaled in FFmpeg's
  scaler to at most ``SAMPLING.pose_max_side_px`` (BlazePose works on 256 px crops; a larger picture costs
  conversion time and gives no better landmarks). A short bounded queue joins the two, so memory
  does not grow with the video's length.
* **Two pose models on a long video.** MediaPipe releases the GIL, so a video of a minute or
  more is cut in two halves, each decoded after a seek and tracked by its own model, on two
  threads (``plan_segments``). Frame numbers come from the packets' timestamps, so variable
  frame rate stays exact. Skipping the decoding of non-reference frames
  (``skip_frame="NONREF"``) was tried and left out: every frame's timestamp is needed, and with
  decoding on its own core it saved nothing measurable.
* **Every input frame keeps its landmarks.** They are interpolated between the samples, so
  frame numbers stay those of the input.

``every_frame=True`` runs the model on every frame, on the same code path.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from glutecoach.io.video import Frame, frame_timestamps, iter_frames
from glutecoach.kinematics.signals import leg_ratio, leg_scores
from glutecoach.pose.base import PoseEstimator
from glutecoach.pose.skeleton import N_JOINTS, SIDES
from glutecoach.thresholds import SAMPLING
from glutecoach.types import PoseSequence, SourceInfo

# How the work is shared out; none of these changes a result (tests/pose/test_sampling.py
# stitches segments back exactly). What the pose model sees is set by thresholds.SAMPLING.
# Videos of at least 2 x SEGMENT_S are cut into SEGMENTS parts, analysed up to POSE_THREADS at once.
SEGMENT_S = 30.0
SEGMENTS = 2
POSE_THREADS = 2
# The decoder may run this many frames ahead of the pose model (bounded memory).
PREFETCH_FRAMES = 16


def pose_stride(fps: float, every_frame: bool = False) -> int:
    """Input frames between two candidate frames (the dense step)."""
    return 1 if every_frame else max(1, int(round(fps / SAMPLING.dense_rate_hz)))


def base_stride(fps: float, every_frame: bool = False) -> int:
    """Input frames between two samples away from turning points: a multiple of the dense step,
    so dense and sparse samples fall on the same grid."""
    dense = pose_stride(fps, every_frame)
    return dense if every_frame else dense * max(1, int(round(SAMPLING.dense_rate_hz / SAMPLING.base_rate_hz)))


@dataclass
class SamplingStats:
    """What one pass cost: for benchmarks and logs."""

    frames: int = 0
    pose_frames: int = 0
    dense_frames: int = 0
    pose_s: float = 0.0
    decode_s: float = 0.0  # busy time of the decoding thread (runs alongside the pose model)
    wall_s: float = 0.0
    segments: int = 1
    sampled: list[int] = field(default_factory=list)


class AdaptiveSampler:
    """Decides, candidate by candidate, whether the pose model sees a frame.

    ``want(index)`` is asked for each candidate frame in order; ``observe(index, t, xy, score)``
    is told what the model found on it. Near a turning point of a rep (the knee bend is past
    ``SAMPLING.dense_min_rise`` and moving slower than ``SAMPLING.dense_max_rise_per_s``) every candidate is taken,
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
        ratio = _knee_bend(xy, score)
        if ratio is None:
            self.dense_mode = False
            return
        self._history.append((t, ratio))
        while self._history and self._history[0][0] < t - SAMPLING.standing_window_s:
            self._history.popleft()
        standing = max(r for _, r in self._history)
        if standing <= SAMPLING.min_standing_ratio:  # lying, kneeling: no reps to refine
            self.dense_mode = False
            return
        rise = 1.0 - ratio / standing
        earlier = [(tt, rr) for tt, rr in self._history if tt <= t - SAMPLING.speed_span_s]
        if not earlier:
            self.dense_mode = rise >= SAMPLING.dense_min_rise
            return
        t0, r0 = earlier[-1]
        speed = abs(ratio - r0) / standing / max(t - t0, 1e-6)
        self.dense_mode = rise >= SAMPLING.dense_min_rise and speed <= SAMPLING.dense_max_rise_per_s


def _knee_bend(xy: npt.NDArray[np.float64] | None, score: npt.NDArray[np.float64] | None) -> float | None:
    """The knee-bend ratio (kinematics.signals.leg_ratio, its "unknown" flat-shin rule) of the
    better-seen leg on one raw frame; None when no leg was seen well enough
    (``SAMPLING.min_leg_score``) or neither shin points down."""
    if xy is None or score is None:
        return None
    qualities = leg_scores(score[None])[0]
    best: tuple[float, float] | None = None
    for side, quality in zip(SIDES, qualities):
        ratio = float(leg_ratio(xy[None], side, flat_shin="unknown")[0])
        if quality < SAMPLING.min_leg_score or not np.isfinite(ratio):
            continue
        if best is None or quality > best[0]:
            best = (float(quality), ratio)
    return None if best is None else best[1]


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Ask glibc's allocator for at most ``arenas`` memory arenas (its documented
    MALLOC_ARENA_MAX tunable, set through mallopt since the process is already running).

    glibc gives each new thread its own arena, up to 8 per core; frames freed in one arena
    cannot be reused from another, so the decoding and pose threads of a long video, and the
    re-tracking pass after them, each grow their own heap: on the 5-minute benchmark video that
    was about 100 MB more peak memory than with two arenas, at no measurable cost in speed.
    Does nothing where the C library is not glibc or the variable is set by the user."""
    global _ARENAS_SET
    if _ARENAS_SET or os.environ.get("MALLOC_ARENA_MAX"):
        return
    _ARENAS_SET = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


_ARENAS_SET = False


def pose_threads(requested: int | None = None) -> int:
    """Pose models run at once on a long video: ``requested`` (the pose_threads setting; a
    local batch shares the cores out between its workers), else one per core, at most
    POSE_THREADS. Results do not depend on it."""
    if requested:
        return requested
    return max(1, min(POSE_THREADS, os.cpu_count() or 1))


def plan_segments(n_frames: int, fps: float) -> list[tuple[int, int]]:
    """[start, end) frame ranges of the independent segments of a video: a video of at least
    2 x SEGMENT_S is cut into SEGMENTS equal parts, a shorter one is one segment. Fixed by the
    video alone (never by the machine), so results are the same everywhere; a fixed number of
    parts (not one per minute) keeps memory flat, since each part needs its own pose model."""
    if n_frames / max(fps, 1e-6) < 2 * SEGMENT_S:
        return [(0, n_frames)]
    bounds = [round(i * n_frames / SEGMENTS) for i in range(SEGMENTS + 1)]
    return list(itertools.pairwise(bounds))


@dataclass
class _Part:
    times: list[float] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)
    sampled: list[int] = field(default_factory=list)
    xy: list[npt.NDArray[np.float64]] = field(default_factory=list)
    score: list[npt.NDArray[np.float64]] = field(default_factory=list)
    world: list[npt.NDArray[np.float64]] = field(default_factory=list)
    stats: SamplingStats = field(default_factory=SamplingStats)


def estimate_video_poses(
    path: Path,
    info: SourceInfo,
    estimator_factory: Callable[[], PoseEstimator],
    every_frame: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stats: SamplingStats | None = None,
    threads: int | None = None,
) -> PoseSequence:
    """Landmarks on every input frame of a video, the pose model run on the sampled ones.

    A video of at least 2 x SEGMENT_S is cut into SEGMENTS parts, each decoded (after a seek)
    and tracked by its own pose model, up to ``pose_threads(threads)`` at once: the model releases the
    GIL, so two cores do about twice the work. The second part starts with the model's person
    detection instead of tracking from the previous frame, which is what the model does anyway
    whenever it loses track; the cut depends only on the video.
    """
    started = time.perf_counter()
    stats = stats if stats is not None else SamplingStats()
    limit_malloc_arenas()
    pts = frame_timestamps(path) if len(plan_segments(info.frames, info.fps)) > 1 else None
    segments = plan_segments(len(pts), info.fps) if pts else [(0, 0)]
    total = max(info.frames, 1)
    done = [0]
    lock = threading.Lock()

    def tick(k: int) -> None:
        if progress is None:
            return
        with lock:
            done[0] += k
            progress(min(done[0], total), total)

    if len(segments) == 1:
        parts = [_pose_pass(path, info, estimator_factory, every_frame, None, None, tick)]
    else:
        assert pts is not None
        where = {p: i for i, p in enumerate(pts)}
        bounds = [(pts[a], pts[b] if b < len(pts) else None) for a, b in segments]
        with ThreadPoolExecutor(max_workers=min(pose_threads(threads), len(bounds)),
                                thread_name_prefix="glutecoach-pose") as pool:
            parts = list(pool.map(lambda b: _pose_pass(path, info, estimator_factory, every_frame, b,
                                                       lambda p: where.get(p, -1), tick), bounds))
        if [i for part in parts for i in part.indices] != list(range(sum(len(p.indices) for p in parts))):
            # Seeking did not give back exactly the frames of the video: decode from the start.
            parts = [_pose_pass(path, info, estimator_factory, every_frame, None, None, tick)]
    times = [t for part in parts for t in part.times]
    sampled = [i for part in parts for i in part.sampled]
    xy_list = [x for part in parts for x in part.xy]
    score_list = [x for part in parts for x in part.score]
    world_list = [x for part in parts for x in part.world]
    for part in parts:
        stats.pose_s += part.stats.pose_s
        stats.decode_s += part.stats.decode_s
        stats.dense_frames += part.stats.dense_frames
    n = len(times)
    if progress:
        progress(n, n)
    notes = []
    if info.frames and n < 0.9 * info.frames:
        notes.append(f"The video stopped decoding after {n} of {info.frames} frames (truncated file?); "
                     "the frames that decoded were analysed.")
    at = np.asarray(sampled, dtype=np.int64)
    scores = np.asarray(score_list).reshape(-1, N_JOINTS)
    xy, score = _interpolate(at, np.asarray(xy_list).reshape(-1, N_JOINTS, 2), scores, n)
    world, _ = _interpolate(at, np.asarray(world_list).reshape(-1, N_JOINTS, 3), scores, n)
    t = np.asarray(times, dtype=np.float64)
    t = t - t[0] if n else t
    duration = float(t[-1] + (t[-1] / max(n - 1, 1))) if n > 1 else info.duration_s
    source = replace(info, frames=n, duration_s=duration)  # what decoded, not what the header said
    stats.frames, stats.pose_frames, stats.sampled = n, len(sampled), sampled
    stats.segments = len(parts)
    stats.wall_s = time.perf_counter() - started
    return PoseSequence(xy=xy, score=score, times=t, frame_indices=np.arange(n, dtype=np.int64),
                        coords="pixels", source=source, notes=notes, world=world)


def _pose_pass(path: Path, info: SourceInfo, estimator_factory: Callable[[], PoseEstimator],
               every_frame: bool, segment: tuple[int, int | None] | None,
               index_of: Callable[[int], int] | None, tick: Callable[[int], None]) -> _Part:
    """Decode one segment (or the whole video) and run a fresh pose model on its sampled frames."""
    part = _Part()
    sampler = AdaptiveSampler(info.fps, every_frame)
    dense = sampler.dense
    w, h = float(info.width or 1), float(info.height or 1)
    estimator = estimator_factory()
    try:
        for frame in _prefetch(path, lambda i, _t: i % dense == 0, SAMPLING.pose_max_side_px, part.stats,
                               segment, index_of):
            part.times.append(frame.time_s)
            part.indices.append(frame.index)
            if frame.image is not None and sampler.want(frame.index):
                t0 = time.perf_counter()
                est = estimator.estimate(frame.image)
                part.stats.pose_s += time.perf_counter() - t0
                part.sampled.append(frame.index)
                part.stats.dense_frames += int(sampler.dense_mode)
                if est is None:
                    part.xy.append(np.full((N_JOINTS, 2), np.nan))
                    part.score.append(np.zeros(N_JOINTS))
                    part.world.append(np.full((N_JOINTS, 3), np.nan))
                    sampler.observe(frame.index, frame.time_s, None, None)
                else:
                    part.xy.append(est.xy * [w, h])
                    part.score.append(est.score)
                    part.world.append(np.full((N_JOINTS, 3), np.nan) if est.world is None else est.world)
                    sampler.observe(frame.index, frame.time_s, part.xy[-1], est.score)
            if len(part.times) % 10 == 0:
                tick(10)
    finally:
        estimator.close()
    return part


_DONE = object()


def _prefetch(path: Path, want: Callable[[int, float], bool], max_side: int, stats: SamplingStats,
              segment: tuple[int, int | None] | None = None,
              index_of: Callable[[int], int] | None = None) -> Iterator[Frame]:
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
        frames = iter_frames(path, want=want, max_side=max_side, segment=segment, index_of=index_of)
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
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
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
    """Landmarks on every frame 0..n-1 from the sampled ones (``xy`` may carry 2 or 3
    coordinates per joint).

    Between two samples where a joint was found: linear interpolation (confidence: the lower of
    the two). Next to a sample where it was not found, a frame takes its nearer sample, so a
    missed detection blanks the frames nearest to it and no more (as on every frame it would
    blank about one sampling step). After the last sample: not found.
    """
    if len(sampled) == n and (n == 0 or np.array_equal(sampled, np.arange(n))):
        return xy, score
    out_xy = np.full((n, N_JOINTS, xy.shape[-1]), np.nan)
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
