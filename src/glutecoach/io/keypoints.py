"""Readers for keypoints made by other pose tools, into a PoseSequence.

Supported: ``.npy`` arrays of shape (T, J, C) with J=33 (BlazePose; C=3 x,y,z or C=4 with
visibility), J=18 (OpenPose COCO-18; x, y, confidence), J=17 (COCO-17; x, y, confidence), J=25
(OpenPose BODY_25), and folders of OpenPose ``*_keypoints.json`` files (``pose_keypoints_2d`` or
the older ``pose_keypoints``). NaN, or OpenPose's (0, 0, 0), means not detected. Whether the
coordinates are pixels, normalised, or normalised per frame is told from the numbers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from glutecoach.errors import InputError
from glutecoach.io.tracking import select_exerciser
from glutecoach.pose.skeleton import COCO17_TO_BLAZEPOSE, COCO18_TO_BLAZEPOSE, N_JOINTS, J
from glutecoach.thresholds import DEFAULT_FPS
from glutecoach.types import CoordKind, PoseSequence, SourceInfo

BODY25_TO_BLAZEPOSE: tuple[str, ...] = (
    "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
    "left_elbow", "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle", "left_hip",
    "left_knee", "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear",
    "left_foot_index", "left_small_toe", "left_heel", "right_foot_index", "right_small_toe",
    "right_heel",
)
_ORDERS = {18: COCO18_TO_BLAZEPOSE, 17: COCO17_TO_BLAZEPOSE, 25: BODY25_TO_BLAZEPOSE}
_FRAME_NUMBER = re.compile(r"(\d+)(?=_keypoints\.json$)")


def is_keypoint_path(path: Path) -> bool:
    """True for inputs this module reads (as opposed to videos)."""
    if path.is_dir():
        return any(path.glob("*_keypoints.json"))
    return path.suffix.lower() in {".npy", ".json"}


#: Frame rates a keypoint file may claim (frames per second): a slide show to a high-speed camera.
FPS_RANGE = (0.1, 1000.0)


def check_fps(fps: float) -> None:
    """Refuse a frame rate outside FPS_RANGE (NaN and infinity included)."""
    low, high = FPS_RANGE
    if not low <= fps <= high:  # False for NaN
        raise InputError(f"--fps must be between {low:g} and {high:g} frames per second, got {fps:g}")


def load_keypoints(path: Path, fps: float | None = None) -> PoseSequence:
    """Read a keypoint file or OpenPose folder; ``fps`` is the rate the frames were taken at
    (checked once, where it is given: analysis.AnalysisOptions). Neither format records it:
    without ``fps``, DEFAULT_FPS is assumed and the sequence says so (SourceInfo.fps_assumed),
    so that nothing is judged on durations it cannot know."""
    assumed = fps is None
    rate = DEFAULT_FPS if fps is None else fps
    if path.is_dir() or path.suffix.lower() == ".json":
        seq = _load_openpose_json(path, rate)
    else:
        seq = _load_npy(path, rate)
    seq.source.fps_assumed = assumed
    return seq


def _load_npy(path: Path, fps: float) -> PoseSequence:
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    try:
        arr = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:  # EOFError: a file cut short
        raise InputError(f"{path}: not a readable .npy array ({exc})") from None
    if arr.ndim != 3:
        raise InputError(f"{path}: keypoint array must have shape (T, J, C), got {arr.shape}")
    t, j, c = arr.shape
    if t == 0:
        raise InputError(f"{path}: keypoint array has no frames")
    if j == 33 and c not in (3, 4):
        raise InputError(f"{path}: BlazePose arrays need C=3 (x,y,z) or C=4 (+visibility), got C={c}")
    if j in (17, 18, 25) and c != 3:
        raise InputError(f"{path}: {j}-joint arrays need C=3 (x, y, confidence), got C={c}")
    if j not in (33, 17, 18, 25):
        raise InputError(
            f"{path}: J={j} joints is not a known layout (33 BlazePose, 18 OpenPose COCO-18, "
            "17 COCO-17, 25 OpenPose BODY_25)"
        )
    if not np.issubdtype(arr.dtype, np.number):
        raise InputError(f"{path}: keypoint array must be numeric, got {arr.dtype}")
    arr = arr.astype(np.float64)
    if j == 33:
        xy = arr[:, :, :2].copy()
        score = arr[:, :, 3].copy() if c == 4 else np.ones((t, j))
    else:
        xy, score = _to_blazepose(arr, _ORDERS[j])
    return _finish(xy, score, path, fps, people=1)


def _to_blazepose(
    arr: npt.NDArray[np.float64], order: tuple[str, ...]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Map (T, J, 3) x/y/confidence in another joint order into BlazePose slots."""
    t = arr.shape[0]
    xy = np.full((t, N_JOINTS, 2), np.nan)
    score = np.zeros((t, N_JOINTS))
    for src, name in enumerate(order):
        if name in J:
            xy[:, J[name]] = arr[:, src, :2]
            score[:, J[name]] = arr[:, src, 2]
    missing = (score <= 0) & np.all(np.nan_to_num(xy) == 0, axis=-1)
    xy[missing] = np.nan
    return xy, np.nan_to_num(score)


def _load_openpose_json(path: Path, fps: float) -> PoseSequence:
    files = sorted(path.glob("*_keypoints.json")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: folder holds no OpenPose *_keypoints.json files")
    frames: list[list[npt.NDArray[np.float64]]] = []
    numbers: list[int] = []
    for i, f in enumerate(files):
        try:
            doc = json.loads(f.read_text())
            people = doc["people"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{f}: not an OpenPose keypoints file ({exc})") from None
        persons = []
        for person in people:
            flat = person.get("pose_keypoints_2d", person.get("pose_keypoints"))
            if not flat or len(flat) % 3 or len(flat) // 3 not in _ORDERS:
                raise InputError(f"{f}: pose keypoints must hold 18 or 25 joints as x, y, c triples")
            persons.append(np.asarray(flat, dtype=np.float64).reshape(-1, 3))
        frames.append(persons)
        m = _FRAME_NUMBER.search(f.name)
        numbers.append(int(m.group(1)) if m else i)
    people_in_view = max((len(p) for p in frames), default=0)
    chosen = select_exerciser(frames)
    n_joints = next((p.shape[0] for p in chosen if p is not None), 18)
    arr = np.stack([p if p is not None else np.full((n_joints, 3), np.nan) for p in chosen])
    xy, score = _to_blazepose(arr, _ORDERS[n_joints])
    seq = _finish(xy, score, path, fps, people=people_in_view)
    seq.frame_indices = np.asarray(numbers, dtype=np.int64) - min(numbers)
    seq.times = seq.frame_indices / fps
    return seq


def detect_coords(xy: npt.NDArray[np.float64]) -> CoordKind:
    """Tell pixel, normalised and per-frame min-max normalised coordinates apart."""
    finite = xy[np.isfinite(xy).all(axis=-1)]
    if finite.size == 0 or np.nanmax(np.abs(finite)) > 2.0:
        return "pixels"
    valid = np.isfinite(xy).all(axis=-1).sum(axis=1) >= 8
    if valid.sum() >= 5:
        lo = np.nanmin(xy[valid], axis=1)
        hi = np.nanmax(xy[valid], axis=1)
        per_frame = (np.abs(lo) < 1e-3).all(axis=1) & (np.abs(hi - 1) < 1e-3).all(axis=1)
        if per_frame.mean() > 0.8:
            return "frame_normalised"
    return "normalised"


def _finish(
    xy: npt.NDArray[np.float64], score: npt.NDArray[np.float64], path: Path, fps: float, people: int
) -> PoseSequence:
    t = xy.shape[0]
    coords = detect_coords(xy)
    score = np.where(np.isfinite(xy).all(axis=-1), np.clip(np.nan_to_num(score), 0, 1), 0.0)
    idx = np.arange(t, dtype=np.int64)
    source = SourceInfo(
        path=str(path), kind="keypoints", fps=fps, frames=t, duration_s=t / fps,
    )
    notes = []
    if people > 1:
        notes.append(f"{people} people in view: following the one who is exercising.")
    return PoseSequence(
        xy=xy, score=score, times=idx / fps, frame_indices=idx, coords=coords, source=source,
        people_in_view=max(people, 1), notes=notes,
    )
