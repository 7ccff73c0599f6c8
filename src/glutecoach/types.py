"""Plain data passed between the pipeline's stages (the outward result is in result.py).

Coordinates are image coordinates with y pointing down. ``coords`` says what unit they are in:
``pixels`` (angles are true 2D angles), ``normalised`` (0-1 of a frame whose size may be
unknown) or ``frame_normalised`` (each frame min-max scaled on its own, as in RepCount: good for
counting, not for angles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

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
    # True when the input does not record its frame rate (keypoint files without --fps) and
    # DEFAULT_FPS was assumed: counts still hold, but durations (tempo) are not known.
    fps_assumed: bool = False


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
