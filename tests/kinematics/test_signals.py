"""The knee-bend signal on hand-built legs: each flat-shin rule, how well each leg was seen, and
how the two legs are combined (values follow from the definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from glutecoach.kinematics.signals import combine_legs, leg_quality, leg_ratio, leg_scores
from glutecoach.pose.skeleton import N_JOINTS, J
from glutecoach.thresholds import SIGNALS


def leg(hip_y: float, knee: tuple[float, float], ankle: tuple[float, float]) -> np.ndarray:
    """One frame (1, 33, 2) with the left leg's hip at (0, hip_y), pixels, y down."""
    xy = np.full((1, N_JOINTS, 2), np.nan)
    xy[0, J["left_hip"]] = (0.0, hip_y)
    xy[0, J["left_knee"]] = knee
    xy[0, J["left_ankle"]] = ankle
    return xy


@pytest.mark.parametrize("flat_shin", ["cap", "unknown"])
def test_standing_and_thigh_horizontal_read_one_and_zero(flat_shin):
    standing = leg(0.0, (0.0, 100.0), (0.0, 200.0))
    horizontal = leg(100.0, (100.0, 100.0), (100.0, 200.0))
    assert leg_ratio(standing, "left", flat_shin)[0] == pytest.approx(1.0)
    assert leg_ratio(horizontal, "left", flat_shin)[0] == pytest.approx(0.0)
    assert np.isnan(leg_ratio(standing, "right", flat_shin)[0])  # the right leg is missing


def test_a_flat_shin_is_the_cap_for_the_analysis_and_unknown_for_the_sampler():
    # Kneeling: the thigh hangs 100 px, the shin lies along the floor (5 px of drop over 100).
    kneeling = leg(0.0, (0.0, 100.0), (100.0, 105.0))
    assert 5 < SIGNALS.flat_shin_share * 100  # the shin's drop is under the flat share
    assert leg_ratio(kneeling, "left", "cap")[0] == SIGNALS.ratio_max
    assert leg_ratio(kneeling, "left", "unknown")[0] == SIGNALS.ratio_max  # 100 / 5, clipped
    # A shin pointing up (the foot above the knee): no knee bend to read, for the sampler.
    foot_up = leg(0.0, (0.0, 100.0), (100.0, 90.0))
    assert leg_ratio(foot_up, "left", "cap")[0] == SIGNALS.ratio_max
    assert np.isnan(leg_ratio(foot_up, "left", "unknown")[0])


def test_a_joint_known_only_in_height_gives_no_reading_not_a_flat_shin():
    # The filter rejects each coordinate on its own (kinematics.filtering): at a recording's
    # end a knee can keep its height and lose its x. The segment lengths that say whether the
    # shin lies flat are then unknown, and a deep squat (shin 170 px tall) must not read as
    # kneeling (the cap, which also reads as "standing up" to the rep counter).
    squat_bottom = leg(520.0, (np.nan, 430.0), (530.0, 600.0))
    assert np.isnan(leg_ratio(squat_bottom, "left", "cap")[0])
    # The sampler's rule needs only heights, and reads the ratio.
    assert leg_ratio(squat_bottom, "left", "unknown")[0] == pytest.approx(-90.0 / 170.0)


def test_leg_scores_are_each_legs_weakest_joint_and_quality_the_better_leg():
    score = np.ones((2, N_JOINTS))
    score[0, J["left_knee"]] = 0.4
    score[0, J["right_ankle"]] = 0.6
    score[1, J["right_hip"]] = 0.2
    assert np.allclose(leg_scores(score), [[0.4, 0.6], [1.0, 0.2]])
    assert np.allclose(leg_quality(score), [0.6, 1.0])


def test_combined_knee_bend_follows_the_better_seen_leg():
    ratios = np.array([[0.2, 5.0], [0.2, np.nan], [0.4, 0.6]])
    score = np.ones((3, 33))
    score[0, [24, 26, 28]] = 0.32  # right leg barely seen on the first frame
    got = combine_legs(ratios, score)
    assert abs(got[0] - 0.2) < 0.02 and got[1] == 0.2 and abs(got[2] - 0.5) < 1e-9
    assert np.allclose(combine_legs(ratios, None), [0.2, 0.2, 0.5])  # a flat shin is left out
