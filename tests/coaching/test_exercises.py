"""The exercise library covers the issue's ten exercises with usable content."""

from __future__ import annotations

import pytest

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.exercises import EXERCISES, get_exercise

ISSUE_EXERCISES = {
    "chair_squat",
    "squat",
    "glute_bridge",
    "clamshell",
    "side_lying_hip_abduction",
    "split_squat",
    "step_up",
    "single_leg_bridge",
    "hip_thrust",
    "single_leg_squat",
}


def test_all_ten_exercises_exist() -> None:
    assert set(EXERCISES) == ISSUE_EXERCISES


@pytest.mark.parametrize("code", sorted(ISSUE_EXERCISES))
def test_exercise_content(code: str) -> None:
    exercise = EXERCISES[code]
    assert len(exercise.instructions) >= 3 and exercise.cues
    assert "MVIC" in exercise.evidence or "activation" in exercise.evidence
    assert "10-15 reps" in exercise.dosing
    for other in (exercise.regression, exercise.progression):
        assert other is None or other in EXERCISES


def test_only_squats_are_video_checked() -> None:
    assert {c for c, e in EXERCISES.items() if e.video_checked} == {"squat", "chair_squat"}


def test_squat_instructions_follow_the_article() -> None:
    text = " ".join(EXERCISES["squat"].instructions + EXERCISES["squat"].cues).lower()
    for phrase in (
        "shoulder-width",
        "toes slightly turned out",
        "as far as comfortable",
        "heels",
        "squeez",
    ):
        assert phrase in text


def test_unknown_exercise_names_the_field() -> None:
    with pytest.raises(InvalidField, match=r"^exercise: unknown exercise 'deadlift'"):
        get_exercise("deadlift")
