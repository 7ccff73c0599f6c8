"""File analysis and the live coach read the view the same way, from the 3D world landmarks
where the pose model gives them: squats of a stick figure (stickfigure.py) turned 35 and 65
degrees from facing the camera, angles the 2D shoulder-width rule alone calls front and oblique."""

from __future__ import annotations

import numpy as np
import pytest
import stickfigure as figure

from glutecoach.analysis import analyze_sequence
from glutecoach.live import LiveCoach


def _view_named(not_checked: list[dict[str, str]]) -> str:
    """The view a rep was judged from, as its knee-tracking check names it ('a side view
    cannot show the knees ...'); front or back views check the knees."""
    reasons = {n["code"]: n["reason"] for n in not_checked}
    return reasons["knees_caving_in"].split()[1] if "knees_caving_in" in reasons else "front or back"


@pytest.mark.parametrize("yaw, view", [(35, "oblique"), (65, "side")])
def test_file_analysis_and_live_coach_take_the_view_from_3d(yaw: int, view: str):
    poses = figure.squats(5)
    seq = figure.sequence(poses, yaw)
    seq.world = figure.world_landmarks(poses, yaw)
    result = analyze_sequence(seq)
    assert result.rep_count == 5 and result.view == view
    assert all(_view_named([n.to_dict() for n in r.not_checked]) == view for r in result.reps)

    coach = LiveCoach(width=seq.source.width, height=seq.source.height)
    size = np.array([seq.source.width, seq.source.height], dtype=float)
    reps = []
    for xy, score, world, t in zip(seq.xy, seq.score, seq.world, seq.times):
        update = coach.push_pose(xy / size, score, float(t), world)
        if update.rep is not None:
            reps.append(update.rep)
    assert len(reps) == 5
    assert all(_view_named(r["not_checked"]) == view for r in reps)
    assert coach.finish().view == view
