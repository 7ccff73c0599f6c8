"""Screening: red flags, referral, STarT Back scoring (Hill 2008) and strict validation."""

from __future__ import annotations

from typing import Any

import pytest

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.screening import (
    RED_FLAG_CODES,
    URGENT_FLAGS,
    example_answers,
    parse_answers,
    score_start_back,
    screen,
)

EXAMPLE: dict[str, Any] = example_answers()
answers = example_answers  # a fresh copy with some answers changed


def test_issue_example_is_low_risk_and_allowed() -> None:
    result = screen(parse_answers(EXAMPLE))
    assert result.red_flags == []
    assert result.referral == "none"
    assert (result.start_back.total, result.start_back.distress) == (3, 2)
    assert result.start_back.risk == "low"
    assert result.programme_allowed is True
    assert result.risk_factors == ["prolonged_sitting", "inactivity"]
    # back pain 4 and inactivity -> the chair squat, not the bodyweight squat
    assert result.starting_level == 1


@pytest.mark.parametrize(
    ("items", "total", "distress", "risk"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, "not_at_all"], 0, 0, "low"),
        ([1, 1, 1, 0, 0, 0, 0, 0, "extremely"], 4, 1, "medium"),  # item 9 counts
        ([1, 1, 1, 0, 0, 0, 0, 0, "moderately"], 3, 0, "low"),  # ... only when very much+
        ([1, 1, 1, 0, 0, 0, 0, 0, "slightly"], 3, 0, "low"),
        ([0, 0, 0, 0, 1, 1, 1, 0, "very_much"], 4, 4, "high"),  # distress 4 -> high
        ([1, 0, 0, 0, 1, 1, 1, 0, "moderately"], 4, 3, "medium"),  # distress 3 -> medium
        ([0, 0, 0, 0, 1, 1, 1, 0, "moderately"], 3, 3, "low"),  # total 3 -> low regardless
        ([1, 1, 1, 1, 1, 1, 1, 1, "extremely"], 9, 5, "high"),
    ],
)
def test_start_back_boundaries(items: list[Any], total: int, distress: int, risk: str) -> None:
    score = score_start_back(tuple(items))
    assert (score.total, score.distress, score.risk) == (total, distress, risk)


@pytest.mark.parametrize("flag", URGENT_FLAGS)
def test_emergency_flags_block_the_programme(flag: str) -> None:
    data = answers()
    data["red_flags"][flag] = True
    result = screen(parse_answers(data))
    assert result.referral == "urgent"
    assert result.programme_allowed is False
    assert result.starting_level is None
    assert "urgent" in result.advice[0].lower() and "today" in result.advice[0]


@pytest.mark.parametrize("flag", [f for f in RED_FLAG_CODES if f not in URGENT_FLAGS])
def test_other_flags_advise_a_clinician_soon(flag: str) -> None:
    data = answers(pain={"back": 0, "knee": 3})  # fever with back pain is urgent (below)
    data["red_flags"][flag] = True
    result = screen(parse_answers(data))
    assert result.red_flags == [flag]
    assert result.referral == "soon"
    assert result.programme_allowed is True
    assert result.starting_level == 0


@pytest.mark.parametrize(
    ("flags", "pain", "referral"),
    [
        # Finding 3: the same-day list in evidence.md.
        (("fever",), {"back": 4, "knee": 0}, "urgent"),  # fever with back pain: infection
        (("fever",), {"back": 0, "knee": 3}, "soon"),
        (("fever", "knee_hot_swollen"), {"back": 0, "knee": 5}, "urgent"),  # septic arthritis
        (("knee_hot_swollen",), {"back": 0, "knee": 5}, "soon"),
        (("cannot_bear_weight",), {"back": 0, "knee": 6}, "urgent"),  # Ottawa knee rule
        (("leg_numb_cold_colour",), {"back": 0, "knee": 2}, "urgent"),  # vascular
        (("cancer_history", "constant_night_pain"), {"back": 4, "knee": 0}, "urgent"),
        (("cancer_history", "knee_locking_or_giving_way"), {"back": 4, "knee": 0}, "soon"),
    ],
)
def test_urgency(flags: tuple[str, ...], pain: dict[str, int], referral: str) -> None:
    data = answers(pain=pain)
    data["red_flags"].update({flag: True for flag in flags})
    result = screen(parse_answers(data))
    assert result.referral == referral
    assert result.programme_allowed is (referral != "urgent")
    if referral == "urgent":
        # The urgent box says only what to do today: no exercise advice beside it.
        assert len(result.advice) == 2 and "today" in result.advice[0]
        assert not any("sit-to-stand" in line for line in result.advice)


def test_new_pain_over_50_is_asked_not_assumed() -> None:
    old = screen(parse_answers(answers(age=55, pain_is_new=False)))
    assert old.red_flags == [] and old.referral == "none"
    assert not any("over 50" in line for line in old.advice)
    new = screen(parse_answers(answers(age=55, pain_is_new=True)))
    assert new.red_flags == ["new_pain_over_50"] and new.referral == "soon"
    assert "new pain, aged over 50" in new.advice[0]


def test_urgent_wins_over_soon() -> None:
    data = answers()
    data["red_flags"]["cancer_history"] = True
    data["red_flags"]["saddle_numbness"] = True
    result = screen(parse_answers(data))
    assert result.referral == "urgent"
    assert result.red_flags == ["saddle_numbness", "cancer_history"]


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({"pain": {"back": 1, "knee": 0}, "active_days_per_week": 3}, 2),
        ({"pain": {"back": 1, "knee": 0}, "active_days_per_week": 3, "age": 70}, 1),
        ({"pain": {"back": 1, "knee": 0}, "active_days_per_week": 3, "previous_injury": "knee"}, 1),
        ({"pain": {"back": 8, "knee": 0}, "active_days_per_week": 3}, 0),
        (
            {
                "pain": {"back": 1, "knee": 0},
                "active_days_per_week": 3,
                "start_back": [0, 0, 0, 0, 1, 1, 1, 1, "extremely"],
            },
            0,
        ),
    ],
)
def test_starting_level(changes: dict[str, Any], level: int) -> None:
    assert screen(parse_answers(answers(**changes))).starting_level == level


def test_risk_factors_shape_advice() -> None:
    result = screen(
        parse_answers(
            answers(age=55, previous_injury="back", sitting_hours_per_day=2, active_days_per_week=4)
        )
    )
    assert result.risk_factors == ["previous_injury", "age"]
    assert result.advice[-1].endswith("not a diagnosis.")


def _without(key: str) -> dict[str, Any]:
    data = answers()
    del data[key]
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (answers(pain={"back": 11, "knee": 2}), "pain.back"),
        (answers(pain={"back": 3, "knee": -1}), "pain.knee"),
        (answers(pain={"back": 3.5, "knee": 1}), "pain.back"),
        (answers(pain={"back": True, "knee": 1}), "pain.back"),
        (answers(pain={"back": 3}), "pain.knee"),
        (answers(start_back=[0, 1, 0, 0, 1, 0, 0, 1]), "start_back[9]"),
        (answers(start_back=[0, 1, 0, 0, 1, 0, 0, 1, "very"]), "start_back[9]"),
        (answers(start_back=[0, 2, 0, 0, 1, 0, 0, 1, "slightly"]), "start_back[2]"),
        (answers(start_back=[0, 1, 0, 0, 1, 0, 0, 1, "slightly", 1]), "start_back"),
        (answers(start_back="yes"), "start_back"),
        # Finding 12: 1.0 is refused like pain 4.0; no pain region beyond back and knee.
        (answers(start_back=[0, 1.0, 0, 0, 1, 0, 0, 1, "slightly"]), "start_back[2]"),
        (answers(pain={"back": 3, "knee": 1, "hip": 2}), "pain.hip"),
        (answers(pain_is_new="yes"), "pain_is_new"),
        (answers(age=12), "age"),
        (answers(sitting_hours_per_day=25), "sitting_hours_per_day"),
        (answers(active_days_per_week=8), "active_days_per_week"),
        (answers(previous_injury="elbow"), "previous_injury"),
        (answers(colour="blue"), "colour"),
        (_without("start_back"), "start_back"),
        (_without("red_flags"), "red_flags"),
        ([1, 2, 3], "answers"),
    ],
)
def test_validation_names_the_field(data: Any, field: str) -> None:
    with pytest.raises(InvalidField) as caught:
        parse_answers(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_red_flag_answers_must_be_booleans_and_complete() -> None:
    data = answers()
    data["red_flags"]["saddle_numbness"] = "no"
    with pytest.raises(InvalidField, match=r"^red_flags\.saddle_numbness: must be true or false"):
        parse_answers(data)
    data = answers()
    del data["red_flags"]["knee_hot_swollen"]
    with pytest.raises(InvalidField, match=r"^red_flags\.knee_hot_swollen: is missing"):
        parse_answers(data)
    data = answers()
    data["red_flags"]["headache"] = True
    with pytest.raises(InvalidField, match=r"^red_flags\.headache"):
        parse_answers(data)


def test_answers_round_trip() -> None:
    parsed = parse_answers(EXAMPLE)
    assert parse_answers(parsed.to_dict()) == parsed
