"""What must not change a count: a knee placed at its ankle's height for a few frames (a shin
read flat on one leg only is left out of the knee-bend signal, thresholds.REPS.flat_shin_ratio),
and the frame rate (the counter's durations are in seconds, not frames)."""

from __future__ import annotations

import dataclasses

import numpy as np
from support import REPCOUNT, VIDEOS

from glutecoach.analysis import analyze_file, analyze_sequence, load_sequence
from glutecoach.kinematics.signals import combine_legs, compute_signals
from glutecoach.types import PoseSequence


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



def every_other_frame(seq: PoseSequence) -> PoseSequence:
    half = np.arange(0, len(seq), 2)
    return dataclasses.replace(seq, xy=seq.xy[half], score=seq.score[half], times=seq.times[half],
                               frame_indices=seq.frame_indices[half],
                               world=None if seq.world is None else seq.world[half])


def test_a_first_rep_soon_after_the_start_counts_at_half_the_frame_rate():
    # msalih_ball_wall_squat_12reps: the first rep starts 0.4 s into the clip from a soft-kneed
    # top (ratio 0.72). The counter learns that standing value once still, upright moments
    # span 0.13 s; as "5 samples" it took twice as long at 15 fps and the first rep was lost.
    seq = load_sequence(VIDEOS / "msalih_ball_wall_squat_12reps.mp4")
    assert analyze_sequence(seq).rep_count == 12
    assert analyze_sequence(every_other_frame(seq)).rep_count == 12
