"""Questionnaire scoring beyond STarT Back (which lives in :mod:`screening`): the outcome
measures a clinic repeats every 4-6 weeks, each with its minimal important change.

Oswestry Disability Index (Fairbank & Pynsent, Spine 2000): 10 sections scored 0-5; the score is
the percentage of the maximum over the sections answered, so a skipped section does not count
as "no disability". RMDQ (Roland & Morris 1983), AKPS (Kujala 1993) and PSFS (Stratford 1995)
below. Only scores are computed here; the questionnaires' own wording is not shipped (check each
licence first, evidence.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField


def score_odi(sections: Sequence[int | None]) -> float:
    """ODI percent (0-100) from 10 section scores, None for a skipped section."""
    if not isinstance(sections, (list, tuple)) or len(sections) != rules.ODI_SECTIONS:
        raise InvalidField("odi", f"expected a list of {rules.ODI_SECTIONS} section scores")
    answered = []
    for number, value in enumerate(sections, start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            raise InvalidField(f"odi[{number}]", f"must be a whole number 0-5, got {value!r}")
        answered.append(value)
    if not answered:
        raise InvalidField("odi", "no section answered")
    return round(100.0 * sum(answered) / (rules.ODI_SECTION_MAX * len(answered)), 1)


# --- Outcome measures repeated every 4 weeks (evidence.md "Outcome measures") -------------------

#: What each measure is for, its name for clinicians and in plain words, its unit, whether a
#: higher score is better, and its minimal important change.
MEASURES: dict[str, dict[str, Any]] = {
    "odi": {"region": "back", "name": "Oswestry Disability Index", "unit": "%",
            "plain": "the back pain questionnaire",
            "higher_is_better": False, "mic": rules.ODI_MIC_POINTS,
            "mic_fraction": rules.OUTCOME_MIC_FRACTION},
    "rmdq": {"region": "back", "name": "Roland-Morris Disability Questionnaire", "unit": "/24",
             "plain": "the back pain questionnaire",
             "higher_is_better": False, "mic": rules.RMDQ_MIC_POINTS,
             "mic_fraction": rules.OUTCOME_MIC_FRACTION},
    "akps": {"region": "knee", "name": "Anterior Knee Pain Scale (Kujala)", "unit": "/100",
             "plain": "the knee questionnaire",
             "higher_is_better": True, "mic": rules.AKPS_MIC_POINTS, "mic_fraction": 0.0},
    "psfs": {"region": None, "name": "Patient-Specific Functional Scale", "unit": "/10",
             "plain": "the everyday activities questionnaire",
             "higher_is_better": True, "mic": rules.PSFS_MIC_POINTS, "mic_fraction": 0.0},
}


def score_rmdq(items: Sequence[int]) -> float:
    """RMDQ (Roland & Morris 1983): 24 statements, 1 for each one that applies; 0-24."""
    if not isinstance(items, (list, tuple)) or len(items) != rules.RMDQ_ITEMS:
        raise InvalidField("rmdq", f"expected {rules.RMDQ_ITEMS} answers of 0 or 1")
    for number, value in enumerate(items, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1):
            raise InvalidField(f"rmdq[{number}]", f"must be 0 or 1, got {value!r}")
    return float(sum(items))


def score_akps(total: int) -> float:
    """AKPS (Kujala 1993) as the clinic scored it on its own form: a whole number 0-100."""
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= 100:
        raise InvalidField("akps", f"must be a whole number 0-100, got {total!r}")
    return float(total)


def score_psfs(activities: Sequence[Mapping[str, Any]]) -> float:
    """PSFS (Stratford 1995): 3-5 activities the person names, each 0 (cannot) to 10 (as
    before); the score is their average."""
    low, high = rules.PSFS_MIN_ACTIVITIES, rules.PSFS_MAX_ACTIVITIES
    if not isinstance(activities, (list, tuple)) or not low <= len(activities) <= high:
        raise InvalidField("psfs", f"name {low}-{high} activities, each with a score 0-10")
    scores = []
    for number, item in enumerate(activities, start=1):
        if not isinstance(item, Mapping) or set(item) != {"activity", "score"}:
            raise InvalidField(f"psfs[{number}]", 'expected {"activity": ..., "score": 0-10}')
        if not isinstance(item["activity"], str) or not item["activity"].strip():
            raise InvalidField(f"psfs[{number}].activity", "must name an activity")
        value = item["score"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise InvalidField(f"psfs[{number}].score",
                               f"must be a whole number 0-10, got {value!r}")
        scores.append(value)
    return round(sum(scores) / len(scores), 1)


def score_measure(measure: str, answers: Any) -> float:
    """Score one outcome measure from its answers (see docs/coaching.md for each format)."""
    scorers: dict[str, Callable[[Any], float]] = {
        "odi": score_odi, "rmdq": score_rmdq, "akps": score_akps, "psfs": score_psfs}
    if measure not in scorers:
        raise InvalidField("measure", f"must be one of {', '.join(scorers)}, got {measure!r}")
    return scorers[measure](answers)


def minimal_important_change(measure: str, baseline: float) -> float:
    """The change that matters for ``measure``: its points, or a fraction of the baseline when
    that is larger (Ostelo 2008 for RMDQ and ODI)."""
    spec = MEASURES[measure]
    return max(float(spec["mic"]), spec["mic_fraction"] * baseline)


def measures_for(regions: Sequence[str]) -> list[str]:
    """Which measures a person is offered: RMDQ for back pain (ODI is accepted too), AKPS for
    knee pain, PSFS for everyone."""
    due = []
    if "back" in regions:
        due.append("rmdq")
    if "knee" in regions:
        due.append("akps")
    return [*due, "psfs"]
