"""Which way the camera sees the person: front, back, side or oblique.

From BlazePose's 3D world landmarks (metres, origin between the hips, x to the picture's right,
y down, z away from the camera) the torso's yaw is measured directly: the direction of the hip
line plus the shoulder line, seen from above. 0 degrees faces the camera, 90 is side on, 180 is
the back to the camera. The boundaries (thresholds.VIEW) come from what each check needs.

Without world landmarks (keypoint files) the 2D rule stands: shoulder width in the picture over
torso height. Face on, shoulders are about as wide as 0.8-0.9 of the torso is tall; side on they
overlap. Front and back differ in which side the person's left shoulder appears: in a front
view it is on the picture's right. When the face is not seen (nose and eyes undetected) the
camera is behind.

Both are read at the set's standing moments (``standing_frames``): a squat's bottom blurs the
landmarks, and a person who turns to walk away after the set did not squat that way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from glutecoach.kinematics.angles import joint, length, midpoint
from glutecoach.thresholds import REPS, VIEW
from glutecoach.types import View

Array = npt.NDArray[np.float64]
Frames = npt.NDArray[np.int64]


def shoulder_width_ratio(xy: Array) -> Array:
    """Per frame: horizontal shoulder separation over torso length (hip mid to shoulder mid)."""
    sep = np.abs(joint(xy, "left_shoulder")[..., 0] - joint(xy, "right_shoulder")[..., 0])
    torso = length(midpoint(xy, "left_shoulder", "right_shoulder"), midpoint(xy, "left_hip", "right_hip"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return sep / torso


def torso_yaw_deg(world: Array) -> Array:
    """Per frame: the torso's yaw, 0-180 degrees (0 facing the camera, 90 side on, 180 back to
    it), from world landmarks (T, 33, 3). The person's left-pointing hip and shoulder lines,
    summed, make an angle with the picture's x axis in the horizontal (x, z) plane; facing the
    camera the left side is on the picture's right (+x)."""
    left = (joint(world, "left_hip") - joint(world, "right_hip")
            + joint(world, "left_shoulder") - joint(world, "right_shoulder"))
    return np.abs(np.degrees(np.arctan2(left[..., 2], left[..., 0])))


def standing_frames(times: Array, rise: Array, reps_span: tuple[int, int] | None) -> Frames | None:
    """Where to read the view: frames standing (``rise``, the knee-bend signal, within
    REPS.exit_ascent of upright) from REPS.standing_lookback_s before the first rep to as long
    after the last (``reps_span``: their start and end positions); all standing frames if the
    set has too few or no reps; None (every frame) if fewer than five stand."""
    standing = np.isfinite(rise) & (rise <= REPS.exit_ascent)
    if reps_span is not None:
        lo = int(np.searchsorted(times, times[reps_span[0]] - REPS.standing_lookback_s))
        hi = int(np.searchsorted(times, times[reps_span[1]] + REPS.standing_lookback_s, side="right"))
        in_set = np.flatnonzero(standing[lo:hi]) + lo
        if len(in_set) >= 5:
            return in_set
    tops = np.flatnonzero(standing)
    return tops if len(tops) >= 5 else None


def classify_view(xy: Array, score: Array, frames: Frames | None = None,
                  world: Array | None = None) -> View:
    """The view over the given frames (default all), as a median, so a turn mid-set is
    outvoted: from the torso's 3D yaw where ``world`` has it on enough frames, else 2D."""
    sel = slice(None) if frames is None else frames
    face_hidden = _face_hidden(score[sel])
    if world is not None:
        yaw = torso_yaw_deg(world[sel])
        if np.isfinite(yaw).sum() >= VIEW.min_world_frames:
            return _view_from_yaw(float(np.nanmedian(yaw)), face_hidden)
    return _view_from_picture(xy[sel], face_hidden)


def _view_from_yaw(yaw: float, face_hidden: bool) -> View:
    if VIEW.side_min_deg <= yaw <= 180 - VIEW.side_min_deg:
        return "side"
    if VIEW.facing_max_deg < yaw < 180 - VIEW.facing_max_deg:
        return "oblique"
    # A face-aware backend that sees no face is behind the person, whatever the model's
    # left and right (which it can swap on a back view) say.
    return "back" if yaw >= 90 or face_hidden else "front"


def _view_from_picture(xy: Array, face_hidden: bool) -> View:
    ratio = shoulder_width_ratio(xy)
    if not np.isfinite(ratio).any():
        return "unknown"
    r = float(np.nanmedian(ratio))
    if r <= VIEW.side_max_ratio:
        return "side"
    if r < VIEW.front_min_ratio:
        return "oblique"
    if face_hidden:
        return "back"
    left_on_right = float(np.nanmean(np.sign(joint(xy, "left_shoulder")[..., 0] - joint(xy, "right_shoulder")[..., 0])))
    return "front" if left_on_right >= 0 else "back"


def _face_hidden(score: Array) -> bool:
    """A face-aware backend (it has seen a face at least once) that mostly sees none."""
    face = score[:, [0, 2, 5]]
    if not face.size or not np.nanmax(face) > 0:
        return False
    return float(np.nanmedian(face.max(axis=1))) < 0.3


def view_of_set(xy: Array, score: Array, world: Array | None, times: Array, combined: Array,
                standing_ratio: float, reps_span: tuple[int, int] | None) -> View:
    """The view file analysis and the live coach both report: ``classify_view`` at the set's
    standing moments. ``combined`` is the leg ratio per frame (kinematics.signals.combine_legs)
    and ``standing_ratio`` its standing value (reps.RepCounter)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = 1 - combined / standing_ratio
    return classify_view(xy, score, standing_frames(times, rise, reps_span), world)
