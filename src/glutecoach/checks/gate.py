"""The exercise gate: is this dip of the knee-bend signal a squat?

Checked on every candidate rep, with geometry that survives any camera angle and even keypoints
normalised per frame (only vertical order and vertical ratios are used, except where pixel
coordinates allow more):
- standing at the top (hips high above the ankles): plank, lying, hanging and kneeling
  exercises fail;
- shoulders above hips at the bottom: sit-ups and bench press fail;
- both legs bend, and about equally (pixel input), neither shin lies flat, the feet side by
  side (3D landmarks): lunges, side lunges, steps, split squats and kneeling fail;
- in a shallow bend, the two legs bend together: stepping into place, walking and shifting
  weight bend one knee, then the other;
- the trunk does not tip far past the shins while the shins stay near vertical or the knees
  only slightly bent: hip hinges (deadlifts, Romanian deadlifts, picking something up) fail;
- feet planted (pixel input): jumping and hanging fail. The arms never decide: a squat with
  the arms overhead, crossed or holding a weight is a squat. Only keypoints normalised frame
  by frame, which show neither the feet's height nor the floor, fall back on the hands: hands
  above the head for most of the rep (pull-ups, jumping jacks, presses) is not counted there.
A chair squat (sit to stand, the article's regression) passes all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import spearmanr

from glutecoach.checks.context import RepContext
from glutecoach.kinematics.angles import joint, lean_from_vertical_2d
from glutecoach.pose.skeleton import J
from glutecoach.thresholds import GATE, GateThresholds

Array = npt.NDArray[np.float64]


@dataclass
class GateFeatures:
    standing_hip_height: float
    bottom_trunk_height: float
    max_leg_ratio_bottom: float
    other_leg_depth: float
    ankle_travel_leg: float
    trunk_shin_ratio_top: float
    trunk_lean_top_deg: float = float("nan")  # pixel input only
    depth: float = float("nan")  # thigh_rise at the bottom, both legs combined
    legs_together: float = float("nan")  # rank correlation of the two legs' bend over the rep
    # Trunk lean from vertical minus shin lean from vertical, 2D degrees, at its largest over
    # the rep (90th percentile of the frames; pixel input only): a squat keeps the trunk near
    # parallel to the shins, a hip hinge tips the trunk over near-vertical shins.
    trunk_minus_shin_max_deg: float = float("nan")
    shin_lean_max_deg: float = float("nan")  # the shins' lean from vertical, 90th percentile
    # Share of the rep's frames with the wrists above the head; asked only of keypoints
    # normalised frame by frame, where the feet and the floor cannot be seen (squat_gate).
    hands_overhead_frac: float = 0.0
    # The less-bent leg's thigh_rise over the more-bent leg's at the bottom (pixel input):
    # about 1 in a squat, near 0 in a lateral lunge (one leg stays straight).
    leg_balance: float = float("nan")
    # How far one foot is ahead of the other, along the way the hips face, in leg lengths (3D
    # world landmarks; 90th percentile over the rep): about 0.1 side by side, 0.5 or more in a
    # lunge, a step-up or a split stance.
    feet_split_leg: float = float("nan")


def gate_features(ctx: RepContext, leg_ratios: Array, standing_ratio: float,
                  depth: float = float("nan"), th: GateThresholds = GATE) -> GateFeatures:
    """leg_ratios: (T, 2) thigh/shin vertical ratio per leg (kinematics.signals.leg_ratio);
    depth: the rep's thigh_rise at the bottom (reps.RepWindow.depth)."""
    heights, trunk_shin, leans = [], [], []
    legs_in_pixels = ctx.coords != "frame_normalised" and np.isfinite(ctx.leg_length) and ctx.leg_length > 0
    for p in ctx.upright_positions:
        if legs_in_pixels:  # true proportions: the standing leg is straight and vertical
            heights.append((ctx.ankle_y(p) - ctx.hip_y(p)) / ctx.leg_length * th.leg_to_body_height)
        else:
            span = ctx.ankle_y(p) - ctx.body_top_y(p)
            heights.append((ctx.ankle_y(p) - ctx.hip_y(p)) / span if span > 0 else np.nan)
        shin = ctx.ankle_y(p) - float(ctx.mid(p, "left_knee", "right_knee")[1])
        trunk_p = ctx.hip_y(p) - float(ctx.mid(p, "left_shoulder", "right_shoulder")[1])
        trunk_shin.append(trunk_p / shin if shin > 0 else np.nan)
        if legs_in_pixels:
            leans.append(float(lean_from_vertical_2d(ctx.mid(p, "left_hip", "right_hip"),
                                                     ctx.mid(p, "left_shoulder", "right_shoulder"))))
    b = ctx.bottom
    span_b = ctx.ankle_y(b) - ctx.body_top_y(b)
    trunk = (ctx.hip_y(b) - float(ctx.mid(b, "left_shoulder", "right_shoulder")[1])) / span_b if span_b > 0 else np.nan
    lr = leg_ratios[b]
    depth_each = 1.0 - lr / standing_ratio
    frames = ctx.frames
    travel = _feet_travel(frames, ctx.leg_length) if legs_in_pixels else np.nan
    hinge, shin_lean = _trunk_and_shins(frames) if legs_in_pixels else (np.nan, np.nan)
    overhead = _hands_overhead_fraction(frames) if ctx.coords == "frame_normalised" else 0.0
    return GateFeatures(
        trunk_minus_shin_max_deg=hinge, shin_lean_max_deg=shin_lean, hands_overhead_frac=overhead,
        leg_balance=_balance(depth_each) if legs_in_pixels else np.nan,
        feet_split_leg=np.nan if ctx.world is None else _feet_split(ctx.world[ctx.start : ctx.end + 1]),
        standing_hip_height=float(np.nanmin(heights)) if np.isfinite(heights).any() else np.nan,
        bottom_trunk_height=float(trunk),
        max_leg_ratio_bottom=float(np.nanmax(lr)) if np.isfinite(lr).any() else np.nan,
        other_leg_depth=float(np.nanmin(depth_each)) if np.isfinite(depth_each).any() else np.nan,
        ankle_travel_leg=travel,
        trunk_shin_ratio_top=float(np.nanmedian(trunk_shin)) if np.isfinite(trunk_shin).any() else np.nan,
        trunk_lean_top_deg=float(np.nanmedian(leans)) if np.isfinite(leans).any() else np.nan,
        depth=float(depth),
        legs_together=_legs_together(leg_ratios[ctx.start : ctx.end + 1], th),
    )


def _legs_together(ratios: Array, th: GateThresholds = GATE) -> float:
    """Spearman rank correlation of the left and right leg ratios over the rep: near 1 when the
    knees bend and straighten together (a squat), near 0 or below when they take turns (a step,
    walking, a weight shift). Ranks, so one misplaced knee cannot swing it; NaN when both legs
    were seen in too few frames to say."""
    both = np.isfinite(ratios).all(axis=1)
    if both.sum() < th.legs_together_min_samples:
        return float("nan")
    left, right = ratios[both, 0], ratios[both, 1]
    if np.ptp(left) == 0 or np.ptp(right) == 0:
        return float("nan")
    return float(spearmanr(left, right).statistic)


def _feet_split(world: Array) -> float:
    """90th percentile over the frames of the ankles' separation along the direction the
    hips face (perpendicular to the hip line, horizontal), over the mean leg length, all in
    the model's metric world landmarks (x right, y down, z away from the camera)."""
    def at(name: str) -> Array:
        return world[:, J[name]]

    hip_line = (at("left_hip") - at("right_hip"))[:, [0, 2]]
    facing = np.stack([-hip_line[:, 1], hip_line[:, 0]], axis=1)
    with np.errstate(all="ignore"):
        facing /= np.linalg.norm(facing, axis=1, keepdims=True)
        ankles = (at("left_ankle") - at("right_ankle"))[:, [0, 2]]
        split = np.abs(np.sum(ankles * facing, axis=1))
        legs = np.mean([np.linalg.norm(at(f"{s}_hip") - at(f"{s}_knee"), axis=1)
                        + np.linalg.norm(at(f"{s}_knee") - at(f"{s}_ankle"), axis=1)
                        for s in ("left", "right")], axis=0)
        ratio = split / legs
    return float(np.nanpercentile(ratio, 90)) if np.isfinite(ratio).any() else float("nan")


def _balance(depth_each: Array) -> float:
    if not np.isfinite(depth_each).all() or not np.max(depth_each) > 0:
        return float("nan")
    return max(float(np.min(depth_each)), 0.0) / float(np.max(depth_each))


def _feet_travel(frames: Array, leg_length: float) -> float:
    """How far the lower foot moved up and down over the rep, in leg lengths: the 10th to
    90th percentile range of the lower ankle's height. A person standing on at least one foot
    keeps it on the floor (walking and stepping included); jumping and hanging lift both. A
    percentile range, so a knee or ankle mis-placed for a few frames (occlusion by a plate,
    a caption over the picture) cannot look like a jump."""
    ys = np.stack([joint(frames, "left_ankle")[:, 1], joint(frames, "right_ankle")[:, 1]])
    with np.errstate(all="ignore"):
        lower = np.nanmax(ys, axis=0)  # y grows downwards: the lower foot
    lower = lower[np.isfinite(lower)]
    if len(lower) < 3 or not leg_length > 0:
        return float("nan")
    return float(np.subtract(*np.percentile(lower, [90, 10])) / leg_length)


def _trunk_and_shins(frames: Array) -> tuple[float, float]:
    """90th percentiles over the frames of trunk lean minus mean shin lean, and of the mean
    shin lean (2D degrees from vertical)."""
    hips = np.nanmean(np.stack([joint(frames, "left_hip"), joint(frames, "right_hip")]), axis=0)
    shoulders = np.nanmean(np.stack([joint(frames, "left_shoulder"), joint(frames, "right_shoulder")]), axis=0)
    trunk = lean_from_vertical_2d(hips, shoulders)
    shins = np.nanmean(np.stack([lean_from_vertical_2d(joint(frames, f"{s}_ankle"), joint(frames, f"{s}_knee"))
                                 for s in ("left", "right")]), axis=0)
    diff = trunk - shins
    if not np.isfinite(diff).any():
        return float("nan"), float("nan")
    return float(np.nanpercentile(diff, 90)), float(np.nanpercentile(shins, 90))


def _pair_y(frames: Array, name: str, reduce: str = "mean") -> Array:
    ys = np.stack([joint(frames, f"left_{name}")[:, 1], joint(frames, f"right_{name}")[:, 1]])
    with np.errstate(all="ignore"):
        return np.nanmin(ys, axis=0) if reduce == "min" else np.nanmean(ys, axis=0)


def _hands_overhead_fraction(frames: Array, th: GateThresholds = GATE) -> float:
    """Share of frames with a wrist higher than the top of the head (y up = smaller)."""
    wrist = _pair_y(frames, "wrist", "min")
    shoulder = _pair_y(frames, "shoulder")
    torso = _pair_y(frames, "hip") - shoulder
    seen = np.isfinite(wrist) & np.isfinite(shoulder) & np.isfinite(torso) & (torso > 0)
    if not seen.any():
        return 0.0
    return float(np.mean(wrist[seen] < shoulder[seen] - th.hands_overhead_torso * torso[seen]))


def squat_gate(f: GateFeatures, th: GateThresholds = GATE) -> str | None:
    """None when the rep looks like a squat, else a short reason it does not."""
    if not f.standing_hip_height >= th.min_standing_hip_height_frac:
        return "not standing at the top of the movement"
    if np.isfinite(f.trunk_lean_top_deg):
        # Pixel input: the trunk's direction is measured directly. Its length is not used,
        # because a trunk cut off by the top of the picture or foreshortened by a high or low
        # camera still points up when the person stands.
        if f.trunk_lean_top_deg > th.max_trunk_lean_top_deg:
            return "not upright at the top of the movement"
    else:
        lo, hi = th.trunk_shin_ratio_top_range
        if not lo <= f.trunk_shin_ratio_top <= hi:
            return "not upright at the top of the movement"
    if not f.bottom_trunk_height >= th.min_bottom_trunk_height_frac:
        return "shoulders not above the hips at the bottom"
    if f.max_leg_ratio_bottom > th.max_leg_ratio_bottom:
        return "one shin flat at the bottom (lunge or kneeling)"
    if f.other_leg_depth < th.min_other_leg_depth:
        return "only one leg bends (lunge or step)"
    if f.feet_split_leg > th.max_feet_split_leg:
        return "one foot well ahead of the other (a lunge, step-up or split squat)"
    if f.leg_balance < th.min_leg_balance:
        return "one leg bends much more than the other (a side lunge or a step)"
    if f.depth < th.shallow_depth and f.legs_together < th.min_legs_together:
        return "a shallow bend with the knees taking turns (a step or weight shift)"
    if f.trunk_minus_shin_max_deg > th.max_hinge_trunk_minus_shin_deg and f.depth < th.shallow_depth and (
            f.shin_lean_max_deg < th.hinge_max_shin_lean_deg or f.depth < th.hinge_max_depth):
        return "the trunk tipped forward over nearly straight legs (a hip hinge: deadlift or picking something up)"
    if f.hands_overhead_frac > th.max_hands_overhead_frac:
        return "hands above the head (a pull-up, jumping jack or press: these keypoints do not show the feet)"
    if np.isfinite(f.ankle_travel_leg) and f.ankle_travel_leg > th.max_ankle_travel_leg:
        return "feet not planted (jumping or hanging)"
    return None
