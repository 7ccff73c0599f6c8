"""Numbers for the smoothing filters and the view classifier, on signals and skeletons built
by hand (each value below follows from the definition being tested)."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.kinematics.filtering import OneEuroFilter, fill_gaps, lowpass, trim_gap_edges
from glutecoach.kinematics.view import classify_view, shoulder_width_ratio
from glutecoach.pose.skeleton import N_JOINTS, J


@pytest.mark.parametrize("gap, filled", [(3, True), (4, True), (5, False)])
def test_fill_gaps_bridges_only_short_gaps_between_two_ends(gap, filled):
    x = np.arange(20, dtype=float)
    x[8 : 8 + gap] = np.nan
    out = fill_gaps(x, max_gap=4)
    if filled:
        assert np.allclose(out, np.arange(20))  # a straight line is filled exactly
    else:
        assert np.isnan(out[8 : 8 + gap]).all()
    edge = np.arange(10, dtype=float)
    edge[:2] = np.nan  # no left end: stays missing
    assert np.isnan(fill_gaps(edge, max_gap=4)[:2]).all()


def test_lowpass_keeps_squatting_and_removes_jitter():
    fps = 30.0
    t = np.arange(300) / fps
    squat = np.sin(2 * np.pi * 0.5 * t)  # a rep every 2 s
    jitter = 0.2 * np.sin(2 * np.pi * 12.0 * t)  # 12 Hz: pose jitter, above the 6 Hz cut
    out = lowpass(squat + jitter, fps)
    inner = slice(30, 270)  # away from the ends
    assert np.max(np.abs(out[inner] - squat[inner])) < 0.02  # 0.5 Hz passes, 12 Hz is gone
    gapped = squat.copy()
    gapped[150:160] = np.nan
    assert np.isnan(lowpass(gapped, fps)[150:160]).all()  # no smoothing across a gap


def test_trim_gap_edges_drops_samples_beside_long_gaps_only():
    x = np.ones(30)
    x[10:20] = np.nan  # long
    x[25] = np.nan  # short
    out = trim_gap_edges(x, max_gap=4, trim=2)
    assert np.isnan(out[8:22]).all() and np.isfinite(out[[7, 22, 24, 26]]).all()


def test_one_euro_follows_a_step_and_smooths_a_still_signal():
    f = OneEuroFilter(min_cutoff=1.5, beta=0.05)
    rng = np.random.default_rng(0)
    still = [float(f(np.array([1.0 + 0.01 * rng.standard_normal()]), i / 30)[0]) for i in range(60)]
    assert np.std(still[30:]) < 0.01 / 2  # jitter halved at least when still
    moved = [float(f(np.array([2.0]), (60 + i) / 30)[0]) for i in range(15)]
    assert moved[-1] > 1.95  # half a second after a step it has all but arrived


def _skeleton(yaw_deg: float, facing_camera: bool = True) -> np.ndarray:
    """A standing person (pixels, y down) turned ``yaw_deg`` from facing the camera: shoulders
    40 px wide face on, torso 50 px tall (the shoulder-width ratio is 0.8 cos yaw)."""
    xy = np.full((N_JOINTS, 2), np.nan)
    half = 20 * np.cos(np.radians(yaw_deg))
    sign = 1 if facing_camera else -1  # facing: the person's left shoulder on the picture's right
    xy[J["left_shoulder"]] = (100 + sign * half, 100)
    xy[J["right_shoulder"]] = (100 - sign * half, 100)
    xy[J["left_hip"]] = (100 + sign * half * 0.7, 150)
    xy[J["right_hip"]] = (100 - sign * half * 0.7, 150)
    return xy


@pytest.mark.parametrize("yaw, view", [(0, "front"), (30, "front"), (55, "oblique"), (65, "oblique"),
                                       (80, "side"), (90, "side")])
def test_view_from_the_shoulder_width(yaw, view):
    """thresholds.VIEW: front from 0.55 (turned under about 47 degrees), side up to 0.25
    (turned past about 72)."""
    xy = np.repeat(_skeleton(yaw)[None], 10, axis=0)
    score = np.ones((10, N_JOINTS))
    assert np.allclose(shoulder_width_ratio(xy), 0.8 * np.cos(np.radians(yaw)), atol=1e-9)
    assert classify_view(xy, score) == view


def test_back_view_from_which_side_the_left_shoulder_is_on_and_the_missing_face():
    xy = np.repeat(_skeleton(0, facing_camera=False)[None], 10, axis=0)
    score = np.ones((10, N_JOINTS))
    assert classify_view(xy, score) == "back"
    facing = np.repeat(_skeleton(0)[None], 10, axis=0)
    no_face = score.copy()
    no_face[:, [J["nose"], J["left_eye"], J["right_eye"]]] = 0.05
    no_face[0, J["nose"]] = 0.9  # a face-aware backend that sees a face once in a while
    assert classify_view(facing, no_face) == "back"
