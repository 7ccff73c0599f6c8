"""Re-tracking where the legs were lost, on hard real clips: a head out of frame, a hidden far leg."""

from __future__ import annotations

import numpy as np
from support import VIDEOS

from glutecoach.analysis import analyze_file, analyze_sequence, load_sequence
from glutecoach.kinematics.signals import leg_quality


def test_clip_starting_with_the_head_out_of_frame_is_retracked_and_counted():
    # wt_squat_24 starts standing close to the camera with the head cut off: the pose model's
    # face-led detector finds nobody until the first squat brings the head into view.
    seq = load_sequence(VIDEOS / "wt_squat_24.mp4")
    quality = leg_quality(seq.score)
    assert np.mean(quality[:30] >= 0.5) > 0.9  # the lead-in now has legs, tracked backwards
    result = analyze_sequence(seq)
    assert len(result.reps) == 1  # truth 1 (accept 1|2)
    assert result.reps[0].start_frame < 10


def test_hidden_far_leg_does_not_split_the_rep():
    # wt_squat_11: oblique barbell squat; the far leg is hidden at the bottom and guessed
    # with low confidence, which used to fake a return to standing mid-rep.
    result = analyze_file(VIDEOS / "wt_squat_11.mp4")
    assert len(result.reps) == 1
