"""``glutecoach.analysis/1`` documents for tests that need a set with chosen reps and faults.

Built from the real models, scored and summarised by the real feedback functions, so they
always validate and their summary says what the analysis would say of such reps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glutecoach.checks.base import CUES
from glutecoach.feedback import finish_rep, summarize
from glutecoach.result import AnalysisResult, Fault, FaultCode, Rep
from glutecoach.types import Severity, SourceInfo

FPS = 30.0
REP_FRAMES = 60


def fault(code: FaultCode, severity: Severity = "fault") -> Fault:
    return Fault(code=code, severity=severity, value=1.0, threshold=0.5, unit="deg",
                 cue=CUES[code], message="seen in a test")


def analysis_doc(reps: Sequence[Sequence[Fault] | None]) -> dict[str, Any]:
    """One rep per item: its faults, or None for a rep the camera could not vouch for."""
    built = []
    for i, faults in enumerate(reps):
        start = i * REP_FRAMES
        rep = Rep(index=i, start_frame=start, bottom_frame=start + REP_FRAMES // 2,
                  end_frame=start + REP_FRAMES - 1, start_s=start / FPS,
                  bottom_s=(start + REP_FRAMES // 2) / FPS, end_s=(start + REP_FRAMES - 1) / FPS,
                  reliable=faults is not None, faults=list(faults or []),
                  unreliable_reason=None if faults is not None else "hips out of the picture")
        finish_rep(rep)
        built.append(rep)
    frames = max(1, len(built)) * REP_FRAMES
    source = SourceInfo(path="set.mp4", kind="video", fps=FPS, frames=frames,
                        duration_s=frames / FPS, width=720, height=1280, codec="h264")
    return AnalysisResult(source=source, analysed_frames=frames, squat_detected=bool(built),
                          view="front", reps=built, summary=summarize(built, bool(built)),
                          warnings=[]).to_dict()


def filmed(reps: int, good: int) -> dict[str, Any]:
    """A set of ``reps`` reliable reps of which the first ``good`` passed the form checks and the
    others had knees caving in."""
    return analysis_doc([[] if i < good else [fault(FaultCode.KNEES_CAVING_IN)]
                         for i in range(reps)])
