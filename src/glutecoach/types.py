"""Plain data passed between the pipeline's stages.

Coordinates are image coordinates with y pointing down. ``coords`` says what unit they are in:
``pixels`` (angles are true 2D angles), ``normalised`` (0-1 of a frame whose size may be
unknown) or ``frame_normalised`` (each frame min-max scaled on its own, as in RepCount: good for
counting, not for angles).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

SCHEMA = "glutecoach.analysis/1"

CoordKind = Literal["pixels", "normalised", "frame_normalised"]
View = Literal["front", "back", "side", "oblique", "unknown"]
Severity = Literal["fault", "advice"]


@dataclass
class SourceInfo:
    """Where a sequence came from; ``frames`` counts input frames, analysed or not."""

    path: str
    kind: Literal["video", "keypoints"]
    fps: float
    frames: int
    duration_s: float
    width: int | None = None
    height: int | None = None
    codec: str | None = None
    rotation_deg: int = 0


@dataclass
class PoseSequence:
    """Landmarks per analysed frame, in the BlazePose 33-joint vocabulary (see pose/skeleton.py).

    xy: (T, 33, 2) float, NaN where a joint was not found. score: (T, 33) confidence 0-1.
    times: (T,) seconds from the start of the input. frame_indices: (T,) input frame numbers,
    so a sequence may skip frames (variable frame rate, sampled analysis). world: (T, 33, 3)
    metres in the body's frame (pose.base.PoseEstimate.world), NaN where not estimated, or None
    for input without 3D landmarks (keypoint files).
    """

    xy: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    times: npt.NDArray[np.float64]
    frame_indices: npt.NDArray[np.int64]
    coords: CoordKind
    source: SourceInfo
    people_in_view: int = 1
    notes: list[str] = field(default_factory=list)
    world: npt.NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.xy.shape[0])

    @property
    def fps(self) -> float:
        """Effective rate of the analysed frames (median spacing), for filters and tempo."""
        if len(self.times) < 2:
            return self.source.fps
        dt = float(np.median(np.diff(self.times)))
        return 1.0 / dt if dt > 0 else self.source.fps


@dataclass
class Fault:
    """One observed deviation from one of the article's cues, in one rep."""

    code: str
    severity: Severity
    value: float
    threshold: float
    unit: str
    cue: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class NotChecked:
    """A cue this rep could not be judged on, why, and how to film so that it can be."""

    code: str
    reason: str
    how_to_film: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Rep:
    """One complete rep: stand, descend, rise back to standing."""

    index: int
    start_frame: int
    bottom_frame: int
    end_frame: int
    start_s: float
    bottom_s: float
    end_s: float
    reliable: bool
    metrics: dict[str, float | None] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    score: int | None = None
    unreliable_reason: str | None = None
    praise: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start_s": round(self.start_s, 3),
            "bottom_s": round(self.bottom_s, 3),
            "end_s": round(self.end_s, 3),
            "start_frame": self.start_frame,
            "bottom_frame": self.bottom_frame,
            "end_frame": self.end_frame,
            "reliable": self.reliable,
            "unreliable_reason": self.unreliable_reason,
            "score": self.score,
            "metrics": {k: (None if v is None else round(float(v), 2)) for k, v in self.metrics.items()},
            "faults": [f.to_dict() for f in self.faults],
            "not_checked": [n.to_dict() for n in self.not_checked],
            "praise": self.praise,
        }


@dataclass
class AnalysisResult:
    """Everything the analysis found in one input; ``to_dict`` is the documented JSON schema."""

    source: SourceInfo
    squat_detected: bool
    view: View
    reps: list[Rep]
    summary: dict[str, Any]
    warnings: list[str]
    people_in_view: int = 1
    analysed_frames: int = 0

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def to_dict(self) -> dict[str, Any]:
        src = asdict(self.source)
        src["fps"] = round(float(src["fps"]), 3)
        src["duration_s"] = round(float(src["duration_s"]), 3)
        return {
            "schema": SCHEMA,
            "source": src,
            "analysed_frames": self.analysed_frames,
            "people_in_view": self.people_in_view,
            "squat_detected": self.squat_detected,
            "view": self.view,
            "rep_count": self.rep_count,
            "reps": [r.to_dict() for r in self.reps],
            "summary": self.summary,
            "warnings": self.warnings,
        }
