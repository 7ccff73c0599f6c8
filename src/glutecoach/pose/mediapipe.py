"""MediaPipe BlazePose, the default backend, and its face detector; the only module importing mediapipe.

mediapipe==0.10.21's legacy ``solutions.pose`` carries its model files inside the wheel, so
nothing is downloaded at run time. model_complexity=1 ("full") is the accuracy/speed balance
BlazePose recommends for fitness use. Its own tracking follows the same person from frame to
frame once found, which keeps a set on one person when others walk through.
"""

from __future__ import annotations

import os

import numpy as np
import numpy.typing as npt

from glutecoach.pose.base import PoseEstimate

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_OFF_SCREEN_MARGIN = 0.02  # normalised; a joint this far outside the picture is not trusted


class MediaPipePose:
    """BlazePose full (model_complexity=1) in video mode with landmark smoothing off.

    Smoothing is left to kinematics/filtering.py, which knows the real frame times; BlazePose's
    own filter assumes evenly spaced frames, which sampled or variable-rate video is not.
    """

    name = "mediapipe-blazepose-full-0.10.21"

    def __init__(self, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        import mediapipe as mp
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,
            enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def estimate(self, image_rgb: npt.NDArray[np.uint8]) -> PoseEstimate | None:
        result = self._pose.process(image_rgb)
        if result.pose_landmarks is None:
            return None
        lm = result.pose_landmarks.landmark
        xy = np.array([[p.x, p.y] for p in lm], dtype=np.float64)
        score = np.array([p.visibility for p in lm], dtype=np.float64)
        # BlazePose reports visibility near 1 for joints it extrapolates off screen.
        off = (xy < -_OFF_SCREEN_MARGIN).any(axis=1) | (xy > 1 + _OFF_SCREEN_MARGIN).any(axis=1)
        score[off] = 0.0
        world = None
        if result.pose_world_landmarks is not None:
            world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks.landmark],
                             dtype=np.float64)
        return PoseEstimate(xy=xy, score=score, world=world)

    def close(self) -> None:
        self._pose.close()


class MediaPipeFaces:
    """MediaPipe's full-range face detector (bundled in the same wheel, up to about 5 m), used
    to count the people in view (pose/people.py). ``find`` gives (centre x, width), both 0-1."""

    def __init__(self, min_score: float = 0.5):
        import mediapipe as mp

        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=min_score)

    def find(self, image_rgb: npt.NDArray[np.uint8]) -> list[tuple[float, float]]:
        found = self._detector.process(image_rgb).detections or []
        boxes = [d.location_data.relative_bounding_box for d in found]
        return [(float(b.xmin + b.width / 2), float(b.width)) for b in boxes]

    def close(self) -> None:
        self._detector.close()
