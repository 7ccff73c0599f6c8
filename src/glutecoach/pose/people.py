"""Several people in view: find them, and give the pose model one person at a time.

BlazePose (mp.solutions.pose) follows a single person, the one its detector finds first, which
in a shared living room or a gym is often the larger, nearer bystander rather than the person
squatting. MediaPipe's face detector, bundled in the same wheel, finds every face; faces seen
again and again at the same place across the first seconds of the clip are the people in view.
(pose/mediapipe.py holds both MediaPipe models.) The picture is then split into vertical bands, one per person (boundaries half-way between
neighbouring faces), and the pose model runs on each band through ``CroppedEstimator``, a
PoseEstimator like any other. Which band holds the exerciser is decided by the analysis
(analysis.load_sequence): the one whose legs squat. Because each band is a fixed part of the
picture, the same person is followed to the end.

Limits: a face must be seen (people filmed from behind are not counted apart), and people one
behind the other (the same columns) cannot be separated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from glutecoach.io.video import iter_frames
from glutecoach.pose.base import PoseEstimate, PoseEstimator
from glutecoach.thresholds import DEFAULT_FPS

SCAN_S = 8.0  # people are counted over the first seconds of the clip
SCAN_FRAMES = 16  # frames looked at, evenly spread over that time
MIN_FACE_SCORE = 0.5
MIN_SEEN_SHARE = 0.1  # a face found in this share of the frames looked at (at least 2) is a person:
# missing someone costs the analysis, an extra band only costs time (the whole picture wins ties)
SAME_PERSON_FACE_WIDTHS = 2.0  # detections closer than this (in face widths) are one person


@dataclass(frozen=True)
class Band:
    """Columns x0..x1 of the picture (0-1) given to the pose model for one person."""

    x0: float
    x1: float
    centre: float  # the person's face, 0-1


def find_people(path: Path, fps: float, max_side: int | None = 640) -> list[Band]:
    """The people in view at the start of the clip, left to right, as picture bands."""
    from glutecoach.pose.mediapipe import MediaPipeFaces

    last = max(1, int(SCAN_S * (fps or DEFAULT_FPS)))
    wanted = set(np.linspace(0, last - 1, SCAN_FRAMES).round().astype(int).tolist())
    faces: list[list[tuple[float, float]]] = []  # per frame: (centre x, width)
    finder = MediaPipeFaces(MIN_FACE_SCORE)
    try:
        for frame in iter_frames(path, want=lambda i, _t: i in wanted, max_side=max_side):
            if frame.image is not None:
                faces.append(finder.find(frame.image))
            if frame.index >= last:
                break
    finally:
        finder.close()
    return bands_for(faces)


def bands_for(faces: list[list[tuple[float, float]]]) -> list[Band]:
    """Group face detections across frames by position; one band per recurring face."""
    if not faces:
        return []
    groups: list[list[tuple[float, float]]] = []
    for frame_faces in faces:
        for centre, width in frame_faces:
            for group in groups:
                g_centre = float(np.median([c for c, _ in group]))
                g_width = float(np.median([w for _, w in group]))
                if abs(centre - g_centre) < SAME_PERSON_FACE_WIDTHS * max(width, g_width):
                    group.append((centre, width))
                    break
            else:
                groups.append([(centre, width)])
    need = max(2, int(np.ceil(MIN_SEEN_SHARE * len(faces))))
    centres = sorted(float(np.median([c for c, _ in g])) for g in groups if len(g) >= need)
    if len(centres) < 2:
        return [Band(0.0, 1.0, centres[0])] if centres else []
    edges = [0.0] + [(a + b) / 2 for a, b in zip(centres, centres[1:])] + [1.0]
    return [Band(edges[i], edges[i + 1], c) for i, c in enumerate(centres)]


class CroppedEstimator:
    """A PoseEstimator that sees only one band of the picture; landmarks come back in the
    coordinates of the whole picture, so nothing downstream knows a crop was used."""

    def __init__(self, inner: PoseEstimator, band: Band):
        self.inner, self.band = inner, band
        self.name = f"{inner.name} (columns {band.x0:.2f}-{band.x1:.2f})"

    def estimate(self, image_rgb: npt.NDArray[np.uint8]) -> PoseEstimate | None:
        w = image_rgb.shape[1]
        a, b = int(round(self.band.x0 * w)), max(int(round(self.band.x1 * w)), int(round(self.band.x0 * w)) + 1)
        est = self.inner.estimate(np.ascontiguousarray(image_rgb[:, a:b]))
        if est is None:
            return None
        xy = est.xy.copy()
        xy[:, 0] = (a + xy[:, 0] * (b - a)) / w
        return PoseEstimate(xy=xy, score=est.score, world=est.world)

    def close(self) -> None:
        self.inner.close()


def cropped_factory(factory: Callable[[], PoseEstimator], band: Band) -> Callable[[], PoseEstimator]:
    return lambda: CroppedEstimator(factory(), band)
