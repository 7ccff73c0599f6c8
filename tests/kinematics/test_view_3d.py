"""Numbers for the view from BlazePose's 3D world landmarks: a torso built by hand at a known yaw
(metres, x to the picture's right, y down, z away from the camera) must read that yaw, and fall
in the band thresholds.VIEW gives it; the frames the view is read from are the set's standing
moments."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.kinematics.view import classify_view, standing_frames, torso_yaw_deg, view_of_set
from glutecoach.pose.skeleton import N_JOINTS, J


def _torso(yaw_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """World landmarks of a standing torso turned ``yaw_deg`` from facing the camera (0: the
    person's left on the picture's right; 90: side on; 180: back to the camera), and its picture
    as a 2D rule sees it: shoulders 0.8 cos(yaw) of the torso's height wide, facing the camera
    (so the 2D rule alone would call 35 degrees front and 65 degrees oblique)."""
    world = np.full((N_JOINTS, 3), np.nan)
    left = np.array([np.cos(np.radians(yaw_deg)), 0.0, np.sin(np.radians(yaw_deg))])
    world[J["left_shoulder"]], world[J["right_shoulder"]] = left * 0.18 + [0, -0.5, 0], -left * 0.18 + [0, -0.5, 0]
    world[J["left_hip"]], world[J["right_hip"]] = left * 0.1, -left * 0.1
    xy = np.full((N_JOINTS, 2), np.nan)
    half = 20 * abs(np.cos(np.radians(yaw_deg)))
    xy[J["left_shoulder"]], xy[J["right_shoulder"]] = (100 + half, 100), (100 - half, 100)
    xy[J["left_hip"]], xy[J["right_hip"]] = (100 + half * 0.7, 150), (100 - half * 0.7, 150)
    return world, xy


def _frames(yaw_deg: float, n: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    world, xy = _torso(yaw_deg)
    return np.repeat(xy[None], n, axis=0), np.ones((n, N_JOINTS)), np.repeat(world[None], n, axis=0)


@pytest.mark.parametrize("yaw", [0, 20, 45, 70, 90, 135, 180])
def test_torso_yaw_is_the_angle_it_was_built_at(yaw):
    world, _ = _torso(yaw)
    assert torso_yaw_deg(world[None])[0] == pytest.approx(yaw, abs=1e-6)
    # Turned the other way round (left side away from or towards the camera): the same yaw.
    mirrored = world * [1, 1, -1]
    assert torso_yaw_deg(mirrored[None])[0] == pytest.approx(yaw, abs=1e-6)


@pytest.mark.parametrize("yaw, view", [(0, "front"), (25, "front"), (35, "oblique"), (55, "oblique"),
                                       (65, "side"), (90, "side"), (115, "side"), (125, "oblique"),
                                       (155, "back"), (180, "back")])
def test_view_from_the_torso_yaw(yaw, view):
    """thresholds.VIEW: front or back within 30 degrees of facing the camera or away from it,
    side within 30 degrees of side on, oblique between."""
    xy, score, world = _frames(yaw)
    assert classify_view(xy, score, world=world) == view


def test_too_few_world_frames_fall_back_to_the_picture():
    """At 65 degrees the shoulders are 0.34 of the torso's height wide: oblique by the 2D rule,
    side by the 3D one. Keypoint files have no world landmarks; a camera that gives 3D on only
    four frames is not trusted either."""
    xy, score, world = _frames(65)
    assert classify_view(xy, score) == "oblique"
    assert classify_view(xy, score, world=world) == "side"
    world[4:] = np.nan
    assert classify_view(xy, score, world=world) == "oblique"


def test_facing_the_camera_with_no_face_seen_is_a_back_view():
    xy, score, world = _frames(10)
    score[:, [J["nose"], J["left_eye"], J["right_eye"]]] = 0.05
    score[0, J["nose"]] = 0.9  # a face-aware backend that sees a face once in a while
    assert classify_view(xy, score, world=world) == "back"


def test_the_view_is_read_at_the_sets_standing_moments_not_after_it():
    """Standing side on for 2 s, three 2-s reps, then standing turned 50 degrees for 6 s (she
    turns to pick up a bottle and drink): the view is the set's, side; over every standing frame
    of the recording the turned moments outvote it."""
    fps = 30
    times = np.arange(16 * fps) / fps
    rise = np.zeros(len(times))
    for k in range(3):  # reps from 2 s to 8 s: down to thighs level and back in 2 s
        rep = (times >= 2 + 2 * k) & (times < 4 + 2 * k)
        rise[rep] = np.sin(np.pi * (times[rep] - 2 - 2 * k) / 2)
    yaw = np.where(times < 9, 85.0, 50.0)
    world = np.stack([_torso(y)[0] for y in yaw])
    xy = np.stack([_torso(y)[1] for y in yaw])
    score = np.ones((len(times), N_JOINTS))
    start, end = 2 * fps, 8 * fps
    frames = standing_frames(times, rise, (start, end))
    assert frames is not None
    assert times[frames].min() == pytest.approx(1.0) and times[frames].max() == pytest.approx(9.0)
    assert view_of_set(xy, score, world, times, 1 - rise, 1.0, (start, end)) == "side"
    all_standing = standing_frames(times, rise, None)
    assert classify_view(xy, score, all_standing, world) == "oblique"
    # No reps: every standing frame; nobody standing: every frame.
    assert len(all_standing) == int(np.sum(rise <= 0.1))
    assert standing_frames(times, np.ones(len(times)), None) is None
