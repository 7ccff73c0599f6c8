"""The per-frame CSV beside the JSON: smoothed landmarks and the angles the checks use."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from glutecoach.kinematics import angles as A
from glutecoach.kinematics.signals import compute_signals, leg_ratio
from glutecoach.pose.skeleton import J
from glutecoach.types import PoseSequence

CSV_JOINTS = ("nose", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
              "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
              "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index")


def frame_table(seq: PoseSequence) -> tuple[list[str], np.ndarray]:
    """Header and rows: frame, time, smoothed landmarks (x, y, score) and angles per frame."""
    sig = compute_signals(seq)
    xy = sig.xy
    cols: list[np.ndarray] = [seq.frame_indices.astype(float), seq.times]
    header = ["frame", "time_s"]
    for name in CSV_JOINTS:
        cols += [xy[:, J[name], 0], xy[:, J[name], 1], seq.score[:, J[name]]]
        header += [f"{name}_x", f"{name}_y", f"{name}_score"]
    with np.errstate(all="ignore"):
        for side in ("left", "right"):
            hip, knee, ankle = (A.joint(xy, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
            shoulder = A.midpoint(xy, "left_shoulder", "right_shoulder")
            cols += [A.flexion(hip, knee, ankle), A.flexion(shoulder, hip, knee), A.fppa(xy, side),
                     leg_ratio(xy, side)]
            header += [f"{side}_knee_flexion_deg", f"{side}_hip_flexion_deg", f"{side}_fppa_deg",
                       f"{side}_thigh_shin_ratio"]
        cols.append(A.lean_from_vertical_2d(A.midpoint(xy, "left_hip", "right_hip"),
                                            A.midpoint(xy, "left_shoulder", "right_shoulder")))
        header.append("trunk_lean_2d_deg")
    return header, np.column_stack(cols)


def write_csv(seq: PoseSequence, out: Path) -> None:
    header, rows = frame_table(seq)
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if not np.isfinite(v) else (int(v) if i == 0 else round(float(v), 3))
                        for i, v in enumerate(row)])
