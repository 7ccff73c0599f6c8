"""How much the rep counts depend on details of the recording that should not matter.

Every keypoint file of ../shared/data (RepCount and QoM) is analysed as it is and in five
variants: played backwards, at half the frame rate, with 10% of the frames lost, with extra
landmark jitter (Gaussian, 0.3% and 1% of the landmarks' extent; RepCount's own is about
0.3-1%), and mirrored left to right. A counter that is sound counts the same in each; where it
does not, the row says so. Prints a table; asserts nothing (tests assert the data as it is).

    .venv/bin/python benchmarks/robustness.py      # about 2 minutes on 2 cores
"""

from __future__ import annotations

import csv
import dataclasses
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from glutecoach.analysis import analyze_sequence
from glutecoach.keypoints import load_keypoints
from glutecoach.types import PoseSequence

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "keypoints"


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


def main() -> int:
    if not DATA.is_dir():
        print(f"{DATA} is missing (../shared/data beside the clone)", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
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
            + ("" if stable else "   differs")
        )
    print(f"\n{same} of {len(files)} files give the same count in every variant")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
