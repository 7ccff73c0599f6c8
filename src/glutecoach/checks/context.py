"""What every check needs about one rep: smoothed landmarks and the rep's key frames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from glutecoach.kinematics.angles import joint, length
from glutecoach.types import CoordKind, View

Array = npt.NDArray[np.float64]


@dataclass
class RepContext:
    """Landmarks (T, 33, 2), already smoothed, and positions of the rep in them.

    ``top`` is the standing frame after the rep (lockout is judged there); ``top_before`` the
    most upright frame shortly before it, where the gate checks the person stood (the
    counter's ``start`` is where the knees began to bend, which in a hip-first barbell squat
    comes after the hips have already moved back and down). Form checks measure standing
    posture at ``start`` and ``top``: the set-up before a first rep may still be moving feet.
    ``coords`` and ``view`` decide what may be measured at all. ``world`` (metres, the
    body's own frame) measures what a 2D picture distorts, such as how far one foot is ahead
    of the other. ``timing_known``: whether ``times`` are the recording's own.
    """

    xy: Array
    times: Array
    start: int
    bottom: int
    end: int
    top: int
    coords: CoordKind
    view: View
    top_before: int | None = None
    # (T, 33, 3) world landmarks in metres (pose.base.PoseEstimate.world), None without them.
    world: Array | None = None
    # False when the input did not record its frame rate (types.SourceInfo.fps_assumed): the
    # times are then at an assumed rate, and nothing is judged on a duration.
    timing_known: bool = True

    @cached_property
    def frames(self) -> Array:
        return self.xy[self.start : self.end + 1]

    def at(self, position: int, name: str) -> Array:
        return joint(self.xy[position], name)

    def mid(self, position: int, a: str, b: str) -> Array:
        """Midpoint of a left/right pair, or the one of the two that was found."""
        pair = np.stack([self.at(position, a), self.at(position, b)])
        if not np.isfinite(pair).all(axis=1).any():
            return np.array([np.nan, np.nan])
        return np.nanmean(pair, axis=0)

    @cached_property
    def standing_positions(self) -> list[int]:
        return [self.start, self.top]

    @cached_property
    def upright_positions(self) -> list[int]:
        """Where the exercise gate asks "was the person standing?" (see ``top_before``)."""
        return [self.start if self.top_before is None else self.top_before, self.top]

    def standing_length(self, a: str, b: str) -> float:
        """2D length of a segment while standing (median over the rep's standing frames, both
        sides pooled when the segment name has a side), NaN if unseen."""
        values = []
        for p in self.standing_positions:
            for side in ("left", "right"):
                if a.startswith("{side}"):
                    values.append(float(length(self.at(p, a.format(side=side)), self.at(p, b.format(side=side)))))
            if not a.startswith("{side}"):
                values.append(float(length(self.at(p, a), self.at(p, b))))
        values = [v for v in values if np.isfinite(v)]
        return float(np.median(values)) if values else float("nan")

    @cached_property
    def thigh_length(self) -> float:
        return self.standing_length("{side}_hip", "{side}_knee")

    @cached_property
    def shin_length(self) -> float:
        return self.standing_length("{side}_knee", "{side}_ankle")

    @cached_property
    def leg_length(self) -> float:
        return self.thigh_length + self.shin_length

    def body_top_y(self, position: int) -> float:
        heads = [joint(self.xy[position], n)[1] for n in ("nose", "left_eye", "right_eye",
                 "left_ear", "right_ear", "left_shoulder", "right_shoulder")]
        return float(np.nanmin(heads)) if np.isfinite(heads).any() else float("nan")

    def ankle_y(self, position: int) -> float:
        return float(np.nanmean([self.at(position, "left_ankle")[1], self.at(position, "right_ankle")[1]]))

    def hip_y(self, position: int) -> float:
        return float(self.mid(position, "left_hip", "right_hip")[1])
