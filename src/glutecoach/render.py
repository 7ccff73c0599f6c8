"""Outputs beside the JSON: the per-frame CSV and the annotated video.

The annotated video is H.264 in MP4 with yuv420p pixels, which every browser plays, drawn with
OpenCV (already installed by MediaPipe) and encoded by PyAV's bundled FFmpeg.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from glutecoach.analysis import compute_signals
from glutecoach.kinematics import angles as A
from glutecoach.skeleton import BONES, J
from glutecoach.types import AnalysisResult, PoseSequence
from glutecoach.video import iter_frames

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
                     A.leg_ratio(xy, side)]
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


def write_annotated_video(
    video: Path, seq: PoseSequence, result: AnalysisResult, out: Path,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Skeleton, knee angle, rep counter and the current cue drawn over the original video;
    ``progress(frames_done, frames_total)`` after each frame (the web's progress bar)."""
    xy = compute_signals(seq).xy
    total = max(result.source.frames or 0, len(xy), 1)
    fps = result.source.fps or 30.0
    with av.open(str(out), mode="w") as container:
        stream = None
        for frame in iter_frames(video, max_side=960):
            img = np.ascontiguousarray(frame.image)
            if stream is None:
                stream = container.add_stream("libx264", rate=Fraction(round(fps * 1000), 1000))
                stream.width, stream.height = img.shape[1] // 2 * 2, img.shape[0] // 2 * 2
                stream.pix_fmt = "yuv420p"
                stream.options = {"preset": "veryfast", "crf": "26", "movflags": "+faststart"}
            scale = img.shape[1] / float(result.source.width or img.shape[1])
            i = min(frame.index, len(xy) - 1)
            _draw(img, xy[i] * scale, frame.index, result)
            img = img[: stream.height, : stream.width]
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
            if progress is not None:
                progress(frame.index + 1, total)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)


def _draw(img: np.ndarray, pts: np.ndarray, index: int, result: AnalysisResult) -> None:
    thick = max(2, img.shape[1] // 320)
    for a, b in BONES:
        pa, pb = pts[J[a]], pts[J[b]]
        if np.isfinite([*pa, *pb]).all():
            cv2.line(img, tuple(int(v) for v in pa), tuple(int(v) for v in pb), (0, 230, 120), thick, cv2.LINE_AA)
    for p in pts[11:]:
        if np.isfinite(p).all():
            cv2.circle(img, (int(p[0]), int(p[1])), thick + 2, (255, 255, 255), -1, cv2.LINE_AA)
    for side in ("left", "right"):
        hip, knee, ankle = pts[J[f"{side}_hip"]], pts[J[f"{side}_knee"]], pts[J[f"{side}_ankle"]]
        if np.isfinite([*hip, *knee, *ankle]).all():
            ang = float(A.flexion(hip, knee, ankle))
            cv2.putText(img, f"{ang:.0f}", (int(knee[0]) + 8, int(knee[1])), cv2.FONT_HERSHEY_SIMPLEX,
                        0.4 * thick, (255, 255, 0), thick // 2 + 1, cv2.LINE_AA)
    done = [r for r in result.reps if r.end_frame <= index]
    current = next((r for r in result.reps if r.start_frame <= index <= r.end_frame + 45), None)
    cue = ""
    if current is not None and current.faults:
        cue = current.faults[0].cue
    elif current is not None and current.praise:
        cue = "Good rep!"
    h = 28 * thick
    cv2.rectangle(img, (0, 0), (img.shape[1], h), (0, 0, 0), -1)
    cv2.putText(img, f"Reps: {len(done)}", (8, int(h * 0.72)), cv2.FONT_HERSHEY_SIMPLEX, 0.35 * thick * 2,
                (255, 255, 255), thick, cv2.LINE_AA)
    if cue:
        cv2.putText(img, cue[:70], (int(img.shape[1] * 0.28), int(h * 0.68)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.22 * thick * 2, (255, 220, 120), max(1, thick // 2), cv2.LINE_AA)
