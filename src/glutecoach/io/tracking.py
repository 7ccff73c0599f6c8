"""Which person to follow when several are in view: the one who is exercising.

Detections are linked frame to frame by their nearest centre (a person does not jump across the
picture between frames); the track that is present longest and moves its hips up and down most
is the exerciser, and that one track is followed to the end, so the analysis never switches
people mid-set.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Detection = npt.NDArray[np.float64]  # (J, 3): x, y, confidence


def _centre_and_size(person: Detection) -> tuple[npt.NDArray[np.float64], float] | None:
    ok = (person[:, 2] > 0) & np.isfinite(person[:, :2]).all(axis=1)
    if ok.sum() < 4:
        return None
    pts = person[ok, :2]
    size = float(np.ptp(pts[:, 1]) + np.ptp(pts[:, 0])) / 2 or 1.0
    return pts.mean(axis=0), size


def select_exerciser(frames: list[list[Detection]]) -> list[Detection | None]:
    """Return, per frame, the detection of the person who exercises (None where absent)."""
    tracks: list[dict[int, Detection]] = []
    last: list[tuple[npt.NDArray[np.float64], float, int]] = []
    for t, people in enumerate(frames):
        taken: set[int] = set()
        for person in people:
            cs = _centre_and_size(person)
            if cs is None:
                continue
            centre, size = cs
            best, best_d = -1, np.inf
            for k, (c, s, seen) in enumerate(last):
                d = float(np.linalg.norm(centre - c))
                if k not in taken and t - seen <= 15 and d < 0.5 * max(s, size) and d < best_d:
                    best, best_d = k, d
            if best < 0:
                tracks.append({})
                last.append((centre, size, t))
                best = len(tracks) - 1
            tracks[best][t] = person
            last[best] = (centre, size, t)
            taken.add(best)
    if not tracks:
        return [None] * len(frames)

    def activity(track: dict[int, Detection]) -> float:
        ys = [np.nanmean(p[p[:, 2] > 0, 1]) for p in track.values()]
        sizes = [(_centre_and_size(p) or (None, 1.0))[1] for p in track.values()]
        motion = float(np.nanstd(ys) / (np.nanmedian(sizes) or 1.0)) if len(ys) > 1 else 0.0
        return len(track) / len(frames) * (0.05 + motion)

    best_track = max(tracks, key=activity)
    return [best_track.get(t) for t in range(len(frames))]
