"""A shin read flat on one leg only is left out of the knee-bend signal (thresholds.REPS
.flat_shin_ratio), so a knee placed at its ankle's height for a few frames at the bottom of a
squat cannot read as a return to standing."""

from __future__ import annotations

import numpy as np

from glutecoach.analysis import analyze_file, compute_signals, load_sequence
from glutecoach.kinematics.angles import combine_legs

from .conftest import REPCOUNT


def test_one_flat_shin_is_left_out_and_two_are_kept():
    ratios = np.array([[0.6, 3.4], [3.4, 0.6], [3.0, 4.0], [1.0, 1.1], [0.6, np.nan]])
    assert np.allclose(combine_legs(ratios, None), [0.6, 0.6, 3.5, 1.05, 0.6])
    score = np.ones((5, 33))
    assert np.allclose(combine_legs(ratios, score), [0.6, 0.6, 3.5, 1.05, 0.6])


def test_a_knee_at_its_ankle_for_two_frames_does_not_split_a_real_rep():
    # RepCount stu4_69: the right knee is placed at the right ankle's height in frames 66-67,
    # at the bottom of the first squat, while the left leg reads a deep bend.
    seq = load_sequence(REPCOUNT / "stu4_69.npy")
    signals = compute_signals(seq)
    assert signals.leg_ratios[66, 1] > 2.5 and signals.leg_ratios[66, 0] < 1.0
    assert signals.combined[66] < 1.0  # still down
    assert analyze_file(REPCOUNT / "stu4_69.npy").rep_count == 2  # truth 2
