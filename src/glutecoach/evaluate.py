"""Accuracy on a data folder laid out like ../shared/data (see its README).

videos/truth.csv (squat_reps, accept), keypoints/repcount/truth.csv (exercise, squat_reps) and
keypoints/qom/labels.csv (hand-segmented reps with form labels). Each labelled QoM rep is matched
to the detected rep that overlaps it most; a labelled rep with no detected rep counts as a miss
for its fault (and is not a true negative for correct reps).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glutecoach.analysis import AnalysisOptions, analyze_sequence, load_sequence
from glutecoach.io.keypoints import is_keypoint_path
from glutecoach.result import AnalysisResult
from glutecoach.types import PoseSequence, SourceInfo

VIEWS = ("front", "back", "side", "oblique")
QOM_FAULTS = {
    "incorrect_not_low": "depth_above_parallel",
    "incorrect_lean_fwd": "chest_dropping",
    "incorrect_feet_close": "stance_too_narrow",
}


@dataclass
class Evaluation:
    videos: list[dict[str, Any]] = field(default_factory=list)
    sequences: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, dict[str, float]] = field(default_factory=dict)
    faults_by_person: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    qom_reps_matched: tuple[int, int] = (0, 0)
    correct_reps_clean: tuple[int, int] = (0, 0)  # QoM "correct" reps flagged with none of its faults
    # ... and with no cue at all: the dataset labels only its own faults, but a patient doing a
    # rep a physiotherapist calls correct should hear no correction of any kind
    correct_reps_no_cue: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict[str, Any]:
        return {"videos": self.videos, "by_source": self.by_source(), "sequences": self.sequences,
                "faults": self.faults, "faults_by_person": self.faults_by_person,
                "qom_reps_matched": list(self.qom_reps_matched),
                "correct_reps_clean": list(self.correct_reps_clean),
                "correct_reps_no_cue": list(self.correct_reps_no_cue), "totals": self.totals()}

    def by_source(self) -> dict[str, dict[str, list[int]]]:
        """Per source of the videos: squat clips within accept, near-misses at zero, and the
        view right where the truth names one of front, back, side or oblique."""
        out: dict[str, dict[str, list[int]]] = {}
        for v in self.videos:
            row = out.setdefault(v["source"], {"squat": [0, 0], "near_miss": [0, 0], "view": [0, 0]})
            kind = row["squat" if v["exercise"] == "squat" else "near_miss"]
            kind[0] += int(v["ok"])
            kind[1] += 1
            if v["view"] in VIEWS:
                row["view"][0] += int(v["view_got"] == v["view"])
                row["view"][1] += 1
        return dict(sorted(out.items()))

    def totals(self) -> dict[str, Any]:
        sq_v = [v for v in self.videos if v["exercise"] == "squat"]
        neg_v = [v for v in self.videos if v["exercise"] != "squat"]
        sq_s = [s for s in self.sequences if s["exercise"] == "squat"]
        neg_s = [s for s in self.sequences if s["exercise"] != "squat"]
        return {
            "squat_videos_within_accept": [sum(v["ok"] for v in sq_v), len(sq_v)],
            "non_squat_videos_zero": [sum(v["ok"] for v in neg_v), len(neg_v)],
            "squat_sequences_exact": [sum(s["got"] == s["truth"] for s in sq_s), len(sq_s)],
            "squat_sequences_off_by_one": [sum(abs(s["got"] - s["truth"]) <= 1 for s in sq_s), len(sq_s)],
            "non_squat_sequences_zero": [sum(s["got"] == 0 for s in neg_s), len(neg_s)],
            "view_right": [sum(v["view_got"] == v["view"] for v in self.videos if v["view"] in VIEWS),
                           sum(v["view"] in VIEWS for v in self.videos)],
        }


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="") as fh:
        yield from csv.DictReader(fh)


# Bump when the pose stage's output changes, so a pose cache made by older code is not used.
POSE_CACHE_VERSION = "2"


class PoseCache:
    """Landmarks of each input kept in a folder between evaluation runs, so that work on the
    later stages (reps, gate, checks) does not wait for the pose model each time. Keyed by the
    input's name, size and modification time and by the options that change the pose stage."""

    def __init__(self, folder: Path | None, options: AnalysisOptions):
        self.folder, self.options = folder, options

    def _key(self, path: Path) -> Path | None:
        if self.folder is None:
            return None
        st = path.stat()
        tag = f"v{POSE_CACHE_VERSION}-{int(self.options.every_frame)}-{st.st_size}-{st.st_mtime_ns}"
        return self.folder / f"{path.name}.{tag}.npz"

    def load(self, path: Path) -> PoseSequence:
        """Keypoint files are read as they are: no pose model to save, and the options (the
        frame rate given or assumed) apply afresh."""
        key = None if is_keypoint_path(path) else self._key(path)
        if key is not None and key.exists():
            return _read_sequence(key)
        seq = load_sequence(path, self.options)
        if key is not None:
            key.parent.mkdir(parents=True, exist_ok=True)
            _write_sequence(key, seq)
        return seq

    def analyze(self, path: Path) -> AnalysisResult:
        return analyze_sequence(self.load(path))


def _write_sequence(path: Path, seq: PoseSequence) -> None:
    meta = {"coords": seq.coords, "source": asdict(seq.source), "people_in_view": seq.people_in_view,
            "notes": seq.notes}
    arrays = {"xy": seq.xy, "score": seq.score, "times": seq.times, "frame_indices": seq.frame_indices}
    if seq.world is not None:
        arrays["world"] = seq.world
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta)), **arrays)
    tmp.replace(path)


def _read_sequence(path: Path) -> PoseSequence:
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        return PoseSequence(xy=z["xy"], score=z["score"], times=z["times"],
                            frame_indices=z["frame_indices"], coords=meta["coords"],
                            source=SourceInfo(**meta["source"]), people_in_view=meta["people_in_view"],
                            notes=meta["notes"], world=z["world"] if "world" in z.files else None)


def evaluate(root: Path, options: AnalysisOptions | None = None,
             on_item: Callable[[str], None] | None = None, pose_cache: Path | None = None) -> Evaluation:
    """Every labelled input under ``root`` analysed and scored against its truth."""
    options = options or AnalysisOptions()
    ev = Evaluation()
    tick = on_item or (lambda name: None)
    cache = PoseCache(pose_cache, options)
    videos = root / "videos" / "truth.csv"
    if videos.exists():
        for row in _rows(videos):
            tick(row["file"])
            res = cache.analyze(root / "videos" / row["file"])
            accept = {int(a) for a in row["accept"].split("|")}
            ev.videos.append({"file": row["file"], "source": row.get("source", ""),
                              "exercise": row["exercise"], "view": row.get("view"),
                              "truth": int(row["squat_reps"]), "accept": sorted(accept),
                              "got": res.rep_count, "view_got": res.view, "ok": res.rep_count in accept})
    repcount = root / "keypoints" / "repcount" / "truth.csv"
    if repcount.exists():
        for row in _rows(repcount):
            tick(row["file"])
            res = cache.analyze(root / "keypoints" / "repcount" / row["file"])
            ev.sequences.append({"file": row["file"], "exercise": row["exercise"],
                                 "truth": int(row["squat_reps"]), "got": res.rep_count})
    labels = root / "keypoints" / "qom" / "labels.csv"
    if labels.exists():
        _evaluate_qom(root / "keypoints" / "qom", labels, cache, ev, tick)
    return ev


def _evaluate_qom(folder: Path, labels: Path, cache: PoseCache, ev: Evaluation,
                  tick: Callable[[str], None]) -> None:
    by_file: dict[str, list[dict[str, str]]] = {}
    for row in _rows(labels):
        by_file.setdefault(row["file"], []).append(row)
    counts: dict[str, dict[str, dict[str, int]]] = {}  # person ("all", "J", "S") -> code -> tp/fp/fn
    matched = total = clean = silent = correct = 0
    for name, rows in sorted(by_file.items()):
        tick(name)
        res = cache.analyze(folder / name)
        person = name.split("_")[0]
        for row in rows:
            total += 1
            rep = _best_overlap(res, int(row["start_frame"]), int(row["end_frame"]))
            found = {f.code for f in rep.faults} if rep is not None and rep.reliable else set()
            matched += rep is not None
            truth = QOM_FAULTS.get(row["label"])
            if row["label"] == "correct":
                correct += 1
                clean += rep is not None and not found & set(QOM_FAULTS.values())
                silent += rep is not None and not found
            for who in ("all", person):
                for code in QOM_FAULTS.values():
                    c = counts.setdefault(who, {}).setdefault(code, {"tp": 0, "fp": 0, "fn": 0})
                    if truth == code:
                        c["tp" if code in found else "fn"] += 1
                    elif code in found and row["label"] in ("correct", *QOM_FAULTS):
                        c["fp"] += 1
    for who, per_code in counts.items():
        scored = {code: _scores(c) for code, c in per_code.items()}
        if who == "all":
            ev.faults = scored
        else:
            ev.faults_by_person[who] = scored
    ev.qom_reps_matched = (matched, total)
    ev.correct_reps_clean = (clean, correct)
    ev.correct_reps_no_cue = (silent, correct)


def _scores(c: dict[str, int]) -> dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {**c, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)}


def _best_overlap(res: AnalysisResult, start: int, end: int):  # type: ignore[no-untyped-def]
    best, best_ov = None, 0
    for rep in res.reps:
        ov = min(end, rep.end_frame) - max(start, rep.start_frame)
        if ov > best_ov:
            best, best_ov = rep, ov
    return best
