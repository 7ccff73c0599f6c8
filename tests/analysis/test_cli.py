"""The command line: JSON schema, CSV, annotated video, folders, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from .conftest import QOM, VIDEOS


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glutecoach.cli", *args], capture_output=True, text=True)


def test_analyze_writes_the_documented_json(tmp_path: Path):
    out = tmp_path / "r.json"
    run = cli("analyze", str(VIDEOS / "wt_squat_18.mp4"), "--json", str(out), "--csv",
              str(tmp_path / "f.csv"), "--video", str(tmp_path / "a.mp4"))
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text())
    assert doc["schema"] == "glutecoach.analysis/1"
    assert set(doc["source"]) >= {"path", "kind", "fps", "frames", "duration_s", "width", "height"}
    assert doc["source"]["kind"] == "video" and doc["source"]["frames"] == 93
    assert doc["squat_detected"] is True and doc["rep_count"] == 1 and doc["view"] == "front"
    rep = doc["reps"][0]
    assert set(rep) >= {"index", "start_s", "bottom_s", "end_s", "start_frame", "bottom_frame",
                        "end_frame", "reliable", "metrics", "faults", "not_checked"}
    assert "stance_width_ratio" in rep["metrics"] and "descent_s" in rep["metrics"]
    assert doc["summary"]["target_reps"] == [10, 15]
    header = (tmp_path / "f.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["frame", "time_s"] and "left_knee_flexion_deg" in header
    assert len((tmp_path / "f.csv").read_text().splitlines()) == 94
    with av.open(str(tmp_path / "a.mp4")) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
    assert "Slowly lower your body" in run.stdout or "Good rep" in run.stdout


def test_analyze_folder_and_json_to_stdout(tmp_path: Path):
    for name in ("J_01.npy", "J_04.npy"):
        (tmp_path / name).write_bytes((QOM / name).read_bytes())
    (tmp_path / "bad.npy").write_bytes(b"junk")
    run = cli("analyze", str(tmp_path), "--json", "-", "--workers", "2")
    assert run.returncode == 1  # one file failed, the others were analysed
    doc = json.loads(run.stdout[run.stdout.index("{"):])
    results = {Path(r["source"]["path"]).name: r for r in doc["results"]}
    assert results["J_01.npy"]["rep_count"] == 5 and results["J_04.npy"]["rep_count"] == 5
    assert "error" in results["bad.npy"]


def test_errors_are_one_line_exit_2(tmp_path: Path):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((5, 7, 3)))
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    for target in (str(tmp_path / "missing.mp4"), str(bad), str(empty), str(VIDEOS / "truth.csv")):
        run = cli("analyze", target)
        assert run.returncode == 2, (target, run.stderr)
        lines = [line for line in run.stderr.splitlines() if line.startswith("glutecoach: error")]
        assert len(lines) == 1 and "Traceback" not in run.stderr


def test_unwritable_outputs_fail_in_one_line_before_the_analysis(tmp_path: Path):
    keypoints = str(QOM / "J_01.npy")
    (tmp_path / "afile").write_text("x")
    for option, target in (("--json", tmp_path / "no" / "r.json"), ("--csv", tmp_path / "no" / "f.csv"),
                           ("--json", tmp_path), ("--json", tmp_path / "afile" / "r.json"),
                           ("--json", tmp_path / ("b" * 300 + ".json"))):
        run = cli("analyze", keypoints, option, str(target))
        assert run.returncode == 2, (option, target, run.stderr)
        assert "Traceback" not in run.stderr
        assert [line for line in run.stderr.splitlines() if line.startswith("glutecoach: error")] == [
            next(line for line in run.stderr.splitlines() if str(target) in line)]
        assert "squat detected" not in run.stdout  # failed before analysing, not after
    run = cli("evaluate", str(QOM.parent.parent), "--json", str(tmp_path / "no" / "ev.json"))
    assert run.returncode == 2 and "does not exist" in run.stderr and "Traceback" not in run.stderr


def test_a_failed_write_keeps_the_older_file_and_leaves_no_partial_one(tmp_path: Path):
    from glutecoach.outputs import replaced_atomically, write_text_atomically

    target = tmp_path / "result.json"
    write_text_atomically(target, "old")
    target.chmod(0o640)
    try:
        with replaced_atomically(target) as partial:
            partial.write_text("half of the new")
            raise OSError("disk full")
    except OSError:
        pass
    assert target.read_text() == "old" and sorted(tmp_path.iterdir()) == [target]
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640
    # A link is followed: its target gets the new content, the link stays a link.
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    write_text_atomically(link, "newer")
    assert link.is_symlink() and target.read_text() == "newer"
    # A name as long as the file system allows still works (the temporary name is short).
    longest = tmp_path / ("c" * 250 + ".csv")
    write_text_atomically(longest, "ok")
    assert longest.read_text() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, link.name, longest.name])
    fresh = tmp_path / "deeper" / "fresh.json"
    write_text_atomically(fresh, "{}", create_parents=True)
    umask = os.umask(0o022)
    os.umask(umask)
    assert fresh.read_text() == "{}" and fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not 0600


def test_evaluate_meets_the_fault_targets(tmp_path: Path):
    data = tmp_path / "data"
    (data / "keypoints").mkdir(parents=True)
    (data / "keypoints" / "qom").symlink_to(QOM)
    out = tmp_path / "ev.json"
    run = cli("evaluate", str(data), "--json", str(out))
    assert run.returncode == 0, run.stderr
    faults = json.loads(out.read_text())["faults"]
    assert {k: v["f1"] >= 0.8 for k, v in faults.items()} == {
        "depth_above_parallel": True, "chest_dropping": True, "stance_too_narrow": True}


def test_native_log_lines_do_not_reach_the_terminal(tmp_path: Path):
    run = cli("analyze", str(VIDEOS / "wt_squat_8.mp4"), "--json", str(tmp_path / "r.json"))
    assert run.returncode == 0
    assert "XNNPACK" not in run.stderr and "W0000" not in run.stderr and "absl" not in run.stderr
    assert json.loads((tmp_path / "r.json").read_text())["rep_count"] == 1
