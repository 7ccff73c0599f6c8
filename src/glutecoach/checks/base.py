"""What a check returns, and the cue text each fault code is tied to (the article's words)."""

from __future__ import annotations

from dataclasses import dataclass, field

from glutecoach.result import Fault, FaultCode, NotChecked
from glutecoach.types import Severity

# Each fault code -> the article's own cue, quoted.
CUES: dict[str, str] = {
    "stance_too_narrow": "Stand with your feet shoulder-width apart.",
    "stance_too_wide": "Stand with your feet shoulder-width apart.",
    "toes_not_turned_out": "Toes slightly turned out.",
    "knees_caving_in": "Keep your knees tracking over your toes.",
    "hips_not_back": "Push your hips back as if you're sitting into a chair.",
    "heels_lifting": "Keep your weight on your heels.",
    "depth_above_parallel": "Lower down until your thighs are parallel to the ground or as far as comfortable.",
    "chest_dropping": "Keep your chest up.",
    "back_rounding": "Avoid rounding your back.",
    "incomplete_lockout": "Press through your heels to return to the starting position, squeezing your glutes at the top.",
    "descent_too_fast": "Slowly lower your body.",
    "uneven_weight_shift": "Press through both heels evenly; keep your hips centred over your feet.",
}
# Most important first: safety of knees and back, then the glute-loading cues, then advice.
PRIORITY: tuple[str, ...] = (
    "knees_caving_in", "chest_dropping", "back_rounding", "hips_not_back", "heels_lifting",
    "uneven_weight_shift", "stance_too_narrow", "stance_too_wide", "incomplete_lockout",
    "depth_above_parallel", "descent_too_fast", "toes_not_turned_out",
)
FILM_SIDE = "Film from the side, camera at hip height, whole body in the picture."
FILM_FRONT = "Film from the front, camera at hip height, whole body and feet in the picture."


@dataclass
class CheckOutcome:
    metrics: dict[str, float | None] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)

    def fault(self, code: str, severity: Severity, value: float, threshold: float, unit: str,
              message: str) -> None:
        self.faults.append(Fault(code=FaultCode(code), severity=severity, value=round(float(value), 2),
                                 threshold=float(threshold), unit=unit, cue=CUES[code],
                                 message=message))

    def skip(self, code: str, reason: str, how_to_film: str) -> None:
        self.not_checked.append(NotChecked(code=FaultCode(code), reason=reason,
                                           how_to_film=how_to_film))

    def merge(self, other: CheckOutcome) -> None:
        self.metrics.update(other.metrics)
        self.faults.extend(other.faults)
        self.not_checked.extend(other.not_checked)
