"""Cues seen from the side: depth, chest up, hips back, heels down, lockout.

Side view: 2D segment angles on the leg nearer the camera. Oblique view: vertical-projection
angles (kinematics.angles), which a camera turned around the person does not change. Front and
back views cannot show these cues reliably and say so.
"""

from __future__ import annotations

import numpy as np

from glutecoach.checks.base import FILM_SIDE, CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.kinematics import angles as A
from glutecoach.thresholds import FORM

SAGITTAL_VIEWS = ("side", "oblique")


def _near_side(ctx: RepContext) -> str:
    """The leg whose joints were found more often (the one facing the camera in a side view)."""
    counts = {s: int(np.isfinite(A.joint(ctx.frames, f"{s}_knee")).all(axis=1).sum()) for s in ("left", "right")}
    return max(counts, key=lambda s: counts[s])


def check_sagittal(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    b, top = ctx.bottom, ctx.top
    side = _near_side(ctx)
    hip, knee, ankle = (ctx.at(b, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
    shoulder = ctx.mid(b, "left_shoulder", "right_shoulder")
    out.metrics["knee_flexion_deg"] = float(A.flexion(hip, knee, ankle))
    out.metrics["hip_flexion_deg"] = float(A.flexion(shoulder, hip, knee))
    if ctx.view not in SAGITTAL_VIEWS:
        article = "an" if ctx.view[:1] in "aeiou" else "a"
        reason = f"{article} {ctx.view} view cannot show depth, trunk angle or hip position reliably"
        for code in ("depth_above_parallel", "chest_dropping", "hips_not_back", "heels_lifting",
                     "incomplete_lockout"):
            out.skip(code, reason, FILM_SIDE)
        return out
    hip_mid = ctx.mid(b, "left_hip", "right_hip")
    if ctx.view == "side":
        thigh = float(A.angle_to_horizontal_2d(hip, knee))
        trunk = float(A.lean_from_vertical_2d(hip_mid, shoulder))
        shin = float(A.lean_from_vertical_2d(ankle, knee))
    else:
        thigh = float(A.angle_to_horizontal_vp(hip, knee, ctx.thigh_length))
        trunk = float(A.lean_from_vertical_vp(hip_mid, shoulder, ctx.standing_length("left_shoulder", "left_hip")))
        shin = float(A.lean_from_vertical_vp(ankle, knee, ctx.shin_length))
    out.metrics.update(thigh_to_horizontal_deg=thigh, trunk_lean_deg=trunk, shin_angle_deg=shin,
                       trunk_minus_shin_deg=trunk - shin)
    depth_limit = FORM.thigh_above_parallel_deg + FORM.angle_margin_deg
    if thigh > depth_limit:
        out.fault("depth_above_parallel", "advice", thigh, depth_limit, "deg",
                  f"Your thighs stopped {thigh:.0f} degrees above parallel; go a little lower if it is comfortable.")
    lean_limit = FORM.trunk_minus_shin_max_deg + FORM.trunk_shin_margin_deg
    if trunk > FORM.trunk_lean_max_deg and trunk - shin > lean_limit:
        out.fault("chest_dropping", "fault", trunk - shin, lean_limit, "deg",
                  f"Your chest dropped: trunk {trunk:.0f} degrees from upright, {trunk - shin:.0f} "
                  "more than your shins, at the bottom.")
    _lockout(ctx, out, side)
    if ctx.view == "side":
        _hips_back(ctx, out, side)
        _heels(ctx, out, side)
    else:
        for code in ("hips_not_back", "heels_lifting"):
            out.skip(code, "needs a true side view", FILM_SIDE)
    return out


def _lockout(ctx: RepContext, out: CheckOutcome, side: str) -> None:
    """Hip bend left at the top: the least over the frames from the end of the rep to just
    after its most upright frame. One frame on a flat stretch of the signal is arbitrary (which
    one is the maximum depends on landmark jitter); the best extension reached there is not."""
    fps = (len(ctx.times) - 1) / max(float(ctx.times[-1] - ctx.times[0]), 1e-6)
    last = min(len(ctx.times) - 1, ctx.top + int(round(0.3 * fps)))
    values = [_hip_flexion(ctx, t, side) for t in range(min(ctx.end, ctx.top), last + 1)]
    values = [v for v in values if np.isfinite(v)]
    flex = float(min(values)) if values else float("nan")
    out.metrics["hip_flexion_top_deg"] = flex
    if flex > FORM.lockout_hip_flexion_max_deg:
        out.fault("incomplete_lockout", "fault", flex, FORM.lockout_hip_flexion_max_deg, "deg",
                  f"You did not stand fully tall: {flex:.0f} degrees of hip bend left at the top.")


def _hip_flexion(ctx: RepContext, t: int, side: str) -> float:
    hip, knee = ctx.at(t, f"{side}_hip"), ctx.at(t, f"{side}_knee")
    shoulder = ctx.mid(t, "left_shoulder", "right_shoulder")
    if ctx.view == "side":
        return float(A.flexion(shoulder, hip, knee))
    # trunk and thigh leans from vertical add up to the hip angle in the sagittal plane
    trunk = float(A.lean_from_vertical_vp(ctx.mid(t, "left_hip", "right_hip"), shoulder,
                                          ctx.standing_length("left_shoulder", "left_hip")))
    thigh = float(A.lean_from_vertical_vp(knee, hip, ctx.thigh_length))
    return trunk + thigh


def _hips_back(ctx: RepContext, out: CheckOutcome, side: str) -> None:
    b = ctx.bottom
    hip, knee, ankle = (ctx.at(b, f"{side}_{n}") for n in ("hip", "knee", "ankle"))
    facing = np.sign(knee[0] - ankle[0]) or 1.0  # knees travel forward, the way the person faces
    behind = float((ankle[0] - hip[0]) * facing / ctx.thigh_length)
    out.metrics["hip_behind_ankle_thigh"] = behind
    if behind < FORM.hip_behind_ankle_min_thigh:
        out.fault("hips_not_back", "fault", behind, FORM.hip_behind_ankle_min_thigh, "thigh lengths",
                  "Your hips stayed over your feet and your knees went forward.")


def _heels(ctx: RepContext, out: CheckOutcome, side: str) -> None:
    heel_t, toe_t = ctx.at(ctx.start, f"{side}_heel"), ctx.at(ctx.start, f"{side}_foot_index")
    heel_b, toe_b = ctx.at(ctx.bottom, f"{side}_heel"), ctx.at(ctx.bottom, f"{side}_foot_index")
    if not np.isfinite([*heel_t, *toe_t, *heel_b, *toe_b]).all():
        out.skip("heels_lifting", "the heel and toe were not found (this pose format has no feet)",
                 "Use the built-in pose model on video, feet fully in the picture.")
        return
    foot = float(A.length(heel_t, toe_t)) or 1.0
    rise = float(((toe_b[1] - heel_b[1]) - (toe_t[1] - heel_t[1])) / foot)
    out.metrics["heel_rise_foot"] = rise
    if rise > FORM.heel_rise_max_foot:
        out.fault("heels_lifting", "fault", rise, FORM.heel_rise_max_foot, "foot lengths",
                  "Your heels came up off the floor.")
