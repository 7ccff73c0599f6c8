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


def hip_flexion_sagittal_3d(world: Array, side: str) -> float:
    """Hip flexion (degrees; 0 standing straight) of one leg from one frame of 3D world
    landmarks (33, 3): the angle between the trunk (mid-hip to mid-shoulder) and the thigh,
    both projected onto the body's sagittal plane (normal to the hip line). The projection
    leaves out abduction, so a wide (sumo) stance, whose thighs slant sideways, does not read
    as hip bend, as it does in a picture taken at an angle. NaN when a landmark is missing."""
    left_hip, right_hip = world[J["left_hip"]], world[J["right_hip"]]
    normal = left_hip - right_hip
    trunk = (world[J["left_shoulder"]] + world[J["right_shoulder"]]) / 2 - (left_hip + right_hip) / 2
    thigh = world[J[f"{side}_knee"]] - world[J[f"{side}_hip"]]
    with np.errstate(all="ignore"):
        normal = normal / np.linalg.norm(normal)
        trunk_s = trunk - normal * float(trunk @ normal)
        thigh_s = thigh - normal * float(thigh @ normal)
        cos = float(trunk_s @ thigh_s) / float(np.linalg.norm(trunk_s) * np.linalg.norm(thigh_s))
    if not np.isfinite(cos):
        return float("nan")
    return 180.0 - float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def length(a: Array, b: Array) -> Array:
    return np.linalg.norm(a - b, axis=-1)


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
