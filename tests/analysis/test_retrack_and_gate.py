"""Hard real clips: a head out of frame, a hidden far leg, sets with other movements around them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from glutecoach.analysis import analyze_file, analyze_sequence, load_sequence
from glutecoach.kinematics.angles import combine_legs
from glutecoach.pose.backfill import leg_quality

from .conftest import DATA, REPCOUNT, VIDEOS
from .test_cli import cli


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


def test_combined_knee_bend_follows_the_better_seen_leg():
    ratios = np.array([[0.2, 5.0], [0.2, np.nan], [0.4, 0.6]])
    score = np.ones((3, 33))
    score[0, [24, 26, 28]] = 0.32  # right leg barely seen on the first frame
    got = combine_legs(ratios, score)
    assert abs(got[0] - 0.2) < 0.02 and got[1] == 0.2 and abs(got[2] - 0.5) < 1e-9
    assert np.allclose(combine_legs(ratios, None), [0.2, 0.2, 0.5])  # a flat shin is left out


# The clips of ../shared/data/videos the analysis does not get right, and why (README, Accuracy).
KNOWN_MISSES = {
    # A front view with another app's skeleton burned into the picture: on the first two
    # (fast, 20 fps) reps the landmarks put the hips low while the legs read straight, so the
    # standing check at the top fails; reps 3 and 4 are counted.
    "healthserv_squat_overlay.mp4",
    # Quarter squats with a barbell, plates hiding the legs: the far leg is never found and the
    # near leg's landmarks barely move (knee-bend signal under the 0.2 minimum on 2 of 4 reps).
    "dillon_quarter_squats_depthfault.mp4",
}


# Clips whose view label disagrees with what their frames show, measured as the torso's yaw from
# the 3D world landmarks at the set's standing moments (0 facing the camera, 90 side on, 180
# back to it; docs/accuracy.md, The view, gives the frames).
KNOWN_VIEW_DISAGREEMENTS = {
    "side_bodyweight_5reps.mp4",  # labelled side: stands turned 50 degrees, both shoulders seen
    "apurvo_burpee_noJump_neg.mp4",  # side: 52, her front and left side in view
    "msalih_ball_wall_squat_12reps.mp4",  # side: 47, chest and both feet seen
    "dillon_backview_backsquat_1rep.mp4",  # back: 148, the same camera as dillon_backoblique (147)
    "trajnovd_db_box_squat_4reps.mp4",  # oblique: 69, within 30 degrees of side on
    "varun_seated_office_talking_neg.mp4",  # oblique: 70, seated side on, twisting to talk
    "duk_white_studio_2reps_60fps.mp4",  # oblique: 81, a profile
    "duk_duck_walk_neg.mp4",  # oblique: 88, a profile
}


def test_evaluate_on_all_shared_data_per_source(tmp_path: Path):
    """Issue 10: every squat clip within accept and every near-miss at zero, per source, but
    for the clips listed above; fault precision at least 0.85 for each QoM person; the view
    right on every clip labelled front, back, side or oblique but those whose label the frames
    contradict."""
    out = tmp_path / "ev.json"
    run = cli("evaluate", str(DATA), "--json", str(out))
    assert run.returncode == 0, run.stderr
    report = json.loads(out.read_text())
    wrong = {v["file"] for v in report["videos"] if not v["ok"]}
    assert wrong <= KNOWN_MISSES, wrong - KNOWN_MISSES
    assert len(report["by_source"]) >= 17
    for source, row in report["by_source"].items():
        for kind in ("squat", "near_miss"):
            ok, n = row[kind]
            misses = sum(v["file"] in KNOWN_MISSES for v in report["videos"] if v["source"] == source
                         and (v["exercise"] == "squat") == (kind == "squat"))
            assert ok + misses == n, (source, kind, row)
    totals = report["totals"]
    assert totals["non_squat_sequences_zero"] == [14, 14]  # both pommel-horse files included
    # 5 of 6 exact: test2315 lost its landmarks for half the recording (see README, Accuracy).
    assert totals["squat_sequences_exact"][0] >= 5
    for person, faults in report["faults_by_person"].items():
        for code, f in faults.items():
            assert f["precision"] >= 0.85, (person, code, f)
    assert report["correct_reps_clean"][0] >= report["correct_reps_clean"][1] - 1
    named = [v for v in report["videos"] if v["view"] in ("front", "back", "side", "oblique")]
    view_wrong = {v["file"] for v in named if v["view_got"] != v["view"]}
    assert view_wrong <= KNOWN_VIEW_DISAGREEMENTS, view_wrong - KNOWN_VIEW_DISAGREEMENTS


def test_knees_taking_turns_in_a_shallow_bend_is_a_step_not_a_squat():
    # stu4_68: five deep squats, and around them three shallow bends (depth 0.34-0.40) while the
    # person steps into and out of place, one knee and then the other. The gate must drop the
    # steps and keep every squat, and say why it dropped them.
    result = analyze_file(REPCOUNT / "stu4_68.npy")
    assert result.rep_count == 5
    assert all(r.start_frame > 300 for r in result.reps)
    assert any("knees taking turns" in w for w in result.warnings)
    # stu10_24 (front raises): a shallow knee bend with the legs out of step is not a squat.
    assert analyze_file(REPCOUNT / "stu10_24.npy").rep_count == 0
    # Shallow squats with both knees bending together still count: the QoM recordings' last
    # five reps are hand-labelled "not low enough", and all five are found.
    shallow = analyze_file(DATA / "keypoints" / "qom" / "J_09.npy").reps[-5:]
    assert len(shallow) == 5 and all(r.end_s - r.start_s < 1.5 for r in shallow)
    assert all(any(f.code == "depth_above_parallel" for f in r.faults) for r in shallow)
