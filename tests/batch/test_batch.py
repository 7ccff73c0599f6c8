"""Folder batches: parallel worker processes, failures reported at the end, the same on Ray."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import QOM, REPCOUNT, cli

from glutecoach.analysis import AnalysisOptions
from glutecoach.batch.local import analyse_file_safely, analyse_locally, batch_inputs
from glutecoach.errors import InputError

GOOD = [QOM / "J_01.npy", QOM / "J_04.npy", REPCOUNT / "stu10_17.npy", REPCOUNT / "stu10_24.npy"]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Real keypoint files, plus one corrupt array and one file that is not a video."""
    d = tmp_path / "batch"
    d.mkdir()
    for p in GOOD:
        (d / p.name).write_bytes(p.read_bytes())
    (d / "corrupt.npy").write_bytes(b"\x93NUMPY junk")
    (d / "notes.mp4").write_text("this is not a video\n")
    return d


def test_folder_batch_reports_failures_at_the_end_and_analyses_the_rest(folder: Path):
    run = cli("analyze", str(folder), "--json", str(folder.parent / "out.json"), "--workers", "2")
    assert run.returncode == 1, run.stderr  # some files failed, the others were analysed
    doc = json.loads((folder.parent / "out.json").read_text())
    assert doc["schema"] == "glutecoach.batch/1"
    by_name = {Path(r["source"]["path"]).name: r for r in doc["results"]}
    assert sorted(by_name) == sorted([p.name for p in GOOD] + ["corrupt.npy", "notes.mp4"])
    assert "not a video" in by_name["notes.mp4"]["error"]
    assert "error" in by_name["corrupt.npy"]
    for p in GOOD:
        assert by_name[p.name]["schema"] == "glutecoach.analysis/1"
    assert by_name["J_01.npy"]["rep_count"] == 5 and by_name["J_04.npy"]["rep_count"] == 5
    # One summary table (not a report per file): a row per file, why a file failed in its row.
    assert run.stdout.count("top cue") == 1 and "squat detected" not in run.stdout
    rows = {name: next(line for line in run.stdout.splitlines() if name in line) for name in by_name}
    cells = {name: [c.strip() for c in re.split("[│|┃]", row)] for name, row in rows.items()}
    assert cells["notes.mp4"][2] == "-" and cells["J_01.npy"][2] == "5"
    assert "2 of 6 files failed" in run.stdout


def test_a_folder_batch_takes_videos_arrays_and_openpose_folders_in_name_order(folder: Path):
    openpose = folder / "zz_openpose"
    openpose.mkdir()
    (openpose / "clip_000000000000_keypoints.json").write_text('{"people": []}')
    (folder / "readme.txt").write_text("not an input\n")
    names = [p.name for p in batch_inputs(folder)]
    assert names == sorted([p.name for p in GOOD] + ["corrupt.npy", "notes.mp4", "zz_openpose"])
    assert batch_inputs(GOOD[0]) == [GOOD[0]]
    empty = folder.parent / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="folder holds no videos or keypoint files"):
        batch_inputs(empty)


def test_parallel_batch_equals_one_file_at_a_time(folder: Path):
    items = [str(p) for p in batch_inputs(folder)]
    options = AnalysisOptions()
    parallel = analyse_locally(items, options.fps, options.every_frame, workers=2)
    serial = [analyse_file_safely(p, options.fps, options.every_frame) for p in items]
    assert parallel == serial
    assert [r["source"]["path"] for r in parallel] == items


def test_ray_batch_gives_identical_results(folder: Path):
    ray = pytest.importorskip("ray")
    from glutecoach.batch.ray import analyse_on_ray

    options = AnalysisOptions()
    items = [str(p) for p in batch_inputs(folder)]
    local = analyse_locally(items, options.fps, options.every_frame, workers=2)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        done: list[str] = []
        on_ray = analyse_on_ray(items, options.fps, options.every_frame, "auto", on_done=done.append)
        assert ray.is_initialized()  # the batch used the test's instance and left it running
    finally:
        ray.shutdown()
    assert sorted(done) == sorted(items)
    assert on_ray == local
    assert sum("error" in r for r in on_ray) == 2
