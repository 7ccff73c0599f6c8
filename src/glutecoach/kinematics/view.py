"""Which way the camera sees the person: front, back, side or oblique.

Shoulder width in the picture over torso height: face on, shoulders are about as wide as 0.8-0.9
of the torso is tall; side on they overlap. Front and back differ in which side the person's
left shoulder appears: in a front view it is on the picture's right. When the face is not seen
(nose and eyes undetected) the camera is behind.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from glutecoach.kinematics.angles import joint, length, midpoint
from glutecoach.thresholds import VIEW
from glutecoach.types import View

Array = npt.NDArray[np.float64]


def shoulder_width_ratio(xy: Array) -> Array:
    """Per frame: horizontal shoulder separation over torso length (hip mid to shoulder mid)."""
    sep = np.abs(joint(xy, "left_shoulder")[..., 0] - joint(xy, "right_shoulder")[..., 0])
    torso = length(midpoint(xy, "left_shoulder", "right_shoulder"), midpoint(xy, "left_hip", "right_hip"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return sep / torso


def classify_view(xy: Array, score: Array, frames: npt.NDArray[np.int64] | None = None) -> View:
    """The view over the given frames (default all): a median, so a turn mid-set is outvoted."""
    sel = slice(None) if frames is None else frames
    ratio = shoulder_width_ratio(xy[sel])
    if not np.isfinite(ratio).any():
        return "unknown"
    r = float(np.nanmedian(ratio))
    if r <= VIEW.side_max_ratio:
        return "side"
    if r < VIEW.front_min_ratio:
        return "oblique"
    lx = joint(xy[sel], "left_shoulder")[..., 0]
    rx = joint(xy[sel], "right_shoulder")[..., 0]
    left_on_right = float(np.nanmean(np.sign(lx - rx)))
    face = score[sel][:, [0, 2, 5]]
    face_seen = float(np.nanmedian(face.max(axis=1))) if face.size else 0.0
    if face_seen < 0.3 and np.nanmax(face) > 0:  # a face-aware backend that sees no face
        return "back"
    return "front" if left_on_right >= 0 else "back"
