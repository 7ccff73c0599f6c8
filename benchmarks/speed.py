"""Speed, memory and sampling-equality benchmark for glutecoach (issue 3).

    .venv/bin/python benchmarks/speed.py            # everything, about 6-8 minutes on 2 cores
    .venv/bin/python benchmarks/speed.py --quick    # skip the 5-minute videos and keypoint files
    .venv/bin/python benchmarks/speed.py --only long   # just the two 5-minute videos end to end
    .venv/bin/python benchmarks/speed.py --only long --match sources   # just the many-source one

Prints, for each of nine videos in ../shared/data/videos and for a 30-second and two 5-minute
1280x720 30 fps videos built with ffmpeg (cached in benchmarks/.cache/, ignored by git): the
first 5-minute video loops the nine clips (as the README's figure since issue 3), the second
plays, once each, the squat clips of 14 sources (truth.csv's `source`), more reps back to back
and more kinds of footage (issue 10):

* the plain command ``glutecoach analyze FILE --json OUT`` in a subprocess: wall time, real-time
  factor (duration / wall), input frames per second and peak resident memory of that process
  (``os.wait4``'s rusage, the same figure as ``/usr/bin/time -v``'s "Maximum resident set size");
* the same analysis in an instrumented subprocess: time per stage (decode: busy time of the
  decoding thread, which runs alongside the pose model; pose: time inside the pose model,
  backward tracking included; analysis after pose: kinematics, reps, checks, feedback, JSON),
  and how many frames the pose model saw;
* per-frame latency (p50/p95/p99) of the live coach (live.LiveCoach.push_image) at 640x480;
* rep counts, rep frames and faults with the default (sampled) analysis against
  ``--every-frame`` on every video of ../shared/data, and on the keypoint files;
* the wall time of a folder batch with 1 and 2 worker processes.

Each timed run is a fresh process, so model loading is included, as a user would see it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "benchmarks" / ".cache"
CLIPS = ["side_bodyweight_5reps", "wt_squat_7", "wt_squat_8", "wt_squat_11", "wt_squat_12",
         "wt_squat_17", "wt_squat_18", "wt_squat_24", "wt_pushups_test0"]
# Left out of the many-source video: mostly talking between two held reps, not a set.
NOT_A_SET = {"apurvo_goblet_slow_holds.mp4"}
LONG_FRAMES = 9000  # 5 minutes at 30 fps


def many_source_clips(videos: Path) -> list[str]:
    """The squat clips of truth.csv, in its order (the sources follow one another), without
    NOT_A_SET: 28 clips from 14 sources, 295 s (looped to 9000 frames: its first 5 s again)."""
    import csv

    with (videos / "truth.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["exercise"] == "squat" and r["file"] not in NOT_A_SET]
    return [r["file"][:-4] for r in rows]


def sources_in(videos: Path, clips: list[str], frames: int) -> list[str]:
    """The sources (truth.csv) whose clips play within the first ``frames`` frames at 30 fps."""
    import csv

    with (videos / "truth.csv").open() as fh:
        source = {r["file"][:-4]: r["source"] for r in csv.DictReader(fh)}
    seen: list[str] = []
    t = 0.0
    for name in clips:
        if t >= frames / 30:
            break
        if source[name] not in seen:
            seen.append(source[name])
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                              str(videos / f"{name}.mp4")], capture_output=True, text=True, check=False).stdout
        t += float(out.strip() or 0)
    return seen


# ----------------------------------------------------------------------------- inputs


def ffmpeg(*args: str) -> None:
    if shutil.which("ffmpeg") is None:
        sys.exit("benchmarks/speed.py: error: ffmpeg is needed to build the long test video")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True)


def montage(videos: Path, size: tuple[int, int], out: Path, clips: list[str] = CLIPS) -> Path:
    """``clips`` one after another, letterboxed to ``size`` at 30 fps, H.264 (x264 veryfast)."""
    if out.exists():
        return out
    w, h = size
    inputs: list[str] = []
    chains = []
    for k, name in enumerate(clips):
        inputs += ["-i", str(videos / f"{name}.mp4")]
        chains.append(f"[{k}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                      f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=30,format=yuv420p[v{k}]")
    graph = ";".join(chains) + ";" + "".join(f"[v{k}]" for k in range(len(clips))) + \
        f"concat=n={len(clips)}:v=1:a=0[out]"
    tmp = out.with_suffix(".part.mp4")
    ffmpeg(*inputs, "-filter_complex", graph, "-map", "[out]", "-c:v", "libx264", "-preset", "veryfast",
           "-crf", "23", str(tmp))
    tmp.rename(out)
    return out


def looped(src: Path, frames: int, out: Path) -> Path:
    """``src`` repeated to exactly ``frames`` frames, stream-copied (no re-encoding)."""
    if not out.exists():
        tmp = out.with_suffix(".part.mp4")
        ffmpeg("-stream_loop", "-1", "-i", str(src), "-frames:v", str(frames), "-c", "copy", str(tmp))
        tmp.rename(out)
    return out


# ----------------------------------------------------------------------------- runs


def glutecoach_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("glutecoach")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "glutecoach.cli"]


CPU_S: dict[str, float] = {}


def run_measured(cmd: list[str]) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MB, exit code, stderr) of one subprocess; its CPU time (user + system)
    is kept in CPU_S["last"]."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU_S["last"] = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, proc.returncode, err


def plain_cli(path: Path, out: Path, every_frame: bool = False) -> dict[str, Any]:
    cmd = glutecoach_cmd() + ["analyze", str(path), "--json", str(out)] + (["--every-frame"] if every_frame else [])
    wall, rss, rc, err = run_measured(cmd)
    if rc != 0:
        raise SystemExit(f"benchmarks/speed.py: error: {' '.join(cmd)} failed: {err.strip()[-300:]}")
    return {"wall_s": wall, "rss_mb": rss, "cpu_s": CPU_S["last"], "result": json.loads(out.read_text())}


def staged(path: Path, every_frame: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)] + (["--every-frame"] if every_frame else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmarks/speed.py: error: stage run on {path} failed: {proc.stderr.strip()[-300:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child(path: Path, every_frame: bool) -> None:
    """One analysis with each stage timed, on the same code path as ``glutecoach analyze``:
    analysis.load_sequence (decode + pose, backward tracking included) then analyze_sequence
    and the JSON. Decode time is counted inside video.iter_frames wherever it is called."""
    t_start = time.perf_counter()
    from glutecoach import analysis
    from glutecoach.io import video
    from glutecoach.pose import sampling
    from glutecoach.pose.base import default_estimator

    spent = {"decode": 0.0, "pose": 0.0, "pose_calls": 0}
    real_iter = video.iter_frames

    def timed_iter(*a: Any, **k: Any) -> Any:
        gen = real_iter(*a, **k)
        try:
            while True:
                t0 = time.perf_counter()
                try:
                    frame = next(gen)
                except StopIteration:
                    return
                finally:
                    spent["decode"] += time.perf_counter() - t0
                yield frame
        finally:
            gen.close()

    class Timed:
        def __init__(self) -> None:
            self.inner = default_estimator()
            self.name = self.inner.name

        def estimate(self, image: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return self.inner.estimate(image)
            finally:
                spent["pose"] += time.perf_counter() - t0
                spent["pose_calls"] += 1

        def close(self) -> None:
            self.inner.close()

    sampling.iter_frames = timed_iter  # type: ignore[assignment]
    from glutecoach.pose import backfill

    backfill.iter_frames = timed_iter  # type: ignore[assignment]
    from glutecoach.pose import people

    people.iter_frames = timed_iter  # type: ignore[assignment]
    t0 = time.perf_counter()
    seq = analysis.load_sequence(path, analysis.AnalysisOptions(every_frame=every_frame),
                                 estimator_factory=Timed)
    t1 = time.perf_counter()
    doc = analysis.analyze_sequence(seq).to_dict()
    json.dumps(doc, indent=2)
    t2 = time.perf_counter()
    print(json.dumps({"frames": len(seq), "duration_s": seq.source.duration_s, "pose_frames": spent["pose_calls"],
                      "decode_s": spent["decode"], "pose_s": spent["pose"], "load_s": t1 - t0,
                      "analysis_s": t2 - t1, "wall_s": t2 - t_start, "result": doc}))


# ----------------------------------------------------------------------------- comparisons


def rep_summary(doc: dict[str, Any]) -> list[tuple[int, int, int, tuple[str, ...]]]:
    return [(r["start_frame"], r["bottom_frame"], r["end_frame"],
             tuple(sorted(f["code"] for f in r["faults"]))) for r in doc["reps"]]


def compare(name: str, fast: dict[str, Any], full: dict[str, Any]) -> tuple[bool, str]:
    a, b = rep_summary(fast), rep_summary(full)
    same_count = len(a) == len(b)
    same_faults = same_count and all(x[3] == y[3] for x, y in zip(a, b))
    same_reliable = same_count and all(x["reliable"] == y["reliable"] for x, y in zip(fast["reps"], full["reps"]))
    shift = max((max(abs(x[i] - y[i]) for i in range(3)) for x, y in zip(a, b)), default=0) if same_count else None
    metric_diff = 0.0
    if same_count:
        for x, y in zip(fast["reps"], full["reps"]):
            for key in ("knee_flexion_deg", "hip_flexion_deg", "trunk_lean_deg", "thigh_to_horizontal_deg"):
                u, v = x["metrics"].get(key), y["metrics"].get(key)
                if isinstance(u, (int, float)) and isinstance(v, (int, float)):
                    metric_diff = max(metric_diff, abs(u - v))
    ok = same_count and same_faults and same_reliable and fast["view"] == full["view"]
    text = (f"{name:<28} reps {fast['rep_count']:>2} vs {full['rep_count']:>2}  "
            f"faults {'same' if same_faults else 'DIFFER'}  view {fast['view']}/{full['view']}  "
            f"max rep-frame shift {shift if shift is not None else '-'}  "
            f"max angle diff {metric_diff:.1f} deg")
    if not ok:
        text += f"\n{'':<28} sampled {a}\n{'':<28} every   {b}"
    return ok, text


def pct(values: list[float], q: float) -> float:
    """The q-th percentile, nearest rank (a latency that was actually measured)."""
    import numpy as np

    return float(np.percentile(values, q, method="nearest"))


# ----------------------------------------------------------------------------- sections


def section_speed(files: list[tuple[str, Path]], work: Path, results: dict[str, Any]) -> None:
    print("\n== End to end: `glutecoach analyze FILE --json OUT` (fresh process each) and stages ==")
    print(f"{'file':<28}{'frames':>7}{'dur s':>7}{'wall s':>8}{'x real':>8}{'fps':>7}{'CPU s':>7}{'RSS MB':>8}"
          f"{'pose fr':>9}{'decode s':>9}{'pose s':>8}{'after s':>8}{'after %':>8}{'load':>6}")
    for name, path in files:
        cli = plain_cli(path, work / f"{name}.json")
        st = staged(path)
        doc = cli["result"]
        frames, dur = doc["source"]["frames"], doc["source"]["duration_s"]
        results[name] = {"cli": cli, "stages": st}
        print(f"{name:<28}{frames:>7}{dur:>7.1f}{cli['wall_s']:>8.2f}{dur / cli['wall_s']:>8.2f}"
              f"{frames / cli['wall_s']:>7.0f}{cli['cpu_s']:>7.1f}{cli['rss_mb']:>8.0f}{st['pose_frames']:>9}"
              f"{st['decode_s']:>9.2f}{st['pose_s']:>8.2f}{st['analysis_s']:>8.2f}"
              f"{100 * st['analysis_s'] / st['wall_s']:>7.1f}%{os.getloadavg()[0]:>6.1f}", flush=True)


def section_stream(live_video: Path, clip: Path) -> None:
    print("\n== Live coach (live.LiveCoach.push_image) per-frame latency at 640x480 ==")
    import numpy as np

    from glutecoach.analysis import analyze_file
    from glutecoach.io.video import iter_frames
    from glutecoach.live import LiveCoach
    from glutecoach.pose.base import default_estimator

    class Timed:
        """The real pose model, timed, to tell its share of the latency from the coach's."""

        def __init__(self) -> None:
            self.inner = default_estimator()
            self.name = self.inner.name
            self.last_ms = 0.0

        def estimate(self, image: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return self.inner.estimate(image)
            finally:
                self.last_ms = (time.perf_counter() - t0) * 1000

        def close(self) -> None:
            self.inner.close()

    for video in (clip, live_video):
        model = Timed()
        coach = LiveCoach(estimator=model)
        lat: list[float] = []
        rest: list[float] = []
        shape = None
        for frame in iter_frames(video):
            assert frame.image is not None
            shape = frame.image.shape
            t0 = time.perf_counter()
            coach.push_image(frame.image, frame.time_s)
            lat.append((time.perf_counter() - t0) * 1000)
            rest.append(lat[-1] - model.last_ms)
        live = coach.finish()
        lat, rest = lat[1:], rest[1:]  # the first frame loads the model
        file_reps = analyze_file(video).rep_count
        print(f"{video.name:<28} {shape[1]}x{shape[0]}  frames {len(lat) + 1}  p50 {pct(lat, 50):.1f} ms  "
              f"p95 {pct(lat, 95):.1f} ms  p99 {pct(lat, 99):.1f} ms  max {max(lat):.1f} ms  "
              f"mean {float(np.mean(lat)):.1f} ms; outside the pose model p95 {pct(rest, 95):.1f} ms, "
              f"max {max(rest):.1f} ms; live reps {len(coach.reps)} (finish: {live.rep_count}), "
              f"file analysis reps {file_reps}", flush=True)


def section_equality(data: Path, work: Path, results: dict[str, Any], keypoints: bool) -> None:
    print("\n== Sampled (default) against --every-frame, same code state ==")
    same = 0
    names = [n for n in CLIPS if (data / "videos" / f"{n}.mp4").exists()]
    for name in names:
        fast = results[name]["cli"]["result"] if name in results else \
            plain_cli(data / "videos" / f"{name}.mp4", work / f"{name}.json")["result"]
        full = plain_cli(data / "videos" / f"{name}.mp4", work / f"{name}.every.json", every_frame=True)["result"]
        ok, text = compare(name, fast, full)
        same += ok
        print(text, flush=True)
    print(f"videos: {same}/{len(names)} identical in rep count, faults, reliability and view")
    if not keypoints:
        return
    from glutecoach.analysis import AnalysisOptions, analyze_file

    kp = sorted((data / "keypoints" / "repcount").glob("*.npy")) + sorted((data / "keypoints" / "qom").glob("*.npy")) \
        + sorted(p for p in (data / "keypoints" / "qom_openpose_json").iterdir() if p.is_dir())
    equal = 0
    for p in kp:
        a = analyze_file(p).to_dict()
        b = analyze_file(p, AnalysisOptions(every_frame=True)).to_dict()
        equal += a == b
    print(f"keypoint files: {equal}/{len(kp)} identical results (sampling applies to video only)")


def section_batch(data: Path, work: Path) -> None:
    print("\n== Folder batch: `glutecoach analyze FOLDER --workers N` ==")
    folder = work / "batch"
    folder.mkdir(exist_ok=True)
    for name in CLIPS:
        link = folder / f"{name}.mp4"
        if not link.exists():
            link.symlink_to(data / "videos" / f"{name}.mp4")
    walls = {}
    for n in (1, 2):
        cmd = glutecoach_cmd() + ["analyze", str(folder), "--json", str(work / f"batch{n}.json"), "--workers", str(n)]
        wall, _rss, rc, _err = run_measured(cmd)
        walls[n] = wall
        docs = json.loads((work / f"batch{n}.json").read_text())["results"]
        print(f"{n} worker(s): {len(docs)} videos in {wall:.1f} s (exit {rc})", flush=True)
    a = json.loads((work / "batch1.json").read_text())["results"]
    b = json.loads((work / "batch2.json").read_text())["results"]
    print(f"speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x; results identical: {a == b}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=CACHE, help="where built videos are kept")
    ap.add_argument("--quick", action="store_true", help="skip the 5-minute videos and keypoint files")
    ap.add_argument("--only", choices=["speed", "long", "stream", "equality", "batch"], action="append",
                    help="sections to run (default: all but long, whose videos speed runs too); "
                         "long: the two 5-minute videos end to end, nothing else")
    ap.add_argument("--match", help="speed and long: only the videos whose label contains this text")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--every-frame", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.every_frame)
        return
    videos = args.data / "videos"
    if not videos.is_dir():
        sys.exit(f"benchmarks/speed.py: error: {videos}: no such folder (../shared/data beside the clone)")
    args.cache.mkdir(parents=True, exist_ok=True)
    base = montage(videos, (1280, 720), args.cache / "montage_720p.mp4")
    long_video = looped(base, LONG_FRAMES, args.cache / "squats_5min_720p30.mp4")
    many = many_source_clips(videos)
    many_base = montage(videos, (1280, 720), args.cache / f"montage_{len(many)}clips_720p.mp4", many)
    many_video = looped(many_base, LONG_FRAMES, args.cache / "many_sources_5min_720p30.mp4")
    short_video = looped(base, 900, args.cache / "squats_30s_720p30.mp4")
    live_video = montage(videos, (640, 480), args.cache / "montage_640x480.mp4")
    live_clip = args.cache / "side_5reps_640x480.mp4"
    if not live_clip.exists():
        ffmpeg("-i", str(videos / "side_bodyweight_5reps.mp4"), "-vf",
               "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", str(live_clip))
    import platform

    print(f"glutecoach benchmark: {platform.node()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}")
    many_sources = sources_in(videos, many, LONG_FRAMES)
    print(f"5 min 720p30 (built): {long_video.name}, the nine clips above looped; "
          f"5 min many sources: {many_video.name}, {len(many)} squat clips of truth.csv one after another, "
          f"looped or cut to {LONG_FRAMES} frames: {len(many_sources)} sources ({', '.join(s.split('/')[0] for s in many_sources)})")
    want = set(args.only or ["speed", "stream", "equality", "batch"])
    longs = [("5 min 720p30 (built)", long_video), ("5 min many sources (built)", many_video)]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="glutecoach-bench-") as tmp:
        work = Path(tmp)
        files: list[tuple[str, Path]] = []
        if "speed" in want:
            files = [(n, videos / f"{n}.mp4") for n in CLIPS] + [("30 s 720p30 (built)", short_video)]
        if "long" in want or ("speed" in want and not args.quick):
            files += longs
        files = [(n, p) for n, p in files if args.match is None or args.match.lower() in n.lower()]
        if files:
            section_speed(files, work, results)
        if "stream" in want:
            section_stream(live_video, live_clip)
        if "equality" in want:
            section_equality(args.data, work, results, keypoints=not args.quick)
        if "batch" in want:
            section_batch(args.data, work)


if __name__ == "__main__":
    main()
