"""Runs every check on a rep, after deciding whether the rep can be judged at all."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from glutecoach.checks.base import FILM_SIDE, CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.checks.frontal import check_frontal
from glutecoach.checks.sagittal import check_sagittal
from glutecoach.checks.tempo import check_tempo
from glutecoach.kinematics.angles import joint
from glutecoach.pose.skeleton import J
from glutecoach.thresholds import FILTER, RELIABILITY

Check = Callable[[RepContext], CheckOutcome]
CHECKS: tuple[Check, ...] = (check_sagittal, check_frontal, check_tempo)

KEY_JOINTS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
              "right_knee", "left_ankle", "right_ankle")
ANGLE_CODES = ("depth_above_parallel", "chest_dropping", "hips_not_back", "heels_lifting",
               "incomplete_lockout", "knees_caving_in", "stance_too_narrow", "stance_too_wide",
               "uneven_weight_shift")


def reliability(ctx: RepContext, raw_score: npt.NDArray[np.float64]) -> str | None:
    """None when the rep can be judged, else why not (and so how to film better)."""
    scores = raw_score[ctx.start : ctx.end + 1][:, [J[n] for n in KEY_JOINTS]]
    per_side = []
    for s in (0, 1):  # each side: shoulder, hip, knee, ankle all found
        per_side.append((scores[:, s::2] >= FILTER.min_joint_score).all(axis=1).mean())
    if max(per_side) < RELIABILITY.min_joint_coverage:
        return "hips, knees or ankles were out of the picture or not found; step back so your whole body is in frame"
    if ctx.coords == "pixels":
        seg = min(ctx.thigh_length, ctx.shin_length)
        if not np.isfinite(seg) or seg < RELIABILITY.min_segment_px:
            return (f"you are too small in the picture (thigh or shin {seg:.0f} px, under "
                    f"{RELIABILITY.min_segment_px:.0f}); move the camera closer or film at a higher resolution")
    return None


def run_checks(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    if ctx.coords == "frame_normalised":
        out.merge(check_tempo(ctx))
        for code in ANGLE_CODES:
            out.skip(code, "keypoints normalised frame by frame lose the body's proportions, so angles cannot be measured",
                     "Give pixel coordinates, or analyse the video itself.")
    else:
        for check in CHECKS:
            out.merge(check(ctx))
    out.skip("back_rounding", "33 body landmarks cannot see the curve of the spine", FILM_SIDE +
             " Ask your physiotherapist to check your back position.")
    out.skip("toes_not_turned_out", "toe-out cannot be measured reliably from a 2D picture",
             "Check your feet in a mirror: toes slightly turned out.")
    out.metrics = {k: (None if v is None or not np.isfinite(v) else v) for k, v in out.metrics.items()}
    return out


__all__ = ["CHECKS", "run_checks", "reliability", "joint"]
