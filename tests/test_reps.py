"""The rep state machine on hand-made signals, and on real recordings."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from support import REPCOUNT

from glutecoach.analysis import analyze_file
from glutecoach.reps import RepCounter


def run(signal, fps=30.0):
    rc = RepCounter()
    reps = [w for i, v in enumerate(signal) if (w := rc.update(i, i / fps, float(v)))]
    if (w := rc.finish()):
        reps.append(w)
    return reps, rc


def squats(n, depth=0.9, period=60, pause=20):
    one = 1 - depth * np.sin(np.linspace(0, np.pi, period)) ** 2
    return np.concatenate([np.ones(pause)] + [np.concatenate([one, np.ones(pause)]) for _ in range(n)])


def test_counts_clean_reps_with_bounds():
    reps, _ = run(squats(3))
    assert len(reps) == 3
    for w in reps:
        assert w.start < w.bottom < w.end and w.depth > 0.8


def test_hovering_around_a_threshold_gives_no_phantom_reps():
    rng = np.random.default_rng(1)
    hover = 1 - 0.15 + 0.04 * rng.standard_normal(600)  # jitter around the enter level
    reps, _ = run(hover)
    assert reps == []


def test_noise_at_the_bottom_gives_no_double_count():
    rng = np.random.default_rng(2)
    sig = squats(4) + 0.03 * rng.standard_normal(len(squats(4)))
    reps, _ = run(sig)
    assert len(reps) == 4


def test_fast_reps_stopping_short_of_standing_are_counted_one_by_one():
    # Standing first (ratio 1), then eight quick reps to depth 0.8 whose tops come back only to
    # 0.82 (thigh_rise 0.18, short of the 0.10 "standing" band): each is a rep, as counted by
    # the people who annotated RepCount and QoM. Played backwards, the same count.
    rep = 1 - 0.8 + (0.8 - 0.18) * (1 - np.sin(np.linspace(0, np.pi, 30)) ** 2)
    signal = np.concatenate([np.ones(60), 1 - 0.18 * np.sin(np.linspace(0, np.pi / 2, 10)),
                             *[rep] * 8, 1 - 0.18 * np.cos(np.linspace(0, np.pi / 2, 10)), np.ones(60)])
    reps = run(signal)[0]
    assert len(reps) == 8 and len(run(signal[::-1])[0]) == 8
    # The first began from standing; the others from the previous rep's unfinished top, so the
    # gate accepts each of those only if the one before it was a squat (checks.judge.RepJudge).
    assert [w.chained for w in reps] == [False] + [True] * 7
    # A wobble at the top of the same size is not a rep: the bend must reach min_depth.
    wobble = np.concatenate([np.ones(60), *[1 - 0.18 * np.sin(np.linspace(0, np.pi, 20))] * 6, np.ones(60)])
    assert run(wobble)[0] == []


def test_after_a_deep_rep_and_a_brief_stand_a_shallow_squat_still_counts():
    # The raised entry level after a rep that ended short of standing must not outlive it: once
    # the person stands (even briefly, or after being lost from view), a shallow squat counts.
    down = 1 - np.sin(np.linspace(0, np.pi, 30)) ** 2
    deep, shallow = 1 - 1.0 * (1 - down), 1 - 0.33 * (1 - down)
    brief = np.concatenate([np.ones(30), deep, np.ones(4), shallow, np.ones(30)])
    assert len(run(brief, fps=7.5)[0]) == 2
    lost = np.concatenate([np.ones(30), deep, np.full(30, np.nan), np.ones(10), shallow, np.ones(30)])
    assert len(run(lost, fps=10)[0]) == 2


def test_real_back_to_back_reps_are_separated():
    # QoM S_01 opens with five reps labelled "correct" back to back (frames 188-442) whose tops
    # stop short of the standing the person showed before the set; they used to merge into two.
    with (REPCOUNT.parent / "qom" / "labels.csv").open() as fh:
        labelled = [(int(r["start_frame"]), int(r["end_frame"])) for r in csv.DictReader(fh)
                    if r["file"] == "S_01.npy"][:5]
    reps = analyze_file(REPCOUNT.parent / "qom" / "S_01.npy").reps
    found = [r for r in reps if r.start_frame < labelled[-1][1]]
    assert len(found) == 5
    for rep, (start, end) in zip(found, labelled):
        assert min(end, rep.end_frame) - max(start, rep.start_frame) > 0.6 * (end - start)


def test_shallow_dip_is_not_a_rep():
    reps, rc = run(squats(2, depth=0.15))
    assert reps == []


def test_rep_cut_at_either_end_is_not_counted():
    full = squats(2)
    starts_low = full[40:]  # begins mid-descent of the first rep
    ends_low = full[: len(full) - 50]  # ends during the last rep
    assert len(run(starts_low)[0]) == 1
    reps, rc = run(ends_low)
    assert len(reps) == 1 and rc.unfinished()


def test_too_fast_is_not_a_rep():
    reps, _ = run(squats(3, period=12))
    assert reps == []


def repcount_truth():
    with (REPCOUNT / "truth.csv").open() as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", ["stu4_63.npy", "stu4_64.npy", "stu4_68.npy", "stu4_69.npy", "val1244.npy"])
def test_real_squat_sequences_count_exactly(name):
    truth = {r["file"]: int(r["squat_reps"]) for r in repcount_truth()}
    assert analyze_file(REPCOUNT / name).rep_count == truth[name]


def test_exercise_gate_on_real_non_squat_sequences():
    negatives = [r["file"] for r in repcount_truth() if r["exercise"] != "squat"]
    zero = [f for f in negatives if analyze_file(REPCOUNT / f).rep_count == 0]
    # Measured: 14 of 14 (target 13): all of them, named so a regression says which.
    assert sorted(zero) == sorted(negatives)


def test_a_plank_does_not_teach_the_counter_what_standing_is():
    # Push-ups straight after squats (the benchmark's montage cuts from one to the other): the
    # flat shins of the plank must not become the standing reference, or later standing never
    # reads as standing again and every later rep is lost.
    counter = RepCounter()
    t, reps = 0.0, 0
    def feed(ratio: float, seconds: float, upright: bool = True) -> None:
        nonlocal t, reps
        for _ in range(int(seconds * 30)):
            reps += counter.update(int(t * 30), t, ratio, upright) is not None
            t += 1 / 30
    feed(1.0, 2)
    feed(5.0, 5, upright=False)  # plank
    feed(5.0, 0.2, upright=True)  # the cut: the running median still holds plank values
    for _ in range(3):
        feed(1.0, 1.5)
        feed(0.1, 1.0)
    feed(1.0, 1.5)
    assert reps == 3


def test_standing_is_learned_from_a_soft_kneed_top_in_a_short_clip():
    # A person whose standing reads 0.70 (knees soft between reps, as in wall and ball squats,
    # or a camera below hip height), filmed from one second before the first descent: the old
    # counter only learned standing once it had seen "standing" against its prior of 1.0, which
    # 0.70 never reaches, and counted nothing.
    signal = 0.7 * squats(3, depth=0.9, period=60, pause=30)
    reps, rc = run(signal)
    assert len(reps) == 3
    assert abs(rc.standing_ratio - 0.7) < 0.03


def test_standing_follows_a_long_set_and_never_drifts_out_of_reach():
    # Two seconds standing tall (1.0), then a steady set of 20 moderate reps whose tops come
    # back only to 0.80 (soft knees once the set is under way). The old counter kept the tall
    # start as "standing", so the set's tops never came back within reach of it: one rep
    # stayed open until the 12 s limit, then it waited for a standing value the set never
    # showed again, and the rest of the set went uncounted. Now the reference follows the
    # still, upright moments of the last 10 s, in every phase, and all 20 are counted.
    one = 1 - 0.45 * np.sin(np.linspace(0, np.pi, 45)) ** 2
    rep = 0.8 * np.concatenate([one, np.ones(15)])
    signal = np.concatenate([np.ones(60), np.linspace(1.0, 0.8, 15), *[rep] * 20])
    reps, rc = run(signal)
    assert len(reps) == 20
    assert abs(rc.standing_ratio - 0.8) < 0.03


def test_a_long_hold_at_the_bottom_does_not_become_standing():
    # Three reps with a 6 s pause at the bottom each (slow goblet squats, explained mid-rep):
    # still and upright, but far below standing, so never learned; all three counted.
    one = 1 - 0.9 * np.sin(np.linspace(0, np.pi / 2, 40)) ** 2
    up = one[::-1]
    rep = np.concatenate([one, np.full(180, 0.1), up, np.ones(30)])
    reps, rc = run(np.concatenate([np.ones(30), rep, rep, rep]))
    assert len(reps) == 3 and rc.standing_ratio > 0.95
