"""The annotated video: skeleton, knee angles, rep counter and the current cue over the original.

It is drawn with OpenCV (already installed by MediaPipe) and encoded by PyAV's
bundled FFmpeg with yuv420p pixels, which every browser plays: H.264 in MP4, MOV, MKV or AVI,
VP9 in WebM (the only codecs the WebM format allows are VP8, VP9 and AV1). The overlay is laid
out for the frame's shape: text scaled to the frame, the cue wrapped to its width, and the
knee angles labelled in degrees on either side of the knees so that they never overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from glutecoach.errors import InputError
from glutecoach.io.video import iter_frames
from glutecoach.kinematics import angles as A
from glutecoach.kinematics.signals import compute_signals
from glutecoach.pose.skeleton import BONES, J
from glutecoach.result import AnalysisResult
from glutecoach.thresholds import DEFAULT_FPS
from glutecoach.types import PoseSequence

_H264 = {"preset": "veryfast", "crf": "26"}
_VP9 = {"deadline": "realtime", "cpu-used": "8", "crf": "34", "b": "0", "row-mt": "1"}
_FASTSTART = {"movflags": "+faststart"}  # playable while it downloads
#: Encoder, its options and the container's options for each annotated-video name ending.
VIDEO_ENCODERS: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    ".mp4": ("libx264", _H264, _FASTSTART),
    ".mov": ("libx264", _H264, _FASTSTART),
    ".mkv": ("libx264", _H264, {}),
    ".avi": ("libx264", _H264, {}),
    ".webm": ("libvpx-vp9", _VP9, {}),
}


def check_video_name(out: Path) -> None:
    """Refuse an annotated-video name whose ending says a format this module cannot write."""
    suffix = Path(out).suffix.lower()
    if suffix not in VIDEO_ENCODERS:
        endings = ", ".join(VIDEO_ENCODERS)
        got = f"'{suffix}'" if suffix else "no ending"
        raise InputError(f"{out}: an annotated video must end in {endings}, got {got}")


def write_annotated_video(video: Path, seq: PoseSequence, result: AnalysisResult, out: Path,
                          progress: Callable[[int, int], None] | None = None) -> None:
    """Skeleton, knee angle, rep counter and the current cue drawn over the original video, in
    the format ``out``'s ending names (see VIDEO_ENCODERS). ``progress(done, total)`` is called
    after each frame (an upload's progress bar keeps moving while the video is drawn)."""
    check_video_name(out)
    codec, options, container_options = VIDEO_ENCODERS[Path(out).suffix.lower()]
    xy = compute_signals(seq).xy
    fps = result.source.fps or DEFAULT_FPS
    total = result.source.frames or len(xy)
    with av.open(str(out), mode="w", container_options=container_options) as container:
        stream: av.VideoStream | None = None
        for frame in iter_frames(video, max_side=960):
            img = np.ascontiguousarray(frame.image)
            if stream is None:
                added = container.add_stream(codec, rate=Fraction(round(fps * 1000), 1000))
                assert isinstance(added, av.VideoStream)  # every VIDEO_ENCODERS codec is video
                stream = added
                stream.width, stream.height = img.shape[1] // 2 * 2, img.shape[0] // 2 * 2
                stream.pix_fmt = "yuv420p"
                stream.options = dict(options)
            scale = img.shape[1] / float(result.source.width or img.shape[1])
            i = min(frame.index, len(xy) - 1)
            _draw(img, xy[i] * scale, frame.index, result)
            img = img[: stream.height, : stream.width]
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
            if progress is not None:
                progress(frame.index + 1, max(total, frame.index + 1))
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)


FONT = cv2.FONT_HERSHEY_SIMPLEX
WHITE, CUE_YELLOW, ANGLE_CYAN = (255, 255, 255), (255, 220, 120), (255, 255, 0)


@dataclass(frozen=True)
class Label:
    """One piece of overlay text: ``box`` is (x0, y0, x1, y1) in pixels, padding included;
    ``boxed`` text gets a dark background (it sits on the picture, not in the header)."""

    text: str
    box: tuple[int, int, int, int]
    colour: tuple[int, int, int]
    scale: float
    boxed: bool = False


@dataclass(frozen=True)
class Overlay:
    """Where the overlay's text goes on one frame: a header band (rep count, then the cue
    wrapped to the frame's width) and a label beside each knee."""

    header_height: int
    labels: list[Label]
    thickness: int


def text_style(width: int, height: int) -> tuple[float, int]:
    """Font scale and stroke for a frame: sized from its shorter side, so a portrait and a
    landscape clip of the same resolution get the same text."""
    size = min(width, height) / 540.0
    return max(0.4, 0.75 * size), max(1, round(1.6 * size))


def _text_box(text: str, x: int, top: int, scale: float, thick: int, pad: int) -> tuple[int, int, int, int]:
    (w, h), base = cv2.getTextSize(text, FONT, scale, thick)
    return x, top, x + w + 2 * pad, top + h + base + 2 * pad


def wrap_text(text: str, max_width: int, scale: float, thick: int) -> list[str]:
    """Greedy word wrap to ``max_width`` pixels (a single word wider than that keeps a line)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, FONT, scale, thick)[0][0] <= max_width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def layout_overlay(width: int, height: int, reps_done: int, cue: str,
                   knees: list[tuple[str, float, float, float]]) -> Overlay:
    """Lay out the rep count, the cue and the knee angles (``knees``: side, x, y, degrees) for a
    frame of this size, with no text outside the frame and no two texts overlapping."""
    scale, thick = text_style(width, height)
    pad = max(2, round(4 * scale))
    labels: list[Label] = []
    top = pad
    for text, colour in ((f"Reps: {reps_done}", WHITE),
                         *((line, CUE_YELLOW) for line in wrap_text(cue, width - 4 * pad, scale, thick))):
        box = _text_box(text, pad, top, scale, thick, pad)
        labels.append(Label(text, box, colour, scale))
        top = box[3]
    header = top + pad
    small = scale * 0.8
    placed: list[Label] = []
    for rank, (side, x, y, angle) in enumerate(sorted(knees, key=lambda k: k[1])):
        text = f"{side[0].upper()} {angle:.0f} deg"
        x0, y0, x1, y1 = _text_box(text, 0, 0, small, thick, pad)
        w, h = x1 - x0, y1 - y0
        gap = 3 * pad
        # The leftmost knee's label to its left, the other's to its right: never on each other.
        left = x - gap - w if rank == 0 and len(knees) > 1 else x + gap
        left = int(min(max(0, left), width - w))
        upper = int(min(max(header, y - h / 2), height - h))
        box = (left, upper, left + w, upper + h)
        for other in placed:
            if _overlaps(box, other.box):  # pushed together at the frame's edge: stack them
                upper = other.box[3] if other.box[3] + h <= height else other.box[1] - h
                box = (left, upper, left + w, upper + h)
        placed.append(Label(text, box, ANGLE_CYAN, small, boxed=True))
    return Overlay(header, labels + placed, thick)


def _knee_angles(pts: np.ndarray) -> list[tuple[str, float, float, float]]:
    knees = []
    for side in ("left", "right"):
        hip, knee, ankle = pts[J[f"{side}_hip"]], pts[J[f"{side}_knee"]], pts[J[f"{side}_ankle"]]
        if np.isfinite([*hip, *knee, *ankle]).all():
            knees.append((side, float(knee[0]), float(knee[1]), float(A.flexion(hip, knee, ankle))))
    return knees


def _current_cue(index: int, result: AnalysisResult) -> str:
    current = next((r for r in result.reps if r.start_frame <= index <= r.end_frame + 45), None)
    if current is not None and current.faults:
        return current.faults[0].cue
    if current is not None and current.praise:
        return "Good rep!"
    return ""


def _draw(img: np.ndarray, pts: np.ndarray, index: int, result: AnalysisResult) -> None:
    height, width = img.shape[:2]
    done = sum(r.end_frame <= index for r in result.reps)
    overlay = layout_overlay(width, height, done, _current_cue(index, result), _knee_angles(pts))
    line = max(2, overlay.thickness + 1)
    for a, b in BONES:
        pa, pb = pts[J[a]], pts[J[b]]
        if np.isfinite([*pa, *pb]).all():
            cv2.line(img, tuple(int(v) for v in pa), tuple(int(v) for v in pb), (0, 230, 120), line, cv2.LINE_AA)
    for p in pts[11:]:
        if np.isfinite(p).all():
            cv2.circle(img, (int(p[0]), int(p[1])), line + 2, WHITE, -1, cv2.LINE_AA)
    cv2.rectangle(img, (0, 0), (width, overlay.header_height), (0, 0, 0), -1)
    for label in overlay.labels:
        x0, y0, x1, y1 = label.box
        if label.boxed:
            cv2.rectangle(img, (x0, y0), (x1, y1), (0, 0, 0), -1)
        (_, h), base = cv2.getTextSize(label.text, FONT, label.scale, overlay.thickness)
        pad = (y1 - y0 - h - base) // 2
        cv2.putText(img, label.text, (x0 + pad, y1 - pad - base), FONT, label.scale, label.colour,
                    overlay.thickness, cv2.LINE_AA)
