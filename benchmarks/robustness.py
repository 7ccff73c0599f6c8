"""How much the rep counts depend on details of the recording that should not matter.

Keypoints: every keypoint file of ../shared/data (RepCount and QoM) is analysed as it is and in
five variants: played backwards, at half the frame rate, with 10% of the frames lost, with extra
landmark jitter (Gaussian, 0.3% and 1% of the landmarks' extent; RepCount's own is about
0.3-1%), and mirrored left to right.

Videos: every clip of ../shared/data/videos goes through the pose model once (the landmarks are
kept in benchmarks/.cache/poses, ignored by git, so later runs take seconds), and its landmark
sequence is analysed in the same variants, plus the long-set one: the clip looped end to end three
times. A loop's joins are not a real set: the recording jumps from the clip's last frame to its
first, so a rep the clip ends in the middle of is completed by the jump, and the standing check
before the clip's first rep sees the clip's end. The long-set check is therefore on the reps
more than 1 s from every join (interior_reps): each pass must count the same as the clip alone,
which a standing value that drifts out of reach would not. Printed per variant and per source
(truth.csv's `source`): squat clips within accept and near-miss clips within accept (zero, or
what truth.csv accepts), then every clip whose count moves under a variant.

A counter that is sound counts the same in each; where it does not, the rows say so. Prints
tables; asserts nothing (tests assert the data as it is).

    .venv/bin/python benchmarks/robustness.py                  # both; first run ~5 min on 2 cores
    .venv/bin/python benchmarks/robustness.py --only keypoints # about 30 s
    .venv/bin/python benchmarks/robustness.py --only videos    # ~1 min once the poses are cached
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from glutecoach.analysis import AnalysisOptions, analyze_sequence
from glutecoach.io.keypoints import load_keypoints
from glutecoach.pose.skeleton import BLAZEPOSE_JOINTS, J
from glutecoach.result import Rep
from glutecoach.thresholds import REPS
from glutecoach.types import PoseSequence

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "keypoints"
VIDEOS = ROOT.parent / "shared" / "data" / "videos"
POSES = ROOT / "benchmarks" / ".cache" / "poses"
LOOPS = 3
# The gate looks this far back from a rep's start for the standing posture:
# reps nearer a join than this see the other side of it.
JOIN_MARGIN_S = REPS.standing_lookback_s


# ----------------------------------------------------------------------------- keypoint files


def variants(seq: PoseSequence, rng: np.random.Generator) -> Iterator[tuple[str, PoseSequence]]:
    n = len(seq)
    yield "as is", seq
    yield (
        "backwards",
        dataclasses.replace(seq, xy=seq.xy[::-1].copy(), score=seq.score[::-1].copy()),
    )
    half = np.arange(0, n, 2)
    yield (
        "half fps",
        dataclasses.replace(
            seq,
            xy=seq.xy[half],
            score=seq.score[half],
            times=seq.times[half],
            frame_indices=seq.frame_indices[half],
        ),
    )
    lost = seq.xy.copy()
    lost[rng.random(n) < 0.1] = np.nan
    yield "10% lost", dataclasses.replace(seq, xy=lost)
    extent = float(np.nanmax(seq.xy) - np.nanmin(seq.xy))
    for share in (0.003, 0.01):
        noisy = seq.xy + rng.normal(0.0, share * extent, seq.xy.shape)
        yield f"jitter {share:.1%}", dataclasses.replace(seq, xy=noisy)
    mirrored = np.stack([np.nanmax(seq.xy[..., 0]) - seq.xy[..., 0], seq.xy[..., 1]], axis=-1)
    yield "mirrored", dataclasses.replace(seq, xy=mirrored)


def run_keypoints() -> int:
    if not DATA.is_dir():
        print(f"{DATA} is missing (../shared/data beside the clone)", file=sys.stderr)
        return 2
    print("== Keypoint files (RepCount, QoM): rep count per variant ==")
    with (DATA / "repcount" / "truth.csv").open() as fh:
        truth = {r["file"]: r["squat_reps"] for r in csv.DictReader(fh)}
    files = [DATA / "repcount" / name for name in truth] + sorted((DATA / "qom").glob("*.npy"))
    rng = np.random.default_rng(0)
    names: list[str] = []
    same = 0
    for path in files:
        counts = {
            k: analyze_sequence(v).rep_count for k, v in variants(load_keypoints(path, 30.0), rng)
        }
        if not names:
            names = list(counts)
            print(f"{'file':14} {'truth':>5} " + " ".join(f"{k:>11}" for k in names))
        stable = len(set(counts.values())) == 1
        same += stable
        print(
            f"{path.name:14} {truth.get(path.name, '-'):>5} "
            + " ".join(f"{counts[k]:>11}" for k in names)
            + ("" if stable else "   differs"),
            flush=True,
        )
    print(f"\n{same} of {len(files)} files give the same count in every variant")
    return 0


# ----------------------------------------------------------------------------- videos

# The landmark each one becomes in a mirrored image: left and right change places.
MIRROR = np.array([J[re.sub(r"left|right", lambda m: {"left": "right", "right": "left"}[m[0]], name)]
                   for name in BLAZEPOSE_JOINTS])


def _take(seq: PoseSequence, idx: np.ndarray, **changes: object) -> PoseSequence:
    """The frames ``idx`` of every per-frame array (world included when there is one)."""
    fields: dict[str, object] = {
        "xy": seq.xy[idx], "score": seq.score[idx], "times": seq.times[idx],
        "frame_indices": seq.frame_indices[idx],
        "world": None if seq.world is None else seq.world[idx],
    }
    return dataclasses.replace(seq, **{**fields, **changes})  # type: ignore[arg-type]


def mirror(seq: PoseSequence) -> PoseSequence:
    """What the pose model gives on the video flipped left to right (a selfie camera): x becomes
    width - x, each left landmark is the right one of the mirrored person and the other way
    round, and the world x axis (metres, hip-centred) changes sign."""
    width = float(seq.source.width or np.nanmax(seq.xy[..., 0]))
    xy = seq.xy[:, MIRROR].copy()
    xy[..., 0] = width - xy[..., 0]
    world = None
    if seq.world is not None:
        world = seq.world[:, MIRROR].copy()
        world[..., 0] = -world[..., 0]
    return dataclasses.replace(seq, xy=xy, score=seq.score[:, MIRROR].copy(), world=world)


def pass_length_s(seq: PoseSequence) -> float:
    """How far apart in time the passes of ``looped(seq)`` start."""
    step = float(np.median(np.diff(seq.times))) if len(seq) > 1 else 1.0 / seq.source.fps
    return max(seq.source.duration_s, float(seq.times[-1] - seq.times[0]) + step)


def looped(seq: PoseSequence, times: int = LOOPS) -> PoseSequence:
    """The clip played ``times`` times end to end, as one long recording: times and frame
    numbers carry on from the end of the previous pass (one frame interval later)."""
    span_t = pass_length_s(seq)
    span_f = max(seq.source.frames, int(seq.frame_indices[-1] - seq.frame_indices[0]) + 1)
    cat = np.concatenate
    return dataclasses.replace(
        seq,
        xy=cat([seq.xy] * times), score=cat([seq.score] * times),
        times=cat([seq.times + k * span_t for k in range(times)]),
        frame_indices=cat([seq.frame_indices + k * span_f for k in range(times)]),
        world=None if seq.world is None else cat([seq.world] * times),
        source=dataclasses.replace(seq.source, frames=seq.source.frames * times,
                                   duration_s=seq.source.duration_s * times),
    )


def video_variants(seq: PoseSequence, rng: np.random.Generator) -> Iterator[tuple[str, PoseSequence]]:
    """The keypoint variants, on a video's landmarks (2D pixels and 3D world alike), and the
    clip looped three times."""
    n = len(seq)
    yield "as is", seq
    # Backwards: the frames in reverse order, with the gaps between sampled frames reversed too
    # (the analysed frames of a video are not evenly spaced: pose/sampling.py).
    rev = np.arange(n)[::-1]
    yield "backwards", _take(seq, rev, times=seq.times[0] + seq.times[-1] - seq.times[rev],
                             frame_indices=seq.frame_indices[0] + seq.frame_indices[-1] - seq.frame_indices[rev])
    yield "half fps", _take(seq, np.arange(0, n, 2))
    # Lost frames: the pose model found nobody (no landmarks, zero confidence).
    gone = rng.random(n) < 0.1
    xy, score = seq.xy.copy(), seq.score.copy()
    xy[gone], score[gone] = np.nan, 0.0
    world = None if seq.world is None else seq.world.copy()
    if world is not None:
        world[gone] = np.nan
    yield "10% lost", dataclasses.replace(seq, xy=xy, score=score, world=world)
    extent = float(np.nanmax(seq.xy) - np.nanmin(seq.xy))
    w_extent = None if seq.world is None else float(np.nanmax(seq.world) - np.nanmin(seq.world))
    for share in (0.003, 0.01):
        noisy = seq.xy + rng.normal(0.0, share * extent, seq.xy.shape)
        w = None if seq.world is None or w_extent is None else \
            seq.world + rng.normal(0.0, share * w_extent, seq.world.shape)
        yield f"jitter {share:.1%}", dataclasses.replace(seq, xy=noisy, world=w)
    yield "mirrored", mirror(seq)
    yield f"looped x{LOOPS}", looped(seq)


def interior_reps(reps: list[Rep], span_s: float, passes: int = 1) -> int:
    """Reps more than JOIN_MARGIN_S from every end of a pass. At a join the looped recording
    jumps from the clip's last frame to its first: a rep the clip ends in the middle of is
    completed by the jump (the person "stands up" at once), and the standing check before
    the clip's first rep sees the clip's last frames instead. Neither happens in a real set,
    so the long-set check compares the reps away from the joins: they must be the same in
    every pass (a standing value that drifted out of reach would lose the later ones)."""
    def inside(r: Rep) -> bool:
        k = int(r.start_s // span_s)
        return (k < passes and r.start_s - k * span_s >= JOIN_MARGIN_S
                and (k + 1) * span_s - r.end_s >= JOIN_MARGIN_S)
    return sum(inside(r) for r in reps)


def _accept(row: dict[str, str]) -> set[int]:
    return {int(a) for a in row["accept"].split("|")}


def _short(source: str) -> str:
    return source.split("/")[0]


def run_videos(folder: Path, poses: Path) -> int:
    truth_csv = folder / "truth.csv"
    if not truth_csv.exists():
        print(f"{truth_csv} is missing (../shared/data beside the clone)", file=sys.stderr)
        return 2
    from glutecoach.evaluate import PoseCache

    with truth_csv.open() as fh:
        rows = list(csv.DictReader(fh))
    cache = PoseCache(poses, AnalysisOptions())
    print(f"== Videos ({len(rows)} clips of {folder}): pose model once per clip (cache {poses}), "
          f"then the landmarks in each variant ==")
    counts: dict[str, dict[str, int]] = {}
    interior: dict[str, tuple[int, int]] = {}  # reps away from the joins: as is, looped
    t0 = time.perf_counter()
    for k, row in enumerate(rows):
        seq = cache.load(folder / row["file"])
        rng = np.random.default_rng(k)  # one stream per clip: a clip's variants do not depend on the others
        results = {name: analyze_sequence(v) for name, v in video_variants(seq, rng)}
        counts[row["file"]] = {name: r.rep_count for name, r in results.items()}
        span = pass_length_s(seq)
        interior[row["file"]] = (interior_reps(results["as is"].reps, span),
                                 interior_reps(results[f"looped x{LOOPS}"].reps, span, LOOPS))
        print(f"  {k + 1:>2}/{len(rows)} {row['file']}", file=sys.stderr, flush=True)
    names = list(next(iter(counts.values())))
    print(f"(landmarks and {len(names)} analyses per clip in {time.perf_counter() - t0:.0f} s)\n")

    def ok(row: dict[str, str], name: str) -> bool:
        if name.startswith("looped"):  # the clip right, and every pass the same away from the joins
            return ok(row, "as is") and not moved(row, name)
        return counts[row["file"]][name] in _accept(row)

    def moved(row: dict[str, str], name: str) -> bool:
        c = counts[row["file"]]
        if name.startswith("looped"):  # away from the joins (interior_reps)
            alone, joined = interior[row["file"]]
            return joined != LOOPS * alone
        return c[name] != c["as is"]

    def frac(group: list[dict[str, str]], name: str) -> str:
        return f"{sum(ok(r, name) for r in group)}/{len(group)}".rjust(11)

    squat = [r for r in rows if r["exercise"] == "squat"]
    near = [r for r in rows if r["exercise"] != "squat"]
    sources = sorted({r["source"] for r in rows}, key=lambda s: s.lower())
    width = max(len(_short(s)) for s in sources) + 2
    cols = [n.replace("jitter ", "jit ") for n in names]
    for title, group in ((f"Squat clips within accept (looped x{LOOPS}: within accept as is, and "
                          "the same count in every pass away from the joins)", squat),
                         ("Near-miss clips within accept (0, or what truth.csv accepts: "
                          "mfcstt 0|4, sds chair rise 0|1)", near)):
        print(f"-- {title}, per source --")
        print(f"{'source':<{width}}" + "".join(f"{c:>11}" for c in cols))
        for src in sources:
            mine = [r for r in group if r["source"] == src]
            if mine:
                print(f"{_short(src):<{width}}" + "".join(frac(mine, n) for n in names))
        print(f"{'all':<{width}}" + "".join(frac(group, n) for n in names))
        print(f"{'moved':<{width}}" + "".join(f"{sum(moved(r, n) for r in group):>11}" for n in names))
        print()

    print(f"-- Rep count per clip and variant (looped x{LOOPS}: all reps, joins included; "
          "* outside accept, ! moved) --")
    fw = max(len(r["file"]) for r in rows) - 4
    print(f"{'clip':<{fw}} {'accept':>7}" + "".join(f"{c:>11}" for c in cols))
    for row in squat + near:
        cells = []
        for n in names:
            mark = ("!" if moved(row, n) else "") + ("" if ok(row, n) else "*")
            cells.append(f"{str(counts[row['file']][n]) + mark:>11}")
        print(f"{row['file'][:-4]:<{fw}} {row['accept']:>7}" + "".join(cells))
    print()
    moves = [(row, n) for row in rows for n in names[1:] if moved(row, n)]
    print(f"-- Counts that move under a variant: {len(moves)} (clip, source, variant, as is -> variant; "
          "the jitter and lost-frame variants are one random draw per clip, seeded) --")
    for row, n in moves:
        c = counts[row["file"]]
        expect = f"{LOOPS} x {c['as is']} = {LOOPS * c['as is']}" if n.startswith("looped") else str(c["as is"])
        why = ""
        if n.startswith("looped"):
            alone, joined = interior[row["file"]]
            why = f"; away from the joins {LOOPS} x {alone} = {LOOPS * alone} -> {joined}"
        print(f"{row['file'][:-4]:<{fw}} {_short(row['source']):<{width}} {n:<12} {expect} -> {c[n]}"
              f"   (accept {row['accept']}{f' x{LOOPS}' if n.startswith('looped') else ''}: "
              f"{'within' if ok(row, n) else 'OUTSIDE'}{why})")
    stable = sum(not any(moved(r, n) for n in names) for r in rows)
    print(f"\n{stable} of {len(rows)} clips give the same count in every variant "
          f"(looped: in every pass, away from the joins)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["videos", "keypoints"], action="append",
                    help="run one part (default: both)")
    ap.add_argument("--videos", type=Path, default=VIDEOS, help="folder with truth.csv and the clips")
    ap.add_argument("--poses", type=Path, default=POSES, help="pose cache folder")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    want = args.only or ["keypoints", "videos"]
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        rev = "?"
    print(f"glutecoach robustness: code {rev or '?'}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    rc = 0
    if "keypoints" in want:
        rc |= run_keypoints()
        print()
    if "videos" in want:
        rc |= run_videos(args.videos, args.poses)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
