"""Joint and segment angles from 2D landmarks, with one sign convention.

Image coordinates, y down. All angles in degrees.
- Joint flexion (knee, hip): 0 = straight, growing as the joint bends (180 - interior angle).
- Segment angle to horizontal (thigh): positive while the upper end (hip) is above the lower
  end (knee); 0 = parallel; negative = below parallel.
- Segment lean from vertical (trunk, shin): 0 = upright, 90 = horizontal, always >= 0.
Two methods exist for segment angles. ``*_2d`` angles read the segment's direction in the
picture and are right only in a side view. ``*_vp`` ("vertical projection") angles compare the
segment's vertical extent with its length while standing: turning the camera around a standing
person changes horizontal extents but not vertical ones, so these hold in side, oblique and front
views alike, provided the camera is roughly level and the person stood upright at the top.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from glutecoach.pose.skeleton import J

Array = npt.NDArray[np.float64]


def joint(xy: Array, name: str) -> Array:
    """(T, 2) or (2,) coordinates of a named joint."""
    return xy[..., J[name], :]


def midpoint(xy: Array, a: str, b: str) -> Array:
    return (joint(xy, a) + joint(xy, b)) / 2.0


def interior_angle(a: Array, b: Array, c: Array) -> Array:
    """Angle ABC at b, 0-180 degrees."""
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, axis=-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def flexion(a: Array, b: Array, c: Array) -> Array:
    """Flexion at b: 0 when a, b, c are in line."""
    return 180.0 - interior_angle(a, b, c)


def angle_to_horizontal_2d(upper: Array, lower: Array) -> Array:
    """Picture angle of the upper->lower segment to horizontal, positive if upper is higher."""
    d = lower - upper
    return np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def lean_from_vertical_2d(lower: Array, upper: Array) -> Array:
    """Picture angle of a segment from vertical, 0-180 (upper above lower -> under 90)."""
    d = upper - lower
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def angle_to_horizontal_vp(upper: Array, lower: Array, standing_length: float) -> Array:
    """Segment angle to horizontal from its vertical drop over its standing length."""
    drop = lower[..., 1] - upper[..., 1]
    return np.degrees(np.arcsin(np.clip(drop / standing_length, -1.0, 1.0)))


def lean_from_vertical_vp(lower: Array, upper: Array, standing_length: float) -> Array:
    """Segment lean from vertical from its vertical rise over its standing length."""
    rise = lower[..., 1] - upper[..., 1]
    return np.degrees(np.arccos(np.clip(rise / standing_length, -1.0, 1.0)))


def length(a: Array, b: Array) -> Array:
    return np.linalg.norm(a - b, axis=-1)


def leg_ratio(xy: Array, side: str) -> Array:
    """Vertical thigh extent over vertical shin extent, per frame, for one leg.

    About 1 standing (thigh and shank similar in length), near 0 with the thigh horizontal,
    negative below parallel; large when the shin lies flat (kneeling, the back leg of a lunge).
    """
    hip, knee, ankle = (joint(xy, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
    thigh = knee[..., 1] - hip[..., 1]
    shin = ankle[..., 1] - knee[..., 1]
    scale = np.maximum(length(hip, knee), length(knee, ankle))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(shin > 0.15 * scale, thigh / shin, np.where(shin > -np.inf, 5.0, np.nan))
    ratio = np.clip(ratio, -1.5, 5.0)
    ratio[~np.isfinite(thigh) | ~np.isfinite(shin)] = np.nan
    return ratio


def combine_legs(ratios: Array, score: Array | None) -> Array:
    """One knee-bend signal from both legs' ratios (T, 2), weighted by how well each leg was
    seen. In a side or oblique view the far leg is hidden behind the near one and the model
    guesses it with low confidence; a plain mean lets that guess (often a flat "shin" that
    sends the ratio to its cap) fake a return to standing mid-rep and split one rep in two.
    Weight: the leg's weakest joint confidence (hip, knee, ankle), 0 at 0.3 (peers' usual
    cut-off) rising to 1 at 0.8, squared so a clearly better leg dominates. Without
    confidences (keypoints that carry none) it is the plain mean."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames where neither leg was seen
        if score is None:
            return np.nanmean(ratios, axis=1)
        vis = np.stack([np.min(score[:, [J[f"{s}_hip"], J[f"{s}_knee"], J[f"{s}_ankle"]]], axis=1)
                        for s in ("left", "right")], axis=1)
        weight = np.clip((vis - 0.3) / 0.5, 0.0, 1.0) ** 2
        weight = np.where(np.isfinite(ratios), weight, 0.0)
        total = weight.sum(axis=1)
        weighted = np.nansum(np.nan_to_num(ratios) * weight, axis=1) / total
        return np.where(total > 1e-6, weighted, np.nanmean(ratios, axis=1))


def legs_upright(xy: Array, max_lean_deg: float = 35.0) -> npt.NDArray[np.bool_]:
    """Per frame: the hips-to-ankles line within ``max_lean_deg`` of vertical, hips on top.
    True where unknown (nothing to say against it)."""
    lean = lean_from_vertical_2d(midpoint(xy, "left_ankle", "right_ankle"),
                                 midpoint(xy, "left_hip", "right_hip"))
    with np.errstate(invalid="ignore"):
        return ~(lean > max_lean_deg)


def fppa(xy: Array, side: str) -> Array:
    """Frontal plane projection angle, degrees; positive when the knee falls inside the
    hip-ankle line (towards the body's midline), as in Willson & Davis 2008."""
    hip, knee, ankle = (joint(xy, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
    dev = 180.0 - interior_angle(hip, knee, ankle)
    mid_x = midpoint(xy, "left_hip", "right_hip")[..., 0]
    # Signed horizontal offset of the knee from the hip-ankle line at the knee's height.
    t = np.clip((knee[..., 1] - hip[..., 1]) / (ankle[..., 1] - hip[..., 1]), 0, 1)
    line_x = hip[..., 0] + t * (ankle[..., 0] - hip[..., 0])
    towards_mid = np.sign(knee[..., 0] - line_x) == np.sign(mid_x - line_x)
    return np.where(towards_mid, dev, -dev)
