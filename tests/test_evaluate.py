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
    # A barbell deadlift whose one counted pull reads as a shallow squat: trunk 30 degrees past
    # the shins (under the 35 of a hip hinge) with the shins at 45 degrees.
    "juris_deadlift_woman_neg.mp4",
}


def test_evaluate_on_all_shared_data_per_source(tmp_path: Path):
    """Issue 10: every squat clip within accept and every near-miss at zero, per source, but
    for the clips listed above; fault precision at least 0.85 for each QoM person."""
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
