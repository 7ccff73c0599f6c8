"""The per-frame signals every later stage reads: smoothed landmarks, each leg's thigh-over-shin
ratio, both legs combined, and whether the legs point up and down."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from glutecoach.kinematics.angles import combine_legs, leg_ratio, legs_upright
from glutecoach.kinematics.filtering import smooth_track
from glutecoach.types import PoseSequence


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
