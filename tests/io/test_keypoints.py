"""Keypoint files from other pose tools enter the same pipeline."""

from __future__ import annotations

import json

import numpy as np
import pytest
from support import DATA, QOM, REPCOUNT, npy

from glutecoach.analysis import AnalysisOptions, analyze_file
from glutecoach.errors import InputError
from glutecoach.io.keypoints import detect_coords, load_keypoints
from glutecoach.pose.skeleton import COCO17_TO_BLAZEPOSE, COCO18_TO_BLAZEPOSE
from glutecoach.thresholds import DEFAULT_FPS


def test_openpose_json_folder_matches_the_npy():
    from_json = analyze_file(DATA / "keypoints" / "qom_openpose_json" / "J_08")
    from_npy = analyze_file(QOM / "J_08.npy")
    assert from_json.rep_count == from_npy.rep_count == 10
    assert [r.bottom_frame for r in from_json.reps] == [r.bottom_frame for r in from_npy.reps]


def test_coordinate_kinds_are_told_apart():
    assert load_keypoints(QOM / "J_01.npy").coords == "pixels"
    assert load_keypoints(REPCOUNT / "stu4_64.npy").coords == "frame_normalised"
    xy = np.random.default_rng(0).uniform(0.2, 0.7, size=(50, 33, 2))
    assert detect_coords(xy) == "normalised"


def test_coco17_and_blazepose_layouts_count_the_same(tmp_path):
    coco18 = np.load(QOM / "J_01.npy")
    seq18 = load_keypoints(QOM / "J_01.npy")
    coco17 = np.full((coco18.shape[0], 17, 3), np.nan, dtype=np.float32)
    for i, name in enumerate(COCO17_TO_BLAZEPOSE):
        coco17[:, i] = coco18[:, COCO18_TO_BLAZEPOSE.index(name)]
    blaze = np.full((coco18.shape[0], 33, 4), np.nan, dtype=np.float32)
    blaze[:, :, :2] = seq18.xy
    blaze[:, :, 3] = seq18.score
    blaze[:, :, 2] = 0
    counts = {analyze_file(npy(tmp_path, f"{k}.npy", a)).rep_count
              for k, a in {"c17": coco17, "blaze": blaze, "c18": coco18}.items()}
    assert counts == {5}


@pytest.mark.parametrize("fps", [0.0, 0.09, 1000.5, float("nan"), float("inf")])
def test_a_frame_rate_outside_the_range_is_refused_where_the_options_are_made(fps):
    with pytest.raises(InputError, match="--fps must be between 0.1 and 1000"):
        AnalysisOptions(fps=fps)
    assert AnalysisOptions(fps=0.1).fps == 0.1 and AnalysisOptions().fps is None


def test_fps_option_sets_times():
    seq = load_keypoints(QOM / "J_01.npy", fps=60)
    assert seq.times[60] == pytest.approx(1.0) and not seq.source.fps_assumed


def test_without_a_frame_rate_the_tempo_is_not_judged():
    """Neither .npy nor OpenPose JSON records a frame rate. At the assumed 30 fps, QoM J_01's
    "correct" reps go down in about 0.5 s, which would read as too fast; at a real 60 fps they
    would take 0.25 s, at 15 fps 1 s: the duration is unknown, so the rep says so instead."""
    guessed = analyze_file(QOM / "J_01.npy")
    assert guessed.source.fps_assumed and guessed.source.fps == DEFAULT_FPS
    assert guessed.rep_count == 5
    for rep in guessed.reps:
        assert "descent_too_fast" not in {f.code for f in rep.faults}
        skipped = {n.code: n for n in rep.not_checked}
        assert "frame rate" in skipped["descent_too_fast"].reason
        assert "--fps" in skipped["descent_too_fast"].how_to_film
    assert any("--fps" in w for w in guessed.warnings)
    # Given the rate, the same reps are timed and the tempo is judged again (0.5 s descents at 30).
    given = analyze_file(QOM / "J_01.npy", AnalysisOptions(fps=DEFAULT_FPS))
    assert not given.source.fps_assumed and given.rep_count == 5
    assert all("descent_too_fast" in {f.code for f in rep.faults} for rep in given.reps)
    assert not any("--fps" in w for w in given.warnings)


@pytest.mark.parametrize("shape, words", [((10, 33), "shape"), ((10, 20, 3), "J=20"),
                                          ((10, 18, 4), "C=3"), ((0, 33, 3), "no frames")])
def test_wrong_shapes_are_refused(tmp_path, shape, words):
    with pytest.raises(InputError, match=words):
        analyze_file(npy(tmp_path, "bad.npy", np.zeros(shape, dtype=np.float32)))


def test_openpose_json_with_two_people_follows_the_exerciser(tmp_path):
    """A second, standing person is added to every frame; the squatter is still followed."""
    src = sorted((DATA / "keypoints" / "qom_openpose_json" / "J_08").glob("*.json"))
    for f in src:
        doc = json.loads(f.read_text())
        person = doc["people"][0]["pose_keypoints"]
        still = json.loads((src[0]).read_text())["people"][0]["pose_keypoints"]
        bystander = [v + 500 if i % 3 == 0 and v else v for i, v in enumerate(still)]
        doc["people"] = [{"pose_keypoints": bystander}, {"pose_keypoints": person}]
        (tmp_path / f.name).write_text(json.dumps(doc))
    result = analyze_file(tmp_path)
    assert result.people_in_view == 2
    assert result.rep_count == 10
    assert any("2 people" in w for w in result.warnings)


def test_nobody_in_view_is_a_result_not_an_error(tmp_path):
    result = analyze_file(npy(tmp_path, "empty.npy", np.full((90, 33, 3), np.nan, dtype=np.float32)))
    assert not result.squat_detected and result.rep_count == 0
    assert any("Nobody" in w for w in result.warnings)
