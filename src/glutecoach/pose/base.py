"""The small contract a pose model must meet to replace MediaPipe without touching the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


@dataclass
class PoseEstimate:
    """Landmarks of one person in one image, in BlazePose order (pose/skeleton.py).

    xy: (33, 2) normalised to the image (0-1, y down); may fall outside 0-1 for joints the model
    places off screen. score: (33,) 0-1; a backend sets 0 for joints it did not find.
    world: (33, 3) metres in the body's own frame (origin between the hips, x to the picture's
    right, y down, z away from the camera), or None for a backend without 3D landmarks. It is
    what tells the body's orientation to the camera (kinematics/view.py): 2D widths cannot tell
    arms reaching forward from shoulders turned towards the camera.
    """

    xy: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    world: npt.NDArray[np.float64] | None = None


class PoseEstimator(Protocol):
    """A stateful per-video estimator: frames are given in time order, one video per instance."""

    name: str

    def estimate(self, image_rgb: npt.NDArray[np.uint8]) -> PoseEstimate | None:
        """Landmarks of the person being followed, or None when nobody is found."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


def default_estimator() -> PoseEstimator:
    """MediaPipe BlazePose (full model), imported lazily so keypoint input never loads it."""
    from glutecoach.pose.mediapipe import MediaPipePose

    return MediaPipePose()
