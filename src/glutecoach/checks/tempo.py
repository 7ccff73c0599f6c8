"""Tempo: "slowly lower your body". Timing survives every view and every keypoint format."""

from __future__ import annotations

from glutecoach.checks.base import CheckOutcome
from glutecoach.checks.context import RepContext
from glutecoach.thresholds import FORM


def check_tempo(ctx: RepContext) -> CheckOutcome:
    out = CheckOutcome()
    descent = float(ctx.times[ctx.bottom] - ctx.times[ctx.start])
    ascent = float(ctx.times[ctx.end] - ctx.times[ctx.bottom])
    out.metrics.update(descent_s=descent, ascent_s=ascent)
    if descent < FORM.descent_min_s:
        out.fault("descent_too_fast", "advice", descent, FORM.descent_min_s, "s",
                  f"You went down in {descent:.1f} s; take about 2 s to lower.")
    return out
