"""Pain trends (Farrar 2001 / Ostelo 2008), analysis -> set counts, ODI scoring."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from analysis_docs import analysis_doc, fault

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.progress import PainPoint, meaningful_change, pain_trend
from glutecoach.coaching.questionnaires import score_odi
from glutecoach.coaching.sets import counts_from_analysis, counts_from_reps
from glutecoach.result import FaultCode


@pytest.mark.parametrize(
    ("first", "last", "direction"),
    [
        (6, 4, "better"),  # 2 points
        (6, 5, "no meaningful change"),  # 1 point, 17%
        (3, 2, "no meaningful change"),  # 1 point is noise, whatever the percentage
        (2, 3, "no meaningful change"),  # finding 8: 2 -> 3 is not "worse"
        (2, 4, "worse"),
        (0, 1, "no meaningful change"),
        (5, 5, "no meaningful change"),
    ],
)
def test_meaningful_change(first: int, last: int, direction: str) -> None:
    assert meaningful_change(first, last) == direction


def test_pain_trend_uses_first_and_latest_of_a_region() -> None:
    t0 = datetime(2026, 11, 2, tzinfo=timezone.utc)
    points = [
        PainPoint(t0 + timedelta(days=i), region, score)
        for i, (region, score) in enumerate([("back", 6), ("knee", 1), ("back", 5), ("back", 3)])
    ]
    trend = pain_trend(points, "back")
    assert (trend.first, trend.last, trend.change, trend.direction) == (6, 3, -3, "better")
    assert trend.sentence() == "back: 6/10 -> 3/10 (-3), better"
    assert pain_trend(points, "knee").direction == "not enough data"


def test_counts_from_analysis() -> None:
    result = analysis_doc([
        [],
        [fault(FaultCode.DESCENT_TOO_FAST, "advice")],
        [fault(FaultCode.KNEES_CAVING_IN), fault(FaultCode.DEPTH_ABOVE_PARALLEL, "advice")],
        None,
    ])
    counts = counts_from_analysis(result)
    # Scores 100, 92 and 72 (faults cost 20, advice 8); the unreliable rep has none.
    assert (counts.reps, counts.passing_reps, counts.form_score) == (4, 2, 88)
    assert counts.faults == ["knees_caving_in"]


def test_wrong_schema_is_refused() -> None:
    with pytest.raises(InvalidField, match="^video: analysis schema"):
        counts_from_analysis({**analysis_doc([[]]), "schema": "other/2"})


@pytest.mark.parametrize("code", ["knee_valgus", "trunk_lean"])
def test_a_fault_code_that_does_not_exist_is_refused(code: str) -> None:
    result = analysis_doc([[fault(FaultCode.KNEES_CAVING_IN)]])
    result["reps"][0]["faults"][0]["code"] = code
    with pytest.raises(InvalidField, match=r"^video: analysis reps\.0\.faults\.0\.code: "):
        counts_from_analysis(result)


def test_an_incomplete_analysis_is_refused() -> None:
    with pytest.raises(InvalidField, match="^video: analysis source: Field required"):
        counts_from_analysis({"schema": "glutecoach.analysis/1", "reps": []})


def test_counts_from_reps() -> None:
    counts = counts_from_reps(12)
    # Finding 6: a set without a camera is "reported": its reps count, none is "good form".
    assert (counts.reps, counts.passing_reps, counts.form_score) == (12, 0, None)
    assert counts.filmed is False
    with pytest.raises(InvalidField, match="^reps:"):
        counts_from_reps(0)


def test_odi() -> None:
    assert score_odi([5] * 10) == 100.0
    assert score_odi([1, 2, 3, 0, 0, 0, 0, 0, 0, None]) == round(100 * 6 / 45, 1)
    with pytest.raises(InvalidField, match=r"^odi\[3\]"):
        score_odi([0, 0, 6, 0, 0, 0, 0, 0, 0, 0])
    with pytest.raises(InvalidField, match="^odi:"):
        score_odi([0] * 9)


def test_outcome_measures_are_scored_and_checked() -> None:
    from glutecoach.coaching.questionnaires import (
        measures_for,
        minimal_important_change,
        score_measure,
    )

    assert score_measure("rmdq", [1] * 10 + [0] * 14) == 10.0
    assert score_measure("akps", 72) == 72.0
    assert score_measure("psfs", [{"activity": a, "score": s}
                                  for a, s in (("stairs", 4), ("gardening", 5), ("run", 7))]) == 5.3
    for measure, answers, where in (
        ("rmdq", [1] * 23, "rmdq"),
        ("rmdq", [1.0] + [0] * 23, "rmdq[1]"),
        ("akps", 101, "akps"),
        ("psfs", [{"activity": "stairs", "score": 4}], "psfs"),
        ("psfs", [{"activity": "", "score": 4}] * 3, "psfs[1].activity"),
        ("psfs", [{"activity": "x", "score": 11}] * 3, "psfs[1].score"),
        ("koos", [], "measure"),
    ):
        with pytest.raises(InvalidField, match=rf"^{re.escape(where)}:"):
            score_measure(measure, answers)
    assert minimal_important_change("rmdq", 10) == 5  # 5 points beats 30% of 10
    assert minimal_important_change("rmdq", 20) == 6  # 30% of 20 beats 5 points
    assert measures_for(["knee"]) == ["akps", "psfs"]
    assert measures_for(["back", "knee"]) == ["rmdq", "akps", "psfs"]
