"""The benchmarks' own machinery (benchmarks/robustness.py, benchmarks/speed.py): the landmark
variants keep a sequence well formed, mirroring is its own inverse, a looped clip is three
clips end to end, and the many-source long video draws on at least 8 sources. Runs in a second
on a stick figure; the benchmarks themselves (pose model, ffmpeg) are not run here."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import stickfigure as figure

from glutecoach.analysis import analyze_sequence
from glutecoach.pose.skeleton import J
from glutecoach.types import PoseSequence

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
VIDEOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "videos"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


robustness = _module("robustness")


def _squats(yaw: float = 90.0, reps: int = 3) -> PoseSequence:
    seq = figure.sequence(figure.squats(reps), yaw_deg=yaw)
    # A world array like BlazePose's (metres, hip-centred), so the variants carry it through.
    hips = seq.xy[:, [J["left_hip"], J["right_hip"]]].mean(axis=1, keepdims=True)
    flat = (seq.xy - hips) / 600.0
    return dataclasses.replace(seq, world=np.concatenate([flat, np.zeros_like(flat[..., :1])], -1))


def test_video_variants_keep_the_sequence_well_formed() -> None:
    seq = _squats()
    seen = []
    for name, v in robustness.video_variants(seq, np.random.default_rng(0)):
        seen.append(name)
        n = len(v)
        assert v.score.shape == (n, 33) and v.times.shape == (n,) and v.frame_indices.shape == (n,)
        assert v.world is not None and v.world.shape == (n, 33, 3), name
        assert np.all(np.diff(v.times) > 0), name
        assert np.all(np.diff(v.frame_indices) > 0), name
    assert seen == ["as is", "backwards", "half fps", "10% lost", "jitter 0.3%", "jitter 1.0%",
                    "mirrored", f"looped x{robustness.LOOPS}"]


def test_mirroring_twice_gives_the_sequence_back_and_swaps_sides() -> None:
    seq = _squats(yaw=30.0)
    once = robustness.mirror(seq)
    np.testing.assert_allclose(once.xy[:, J["left_knee"], 0], 1280 - seq.xy[:, J["right_knee"], 0])
    twice = robustness.mirror(once)
    np.testing.assert_allclose(twice.xy, seq.xy)
    np.testing.assert_allclose(twice.world, seq.world)
    np.testing.assert_allclose(twice.score, seq.score)


def test_a_looped_set_counts_three_times_as_many() -> None:
    seq = _squats(reps=3)
    long = robustness.looped(seq)
    assert len(long) == 3 * len(seq)
    assert long.source.duration_s == pytest.approx(3 * seq.source.duration_s)
    assert analyze_sequence(long).rep_count == 3 * analyze_sequence(seq).rep_count


def test_a_clip_cut_mid_rep_gains_at_the_joins_only() -> None:
    # Cut in the last rep's descent: each join completes that rep (the jump to the clip's
    # standing start), which the long-set check must leave out, and nothing else changes.
    full = _squats(reps=3)
    bottoms = [r.bottom_frame for r in analyze_sequence(full).reps]
    seq = robustness._take(full, np.arange(bottoms[-1] + 1))
    span = robustness.pass_length_s(seq)
    alone, long = analyze_sequence(seq), analyze_sequence(robustness.looped(seq))
    assert long.rep_count == 3 * alone.rep_count + 2  # one more at each of the two joins
    assert robustness.interior_reps(alone.reps, span) == alone.rep_count == 2
    assert robustness.interior_reps(long.reps, span, 3) == 6


@pytest.mark.skipif(not (VIDEOS / "truth.csv").exists(), reason="../shared/data is not beside the clone")
def test_the_many_source_long_video_draws_on_at_least_eight_sources() -> None:
    speed = _module("speed")
    clips = speed.many_source_clips(VIDEOS)
    with (VIDEOS / "truth.csv").open() as fh:
        source = {r["file"][:-4]: r["source"] for r in csv.DictReader(fh)}
    assert len({source[c] for c in clips}) >= 8
    assert all((VIDEOS / f"{c}.mp4").exists() for c in clips)


def test_random_variants_are_drawn_as_often_as_asked_and_differ() -> None:
    seq = _squats()
    drawn: dict[str, list[PoseSequence]] = {}
    for name, v in robustness.video_variants(seq, np.random.default_rng(0), draws=3):
        drawn.setdefault(name, []).append(v)
    assert {k: len(v) for k, v in drawn.items() if len(v) > 1} == {k: 3 for k in robustness.RANDOM}
    first, second = drawn["jitter 1.0%"][:2]
    assert not np.allclose(first.xy, second.xy)
    assert len(drawn["as is"]) == len(drawn["mirrored"]) == 1


def test_own_noise_measures_added_jitter_against_the_body() -> None:
    from glutecoach.kinematics.filtering import body_extent

    seq = _squats(reps=3)
    clean, added = robustness.own_noise(seq)
    assert clean < 0.003  # a drawn figure moves smoothly (its turns are sharper than a person's)
    body = body_extent(seq.xy)
    assert added == pytest.approx(0.01 * float(np.nanmax(seq.xy) - np.nanmin(seq.xy)) / body)
    noisy = dataclasses.replace(seq, xy=seq.xy + np.random.default_rng(1).normal(0, 0.01 * body, seq.xy.shape))
    measured, _ = robustness.own_noise(noisy)
    # White noise of 1% of the body: the part above the 6 Hz cut-off is most of it.
    assert 0.005 < measured < 0.011


def test_late_start_opens_the_clip_just_before_its_first_rep() -> None:
    seq = _squats(reps=3)
    result = analyze_sequence(seq)
    first = result.reps[0].start_s
    late = robustness.late_start(seq, first)
    assert late is not None and late.times[0] >= first - robustness.LATE_START_S
    assert late.times[0] - (first - robustness.LATE_START_S) < 0.1  # cut as near the mark as frames allow
    assert analyze_sequence(late).rep_count == result.rep_count
    assert robustness.late_start(late, first) is None  # already opens that late
    assert robustness.late_start(seq, None) is None  # no rep, nothing to cut to
