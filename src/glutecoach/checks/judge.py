"""One rep from its window to its verdict: the squat gate (with the chained-rep rule) and the
cue checks. File analysis and the live coach each judge a set's reps with one RepJudge."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from glutecoach import feedback
from glutecoach.checks.context import RepContext
from glutecoach.checks.gate import gate_features, squat_gate
from glutecoach.checks.registry import reliability, run_checks
from glutecoach.reps import RepWindow
from glutecoach.result import Rep
from glutecoach.thresholds import REPS
from glutecoach.types import CoordKind, PoseSequence, View


class GateOutcome(NamedTuple):
    """The rep's context; why the squat gate turned it away (None when it passes); and why the
    rep's own features failed, regardless of the rep before it (None when they pass), which is
    what the next chained rep is judged against."""

    ctx: RepContext
    why: str | None
    own: str | None


class RepJudge:
    """The squat gate and the cue checks for one set's reps, in the order the rep counter
    completes them. File analysis and the live coach each use one per set, so the rule that ties
    a rep to the one before it lives here only.

    A rep chained to the previous counted one (reps.RepWindow.chained, and starting where that
    one ended: no full standing in between) is a squat only if that one's own features passed:
    its "top" is the previous rep's unfinished one, where a swinging or tumbling body can look
    upright by chance. Only the rep right after a failure is affected, so one doubtful rep cannot
    cost the rest of a fast set."""

    def __init__(self) -> None:
        self._previous_end = 0  # where the previous counted movement ended
        self._previous_passed = True  # its own features passed the squat gate
        self._judged = 0

    def gate(self, xy: npt.NDArray[np.float64], times: npt.NDArray[np.float64],
             combined: npt.NDArray[np.float64], leg_ratios: npt.NDArray[np.float64],
             standing: float, w: RepWindow, next_start: int, coords: CoordKind, view: View,
             world: npt.NDArray[np.float64] | None = None) -> GateOutcome:
        """Gate the next rep: standing is looked for in the ``REPS.standing_lookback_s`` seconds
        before it, but not before the previous rep's end; lockout before ``next_start``. The
        lookback is in seconds, not frames: sampled video and a live camera do not deliver
        frames at one steady rate."""
        prev_end, previous_passed = self._previous_end, self._previous_passed
        lookback_from = int(np.searchsorted(times, times[w.start] - REPS.standing_lookback_s))
        before = most_upright(combined, max(prev_end, lookback_from), w.start)
        ctx = RepContext(xy, times, w.start, w.bottom, w.end, rep_top(combined, w.end, next_start),
                         coords, view, top_before=before, world=world)
        own = squat_gate(gate_features(ctx, leg_ratios, standing, w.depth))
        self._previous_end, self._previous_passed = w.end, own is None
        if w.chained and w.start == prev_end and not previous_passed:
            return GateOutcome(ctx, "part of a movement that was not a squat", own)
        return GateOutcome(ctx, own, own)

    def judge(self, seq: PoseSequence, ctx: RepContext) -> Rep:
        """The checks on a rep that passed the gate: its faults, or why it could not be judged;
        numbered in the order judged."""
        t, f = seq.times, seq.frame_indices
        rep = Rep(index=self._judged, start_frame=int(f[ctx.start]), bottom_frame=int(f[ctx.bottom]),
                  end_frame=int(f[ctx.end]), start_s=float(t[ctx.start]),
                  bottom_s=float(t[ctx.bottom]), end_s=float(t[ctx.end]), reliable=True)
        self._judged += 1
        why = reliability(ctx, seq.score)
        outcome = run_checks(replace(ctx, timing_known=not seq.source.fps_assumed))
        rep.metrics = outcome.metrics
        if why:
            rep.reliable, rep.unreliable_reason = False, why
        else:
            rep.faults = outcome.faults
            rep.not_checked = outcome.not_checked
        feedback.finish_rep(rep)
        return rep


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
