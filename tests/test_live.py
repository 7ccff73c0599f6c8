"""The live coach (live.LiveCoach) on a real clip, fed frame by frame as a webcam would."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from support import VIDEOS, ffmpeg

from glutecoach.analysis import analyze_file
from glutecoach.io.video import iter_frames
from glutecoach.live import LiveCoach, LiveUpdate
from glutecoach.result import AnalysisResult


@pytest.fixture(scope="module")
def webcam_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real 5-rep side-view clip as a 640x480 webcam would deliver it (letterboxed)."""
    out = tmp_path_factory.mktemp("live") / "side_640x480.mp4"
    ffmpeg("-i", str(VIDEOS / "side_bodyweight_5reps.mp4"), "-vf",
           "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", str(out))
    return out


@pytest.fixture(scope="module")
def live(webcam_clip: Path) -> tuple[LiveCoach, list[LiveUpdate], AnalysisResult]:
    coach = LiveCoach()
    updates = []
    for frame in iter_frames(webcam_clip):
        assert frame.image is not None and frame.image.shape == (480, 640, 3)
        updates.append(coach.push_image(frame.image, frame.time_s))
    return coach, updates, coach.finish()


def test_live_counts_the_same_reps_as_file_analysis(webcam_clip, live):
    coach, updates, finished = live
    from_file = analyze_file(webcam_clip)
    assert from_file.rep_count == 5  # truth.csv: 5 reps
    assert updates[-1].reps == len(coach.reps) == from_file.rep_count
    assert finished.rep_count == from_file.rep_count
    # The count only ever goes up, one rep at a time, each announced once with its details.
    counts = [u.reps for u in updates]
    assert counts == sorted(counts) and max(np.diff(counts)) == 1
    announced = [u.rep for u in updates if u.rep is not None]
    assert [r["index"] for r in announced] == [0, 1, 2, 3, 4]
    # Each live rep lies close to the same rep found in the file (the clip runs at 29.97 fps).
    for rep, ref in zip(announced, from_file.reps):
        assert abs(rep["bottom_s"] - ref.bottom_s) < 0.5


def test_live_updates_carry_sane_landmarks_and_cues(live):
    coach, updates, _ = live
    assert len(updates) == 300
    found = [u for u in updates if u.found]
    assert len(found) >= 0.9 * len(updates)
    for u in found:
        assert u.landmarks is not None and len(u.landmarks) == 33
        arr = np.asarray(u.landmarks)
        assert arr.shape == (33, 3)
        assert np.all((arr[:, 2] >= 0) & (arr[:, 2] <= 1))
        hips_ankles = arr[[23, 24, 27, 28]]  # normalised to the image: in or near the picture
        assert np.all((hips_ankles[:, :2] > -0.1) & (hips_ankles[:, :2] < 1.1))
        # The portrait picture sits in the middle of the 640-wide frame: so does the person.
        assert 0.25 < float(np.nanmean(arr[[23, 24], 0])) < 0.75
    assert {u.phase for u in updates} <= {"unknown", "top", "down"} and "down" in {u.phase for u in updates}
    depths = [u.depth for u in updates if u.depth is not None]
    assert max(depths) > 0.5 and min(depths) < 0.1  # deep squats and standing between them
    times = [u.t_s for u in updates]
    assert all(b > a for a, b in zip(times, times[1:]))
    assert all(u.latency_ms > 0 for u in updates)
    # No cue before the first rep; afterwards one cue, from the latest rep's faults or praise.
    first = next(i for i, u in enumerate(updates) if u.rep is not None)
    assert all(u.cue is None for u in updates[:first])
    for u in updates[first:]:
        assert isinstance(u.cue, str) and u.cue
    last = coach.reps[-1]
    if last.reliable:
        assert updates[-1].cue in {f.cue for f in last.faults} | {last.praise}
    else:  # the letterboxed person is small: the cue says how to film instead
        assert updates[-1].cue.startswith("Not judged: ") and "camera" in updates[-1].cue
    # What the web page receives is plain JSON.
    for u in updates[first - 1 : first + 1]:
        doc = json.loads(json.dumps(u.to_dict()))
        assert set(doc) >= {"t_s", "found", "landmarks", "reps", "phase", "depth", "cue", "rep", "latency_ms"}


def test_push_pose_without_a_person_and_repeated_clock():
    coach = LiveCoach(width=640, height=480)
    a = coach.push_pose(None, None, 1.0)
    b = coach.push_pose(None, None, 1.0)  # a browser clock can repeat a timestamp
    assert not a.found and a.landmarks is None and a.reps == 0 and a.cue is None
    assert b.t_s > a.t_s
    result = coach.finish()
    assert result.rep_count == 0 and not result.squat_detected
    assert not math.isnan(result.source.duration_s)


def test_finish_without_frames_is_an_empty_set():
    result = LiveCoach().finish()
    assert result.rep_count == 0 and result.analysed_frames == 0


def test_a_too_shallow_bend_is_reported_live():
    # Landmarks placed by hand (normalised, side on): standing, a knee bend too shallow to
    # count (thigh rise about 0.17, under the 0.20 minimum), standing again. The counter's own
    # rejection must reach the page, not only the gate's.
    from glutecoach.live import LiveCoach
    from glutecoach.pose.skeleton import N_JOINTS, J

    def pose(hip_y: float) -> tuple[np.ndarray, np.ndarray]:
        xy = np.full((N_JOINTS, 2), 0.5)
        for side in ("left", "right"):
            xy[J[f"{side}_shoulder"]] = (0.5, hip_y - 0.3)
            xy[J[f"{side}_hip"]] = (0.5, hip_y)
            xy[J[f"{side}_knee"]] = (0.52, 0.7)
            xy[J[f"{side}_ankle"]] = (0.5, 0.9)
        xy[J["nose"]] = (0.5, hip_y - 0.4)
        return xy, np.ones(N_JOINTS)

    coach, t, messages = LiveCoach(), 0.0, []
    for hip_y, seconds in ((0.5, 2.0), (0.534, 1.5), (0.5, 2.0)):
        for _ in range(int(seconds * 15)):
            update = coach.push_pose(*pose(hip_y), t)
            t += 1 / 15
            if update.rejected:
                messages.append(update.rejected)
    assert coach.reps == [] and any("too shallow" in m for m in messages), messages
