"""How much the rep counts depend on details of the recording that should not matter.

Keypoints: every keypoint file of ../shared/data (RepCount and QoM) is analysed as it is and in
five variants: played backwards, at half the frame rate, with 10% of the frames lost, with extra
landmark jitter (Gaussian, 0.3% and 1% of the landmarks' extent over the recording; RepCount's
own is about 0.3-1%), and mirrored left to right. The random variants (lost frames, jitter) are
drawn ``--draws`` times each (3 by default, seeded per recording): one draw says little, since
whether a count moves can depend on the draw.

Videos: every clip of ../shared/data/videos goes through the pose model once (the landmarks are
kept in benchmarks/.cache/poses, ignored by git, so later runs take seconds), and its landmark
sequence is analysed in the same variants, plus two more: the clip looped end to end three
times (the long set), and the clip opening only 0.4 s before its first rep starts
(late_start). A loop's joins are not a real set: the recording jumps from the clip's last frame
to its first, so a rep the clip ends in the middle of is completed by the jump, and the standing check
before the clip's first rep sees the clip's end. The long-set check is therefore on the reps
more than 1 s from every join (interior_reps): each pass must count the same as the clip alone,
which a standing value that drifts out of reach would not. Printed per variant and per source
(truth.csv's `source`): squat clips within accept and near-miss clips within accept (zero, or
what truth.csv accepts; in every draw), then every clip's counts with its landmarks' own
frame-to-frame noise beside the noise the 1% jitter adds, then every clip whose count moves.

A counter that is sound counts the same in each; where it does not, the rows say so. Prints
tables; asserts nothing (tests assert the data as it is).

    .venv/bin/python benchmarks/robustness.py                  # both; first run ~5 min on 2 cores
    .venv/bin/python benchmarks/robustness.py --only keypoints # about 40 s
    .venv/bin/python benchmarks/robustness.py --only videos    # ~1 min once the poses are cached
    .venv/bin/python benchmarks/robustness.py --draws 10       # more draws, longer
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
from glutecoach.kinematics.filtering import body_extent, lowpass, mask_low_confidence
from glutecoach.pose.skeleton import BLAZEPOSE_JOINTS, J
from glutecoach.result import Rep
from glutecoach.thresholds import REPS
from glutecoach.types import PoseSequence

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "keypoints"
VIDEOS = ROOT.parent / "shared" / "data" / "videos"
POSES = ROOT / "benchmarks" / ".cache" / "poses"
LOOPS = 3
JITTER = (0.003, 0.01)  # landmark noise, as a share of the landmarks' extent
DRAWS = 3  # draws of each random variant (lost frames, jitter) per recording
RANDOM = ("10% lost", *(f"jitter {share:.1%}" for share in JITTER))
# The late-start variant (videos): the clip cut to open this long before its first rep starts.
LATE_START_S = 0.4
LATE = f"opens {LATE_START_S:g}s"
# The gate looks this far back from a rep's start for the standing posture:
# reps nearer a join than this see the other side of it.
JOIN_MARGIN_S = REPS.standing_lookback_s


# ----------------------------------------------------------------------------- keypoint files


def variants(seq: PoseSequence, rng: np.random.Generator, draws: int = 1) -> Iterator[tuple[str, PoseSequence]]:
    """The keypoint variants; the random ones (lost frames, jitter) ``draws`` times each."""
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
    for _ in range(draws):
        lost = seq.xy.copy()
        lost[rng.random(n) < 0.1] = np.nan
        yield "10% lost", dataclasses.replace(seq, xy=lost)
    extent = float(np.nanmax(seq.xy) - np.nanmin(seq.xy))
    for share in JITTER:
        for _ in range(draws):
            noisy = seq.xy + rng.normal(0.0, share * extent, seq.xy.shape)
            yield f"jitter {share:.1%}", dataclasses.replace(seq, xy=noisy)
    mirrored = np.stack([np.nanmax(seq.xy[..., 0]) - seq.xy[..., 0], seq.xy[..., 1]], axis=-1)
    yield "mirrored", dataclasses.replace(seq, xy=mirrored)


def run_keypoints(draws: int = DRAWS) -> int:
    if not DATA.is_dir():
        print(f"{DATA} is missing (../shared/data beside the clone)", file=sys.stderr)
        return 2
    print(f"== Keypoint files (RepCount, QoM): rep count per variant (random variants: {draws} draws "
          "each; a cell reads lowest-highest count and the draws that moved when they differ) ==")
    with (DATA / "repcount" / "truth.csv").open() as fh:
        truth = {r["file"]: r["squat_reps"] for r in csv.DictReader(fh)}
    files = [DATA / "repcount" / name for name in truth] + sorted((DATA / "qom").glob("*.npy"))
    names: list[str] = []
    same = 0
    moved_draws: dict[str, int] = {}
    for i, path in enumerate(files):
        rng = np.random.default_rng(i)  # one stream per file: its variants do not depend on the others
        counts: dict[str, list[int]] = {}
        for k, v in variants(load_keypoints(path, 30.0), rng, draws):
            counts.setdefault(k, []).append(analyze_sequence(v).rep_count)
        as_is = counts["as is"][0]
        if not names:
            names = list(counts)
            print(f"{'file':14} {'truth':>5} " + " ".join(f"{k:>12}" for k in names))
        for k, cs in counts.items():
            moved_draws[k] = moved_draws.get(k, 0) + sum(c != as_is for c in cs)
        stable = all(c == as_is for cs in counts.values() for c in cs)
        same += stable
        print(
            f"{path.name:14} {truth.get(path.name, '-'):>5} "
            + " ".join(f"{_cell(counts[k], as_is):>12}" for k in names)
            + ("" if stable else "   differs"),
            flush=True,
        )
    print(f"\n{same} of {len(files)} files give the same count in every variant and draw; "
          "draws that move the count: "
          + ", ".join(f"{k} {moved_draws[k]}/{len(files) * (draws if k in RANDOM else 1)}" for k in names[1:]))
    return 0


def _cell(counts: list[int], as_is: int) -> str:
    """One count, or (draws that differ) lowest-highest and how many of the draws moved."""
    if len(set(counts)) == 1:
        return str(counts[0])
    return f"{min(counts)}-{max(counts)} {sum(c != as_is for c in counts)}/{len(counts)}"


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


def video_variants(seq: PoseSequence, rng: np.random.Generator, draws: int = 1) -> Iterator[tuple[str, PoseSequence]]:
    """The keypoint variants, on a video's landmarks (2D pixels and 3D world alike), and the
    clip looped three times; the random ones ``draws`` times each."""
    n = len(seq)
    yield "as is", seq
    # Backwards: the frames in reverse order, with the gaps between sampled frames reversed too
    # (the analysed frames of a video are not evenly spaced: pose/sampling.py).
    rev = np.arange(n)[::-1]
    yield "backwards", _take(seq, rev, times=seq.times[0] + seq.times[-1] - seq.times[rev],
                             frame_indices=seq.frame_indices[0] + seq.frame_indices[-1] - seq.frame_indices[rev])
    yield "half fps", _take(seq, np.arange(0, n, 2))
    # Lost frames: the pose model found nobody (no landmarks, zero confidence).
    for _ in range(draws):
        gone = rng.random(n) < 0.1
        xy, score = seq.xy.copy(), seq.score.copy()
        xy[gone], score[gone] = np.nan, 0.0
        world = None if seq.world is None else seq.world.copy()
        if world is not None:
            world[gone] = np.nan
        yield "10% lost", dataclasses.replace(seq, xy=xy, score=score, world=world)
    extent = float(np.nanmax(seq.xy) - np.nanmin(seq.xy))
    w_extent = None if seq.world is None else float(np.nanmax(seq.world) - np.nanmin(seq.world))
    for share in JITTER:
        for _ in range(draws):
            noisy = seq.xy + rng.normal(0.0, share * extent, seq.xy.shape)
            w = None if seq.world is None or w_extent is None else \
                seq.world + rng.normal(0.0, share * w_extent, seq.world.shape)
            yield f"jitter {share:.1%}", dataclasses.replace(seq, xy=noisy, world=w)
    yield "mirrored", mirror(seq)
    yield f"looped x{LOOPS}", looped(seq)


def late_start(seq: PoseSequence, first_rep_s: float | None) -> PoseSequence | None:
    """The clip opening only LATE_START_S before its first counted rep starts (the counter's
    start, 15% of the way down), as a phone started just before the descent (issue 10: short
    barbell clips that open a second before the descent gave 0); None when the clip already
    opens that late, or counts no rep."""
    if first_rep_s is None or seq.times[0] >= first_rep_s - LATE_START_S:
        return None
    return _take(seq, np.flatnonzero(seq.times >= first_rep_s - LATE_START_S))


def own_noise(seq: PoseSequence) -> tuple[float, float]:
    """The landmarks' own frame-to-frame noise, and the 1% jitter variant's, both as shares of
    the body's extent (filtering.body_extent): the noise is 1.4826 x the median absolute
    difference between each hip, knee and ankle coordinate and its 6 Hz low-pass (the
    pipeline's own cut-off, above a squat's motion), median over those coordinates."""
    xy = mask_low_confidence(seq.xy, seq.score)
    fps = 1.0 / float(np.median(np.diff(seq.times))) if len(seq) > 1 else seq.source.fps
    body = body_extent(xy)
    noise = []
    for name in ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"):
        for c in range(2):
            x = xy[:, J[name], c]
            x = x[np.isfinite(x)]
            if len(x) >= 30:
                noise.append(1.4826 * float(np.median(np.abs(x - lowpass(x, fps)))))
    extent = float(np.nanmax(seq.xy) - np.nanmin(seq.xy))
    if not noise or not body > 0:
        return float("nan"), float("nan")
    return float(np.median(noise)) / body, JITTER[-1] * extent / body


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


def run_videos(folder: Path, poses: Path, draws: int = DRAWS) -> int:
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
    counts: dict[str, dict[str, list[int]]] = {}  # per clip and variant, one count per draw
    interior: dict[str, tuple[int, int]] = {}  # reps away from the joins: as is, looped
    noise: dict[str, tuple[float, float]] = {}  # own_noise: the landmarks' own, and the 1% jitter's
    cut = 0  # clips the late-start variant cut (the others already open that late, or count 0)
    t0 = time.perf_counter()
    for k, row in enumerate(rows):
        seq = cache.load(folder / row["file"])
        rng = np.random.default_rng(k)  # one stream per clip: a clip's variants do not depend on the others
        per_variant: dict[str, list[int]] = {}
        span = pass_length_s(seq)
        inside: dict[str, int] = {}
        first_rep_s = None
        for name, v in video_variants(seq, rng, draws):
            r = analyze_sequence(v)
            per_variant.setdefault(name, []).append(r.rep_count)
            if name == "as is" or name.startswith("looped"):
                inside[name] = interior_reps(r.reps, span, LOOPS if name.startswith("looped") else 1)
            if name == "as is" and r.reps:
                first_rep_s = r.reps[0].start_s
        late = late_start(seq, first_rep_s)
        per_variant[LATE] = per_variant["as is"] if late is None else [analyze_sequence(late).rep_count]
        cut += late is not None
        counts[row["file"]] = per_variant
        noise[row["file"]] = own_noise(seq)
        interior[row["file"]] = (inside["as is"], inside[f"looped x{LOOPS}"])
        print(f"  {k + 1:>2}/{len(rows)} {row['file']}", file=sys.stderr, flush=True)
    names = list(next(iter(counts.values())))
    runs = sum(len(v) for v in next(iter(counts.values())).values())
    print(f"(landmarks and {runs} analyses per clip in {time.perf_counter() - t0:.0f} s; the random "
          f"variants {draws} draws each: a clip is within accept only in every draw; {LATE}: "
          f"{cut} clips cut to open {LATE_START_S:g} s before their first rep starts, the others "
          "already open that late or count no rep)\n")

    def ok(row: dict[str, str], name: str) -> bool:
        if name.startswith("looped"):  # the clip right, and every pass the same away from the joins
            return ok(row, "as is") and not moved(row, name)
        return all(c in _accept(row) for c in counts[row["file"]][name])

    def moved_draws(row: dict[str, str], name: str) -> int:
        c = counts[row["file"]]
        if name.startswith("looped"):  # away from the joins (interior_reps)
            alone, joined = interior[row["file"]]
            return int(joined != LOOPS * alone)
        return sum(x != c["as is"][0] for x in c[name])

    def moved(row: dict[str, str], name: str) -> bool:
        return moved_draws(row, name) > 0

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
        print(f"{'draws moved':<{width}}" + "".join(
            (f"{sum(moved_draws(r, n) for r in group)}/{len(group) * draws}" if n in RANDOM else "").rjust(11)
            for n in names))
        print()

    print(f"-- Rep count per clip and variant (looped x{LOOPS}: all reps, joins included; "
          "* outside accept, ! moved), and the landmark noise as a share of the body's extent: "
          "the pose model's own (own_noise) and the 1% jitter variant's --")
    fw = max(len(r["file"]) for r in rows) - 4
    print(f"{'clip':<{fw}} {'accept':>7}" + "".join(f"{c:>13}" for c in cols) + f"{'own noise':>11}{'jit 1.0%':>10}")
    for row in squat + near:
        cells = []
        for n in names:
            mark = ("!" if moved(row, n) else "") + ("" if ok(row, n) else "*")
            cells.append(f"{_cell(counts[row['file']][n], counts[row['file']]['as is'][0]) + mark:>13}")
        own, added = noise[row["file"]]
        print(f"{row['file'][:-4]:<{fw}} {row['accept']:>7}" + "".join(cells) + f"{own:>11.2%}{added:>10.2%}")
    owns = np.array([v[0] for v in noise.values()])
    adds = np.array([v[1] for v in noise.values()])
    print(f"landmark noise over the clips, share of the body's extent: the pose model's own "
          f"{np.nanmin(owns):.2%}-{np.nanmax(owns):.2%} (median {np.nanmedian(owns):.2%}); "
          f"the 1% jitter variant adds {np.nanmin(adds):.2%}-{np.nanmax(adds):.2%}")
    print()
    moves = [(row, n) for row in rows for n in names[1:] if moved(row, n)]
    print(f"-- Counts that move under a variant: {len(moves)} (clip, source, variant, as is -> variant; "
          f"the jitter and lost-frame variants: every draw's count, {draws} seeded draws per clip) --")
    for row, n in moves:
        c = counts[row["file"]]
        base = c["as is"][0]
        expect = f"{LOOPS} x {base} = {LOOPS * base}" if n.startswith("looped") else str(base)
        why = ""
        if n.startswith("looped"):
            alone, joined = interior[row["file"]]
            why = f"; away from the joins {LOOPS} x {alone} = {LOOPS * alone} -> {joined}"
        got = ", ".join(map(str, c[n]))
        if n in RANDOM:
            got += f" ({moved_draws(row, n)} of {draws} draws move)"
        print(f"{row['file'][:-4]:<{fw}} {_short(row['source']):<{width}} {n:<12} {expect} -> {got}"
              f"   (accept {row['accept']}{f' x{LOOPS}' if n.startswith('looped') else ''}: "
              f"{'within' if ok(row, n) else 'OUTSIDE'}{why})")
    stable = sum(not any(moved(r, n) for n in names) for r in rows)
    print(f"\n{stable} of {len(rows)} clips give the same count in every variant and draw "
          f"(looped: in every pass, away from the joins)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["videos", "keypoints"], action="append",
                    help="run one part (default: both)")
    ap.add_argument("--videos", type=Path, default=VIDEOS, help="folder with truth.csv and the clips")
    ap.add_argument("--poses", type=Path, default=POSES, help="pose cache folder")
    ap.add_argument("--draws", type=int, default=DRAWS,
                    help=f"draws of each random variant per recording (default {DRAWS})")
    args = ap.parse_args()
    if args.draws < 1:
        ap.error("--draws must be at least 1")
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
        rc |= run_keypoints(args.draws)
        print()
    if "videos" in want:
        rc |= run_videos(args.videos, args.poses, args.draws)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
