"""Angles on hand-built landmarks (values follow from the geometry)."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.kinematics import angles as A
from glutecoach.pose.skeleton import J


def pose(**points):
    xy = np.full((33, 2), np.nan)
    for name, p in points.items():
        xy[J[name]] = p
    return xy


@pytest.mark.parametrize("hip, knee, ankle, expected", [
    ((0, 0), (0, 1), (0, 2), 0.0),      # straight leg
    ((0, 0), (0, 1), (1, 1), 90.0),     # shin horizontal
    ((1, 1), (0, 1), (0, 2), 90.0),     # thigh horizontal, shin vertical: parallel squat
    ((1, 0), (0, 1), (1, 2), 90.0),
    ((0, 0), (0, 1), (0, 0), 180.0),    # fully folded
])
def test_knee_flexion(hip, knee, ankle, expected):
    a, b, c = (np.array(p, float) for p in (hip, knee, ankle))
    assert A.flexion(a, b, c) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("knee_y, expected", [(1.0, 0.0), (0.5, 30.0), (1.5, -30.0)])
def test_thigh_angle_to_horizontal_both_methods(knee_y, expected):
    hip = np.array([0.0, 1.0])
    knee_2d = np.array([np.sqrt(1 - (knee_y - 1) ** 2) * 2, 1 + (knee_y - 1) * 2])
    assert A.angle_to_horizontal_2d(hip, knee_2d) == pytest.approx(-expected, abs=0.01)
    # vertical projection: thigh of standing length 2 whose knee is 1 unit below the hip = 30 deg
    assert A.angle_to_horizontal_vp(hip, np.array([5.0, 2.0]), 2.0) == pytest.approx(30.0)


def test_fppa_sign_and_mirror():
    # Front view: person's left on the picture's right. Left knee falls inwards (towards x=0).
    xy = pose(left_hip=(1, 0), right_hip=(-1, 0), left_knee=(0.6, 1), right_knee=(-1, 1),
              left_ankle=(1, 2), right_ankle=(-1, 2))
    left = A.fppa(xy, "left")
    assert left > 20 and A.fppa(xy, "right") == pytest.approx(0, abs=1e-6)
    mirrored = xy.copy()
    mirrored[:, 0] *= -1
    assert A.fppa(mirrored, "left") == pytest.approx(left)
