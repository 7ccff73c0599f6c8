"""The one place that decodes video.

PyAV (FFmpeg's libraries, bundled in its wheel) is used rather than OpenCV's VideoCapture because
it exposes what phone footage needs: each frame's presentation time (variable frame rate), the
display-matrix rotation of portrait clips, multithreaded decoding, and decoding without colour
conversion for frames the pose model will not see. Frames are yielded one at a time, so memory
does not grow with the length of the video.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from glutecoach.errors import InputError
from glutecoach.thresholds import DEFAULT_FPS
from glutecoach.types import SourceInfo

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".3gp", ".y4m"}


@dataclass
class Frame:
    """One decoded frame: ``index`` counts input frames from 0, ``time_s`` is its timestamp."""

    index: int
    time_s: float
    image: npt.NDArray[np.uint8] | None  # RGB, rotated upright; None when not requested


def probe(path: Path) -> SourceInfo:
    """Read the container's facts without decoding; raise InputError for unusable files."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or DEFAULT_FPS)
        duration = _duration(container, stream)
        frames = int(stream.frames) if stream.frames else int(round(duration * fps))
        rotation = _stream_rotation(container, stream)
        width, height = stream.codec_context.width, stream.codec_context.height
        if rotation % 180:
            width, height = height, width
        return SourceInfo(
            path=str(path), kind="video", fps=fps, frames=frames, duration_s=duration,
            width=width, height=height, codec=stream.codec_context.name, rotation_deg=rotation,
        )
    finally:
        container.close()


def frame_timestamps(path: Path) -> list[int] | None:
    """Presentation timestamps of every frame, in display order, read from the container's
    packets without decoding (a 5-minute video in well under a second). The n-th value is frame
    n's, so a decoder started after a seek knows each frame's index in the whole video (variable
    frame rate included). None when the packets do not allow that (missing or repeated
    timestamps, an unreadable stretch): decode from the start instead."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        pts: list[int] = []
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if packet.pts is None:
                return None
            pts.append(int(packet.pts))
    except av.error.FFmpegError:
        return None
    finally:
        container.close()
    pts.sort()
    if not pts or len(set(pts)) != len(pts):
        return None
    return pts


def iter_frames(
    path: Path,
    want: Callable[[int, float], bool] | None = None,
    max_side: int | None = None,
    segment: tuple[int, int | None] | None = None,
    index_of: Callable[[int], int] | None = None,
) -> Generator[Frame, None, None]:
    """Decode every frame in order; convert to RGB only those ``want(index, time_s)`` accepts.

    ``max_side`` scales converted frames down (in FFmpeg's scaler, before colour conversion) so
    that the longer side is at most that many pixels; coordinates are relative to the frame, so
    landmarks are mapped back to full-size pixels by the caller.

    ``segment=(start_pts, end_pts)`` decodes only the frames with start_pts <= pts < end_pts
    (end None: to the end), seeking to the key frame before start_pts; ``index_of(pts)`` then
    gives each frame's index in the whole video (see frame_timestamps).
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        rotation = None
        index = -1
        start_pts, end_pts = segment if segment is not None else (None, None)
        if start_pts:
            container.seek(start_pts, stream=stream, backward=True, any_frame=False)
        try:
            for frame in container.decode(stream):
                if start_pts is not None and frame.pts is not None and frame.pts < start_pts:
                    continue
                if end_pts is not None and frame.pts is not None and frame.pts >= end_pts:
                    break
                index = index_of(frame.pts) if index_of is not None and frame.pts is not None else index + 1
                if rotation is None:
                    rotation = _frame_rotation(frame, container, stream)
                t = float(frame.time) if frame.time is not None else index / float(
                    stream.average_rate or DEFAULT_FPS
                )
                if want is not None and not want(index, t):
                    yield Frame(index, t, None)
                    continue
                yield Frame(index, t, _to_rgb(frame, rotation, max_side))
        except av.error.FFmpegError as exc:
            if index < 0:
                raise InputError(f"{path}: the video stream cannot be decoded ({exc})") from None
            # A truncated file: keep what decoded, the caller warns from the frame count.
            return
        if index < 0:
            raise InputError(f"{path}: the video stream holds no decodable frames (empty or truncated)")
    finally:
        container.close()


def _to_rgb(frame: av.VideoFrame, rotation: int, max_side: int | None) -> npt.NDArray[np.uint8]:
    w, h = frame.width, frame.height
    if max_side and max(w, h) > max_side:
        scale = max_side / max(w, h)
        w, h = max(2, int(round(w * scale / 2)) * 2), max(2, int(round(h * scale / 2)) * 2)
        img = frame.to_ndarray(format="rgb24", width=w, height=h)
    else:
        img = frame.to_ndarray(format="rgb24")
    rgb: npt.NDArray[np.uint8] = np.asarray(img, dtype=np.uint8)  # rgb24 is uint8 already: no copy
    k = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k)) if k else rgb


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a video file FFmpeg can read ({_short(exc)})") from None
    if not container.streams.video:
        kinds = "audio only" if container.streams.audio else "no video stream"
        container.close()
        raise InputError(f"{path}: the file has no video stream ({kinds})")
    stream = container.streams.video[0]
    try:
        codec = stream.codec_context
        if codec is None or not codec.name:
            raise InputError(f"{path}: unsupported video codec")
    except av.error.FFmpegError:
        container.close()
        raise InputError(f"{path}: unsupported video codec") from None
    return container


def _short(exc: Exception) -> str:
    text = str(exc).split(":")[0] if isinstance(exc, av.error.FFmpegError) else str(exc)
    return text.strip()[:120] or type(exc).__name__


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


def _stream_rotation(container: av.container.InputContainer, stream: av.VideoStream) -> int:
    """Rotation from the stream metadata, by peeking at the first decoded frame."""
    try:
        for frame in container.decode(stream):
            return _frame_rotation(frame, container, stream)
    except av.error.FFmpegError:
        return 0
    return 0


def _frame_rotation(frame: av.VideoFrame, container: object, stream: av.VideoStream) -> int:
    """Counter-clockwise degrees to turn the stored picture to show it upright."""
    rot = getattr(frame, "rotation", 0) or 0
    if not rot:
        tag = stream.metadata.get("rotate")
        rot = -int(tag) if tag and tag.lstrip("-").isdigit() else 0
    return int(round(rot / 90.0)) * 90 % 360
