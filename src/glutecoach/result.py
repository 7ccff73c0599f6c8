"""The outward result of an analysis, typed: the ``glutecoach.analysis/1`` JSON contract.

The web app stores it, the reports and pages read it, ``--json`` writes it and the coaching log
counts reps from it; they all parse it with :class:`AnalysisResult` (``model_validate``) rather
than by guessing at keys. ``AnalysisResult.to_dict()`` is the JSON document;
``glutecoach schema`` prints its JSON Schema (docs/schema/analysis-1.schema.json, explained in
docs/schema.md). Times are seconds from the start of the input, rounded to milliseconds.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    computed_field,
    field_serializer,
)

from glutecoach.types import Severity, SourceInfo, View

SCHEMA_ID: Final = "glutecoach.analysis/1"


class FaultCode(StrEnum):
    """Every cue a check can judge: the code of a fault, an advice or a cue not checked."""

    STANCE_TOO_NARROW = "stance_too_narrow"
    STANCE_TOO_WIDE = "stance_too_wide"
    TOES_NOT_TURNED_OUT = "toes_not_turned_out"
    KNEES_CAVING_IN = "knees_caving_in"
    HIPS_NOT_BACK = "hips_not_back"
    HEELS_LIFTING = "heels_lifting"
    DEPTH_ABOVE_PARALLEL = "depth_above_parallel"
    CHEST_DROPPING = "chest_dropping"
    BACK_ROUNDING = "back_rounding"
    INCOMPLETE_LOCKOUT = "incomplete_lockout"
    DESCENT_TOO_FAST = "descent_too_fast"
    UNEVEN_WEIGHT_SHIFT = "uneven_weight_shift"


def _rounded(digits: int) -> PlainSerializer:
    """Serialise a float rounded to ``digits`` (None stays None, NaN stays NaN)."""
    return PlainSerializer(lambda v: None if v is None else round(float(v), digits))


Seconds = Annotated[float, _rounded(3)]
Metric = Annotated[float | None, _rounded(2)]


class _Contract(BaseModel):
    """Shared settings: the JSON's names (``schema``), every field present in the published
    schema, mutable while the pipeline fills a rep in (score, praise)."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True,
                              validate_by_alias=True,
                              json_schema_serialization_defaults_required=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as plain Python values (NaN kept for unmeasured metrics)."""
        return self.model_dump(mode="json")


class Fault(_Contract):
    """One observed deviation from one of the article's cues, in one rep. ``severity`` is
    ``fault`` (fails the rep) or ``advice`` (a cue the measurement is less sure of, or that
    matters less for safety); ``value`` was measured against ``threshold``, both in ``unit``."""

    code: FaultCode
    severity: Severity
    value: float
    threshold: float
    unit: str
    cue: str = Field(description="the article's words for this cue")
    message: str = Field(description="what was seen, in plain words")


class NotChecked(_Contract):
    """A cue this rep could not be judged on, why, and how to film so that it can be."""

    code: FaultCode
    reason: str
    how_to_film: str


class Rep(_Contract):
    """One complete rep: stand, descend, rise back to standing. An unreliable rep (the camera
    could not vouch for it) counts as a rep but carries no faults and no score."""

    index: int = Field(ge=0, description="0-based position in the set")
    start_s: Seconds
    bottom_s: Seconds
    end_s: Seconds
    start_frame: int
    bottom_frame: int
    end_frame: int
    reliable: bool
    unreliable_reason: str | None = None
    score: int | None = Field(default=None, ge=0, le=100,
                              description="0-100 form score; null for an unreliable rep")
    metrics: dict[str, Metric] = Field(default_factory=dict,
                                       description="measured angles and ratios, null or NaN "
                                                   "where not measured")
    faults: list[Fault] = Field(default_factory=list)
    not_checked: list[NotChecked] = Field(default_factory=list)
    praise: str | None = None


class TopCue(_Contract):
    """A cue to work on next time, and in how many reliable reps it was seen."""

    code: FaultCode
    cue: str
    reps: int


class Summary(_Contract):
    """The set at a glance, in the words shown to the person."""

    headline: str
    rep_count: int
    target_reps: tuple[int, int] = Field(description="the article's range, e.g. 10-15 reps")
    reliable_reps: int
    form_passing_reps: int = Field(description="reliable reps with no fault of severity fault")
    form_score: int | None = Field(description="mean score of the reliable reps, 0-100")
    top_cues: list[TopCue] = Field(description="at most two cues, the most important first")
    praise: str | None
    fault_counts: dict[FaultCode, int] = Field(description="faults and advice over reliable reps")
    disclaimer: str


class AnalysisResult(_Contract):
    """Everything the analysis found in one input; ``to_dict()`` is the JSON document."""

    schema_id: Literal["glutecoach.analysis/1"] = Field(default=SCHEMA_ID, alias="schema")
    source: SourceInfo
    analysed_frames: int = 0
    people_in_view: int = 1
    squat_detected: bool
    view: View
    reps: list[Rep]
    summary: Summary
    warnings: list[str]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rep_count(self) -> int:
        return len(self.reps)

    @field_serializer("source")
    def _rounded_source(self, source: SourceInfo) -> SourceInfo:
        return replace(source, fps=round(float(source.fps), 3),
                       duration_s=round(float(source.duration_s), 3))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, with rep_count beside the reps as it has always been."""
        out = super().to_dict()
        order = ("schema", "source", "analysed_frames", "people_in_view", "squat_detected",
                 "view", "rep_count")
        return {**{k: out[k] for k in order}, **out}


def analysis_json_schema() -> dict[str, Any]:
    """The JSON Schema of the ``glutecoach.analysis/1`` document (as written, not as read)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **AnalysisResult.model_json_schema(mode="serialization")}
