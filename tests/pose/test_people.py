"""Two people in view: the one squatting is followed, whichever side of the picture they are on."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import VIDEOS, ffmpeg

from glutecoach.analysis import analyze_file
from glutecoach.pose.people import bands_for


def _two_people(out: Path, squatter_left: bool) -> Path:
    """The real 5-rep clip beside a real bystander standing still (a frame of wt_squat_18,
    cropped to her): two real people in one 720x640 picture."""
    squatter = "[0:v]scale=360:640,setsar=1[s]"
    bystander = ("[1:v]trim=end_frame=1,crop=405:720:300:0,scale=360:640,setsar=1,"
                 "loop=loop=-1:size=1,fps=30000/1001[b]")
    order = "[s][b]" if squatter_left else "[b][s]"
    ffmpeg("-i", str(VIDEOS / "side_bodyweight_5reps.mp4"), "-ss", "0.2", "-i", str(VIDEOS / "wt_squat_18.mp4"),
           "-filter_complex", f"{squatter};{bystander};{order}hstack=2:shortest=1,format=yuv420p",
           "-c:v", "libx264", "-preset", "veryfast", "-t", "10", str(out))
    return out


@pytest.mark.parametrize("squatter_left", [True, False])
def test_the_person_squatting_is_followed(tmp_path: Path, squatter_left: bool):
    result = analyze_file(_two_people(tmp_path / "two.mp4", squatter_left))
    assert result.people_in_view == 2
    assert len(result.reps) == 5
    side = "on the left" if squatter_left else "on the right"
    assert any(f"2 people were in view; the one {side} who squats was followed" in w for w in result.warnings)


def test_a_face_on_a_poster_does_not_cut_the_person_out(tmp_path: Path):
    # The squatter beside a still portrait (head and shoulders only, as on a poster or a TV).
    out = tmp_path / "poster.mp4"
    ffmpeg("-i", str(VIDEOS / "side_bodyweight_5reps.mp4"), "-ss", "0.2", "-i", str(VIDEOS / "wt_squat_18.mp4"),
           "-filter_complex",
           "[0:v]scale=360:640,setsar=1[s];[1:v]trim=end_frame=1,crop=300:260:350:40,scale=300:260,"
           "pad=360:640:30:60:white,setsar=1,loop=loop=-1:size=1,fps=30000/1001[p];"
           "[p][s]hstack=2:shortest=1,format=yuv420p",
           "-c:v", "libx264", "-preset", "veryfast", "-t", "10", str(out))
    result = analyze_file(out)
    assert len(result.reps) == 5


def test_one_person_clip_reports_one(side_result):
    assert side_result.people_in_view == 1
    assert not any("people were in view" in w for w in side_result.warnings)


def test_faces_seen_once_are_not_people():
    frames = [[(0.3, 0.05)]] * 15 + [[(0.3, 0.05), (0.8, 0.05)]]  # a second face in one frame of 16
    assert [round(b.centre, 2) for b in bands_for(frames)] == [0.3]
    two = bands_for([[(0.3, 0.05), (0.8, 0.06)]] * 6)
    assert [(round(b.x0, 2), round(b.x1, 2)) for b in two] == [(0.0, 0.55), (0.55, 1.0)]
