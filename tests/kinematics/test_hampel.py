"""The Hampel identifier flags gross pose errors and nothing else: numbers on signals built by
hand, and the filter against a direct, sample-by-sample implementation of its definition."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.kinematics.filtering import body_extent, hampel, lowpass, smooth_track
from glutecoach.pose.skeleton import N_JOINTS

FPS = 30.0
T = np.arange(300) / FPS


def reference_hampel(x: np.ndarray, window: int, n_sigmas: float = 3.0, min_sigma: float = 0.0) -> np.ndarray:
    """The textbook definition, one sample at a time: the window centred on the sample (held at
    the edge value beyond the ends), its median, and 1.4826 x its median absolute deviation."""
    half = window // 2
    out = x.copy()
    for i in range(len(x)):
        idx = np.clip(np.arange(i - half, i + half + 1), 0, len(x) - 1)
        w = x[idx][np.isfinite(x[idx])]
        med = np.median(w)
        sigma = max(1.4826 * np.median(np.abs(w - med)), min_sigma)
        if np.isfinite(x[i]) and abs(x[i] - med) > n_sigmas * sigma:
            out[i] = np.nan
    return out


def test_a_spike_is_flagged_and_only_the_spike():
    # A hip on a 300 px tall person moving 30 px (17 cm) each way, a rep every 2 s, and a
    # knee placed on the other leg for one frame (50-80 px: the hips' width and more). Where
    # the joint moves fastest (3 px a frame) the window's robust SD is about 14 px.
    squat = 30 * np.sin(2 * np.pi * 0.5 * T)
    x = squat.copy()
    x[[60, 151, 222]] += [50.0, -60.0, 80.0]
    out = hampel(x, window=9)
    assert np.flatnonzero(np.isnan(out)).tolist() == [60, 151, 222]
    assert np.array_equal(out[np.isfinite(out)], x[np.isfinite(out)])  # the rest is untouched


def test_the_turning_points_of_a_smooth_curve_are_not_flagged():
    # Turning points every second; a parabola's peak is 4 units above its 9-sample window's
    # median, and that window's robust SD is 1.4826 x 4 = 5.9, so it is well inside 3 SDs.
    curve = 100 * np.sin(2 * np.pi * 0.5 * T)
    assert not np.isnan(hampel(curve, window=9)).any()
    peak = -(np.arange(-20.0, 21.0) ** 2)
    assert not np.isnan(hampel(peak, window=9)).any()


def test_a_jittered_ramp_is_not_flagged():
    rng = np.random.default_rng(1)
    ramp = 1.0 * np.arange(600) + rng.normal(0.0, 1.0, 600)  # 1 px a frame, 1 px jitter
    flagged = np.isnan(hampel(ramp, window=9)).mean()
    # Gaussian noise beyond 3 SDs is 0.27% of samples; the window's MAD includes the ramp, so
    # fewer still. (The running median of deviations used before flagged about a fifth.)
    assert flagged < 0.005


def test_a_still_joint_keeps_its_noise_with_a_floor_and_loses_it_without():
    rng = np.random.default_rng(2)
    still = 300.0 + rng.normal(0.0, 0.2, 300)  # a fifth of a pixel: a still joint
    assert np.isnan(hampel(still, window=9, min_sigma=0.0)).sum() > 0  # MAD alone: noise flagged
    assert not np.isnan(hampel(still, window=9, min_sigma=2.0)).any()
    still[100] += 40.0  # a real error still shows above the floor
    assert np.flatnonzero(np.isnan(hampel(still, window=9, min_sigma=2.0))).tolist() == [100]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_as_the_definition_sample_by_sample(seed):
    rng = np.random.default_rng(seed)
    x = 50 * np.sin(2 * np.pi * 0.4 * T) + rng.normal(0.0, 2.0, len(T))
    x[rng.random(len(T)) < 0.05] += rng.choice([-1, 1], size=1) * 30.0
    x[rng.random(len(T)) < 0.05] = np.nan  # missing samples are left out of each window
    for min_sigma in (0.0, 3.0):
        ours, ref = hampel(x, 9, min_sigma=min_sigma), reference_hampel(x, 9, min_sigma=min_sigma)
        assert np.array_equal(np.isnan(ours), np.isnan(ref))


def test_body_extent_and_the_floor_in_smooth_track():
    xy = np.full((60, N_JOINTS, 2), np.nan)
    xy[:, 0] = [100.0, 100.0]
    xy[:, 1] = [160.0, 400.0]  # 300 px tall, 60 wide
    assert body_extent(xy) == pytest.approx(300.0)
    # A joint jittering by 0.3 px on a 300 px body, under the floor (0.5% = 1.5 px): nothing
    # is flagged, so the chain is the low-pass alone (with no floor, about 1% would be refilled).
    rng = np.random.default_rng(3)
    xy[:, 0] += rng.normal(0.0, 0.3, (60, 2))
    assert np.isnan(hampel(xy[:, 0, 0], 9)).any()
    out = smooth_track(xy, np.ones((60, N_JOINTS)), FPS)
    assert np.array_equal(out[:, 0, 0], lowpass(xy[:, 0, 0], FPS))


def test_a_joint_that_loses_one_coordinate_is_lost_whole():
    """The chain filters x and y apart: a stretch of one coordinate flagged or missing for
    longer than a gap is refilled leaves the joint known in height only (wt_squat_24 under 1%
    jitter had such knees and ankles at frames 105-137 and 195-197). Every stage after it needs
    both coordinates (lengths, angles), so the joint is then unknown in both."""
    xy = np.full((60, N_JOINTS, 2), np.nan)
    xy[:, 0] = [100.0, 100.0]
    xy[:, 1] = [160.0, 400.0]
    xy[20:40, 0, 0] = np.nan  # x lost for 0.67 s, y seen throughout
    out = smooth_track(xy, np.ones((60, N_JOINTS)), FPS)
    assert np.isnan(out[25:35, 0]).all()
    assert np.isfinite(out[:15, 0]).all() and np.isfinite(out[45:, 0]).all()
    assert np.isfinite(out[:, 1]).all()
