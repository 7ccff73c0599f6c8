"""Cues seen from the front (or back): feet shoulder-width, knees over toes, hips centred.

2D frontal-plane angles over-read valgus and correlate poorly with 3D (evidence.md: Haberkamp
2022, Straub & Powers 2022), so knee results are screening flags, never measurements. Stance
width is a ratio of two side-to-side distances (ankles, shoulders), which turning the camera
around the person shrinks equally, so it also holds in an oblique view.
"""

from __future__ import annotations

import numpy as np

from glutecoach.checks.base import FILM_FRONT, CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.kinematics import angles as A
from glutecoach.thresholds import FORM
from glutecoach.types import Severity

FRONTAL_VIEWS = ("front", "back")
SQUARELY = "Film squarely from the front, camera at knee height, whole body and feet in the picture."


def _sep(ctx: RepContext, position: int, name: str) -> float:
    return float(abs(ctx.at(position, f"left_{name}")[0] - ctx.at(position, f"right_{name}")[0]))


def check_frontal(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    _stance(ctx, out)
    if ctx.view not in FRONTAL_VIEWS:
        article = "an" if ctx.view[:1] in "aeiou" else "a"
        reason = f"{article} {ctx.view} view cannot show the knees moving inwards or the hips shifting sideways"
        out.skip("knees_caving_in", reason, FILM_FRONT)
        out.skip("uneven_weight_shift", reason, FILM_FRONT)
        return out
    off_centre = _knees(ctx, out)
    _shift(ctx, out, off_centre)
    return out


def _stance(ctx: RepContext, out: CheckOutcome) -> None:
    if ctx.view == "side":
        out.skip("stance_too_narrow", "the feet overlap in a side view", FILM_FRONT)
        out.skip("stance_too_wide", "the feet overlap in a side view", FILM_FRONT)
        return
    # The feet stay planted through a rep, so every frame of it measures the same stance:
    # the median over the rep is steadier than the two standing frames alone.
    ratios = [(_sep(ctx, p, "ankle") / _sep(ctx, p, "shoulder")) for p in range(ctx.start, ctx.top + 1)
              if _sep(ctx, p, "shoulder") > 0]
    ratio = float(np.nanmedian(ratios)) if np.isfinite(ratios).any() else float("nan")
    out.metrics["stance_width_ratio"] = ratio
    if not np.isfinite(ratio):
        out.skip("stance_too_narrow", "feet or shoulders not found", FILM_FRONT)
        return
    # Face on, the ratio is a measurement. Turned away from the camera, both widths shrink
    # alike but a foot placed slightly ahead of the other adds or hides width, more the further
    # the person is turned: there the finding is advice, with a word on filming from the front.
    oblique = ctx.view not in FRONTAL_VIEWS
    severity: Severity = "advice" if oblique else "fault"
    angle = " (hard to judge at this angle: film from the front to check)" if oblique else ""
    band = FORM.oblique_stance_error if oblique else 0.0
    outside = ratio < FORM.stance_min_ratio or ratio > FORM.stance_max_ratio
    explained = FORM.stance_min_ratio <= ratio * (1 + band) and ratio * (1 - band) <= FORM.stance_max_ratio
    if outside and explained:  # off, but by no more than the angle can explain
        code = "stance_too_narrow" if ratio < FORM.stance_min_ratio else "stance_too_wide"
        out.skip(code, f"from this camera angle the stance is uncertain: the feet looked {ratio:.0%} of "
                 f"shoulder width apart, but a foot placed a little ahead of the other changes that by "
                 f"up to {band:.0%}", FILM_FRONT)
    elif ratio < FORM.stance_min_ratio:
        out.fault("stance_too_narrow", severity, ratio, FORM.stance_min_ratio, "x shoulder width",
                  f"Your feet looked {ratio:.0%} of shoulder width apart: step them out a little{angle}.")
    elif ratio > FORM.stance_max_ratio:
        out.fault("stance_too_wide", severity, ratio, FORM.stance_max_ratio, "x shoulder width",
                  f"Your feet looked {ratio:.0%} of shoulder width apart: bring them in a little{angle}.")


def _knees(ctx: RepContext, out: CheckOutcome) -> bool:
    """Only what a camera a few degrees off-centre cannot fake is called a fault.

    At the bottom of a two-legged squat the knees are well in front of the ankles; seen from a
    camera turned by a few degrees, that forward travel shifts both knees the same way across
    the picture, so one knee reads as moving in and the other as moving out by the same amount
    (QoM S_01, face on: +47 to +78 degrees on the right knee, -61 to -102 on the left, on every
    rep, labelled correct ones included). The two knees' mean angle cancels that shift, as does
    the knees' separation over the ankles' (both move alike): those two decide. One knee alone
    over the limit, or the two differing, is what the camera's angle also produces: it is
    listed as not checked, with the values, rather than called. Returns whether the knees show
    that pattern (one reading in, the other out, by more than the allowed difference): the
    camera is then off-centre, which the hips' sideways position also depends on (_shift)."""
    b = ctx.bottom
    fppa = {s: float(A.fppa(ctx.xy[b], s)) for s in ("left", "right")}
    out.metrics["fppa_left_deg"], out.metrics["fppa_right_deg"] = fppa["left"], fppa["right"]
    mean = (fppa["left"] + fppa["right"]) / 2
    out.metrics["fppa_mean_deg"] = mean
    top_ratio = _sep(ctx, ctx.start, "knee") / (_sep(ctx, ctx.start, "ankle") or np.nan)
    bottom_ratio = _sep(ctx, b, "knee") / (_sep(ctx, b, "ankle") or np.nan)
    out.metrics["knee_ankle_ratio_top"] = top_ratio
    out.metrics["knee_ankle_ratio_bottom"] = bottom_ratio
    worst = max(fppa.values())
    asym = abs(fppa["left"] - fppa["right"])
    drop = bottom_ratio / top_ratio if top_ratio else np.nan
    if np.isfinite(drop) and drop < FORM.knee_ankle_ratio_drop_min:
        out.fault("knees_caving_in", "fault", drop, FORM.knee_ankle_ratio_drop_min, "x standing knee gap",
                  f"Your knees came closer together at the bottom ({drop:.0%} of their gap when standing, "
                  "measured against your feet). A screening flag from a 2D picture, not a measurement.")
    elif mean > FORM.fppa_max_deg:
        out.fault("knees_caving_in", "fault", mean, FORM.fppa_max_deg, "deg",
                  f"Both knees moved inwards at the bottom ({fppa['left']:.0f} and {fppa['right']:.0f} degrees). "
                  "A screening flag from a 2D picture, not a measurement.")
    elif worst > FORM.fppa_max_deg or asym > FORM.fppa_asymmetry_max_deg:
        out.skip("knees_caving_in",
                 f"the knees read differently (left {fppa['left']:.0f}, right {fppa['right']:.0f} degrees), "
                 "which a camera a little to one side also produces in a deep squat",
                 SQUARELY)
    return asym > FORM.fppa_asymmetry_max_deg and fppa["left"] * fppa["right"] < 0


def _shift(ctx: RepContext, out: CheckOutcome, off_centre: bool) -> None:
    """The hips' sideways travel from the start to the bottom, in hip widths. The hips also
    travel back at the bottom (about a third of a thigh length), which a camera turned by a few
    degrees shows as sideways travel too: with the knees showing such a camera (_knees), the
    measure is listed as not checked rather than called."""
    def offset(p: int) -> float:
        hips = ctx.mid(p, "left_hip", "right_hip")[0]
        feet = ctx.mid(p, "left_ankle", "right_ankle")[0]
        return float(hips - feet)

    width = _sep(ctx, ctx.start, "hip")
    shift = abs(offset(ctx.bottom) - offset(ctx.start)) / width if width > 0 else float("nan")
    out.metrics["hip_shift_hipwidth"] = shift
    if np.isfinite(shift) and shift > FORM.hip_shift_max_hipwidth and off_centre:
        out.skip("uneven_weight_shift", f"the hips moved {shift:.2f} hip widths sideways, but the camera looks a little "
                 "to one side (the knees read differently), which makes hips moving back look like that", SQUARELY)
    elif np.isfinite(shift) and shift > FORM.hip_shift_max_hipwidth:
        out.fault("uneven_weight_shift", "fault", shift, FORM.hip_shift_max_hipwidth, "hip widths",
                  "Your hips shifted to one side at the bottom.")
