"""The command line: JSON schema, CSV, annotated video, folders, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import av
import numpy as np
from support import QOM, VIDEOS, cli


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
    from glutecoach.io.files import replaced_atomically, write_text_atomically

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


def _one_error_line(run: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exit 2 and exactly one line on stderr, in the one error form."""
    assert run.returncode == 2, run.stderr
    assert run.stderr.endswith("\n") and run.stderr.count("\n") == 1, repr(run.stderr)
    assert run.stderr.startswith("glutecoach: error: "), run.stderr
    return run.stderr


def test_annotated_video_format_follows_the_name(tmp_path: Path):
    """WebM is VP9 (the format allows nothing else that browsers play), MKV is H.264; a name
    the encoder cannot write is refused in one line before the analysis, and nothing is lost."""
    clip = str(VIDEOS / "wt_squat_18.mp4")
    for name in ("a.gif", "annotated", "a.txt"):
        run = cli("analyze", clip, "--video", str(tmp_path / name), "--json", str(tmp_path / "r.json"))
        assert ".webm" in _one_error_line(run) and name in run.stderr
        assert "squat detected" not in run.stdout and not (tmp_path / "r.json").exists()
    run = cli("analyze", clip, "--video", str(tmp_path / "a.webm"), "--json", str(tmp_path / "r.json"))
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "r.json").read_text())["rep_count"] == 1
    with av.open(str(tmp_path / "a.webm")) as c:
        s = c.streams.video[0]
        assert c.format.name.startswith("matroska,webm") and s.codec_context.name == "vp9"
        assert sum(1 for _ in c.decode(s)) == 93
    run = cli("analyze", clip, "--video", str(tmp_path / "a.mkv"))
    assert run.returncode == 0, run.stderr
    with av.open(str(tmp_path / "a.mkv")) as c:
        assert c.streams.video[0].codec_context.name == "h264"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mkv", "a.webm", "r.json"]


def test_frame_rate_must_be_between_0_1_and_1000(tmp_path: Path):
    keypoints = str(QOM / "J_01.npy")
    for fps in ("nan", "inf", "-inf", "1e-9", "0", "0.09", "1001"):
        assert "--fps must be between 0.1 and 1000" in _one_error_line(cli("analyze", keypoints, "--fps", fps))
    assert "Invalid value for '--fps'" in _one_error_line(cli("analyze", keypoints, "--fps", "fast"))
    for fps in ("0.1", "1000"):
        run = cli("analyze", keypoints, "--fps", fps, "--json", str(tmp_path / "r.json"))
        assert run.returncode == 0, run.stderr
        assert json.loads((tmp_path / "r.json").read_text())["source"]["fps"] == float(fps)


def test_empty_or_cut_short_npy_is_one_line_exit_2(tmp_path: Path):
    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")
    assert "empty" in _one_error_line(cli("analyze", str(empty)))
    cut = tmp_path / "cut.npy"
    cut.write_bytes((QOM / "J_01.npy").read_bytes()[:100])
    assert "cut.npy" in _one_error_line(cli("analyze", str(cut)))


def test_json_to_stdout_is_only_json(tmp_path: Path):
    run = cli("analyze", str(QOM / "J_01.npy"), "--json", "-")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rep_count"] == 5  # nothing but the JSON: `| jq` works
    assert "Form score" in run.stderr or "reps" in run.stderr  # the table went to stderr


def test_every_error_has_one_prefix_on_one_unwrapped_line(tmp_path: Path):
    long_name = tmp_path / ("a-long-folder-name-" * 6) / "missing.mp4"
    assert str(long_name) in _one_error_line(cli("analyze", str(long_name)))  # not wrapped at 80
    _one_error_line(cli("analyze", str(QOM / "J_01.npy"), "--no-such-option"))
    _one_error_line(cli("serve", "--port", "0"))
    _one_error_line(cli("report", "--person", "x", "--out", "x.txt"))


def test_help_names_the_article_and_shows_plain_flags():
    for command in (["analyze"], ["log"], ["serve"], ["users", "add"], ["evaluate"]):
        run = cli(*command, "--help")
        assert run.returncode == 0, run.stderr
        assert "<bool>" not in run.stdout and "--no-no-" not in run.stdout, run.stdout
    assert "--no-password " in cli("users", "add", "--help").stdout
    analyze_help = " ".join(cli("analyze", "--help").stdout.split())
    assert "article 'Glute dysfunction: Can strengthening your glutes possibly relieve back and knee pain?'" in analyze_help


def _overlapping(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_overlay_is_laid_out_for_the_frames_shape():
    """Portrait and landscape frames: the longest cue wraps inside the frame, the text scales
    with the frame, knee angles carry a unit and no two texts overlap, even with the knees
    together (side view) or at the frame's edge."""
    from glutecoach.checks.base import CUES
    from glutecoach.outputs.annotated import layout_overlay

    longest = max(CUES.values(), key=len)
    for width, height in ((540, 960), (960, 540), (240, 424), (1080, 1920)):
        for knees in ([("left", width / 2, height * 0.6, 105.0), ("right", width / 2 + 3, height * 0.6 + 2, 107.0)],
                      [("left", 2.0, height * 0.6, 95.0), ("right", 6.0, height * 0.6, 170.0)],
                      [("left", width - 3.0, height - 2.0, 95.0), ("right", width - 1.0, height - 1.0, 170.0)],
                      [("right", width * 0.4, height * 0.6, 90.0)]):
            overlay = layout_overlay(width, height, 12, longest, knees)
            boxes = [label.box for label in overlay.labels]
            assert all(0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height for x0, y0, x1, y1 in boxes)
            assert not any(_overlapping(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
            texts = [label.text for label in overlay.labels]
            assert texts[0] == "Reps: 12"
            assert " ".join(texts[1:len(texts) - len(knees)]) == longest  # wrapped, nothing cut
            angles = overlay.labels[len(texts) - len(knees):]
            assert sorted(a.text for a in angles) == sorted(f"{s[0].upper()} {d:.0f} deg" for s, *_, d in knees)
            assert all(a.box[1] >= overlay.header_height for a in angles)
    portrait, landscape = layout_overlay(540, 960, 1, "", []), layout_overlay(960, 540, 1, "", [])
    assert portrait.labels[0].scale == landscape.labels[0].scale
    assert layout_overlay(1080, 1920, 1, "", []).labels[0].scale > portrait.labels[0].scale


def test_annotated_portrait_clip_keeps_its_shape(tmp_path: Path):
    out = tmp_path / "portrait.mp4"
    run = cli("analyze", str(VIDEOS / "dillon_quarter_squats_depthfault.mp4"), "--video", str(out))
    assert run.returncode == 0, run.stderr
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (406, 720)


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def test_setup_waits_for_another_apt_and_installs_python3_venv(tmp_path: Path):
    """scripts/setup.sh on a bare Debian/Ubuntu machine whose Python lacks venv, while another
    apt-get runs: it says it waits, installs python3-venv only after that apt-get ended, then
    builds the virtual environment. apt-get, python3 and pip are stand-ins that log their calls
    (nothing is installed); the busy apt-get is a real process of that name."""
    repo, bin_dir, busy_dir = tmp_path / "repo", tmp_path / "bin", tmp_path / "busy"
    for d in (repo / "scripts", bin_dir, busy_dir):
        d.mkdir(parents=True)
    setup = Path(__file__).resolve().parents[2] / "scripts" / "setup.sh"
    (repo / "scripts" / "setup.sh").write_text(setup.read_text())
    log = tmp_path / "log"
    _stub(bin_dir / "apt-get", f'echo "apt-get $*" >> {log}')
    _stub(bin_dir / "sudo", '"$@"')
    _stub(bin_dir / "ffmpeg", "true")
    venv_python = (f'mkdir -p .venv/bin && printf \'#!/bin/sh\\necho "venv-python $*" >> {log}\\n\''
                   ' > .venv/bin/python && chmod +x .venv/bin/python')
    _stub(bin_dir / "python3", f'case "$*" in -c*) exit 1 ;; "-m venv .venv") {venv_python} ;; esac')
    _stub(busy_dir / "apt-get", f"sleep 3; echo busy-apt-ended >> {log}")
    busy = subprocess.Popen([str(busy_dir / "apt-get")])
    reaper = threading.Thread(target=busy.wait)  # reaped when it ends: no zombie "apt-get" left
    reaper.start()
    try:
        run = subprocess.run(["bash", str(repo / "scripts" / "setup.sh")], check=False,
                             capture_output=True, text=True,
                             env={"PATH": f"{bin_dir}:/usr/bin:/bin", "GLUTECOACH_APT_POLL_S": "1",
                                  "HOME": str(tmp_path)}, timeout=120)
    finally:
        reaper.join()
    assert run.returncode == 0, run.stderr
    assert "waiting for it to finish" in run.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "busy-apt-ended", calls
    install = next(c for c in calls if " install " in c)
    assert "python3-venv" in install.split() and "ffmpeg" not in install.split()
    assert "venv-python -m pip install -q -e .[web,postgres]" in calls  # what `serve` needs
    assert "venv-python -m pip uninstall -q -y jax jaxlib ml_dtypes opt_einsum" in calls


def test_a_video_that_cannot_be_written_keeps_the_json(tmp_path: Path):
    """The disk fills while the annotated video is written (a link to /dev/full): one line,
    exit 2, and the JSON asked for in the same run is already there."""
    full = tmp_path / "annotated.mp4"
    full.symlink_to("/dev/full")
    run = cli("analyze", str(VIDEOS / "wt_squat_18.mp4"), "--video", str(full),
              "--json", str(tmp_path / "r.json"))
    assert "No space left on device" in _one_error_line(run)
    assert json.loads((tmp_path / "r.json").read_text())["rep_count"] == 1
