"""Re-track stretches where the pose model lost the legs, from the good frames either side.

BlazePose finds a person with a detector that leans on the face, then follows them from frame
to frame with the landmark model alone. A phone clip that starts with the head out of frame (a
person standing close to the camera, the top of the picture cutting off their head) therefore
gives garbage or nothing until the first squat brings the head into view, and the first rep's
standing start and descent are lost. Fed the same frames in reverse order, starting from the
first frame where the legs were found, the tracker carries its lock backwards through them.

The same happens mid-clip: when the head leaves the picture and the tracker loses its lock (a
fast rise between two sparse samples), the detector cannot find the person again until the face
returns. Re-tracked forwards from the last good frame at a close spacing, the lock holds.

This pass runs only where such a stretch exists (a run of frames without a leg whose hip, knee
and ankle are all found, next to a frame where one is), decodes only those frames again and
keeps a re-tracked estimate only where it finds the legs with more confidence than the first
pass did. Any backend meeting the PoseEstimator protocol works: a fresh instance per stretch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from glutecoach.io.video import iter_frames
from glutecoach.kinematics.signals import leg_quality
from glutecoach.pose.base import PoseEstimator
from glutecoach.pose.skeleton import N_JOINTS
from glutecoach.thresholds import BACKFILL, DEFAULT_FPS
from glutecoach.types import PoseSequence

# (xy, score, world) of one frame or of a whole sequence
_Arrays = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]


def lost_stretches(quality: npt.NDArray[np.float64], fps: float) -> list[tuple[int, int, int | None, int | None]]:
    """(first, last, good_before, good_after) of each run of frames with the legs lost, with
    the nearest well-tracked frame on each side (None where the run reaches an end)."""
    lost = quality < BACKFILL.lost_leg_quality
    good = quality >= BACKFILL.good_leg_quality
    runs, i, n = [], 0, len(quality)
    while i < n:
        if not lost[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and lost[j + 1]:
            j += 1
        if (j - i + 1) >= BACKFILL.min_run_s * fps:
            before = i - 1 if i > 0 and good[i - 1] else None
            after = j + 1 if j + 1 < n and good[j + 1:j + 4].all() else None
            if before is not None or after is not None:
                runs.append((i, j, before, after))
        i = j + 1
    return runs


def backfill(path: Path, seq: PoseSequence, estimator_factory: Callable[[], PoseEstimator],
             max_side: int | None = 640) -> PoseSequence:
    """The sequence with lost-leg stretches re-tracked where that finds the legs better.
    ``seq`` is a video's pose sequence in pixel coordinates."""
    if seq.coords != "pixels" or len(seq) < 3:
        return seq
    fps = seq.source.fps or DEFAULT_FPS
    runs = lost_stretches(leg_quality(seq.score), fps)
    if not runs:
        return seq
    step = max(1, int(round(fps / BACKFILL.retrack_rate_hz)))
    warm = int(round(BACKFILL.warm_up_s * fps))
    reach = int(BACKFILL.max_run_s * fps)
    plans = []  # (first, last, positions in the order the tracker sees them)
    for first, last, before, after in runs:
        if after is not None:  # backwards from the first good frame after the run
            lo = max(first, after - reach)
            order = list(range(min(len(seq) - 1, after + warm), after, -step)) + [after]
            plans.append((lo, last, order + list(range(last, lo - 1, -step))))
        if before is not None:  # forwards from the last good frame before it
            hi = min(last, before + reach)
            order = list(range(max(0, before - warm), before, step)) + [before]
            plans.append((first, hi, order + list(range(first, hi + 1, step))))
    xy, score = seq.xy.copy(), seq.score.copy()
    world = np.full((len(seq), N_JOINTS, 3), np.nan) if seq.world is None else seq.world.copy()
    size = (float(seq.source.width or 1), float(seq.source.height or 1))
    # One decoding pass; a stretch is re-tracked as soon as its frames are in, and its frames
    # are then dropped, so memory holds one stretch at a time, not the video.
    plans.sort(key=lambda plan: max(plan[2]))
    frame_of = seq.frame_indices
    wanted = {int(frame_of[p]) for _, _, order in plans for p in order}
    images: dict[int, npt.NDArray[np.uint8]] = {}
    position = {int(f): p for p, f in enumerate(frame_of)}
    pending = list(plans)
    # One model for every stretch (building a model per stretch costs time and, through the
    # allocator, memory that is not given back); a blank picture between stretches makes it
    # drop its lock, so each stretch starts from a fresh detection like a new instance would.
    tracker = estimator_factory()
    try:
        _backfill_stretches(path, seq, pending, images, position, wanted, tracker, (xy, score, world),
                            size, max_side)
    finally:
        tracker.close()
    return PoseSequence(xy=xy, score=score, times=seq.times, frame_indices=seq.frame_indices,
                        coords=seq.coords, source=seq.source, people_in_view=seq.people_in_view,
                        notes=seq.notes, world=world)


def _backfill_stretches(path: Path, seq: PoseSequence, pending: list[tuple[int, int, list[int]]],
                        images: dict[int, npt.NDArray[np.uint8]], position: dict[int, int],
                        wanted: set[int], tracker: PoseEstimator, out: _Arrays,
                        size: tuple[float, float], max_side: int | None) -> None:
    for frame in iter_frames(path, want=lambda i, _t: i in wanted, max_side=max_side):
        if frame.image is not None and frame.index in position:
            images[position[frame.index]] = frame.image
        while pending and max(pending[0][2]) <= position.get(frame.index, -1):
            first, last, order = pending.pop(0)
            _merge(out, _track(order, images, tracker, first, last, size), first, last)
            still = {p for _, _, o in pending for p in o}
            images = {p: im for p, im in images.items() if p in still}
        if not pending:
            break
    for first, last, order in pending:  # the video ended early: use what was decoded
        _merge(out, _track(order, images, tracker, first, last, size), first, last)


def _track(order: list[int], images: dict[int, npt.NDArray[np.uint8]], tracker: PoseEstimator,
           first: int, last: int,
           size: tuple[float, float]) -> dict[int, _Arrays]:
    """Run the tracker over the frames in ``order`` from a fresh start; keep the estimates in
    [first, last]."""
    found: dict[int, _Arrays] = {}
    known = [p for p in order if p in images]
    if not known:
        return found
    tracker.estimate(np.zeros_like(images[known[0]]))  # nobody there: the lock is dropped
    for p in known:
        est = tracker.estimate(images[p])
        if est is not None and first <= p <= last:
            world = np.full((N_JOINTS, 3), np.nan) if est.world is None else est.world
            found[p] = (est.xy * list(size), est.score, world)
    return found


def _merge(out: _Arrays, found: dict[int, _Arrays], first: int, last: int) -> None:
    """Write re-tracked estimates (xy, score, world) into [first, last] where they beat the
    first pass, filling the frames between two kept estimates by linear interpolation."""
    xy, score, world = out
    keys = sorted(f for f, (_, s, _w) in found.items()
                  if leg_quality(s[None])[0] > leg_quality(score[f][None])[0] + BACKFILL.min_quality_gain)
    if not keys:
        return
    for a, b in zip(keys, keys[1:] + [None]):
        xa, sa, wa = found[a]
        xy[a], score[a], world[a] = xa, sa, wa
        if b is None or b - a > BACKFILL.max_fill_frames:
            continue
        xb, sb, wb = found[b]
        for f in range(a + 1, b):
            t = (f - a) / (b - a)
            xy[f], score[f], world[f] = xa * (1 - t) + xb * t, np.minimum(sa, sb), wa * (1 - t) + wb * t
