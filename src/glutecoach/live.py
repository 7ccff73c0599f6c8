"""The live coach's core: frames in as they arrive, rep count and one cue at a time out.

It uses the same pieces as file analysis (analysis.py): the pose estimator behind its protocol,
the streaming RepCounter and a RepJudge (the squat gate and the per-rep checks). Only the
smoothing differs, because a live signal cannot look ahead: a One Euro filter (causal, little lag
when the person moves fast, strong smoothing when still) replaces the offline zero-phase
low-pass. ``finish()`` runs the offline analysis on everything seen, so the set saved to the log
is judged exactly as an uploaded video of the same frames would be.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from glutecoach.analysis import analyze_sequence
from glutecoach.checks.judge import RepJudge
from glutecoach.kinematics.filtering import OneEuroFilter, mask_low_confidence
from glutecoach.kinematics.signals import combine_legs, leg_ratio, legs_upright
from glutecoach.kinematics.view import view_of_set
from glutecoach.pose.base import PoseEstimator, default_estimator
from glutecoach.pose.skeleton import N_JOINTS
from glutecoach.reps import RepCounter, RepWindow
from glutecoach.result import AnalysisResult, Rep
from glutecoach.thresholds import FILTER
from glutecoach.types import PoseSequence, SourceInfo


@dataclass
class LiveUpdate:
    """What the live page needs after each frame (plain data, JSON-ready via to_dict)."""

    t_s: float
    found: bool
    landmarks: list[list[float]] | None  # 33 x [x, y, score], normalised to the image
    reps: int
    phase: str
    depth: float | None  # thigh rise, 0 standing .. 1 thighs horizontal
    cue: str | None  # one cue at a time: the latest rep's most important one
    rep: dict[str, Any] | None = None  # the rep that just completed, if one did
    rejected: str | None = None  # why the movement that just ended was not counted
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class LiveCoach:
    """One live set. Feed ``push_image`` (or ``push_pose`` for landmarks from elsewhere) in time
    order; call ``finish()`` at the end. Not thread-safe: one per connection."""

    estimator: PoseEstimator | None = None
    width: int = 640
    height: int = 480
    _counter: RepCounter = field(default_factory=RepCounter)
    _filter: OneEuroFilter = field(default_factory=lambda: OneEuroFilter(
        min_cutoff=FILTER.live_min_cutoff_hz, beta=FILTER.live_beta))
    _raw_xy: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _score: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _world: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _xy: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _ratios: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _combined: list[float] = field(default_factory=list)  # both legs, per frame (combine_legs)
    _times: list[float] = field(default_factory=list)
    reps: list[Rep] = field(default_factory=list)
    _cue: str | None = None
    _closed: bool = False
    _judge: RepJudge = field(default_factory=RepJudge)  # the same gate and checks as file analysis
    _first_start: int | None = None  # where the set's first movement began (the view is read from there)

    def push_image(self, image_rgb: npt.NDArray[np.uint8], t_s: float) -> LiveUpdate:
        """Run the pose model on one RGB frame and update the set."""
        started = time.perf_counter()
        if self.estimator is None:
            self.estimator = default_estimator()
        self.height, self.width = image_rgb.shape[:2]
        est = self.estimator.estimate(image_rgb)
        if est is None:
            update = self.push_pose(None, None, t_s)
        else:
            update = self.push_pose(est.xy, est.score, t_s, est.world)
        update.latency_ms = (time.perf_counter() - started) * 1000
        return update

    def push_pose(self, xy: npt.NDArray[np.float64] | None, score: npt.NDArray[np.float64] | None,
                  t_s: float, world: npt.NDArray[np.float64] | None = None) -> LiveUpdate:
        """Landmarks normalised to the image (33 x 2, BlazePose order), or None if nobody;
        ``world``: the model's 3D landmarks in metres (33 x 3), if it gives them."""
        if self._times and t_s <= self._times[-1]:
            t_s = self._times[-1] + 1e-3  # clocks from browsers can repeat; keep time moving
        if xy is None or score is None:
            xy, score = np.full((N_JOINTS, 2), np.nan), np.zeros(N_JOINTS)
        px = np.asarray(xy, dtype=np.float64) * np.array([self.width, self.height], dtype=np.float64)
        score = np.asarray(score, float)
        self._raw_xy.append(px)
        self._world.append(np.full((N_JOINTS, 3), np.nan) if world is None else np.asarray(world, float))
        self._score.append(score)
        self._times.append(float(t_s))
        clean = mask_low_confidence(px[None], score[None])[0]
        smooth = self._filter(clean, t_s)
        self._xy.append(smooth)
        ratios = np.array([leg_ratio(smooth[None], "left")[0], leg_ratio(smooth[None], "right")[0]])
        self._ratios.append(ratios)
        combined = float(combine_legs(ratios[None], score[None])[0])
        self._combined.append(combined)
        position = len(self._times) - 1
        rejected_before = len(self._counter.rejected)
        window = self._counter.update(position, float(t_s), combined, bool(legs_upright(smooth[None])[0]))
        rep_dict, rejected_text = self._judge_window(window) if window is not None else (None, None)
        if len(self._counter.rejected) > rejected_before:
            rejected_text = self._counter.rejected[-1].reason
        found = bool(np.isfinite(px).all(axis=1).any())
        rise = self._counter.rise
        return LiveUpdate(
            t_s=float(t_s), found=found,
            landmarks=[[float(x), float(y), float(s)] for (x, y), s in zip(np.asarray(xy), score)]
            if found else None,
            reps=len(self.reps), phase=self._counter.phase.value,
            depth=round(float(rise), 3) if np.isfinite(rise) else None,
            cue=self._cue, rep=rep_dict, rejected=rejected_text,
        )

    def _judge_window(self, window: RepWindow) -> tuple[dict[str, Any] | None, str | None]:
        """Gate and check the rep that just ended, on the causally smoothed landmarks."""
        seq = self._sequence()  # the set so far: its confidences, 3D landmarks, and the rep's times
        xy = np.asarray(self._xy)
        times = np.asarray(self._times)
        ratios = np.asarray(self._ratios)
        standing = self._counter.standing_ratio
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            combined = np.asarray(self._combined)
            if self._first_start is None:
                self._first_start = window.start
            view = view_of_set(xy, seq.score, seq.world, times, combined, standing,
                               (self._first_start, window.end))
            ctx, why, _ = self._judge.gate(xy, times, combined, ratios, standing, window,
                                           len(times) - 1, "pixels", view, seq.world)
            if why:
                return None, why
            rep = self._judge.judge(seq, ctx)
        self.reps.append(rep)
        if rep.faults:
            self._cue = rep.faults[0].cue
        elif not rep.reliable and rep.unreliable_reason:
            # A rep that could not be judged: how to film so the next one can be.
            self._cue = "Not judged: " + rep.unreliable_reason + "."
        else:
            self._cue = rep.praise
        return rep.to_dict(), None

    def _sequence(self) -> PoseSequence:
        """Everything seen so far as a pose sequence (raw landmarks, times from the first
        frame); an empty one before the first frame."""
        n = len(self._times)
        times = np.asarray(self._times, dtype=np.float64)
        duration = float(times[-1] - times[0]) if n > 1 else 0.0
        fps = (n - 1) / duration if duration > 0 else FILTER.live_fallback_fps
        info = SourceInfo(path="live camera", kind="video", fps=round(fps, 2), frames=n,
                          duration_s=round(duration, 3), width=self.width, height=self.height)
        return PoseSequence(xy=np.asarray(self._raw_xy).reshape(n, N_JOINTS, 2),
                            score=np.asarray(self._score).reshape(n, N_JOINTS),
                            times=times - times[0] if n else times,
                            frame_indices=np.arange(n, dtype=np.int64), coords="pixels",
                            source=info, world=np.asarray(self._world).reshape(n, N_JOINTS, 3))

    def close(self) -> None:
        """Release the pose model (safe to call more than once)."""
        if self.estimator is not None and not self._closed:
            self.estimator.close()
            self._closed = True

    def finish(self) -> AnalysisResult:
        """The whole set, judged by the offline analysis (the same as an uploaded video)."""
        self.close()
        return analyze_sequence(self._sequence())
