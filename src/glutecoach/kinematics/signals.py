"""The per-frame signals every later stage reads, defined once: each leg's knee bend (vertical
thigh over vertical shin extent), how well each leg was seen, both legs combined, whether the
legs point up and down, and the smoothed landmarks they come from.

Image coordinates, y down. The knee-bend ratio is about 1 standing (thigh and shank similar in
length), near 0 with the thigh horizontal and negative below parallel. Turning the camera around
a person changes horizontal extents but not vertical ones, so the one signal serves front, back,
side and oblique views.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from glutecoach.kinematics.angles import joint, lean_from_vertical_2d, length, midpoint
from glutecoach.kinematics.filtering import smooth_track
from glutecoach.pose.skeleton import SIDES, J
from glutecoach.thresholds import REPS, SIGNALS
from glutecoach.types import PoseSequence

Array = npt.NDArray[np.float64]
LEG_JOINTS = {side: [J[f"{side}_{j}"] for j in ("hip", "knee", "ankle")] for side in SIDES}


@dataclass
class Signals:
    """Per-frame kinematics the rep stage and the checks share."""

    xy: Array
    leg_ratios: Array  # (T, 2) left, right
    combined: Array  # (T,) both legs, weighted by how well each was seen
    upright: npt.NDArray[np.bool_]  # (T,) legs pointing up and down (legs_upright)


def compute_signals(seq: PoseSequence) -> Signals:
    """The signals of a whole recording, from landmarks smoothed offline (zero phase)."""
    xy = smooth_track(seq.xy, seq.score, seq.fps)
    ratios = np.stack([leg_ratio(xy, side) for side in SIDES], axis=1)
    return Signals(xy, ratios, combine_legs(ratios, _smoothed_scores(seq)), legs_upright(xy))


def _smoothed_scores(seq: PoseSequence) -> Array | None:
    """Joint confidences over ``SIGNALS.score_median_s`` (a running median), so a weight does not
    flicker frame to frame; None for keypoints that carry no confidence."""
    if seq.score.size == 0 or np.all((seq.score == 0) | (seq.score == 1)):
        return None
    from scipy.ndimage import median_filter

    size = max(1, int(round(SIGNALS.score_median_s * seq.fps)) | 1)
    return median_filter(seq.score, size=(size, 1), mode="nearest")


def leg_ratio(xy: Array, side: str, flat_shin: Literal["cap", "unknown"] = "cap") -> Array:
    """Vertical thigh extent over vertical shin extent, per frame, for one leg, clipped to
    ``SIGNALS.ratio_min``-``ratio_max``; NaN where a joint is missing.

    ``flat_shin`` says what a shin with (almost) no downward extent gives, because two stages
    need different answers. "cap" (the analysis, file and live): a shin under
    ``SIGNALS.flat_shin_share`` of the leg's longer segment lies flat, as in kneeling or a
    lunge's back leg, and reads as the cap, far from any squat, so the counter and the gate see
    the posture for what it is. "unknown" (the frame sampler, pose.sampling): a shin with no
    downward extent at all says nothing about the knee bend and gives NaN, so the sampler falls
    back on the other leg. The sampler's answer decides which frames the pose model sees;
    giving it the cap would change the landmarks of every video, so the two rules are kept.

    For "cap", a leg with a joint whose height is known but not its x gives NaN: without the
    segments' lengths a shin cannot be called flat, and reading the cap there made a deep
    squat's last frame look like kneeling, or like standing up. The offline filter no longer
    leaves such joints (filtering.smooth_track); input that bypasses it (the live filter, a
    keypoint file's own gaps) still can."""
    hip, knee, ankle = (joint(xy, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
    thigh = knee[..., 1] - hip[..., 1]
    shin = ankle[..., 1] - knee[..., 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        if flat_shin == "cap":
            scale = np.maximum(length(hip, knee), length(knee, ankle))
            ratio = np.where(shin > SIGNALS.flat_shin_share * scale, thigh / shin,
                             np.where(shin > -np.inf, SIGNALS.ratio_max, np.nan))
        else:
            ratio = np.where(shin > 1e-6, thigh / shin, np.nan)
        unseen = ~np.isfinite(thigh) | ~np.isfinite(shin)
        if flat_shin == "cap":
            unseen |= ~np.isfinite(scale)
    ratio = np.clip(ratio, SIGNALS.ratio_min, SIGNALS.ratio_max)
    ratio[unseen] = np.nan
    return ratio


def leg_scores(score: Array) -> Array:
    """(T, 2): how well each leg (left, right) was seen, its weakest joint confidence (hip,
    knee, ankle)."""
    return np.stack([score[:, idx].min(axis=1) for idx in LEG_JOINTS.values()], axis=1)


def leg_quality(score: Array) -> Array:
    """(T,): how well the better leg was seen (``leg_scores``' larger)."""
    return leg_scores(score).max(axis=1)


def combine_legs(ratios: Array, score: Array | None) -> Array:
    """One knee-bend signal from both legs' ratios (T, 2), weighted by how well each leg was
    seen. In a side or oblique view the far leg is hidden behind the near one and the model
    guesses it with low confidence; a plain mean lets that guess (often a flat "shin" that
    sends the ratio to its cap) fake a return to standing mid-rep and split one rep in two.
    Weights: ``SIGNALS.leg_weight_*``. Without confidences (keypoints that carry none) it is the
    plain mean. A leg whose shin reads nearly flat while the other does not is left out: a
    knee placed at its ankle's height for a few frames otherwise lifts the mean to "standing"
    at the bottom of a squat (``REPS.flat_shin_ratio``)."""
    flat = ratios > REPS.flat_shin_ratio
    one_flat = flat.any(axis=1) & ~flat.all(axis=1) & np.isfinite(ratios).all(axis=1)
    ratios = np.where(one_flat[:, None] & flat, np.nan, ratios)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames where neither leg was seen
        if score is None:
            return np.nanmean(ratios, axis=1)
        vis = leg_scores(score)
        weight = np.clip((vis - SIGNALS.leg_weight_from_score) / SIGNALS.leg_weight_score_span,
                         0.0, 1.0) ** 2
        weight = np.where(np.isfinite(ratios), weight, 0.0)
        total = weight.sum(axis=1)
        weighted = np.nansum(np.nan_to_num(ratios) * weight, axis=1) / total
        return np.where(total > 1e-6, weighted, np.nanmean(ratios, axis=1))


def legs_upright(xy: Array, max_lean_deg: float = SIGNALS.upright_max_lean_deg) -> npt.NDArray[np.bool_]:
    """Per frame: the hips-to-ankles line within ``max_lean_deg`` of vertical, hips on top.
    True where unknown (nothing to say against it)."""
    lean = lean_from_vertical_2d(midpoint(xy, "left_ankle", "right_ankle"),
                                 midpoint(xy, "left_hip", "right_hip"))
    with np.errstate(invalid="ignore"):
        return ~(lean > max_lean_deg)
