"""Lockout from two estimates: the picture's hip angle and the 3D world landmarks' sagittal
hip angle. Hand-built bodies with known angles."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.checks.context import RepContext
from glutecoach.checks.sagittal import check_sagittal
from glutecoach.kinematics.angles import hip_flexion_sagittal_3d
from glutecoach.pose.skeleton import J
from glutecoach.thresholds import FORM


def world_body(hip_flexion_deg: float = 0.0, abduction_deg: float = 0.0, yaw_deg: float = 0.0) -> np.ndarray:
    """One frame of world landmarks (x right, y down, z away; metres): hips 0.2 m apart,
    trunk 0.5 m up, thighs 0.45 m, each thigh flexed forward (towards -z before the yaw)
    and abducted sideways by the given angles; the whole body turned by ``yaw_deg``."""
    w = np.full((33, 3), np.nan)
    f, a = np.radians(hip_flexion_deg), np.radians(abduction_deg)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hip = np.array([0.1 * sign, 0.0, 0.0])
        w[J[f"{side}_hip"]] = hip
        w[J[f"{side}_shoulder"]] = hip + [0.05 * sign, -0.5, 0.0]
        thigh = np.array([np.sin(a) * sign, np.cos(a) * np.cos(f), -np.cos(a) * np.sin(f)]) * 0.45
        w[J[f"{side}_knee"]] = hip + thigh
    turn = np.radians(yaw_deg)
    rot = np.array([[np.cos(turn), 0, np.sin(turn)], [0, 1, 0], [-np.sin(turn), 0, np.cos(turn)]])
    return w @ rot.T


@pytest.mark.parametrize("yaw", [0.0, 40.0, 90.0, 135.0])
def test_sagittal_hip_angle_ignores_a_wide_stance_and_the_camera(yaw):
    assert hip_flexion_sagittal_3d(world_body(0.0, 30.0, yaw), "left") == pytest.approx(0.0, abs=0.5)
    assert hip_flexion_sagittal_3d(world_body(40.0, 0.0, yaw), "right") == pytest.approx(40.0, abs=0.5)
    # flexion and a sumo stance together: the sideways slant does not add to the bend
    assert hip_flexion_sagittal_3d(world_body(30.0, 25.0, yaw), "left") == pytest.approx(30.0, abs=3.0)


def test_missing_landmark_gives_nan():
    w = world_body(10.0)
    w[J["left_knee"]] = np.nan
    assert np.isnan(hip_flexion_sagittal_3d(w, "left"))


def _picture(bend_deg: float) -> np.ndarray:
    """A side-view picture (pixels, y down) with the trunk tipped ``bend_deg`` forward over a
    vertical thigh: the picture reads that much hip bend at every frame."""
    xy = np.full((33, 2), np.nan)
    b = np.radians(bend_deg)
    for side in ("left", "right"):
        xy[J[f"{side}_hip"]] = (500.0, 500.0)
        xy[J[f"{side}_shoulder"]] = (500.0 + 250 * np.sin(b), 500.0 - 250 * np.cos(b))
        xy[J[f"{side}_knee"]] = (500.0, 700.0)
        xy[J[f"{side}_ankle"]] = (500.0, 900.0)
    return xy


def _rep(picture_bend: float, world_bend: float | None) -> RepContext:
    n = 12
    xy = np.repeat(_picture(picture_bend)[None], n, axis=0)
    world = None if world_bend is None else np.repeat(world_body(world_bend, 0.0, 90.0)[None], n, axis=0)
    return RepContext(xy=xy, times=np.arange(n) / 30.0, start=0, bottom=5, end=9, top=9,
                      coords="pixels", view="side", world=world)


def test_lockout_called_only_when_the_picture_and_3d_agree():
    bend = FORM.lockout_hip_flexion_max_deg + 10
    both = check_sagittal(_rep(bend, bend))
    assert "incomplete_lockout" in {f.code for f in both.faults}
    picture_only = check_sagittal(_rep(bend, 5.0))
    assert "incomplete_lockout" not in {f.code for f in picture_only.faults}
    reason = next(n.reason for n in picture_only.not_checked if n.code == "incomplete_lockout")
    assert "3D" in reason and f"{bend:.0f}" in reason
    # keypoint files have no 3D landmarks: the picture decides, as before
    assert "incomplete_lockout" in {f.code for f in check_sagittal(_rep(bend, None)).faults}
    # straight in the picture: nothing to say either way
    straight = check_sagittal(_rep(5.0, 5.0))
    assert "incomplete_lockout" not in {f.code for f in straight.faults}
    assert "incomplete_lockout" not in {n.code for n in straight.not_checked}
