"""The real MediaPipe model on real clips, end to end."""

from __future__ import annotations

import pytest
from support import VIDEOS

from glutecoach.analysis import AnalysisOptions, analyze_file
from glutecoach.io.video import iter_frames
from glutecoach.pose import default_estimator


def test_mediapipe_finds_33_landmarks_on_a_real_frame():
    est = default_estimator()
    try:
        frame = next(iter_frames(VIDEOS / "wt_squat_18.mp4"))
        pose = est.estimate(frame.image)
    finally:
        est.close()
    assert pose is not None and pose.xy.shape == (33, 2)
    hip_y, ankle_y = pose.xy[23, 1], pose.xy[27, 1]
    assert 0 < hip_y < ankle_y < 1  # standing: hips above ankles, in the picture


def test_side_clip_five_reps_at_the_right_bottoms(side_result):
    assert side_result.squat_detected and side_result.rep_count == 5
    bottoms = [r.bottom_frame for r in side_result.reps]
    for got, truth in zip(bottoms, [24, 84, 140, 196, 256]):  # from videos/truth.csv notes
        assert abs(got - truth) <= 8
    for rep in side_result.reps:
        assert rep.start_frame < rep.bottom_frame < rep.end_frame
        assert rep.reliable and 0 <= rep.score <= 100


def test_push_ups_give_no_squats():
    result = analyze_file(VIDEOS / "wt_pushups_test0.mp4")
    assert not result.squat_detected and result.rep_count == 0


def test_every_frame_mode_agrees_with_sampling():
    fast = analyze_file(VIDEOS / "wt_squat_8.mp4")
    full = analyze_file(VIDEOS / "wt_squat_8.mp4", AnalysisOptions(every_frame=True))
    assert fast.rep_count == full.rep_count == 1
    assert abs(fast.reps[0].bottom_frame - full.reps[0].bottom_frame) <= 6


@pytest.mark.parametrize("name, view", [("wt_squat_18.mp4", "front"), ("wt_squat_8.mp4", "back"),
                                        ("wt_squat_17.mp4", "side")])
def test_view_is_detected(name, view):
    assert analyze_file(VIDEOS / name).view == view
