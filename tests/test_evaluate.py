"""The accuracy evaluation on all of ../shared/data, per source (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

from support import DATA, cli

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
    # no cue of any kind on reps labelled correct (tempo is not judged at an assumed frame
    # rate, and a camera a little to one side is not called knees caving in)
    assert report["correct_reps_no_cue"][0] >= report["correct_reps_no_cue"][1] - 1
    named = [v for v in report["videos"] if v["view"] in ("front", "back", "side", "oblique")]
    view_wrong = {v["file"] for v in named if v["view_got"] != v["view"]}
    assert view_wrong <= KNOWN_VIEW_DISAGREEMENTS, view_wrong - KNOWN_VIEW_DISAGREEMENTS
