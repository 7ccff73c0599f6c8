"""Rep segmentation: a streaming state machine with hysteresis on the knee-bend signal.

One implementation serves file analysis (fed every analysed frame in order) and the live coach
(fed frames as they arrive). The signal is ``thigh_rise`` (thresholds.RepThresholds): 0 standing,
1 with the thighs horizontal. A rep is counted only when the person goes from standing, down past
``min_depth``, and back up past ``exit_ascent`` (after a deep bend, ``exit_fraction`` of the
bottom's depth is enough: fast sets stop just short of standing between reps); separate enter
and exit levels mean a signal hovering around one level cannot produce phantom or double reps.
A rep already under way when the recording starts, or not finished when it ends, is never
counted (the same rule at both ends), and is reported so the user knows why.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np

from glutecoach.thresholds import REPS, RepThresholds


class Phase(str, Enum):
    UNKNOWN = "unknown"  # not yet seen standing
    TOP = "top"
    DOWN = "down"


@dataclass
class RepWindow:
    """Positions (indices into the analysed frames) and times of one counted rep."""

    start: int
    bottom: int
    end: int
    start_s: float
    bottom_s: float
    end_s: float
    depth: float  # thigh_rise at the bottom
    # Began where the previous rep ended short of standing (fast sets): it is a squat only if
    # that one was (checks.judge.RepJudge).
    chained: bool = False


@dataclass
class Rejected:
    """A descent that was not counted, and why (for warnings and debugging)."""

    start_s: float
    reason: str


class RepCounter:
    """Feed ``update(position, time_s, leg_ratio)`` in time order; it returns a RepWindow when
    a rep completes. ``leg_ratio`` is the thigh/shin vertical ratio (kinematics.signals)."""

    def __init__(self, thresholds: RepThresholds = REPS):
        self.th = thresholds
        self._pending: RepWindow | None = None
        self.phase = Phase.UNKNOWN
        self._standing: deque[tuple[float, float]] = deque()  # (time, ratio) of still, upright samples
        self._still: deque[tuple[float, float]] = deque()  # the last still_window_s of samples
        self._reference = thresholds.standing_ratio_prior
        self._last_top: tuple[int, float] | None = None
        self._bottom: tuple[int, float, float] | None = None
        self._last_valid_s: float | None = None
        self._recent: deque[tuple[float, float]] = deque()  # (time, ratio) of the last median_window_s
        self._resumed_s = -np.inf  # when the person was last found again after being lost
        self.rejected: list[Rejected] = []
        self.rise = float("nan")
        self._enter = thresholds.enter_descent  # raised after a rep that ended short of standing
        self._end_rise = 0.0  # thigh_rise where the pending rep ended

    @property
    def standing_ratio(self) -> float:
        return self._reference

    def thigh_rise(self, leg_ratio: float) -> float:
        return 1.0 - leg_ratio / self._reference

    def update(self, position: int, time_s: float, leg_ratio: float, upright: bool = True) -> RepWindow | None:
        """``upright``: the legs point up and down (hips over ankles). The person's standing
        reference is learned only then, so a plank or lying stretch (straight legs, but
        horizontal) cannot teach the counter a "standing" value that real standing never
        reaches again."""
        if not np.isfinite(leg_ratio):
            if self._last_valid_s is not None and time_s - self._last_valid_s > self.th.trust_gap_s:
                self._recent.clear()
            if self._last_valid_s is not None and time_s - self._last_valid_s > self.th.max_gap_s:
                if self.phase is Phase.DOWN and self._pending is None:
                    self.rejected.append(Rejected(self._last_top[1] if self._last_top else time_s,
                                                  "the person was lost from view mid-rep"))
                self.phase = Phase.UNKNOWN
            return None
        if self._last_valid_s is not None and time_s - self._last_valid_s > self.th.trust_gap_s:
            self._resumed_s = time_s
        self._last_valid_s = time_s
        # A running median over the last median_window_s: brief pose errors (a knee placed on
        # the other leg, a joint re-found after occlusion) cannot cross a threshold alone.
        self._recent.append((time_s, leg_ratio))
        while time_s - self._recent[0][0] > self.th.median_window_s:
            self._recent.popleft()
        leg_ratio = float(np.median([r for _, r in self._recent]))
        if upright:
            self._remember_standing(time_s, leg_ratio)
        rise = self.thigh_rise(leg_ratio)
        self.rise = rise
        th = self.th
        if self.phase is Phase.UNKNOWN:
            if rise <= th.exit_ascent:
                self.phase = Phase.TOP
                self._last_top = (position, time_s)
                self._enter = th.enter_descent  # a fresh start
            return None
        if self.phase is Phase.TOP:
            if rise <= th.top_level or self._last_top is None:
                self._last_top = (position, time_s)
            if rise <= th.exit_ascent:
                self._enter = th.enter_descent  # fully up again: the usual hysteresis
            if rise > self._enter:
                self.phase = Phase.DOWN
                self._bottom = (position, time_s, rise)
            return None
        # DOWN
        assert self._bottom is not None and self._last_top is not None
        if time_s - self._last_top[1] > th.max_rep_s and self._pending is None:
            # Longer down than any rep: the person is doing something else (lying, kneeling,
            # stretching, a long hold). Wait for standing again; the standing reference is
            # kept, since it is learned only from still, upright moments.
            self.rejected.append(Rejected(self._last_top[1], f"no return to standing within {th.max_rep_s:.0f} s"))
            self._restart()
            return None
        if rise > self._exit_level():
            self._pending = None  # a brief excursion to the top was noise: still in the rep
            if rise > self._bottom[2]:
                self._bottom = (position, time_s, rise)
            return None
        if self._pending is None:
            self._pending = RepWindow(self._last_top[0], self._bottom[0], position,
                                      self._last_top[1], self._bottom[1], time_s, self._bottom[2],
                                      chained=self._short_top)
            self._end_rise = rise
        # Right after the person was lost, pose models place joints badly for a few frames:
        # a top reached then must hold before it ends the rep.
        near_gap = self._pending.end_s - self._resumed_s < th.after_gap_s
        if near_gap and time_s - self._pending.end_s < th.confirm_top_s:
            return None
        return self._close()

    @property
    def _short_top(self) -> bool:
        """The last rep ended short of standing and the person has not stood up since (the
        entry level is raised exactly then); a descent that begins now is chained to it."""
        return self._enter > self.th.enter_descent

    def _exit_level(self) -> float:
        """Back at the top: within ``exit_ascent`` of standing, or, after a deep bend, most of
        the way back up (fast sets often stop just short of full standing between reps)."""
        assert self._bottom is not None
        return max(self.th.exit_ascent, self.th.exit_fraction * self._bottom[2])

    def finish(self) -> RepWindow | None:
        """End of the recording: a rep already back at the top but not yet confirmed counts."""
        if self.phase is Phase.DOWN and self._pending is not None:
            return self._close()
        return None

    def _close(self) -> RepWindow | None:
        assert self._pending is not None
        w, self._pending = self._pending, None
        self.phase = Phase.TOP
        # A rep that ended short of standing: the next one starts only once the signal falls the
        # same hysteresis gap below where this one ended.
        gap = self.th.enter_descent - self.th.exit_ascent
        self._enter = max(self.th.enter_descent, self._end_rise + gap)
        self._last_top = (w.end, w.end_s)
        start_s, depth, th = w.start_s, w.depth, self.th
        duration = w.end_s - start_s
        if depth < th.min_depth:
            self.rejected.append(Rejected(start_s, f"too shallow to count (depth {depth:.2f})"))
            return None
        if not th.min_rep_s <= duration <= th.max_rep_s:
            self.rejected.append(Rejected(start_s, f"rep lasted {duration:.1f} s"))
            return None
        return w

    def _restart(self) -> None:
        self.phase = Phase.UNKNOWN
        self._enter = self.th.enter_descent
        self._bottom = None
        self._pending = None

    def _remember_standing(self, time_s: float, leg_ratio: float) -> None:
        """Learn the person's own standing ratio (limb proportions, camera height and a
        stance with soft knees differ) in every phase, from moments when the legs are upright
        and still and the ratio is one a standing person gives: the median
        (``standing_quantile``) of those in the last ``standing_window_s``. It therefore
        follows the person's latest tops through a long set and cannot drift out of reach:
        it is never learned from a lying, kneeling or bottom position, and it is re-learned
        from every top. With no such moment in the window the last value is kept."""
        th = self.th
        self._still.append((time_s, leg_ratio))
        while time_s - self._still[0][0] > th.still_window_s:
            self._still.popleft()
        values = [r for _, r in self._still]
        lo, hi = th.standing_ratio_range
        still = (time_s - self._still[0][0] >= th.still_min_span_share * th.still_window_s
                 and max(values) - min(values) <= th.still_max_change * max(leg_ratio, lo))
        if still and lo * (1 - th.still_max_change) <= leg_ratio <= th.flat_shin_ratio \
                and self.thigh_rise(leg_ratio) <= th.learn_max_rise:
            self._standing.append((time_s, leg_ratio))
        while self._standing and time_s - self._standing[0][0] > th.standing_window_s:
            self._standing.popleft()
        if self._standing and self._standing[-1][0] - self._standing[0][0] >= th.standing_min_s:
            ref = float(np.quantile([r for _, r in self._standing], th.standing_quantile))
            self._reference = float(np.clip(ref, lo, hi))

    def unfinished(self) -> str | None:
        """Why the recording ended mid-rep, if it did."""
        if self.phase is Phase.DOWN and self._bottom is not None and self._pending is None:
            return "the recording ends during a rep; it was not counted"
        return None
