"""Cues seen from the side: depth, chest up, hips back, heels down, lockout.

Side view: 2D segment angles on the leg nearer the camera. Oblique view: vertical-projection
angles (kinematics.angles), which a camera turned around the person does not change. Front and
back views cannot show these cues reliably and say so.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from glutecoach.checks.base import FILM_SIDE, CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.kinematics import angles as A
from glutecoach.pose.skeleton import J
from glutecoach.thresholds import FORM

SAGITTAL_VIEWS = ("side", "oblique")
Array = npt.NDArray[np.float64]


def _near_side(ctx: RepContext) -> str:
    """The leg whose joints were found more often (the one facing the camera in a side view)."""
    counts = {s: int(np.isfinite(A.joint(ctx.frames, f"{s}_knee")).all(axis=1).sum()) for s in ("left", "right")}
    return max(counts, key=lambda s: counts[s])


def check_sagittal(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    b = ctx.bottom
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
        thigh = _deepest(ctx, side, lambda h, k: A.angle_to_horizontal_2d(h, k))
        trunk = float(A.lean_from_vertical_2d(hip_mid, shoulder))
        shin = float(A.lean_from_vertical_2d(ankle, knee))
        # 2D directions: a segment's length does not enter, only the landmark error does
        # (already in the thresholds' margins).
        thigh_lo, trunk_lo, shin_hi = thigh, trunk, shin
    else:
        lengths = {"thigh": ctx.thigh_length, "shin": ctx.shin_length,
                   "trunk": ctx.standing_length("left_shoulder", "left_hip")}
        deepest = _deepest_position(ctx, side, lambda h, k: A.angle_to_horizontal_vp(h, k, lengths["thigh"]))
        thigh, thigh_lo = _vp_band(A.angle_to_horizontal_vp, ctx.at(deepest, f"{side}_hip"),
                                   ctx.at(deepest, f"{side}_knee"), lengths["thigh"], low=True)
        trunk, trunk_lo = _vp_band(A.lean_from_vertical_vp, hip_mid, shoulder, lengths["trunk"], low=True)
        shin, shin_hi = _vp_band(A.lean_from_vertical_vp, ankle, knee, lengths["shin"], low=False)
    out.metrics.update(thigh_to_horizontal_deg=thigh, trunk_lean_deg=trunk, shin_angle_deg=shin,
                       trunk_minus_shin_deg=trunk - shin)
    doubt = (f"from this camera angle the {{what}} is uncertain: measured {{value:.0f}} degrees, "
             f"but a {FORM.oblique_length_error:.0%} error in a segment's apparent length (camera "
             "height, arms moving the shoulder points) would make it {low:.0f}, inside the limit")
    depth_limit = FORM.thigh_above_parallel_deg + FORM.angle_margin_deg
    if thigh_lo > depth_limit:
        out.fault("depth_above_parallel", "advice", thigh, depth_limit, "deg",
                  f"Your thighs stopped {thigh:.0f} degrees above parallel; go a little lower if it is comfortable.")
    elif thigh > depth_limit:
        out.skip("depth_above_parallel", doubt.format(what="thigh angle", value=thigh, low=thigh_lo), FILM_SIDE)
    lean_limit = FORM.trunk_minus_shin_max_deg + FORM.trunk_shin_margin_deg
    if trunk_lo > FORM.trunk_lean_max_deg and trunk_lo - shin_hi > lean_limit:
        out.fault("chest_dropping", "fault", trunk - shin, lean_limit, "deg",
                  f"Your chest dropped: trunk {trunk:.0f} degrees from upright, {trunk - shin:.0f} "
                  "more than your shins, at the bottom.")
    elif trunk > FORM.trunk_lean_max_deg and trunk - shin > lean_limit:
        out.skip("chest_dropping", doubt.format(what="trunk angle", value=trunk, low=trunk_lo), FILM_SIDE)
    _lockout(ctx, out, side)
    if ctx.view == "side":
        _hips_back(ctx, out, side)
        _heels(ctx, out, side)
    else:
        for code in ("hips_not_back", "heels_lifting"):
            out.skip(code, "needs a true side view", FILM_SIDE)
    return out


def _deepest_position(ctx: RepContext, side: str, thigh_angle: Callable[[Array, Array], Array]) -> int:
    """The frame within ``FORM.bottom_window_s`` of the rep's bottom where the thigh came
    nearest to horizontal. The counter's bottom is where the knee-bend signal of both legs
    peaks; the near thigh's deepest moment may be a frame or two away, and depth advice is
    about the deepest point the person reached."""
    t = ctx.times
    lo = int(np.searchsorted(t, t[ctx.bottom] - FORM.bottom_window_s))
    hi = int(np.searchsorted(t, t[ctx.bottom] + FORM.bottom_window_s, side="right"))
    lo, hi = max(lo, ctx.start), min(hi, ctx.end + 1)
    angles = np.asarray(thigh_angle(ctx.xy[lo:hi, J[f"{side}_hip"]], ctx.xy[lo:hi, J[f"{side}_knee"]]))
    if not np.isfinite(angles).any():
        return ctx.bottom
    return lo + int(np.nanargmin(angles))


def _deepest(ctx: RepContext, side: str, thigh_angle: Callable[[Array, Array], Array]) -> float:
    p = _deepest_position(ctx, side, thigh_angle)
    return float(thigh_angle(ctx.at(p, f"{side}_hip"), ctx.at(p, f"{side}_knee")))


def _vp_band(angle: Callable[[Array, Array, float], Array], a: Array, b: Array, standing_length: float,
             low: bool) -> tuple[float, float]:
    """An oblique-view angle from a segment's vertical extent over its standing length
    (kinematics.angles ``*_vp``), and the same angle with that length off by
    ``FORM.oblique_length_error`` in the direction that makes a fault less likely (``low``:
    the smaller value; else the larger). A fault is called only if it holds at that end."""
    value = float(angle(a, b, standing_length))
    e = FORM.oblique_length_error
    ends = [float(angle(a, b, standing_length * (1 + e))), float(angle(a, b, standing_length * (1 - e)))]
    return value, (min(ends) if low else max(ends))


def _lockout(ctx: RepContext, out: CheckOutcome, side: str) -> None:
    """Hip bend left at the top: the least over the frames from the end of the rep to just
    after its most upright frame. One frame on a flat stretch of the signal is arbitrary (which
    one is the maximum depends on landmark jitter); the best extension reached there is not.

    With 3D world landmarks (video), the same least bend is measured there too, in the body's
    own sagittal plane, and the cue is given only when both say so: the picture's estimate
    reads a wide stance's sideways thighs (oblique view) or a trunk cut off by the frame as
    hip bend, the 3D estimate has its own depth errors, and a wrong cue costs more than a
    missing one. When they disagree the rep says lockout could not be checked, and why."""
    fps = (len(ctx.times) - 1) / max(float(ctx.times[-1] - ctx.times[0]), 1e-6)
    last = min(len(ctx.times) - 1, ctx.top + int(round(0.3 * fps)))
    frames = range(min(ctx.end, ctx.top), last + 1)
    flex = _least([_hip_flexion(ctx, t, side) for t in frames])
    out.metrics["hip_flexion_top_deg"] = flex
    limit = FORM.lockout_hip_flexion_max_deg
    if not flex > limit:
        return
    if ctx.world is not None:
        flex_3d = _least([A.hip_flexion_sagittal_3d(ctx.world[t], side) for t in frames])
        out.metrics["hip_flexion_top_3d_deg"] = flex_3d
        if not flex_3d > limit:
            out.skip("incomplete_lockout",
                     f"the picture shows {flex:.0f} degrees of hip bend left at the top, the body's "
                     f"3D landmarks {flex_3d:.0f}: too uncertain to call", FILM_SIDE)
            return
    out.fault("incomplete_lockout", "fault", flex, limit, "deg",
              f"You did not stand fully tall: {flex:.0f} degrees of hip bend left at the top.")


def _least(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(min(finite)) if finite else float("nan")


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
