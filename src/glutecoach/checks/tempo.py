"""Tempo: "slowly lower your body". Timing survives every view and every keypoint format, but
not an unknown frame rate: keypoint files do not record theirs, and at an assumed rate a 60 fps
recording's 1 s descent reads 2 s and a 15 fps one's reads 0.5 s."""

from __future__ import annotations

from glutecoach.checks.base import CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.thresholds import FORM


def check_tempo(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    descent = float(ctx.times[ctx.bottom] - ctx.times[ctx.start])
    ascent = float(ctx.times[ctx.end] - ctx.times[ctx.bottom])
    out.metrics.update(descent_s=descent, ascent_s=ascent)
    if not ctx.timing_known:
        out.skip("descent_too_fast", "the keypoints do not record their frame rate, so the time taken to lower "
                 "is not known",
                 "Give the frame rate the keypoints were recorded at (glutecoach analyze --fps).")
    elif descent < FORM.descent_min_s:
        out.fault("descent_too_fast", "advice", descent, FORM.descent_min_s, "s",
                  f"You went down in {descent:.1f} s; take about 2 s to lower.")
    return out
