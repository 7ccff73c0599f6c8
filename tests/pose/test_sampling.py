"""Which frames the pose model sees: the sampler's strides and dense mode on hand-built legs, and
long videos cut into segments that stitch back exactly."""

from __future__ import annotations

import numpy as np
import pytest
from support import VIDEOS

from glutecoach.analysis import analyze_sequence
from glutecoach.io.video import iter_frames, probe
from glutecoach.pose import sampling
from glutecoach.pose.base import default_estimator
from glutecoach.pose.sampling import AdaptiveSampler, base_stride, pose_stride
from glutecoach.pose.skeleton import N_JOINTS, J


def test_sampler_strides_and_dense_mode_near_a_turning_point():
    assert (pose_stride(30.0), base_stride(30.0)) == (2, 4)  # 15 and 7.5 samples a second
    assert (pose_stride(60.0), base_stride(60.0)) == (4, 8)
    assert (pose_stride(30.0, every_frame=True), base_stride(30.0, every_frame=True)) == (1, 1)

    def legs(ratio: float) -> tuple[np.ndarray, np.ndarray]:
        """Hip, knee, ankle of both legs; shin 100 px, thigh ``ratio`` x 100 px vertically."""
        xy = np.full((N_JOINTS, 2), np.nan)
        for side in ("left", "right"):
            xy[J[f"{side}_ankle"]] = (0, 400)
            xy[J[f"{side}_knee"]] = (0, 300)
            xy[J[f"{side}_hip"]] = (0, 300 - 100 * ratio)
        return xy, np.ones(N_JOINTS)

    s = AdaptiveSampler(30.0)
    last = 0
    for i, t in enumerate(np.arange(0, 2, 1 / 15)):  # standing still for 2 s
        last = 2 * i
        s.observe(last, float(t), *legs(1.0))
    assert not s.dense_mode  # upright and still: the base rate
    assert s.want(last + s.base) and not s.want(last + s.dense)
    for k, t in enumerate(np.arange(2, 2.5, 1 / 15)):  # held near the bottom of a squat
        s.observe(60 + 2 * k, float(t), *legs(0.1))
    assert s.dense_mode  # deep and slow: every candidate frame near the turning point


@pytest.mark.parametrize("clip", ["side", "vfr"])
def test_long_video_segments_stitch_back_exactly(monkeypatch, variants, clip):
    """A long video is cut into segments analysed by separate pose models at once. Made to cut
    real clips into 1-second segments: every frame comes back once, in order, with the
    timestamps a plain decode gives, and the reps are those of the uncut analysis."""
    path = VIDEOS / "side_bodyweight_5reps.mp4" if clip == "side" else variants["vfr"]
    whole = analyze_sequence(sampling.estimate_video_poses(path, probe(path), default_estimator))
    monkeypatch.setattr(sampling, "SEGMENT_S", 1.0)
    stats = sampling.SamplingStats()
    seq = sampling.estimate_video_poses(path, probe(path), default_estimator, stats=stats)
    assert stats.segments >= 2
    times = [f.time_s for f in iter_frames(path, want=lambda i, t: False)]
    assert len(seq) == len(times) == seq.source.frames
    assert np.allclose(seq.times, np.asarray(times) - times[0])
    assert list(seq.frame_indices) == list(range(len(times)))
    cut = analyze_sequence(seq)
    assert cut.rep_count == whole.rep_count
    assert [r.bottom_frame for r in cut.reps] == pytest.approx([r.bottom_frame for r in whole.reps], abs=3)
