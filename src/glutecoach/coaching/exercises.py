"""The exercise library: plain instructions, cues, easier and harder options, evidence, dosing.

Instructions are written in the article's plain style. Glute activation figures are % of maximum
voluntary contraction (%MVIC) from Macadam & Feser (IJSPT 2019;14(1):14-31), DiStefano et al.
(JOSPT 2009;39(7):532-540) and Contreras et al. (J Appl Biomech 2015;31:452-458), as summarised in
evidence.md. Dosing follows the ACSM position stand (Ratamess et al. 2009): 8-15 reps, 1-3 sets,
2-3 sessions a week; the article's 10-15 reps sits inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from glutecoach.coaching.errors import InvalidField

ACSM_DOSING = "1-3 sets of 10-15 reps, 2-3 sessions a week (ACSM, Ratamess et al. 2009)"


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``video_checked`` says whether the squat analysis can film it."""

    code: str
    name: str
    instructions: tuple[str, ...]
    cues: tuple[str, ...]
    regression: str | None
    progression: str | None
    evidence: str
    video_checked: bool = False
    dosing: str = ACSM_DOSING


_SQUAT_CUES = (
    "Feet shoulder-width apart, toes slightly turned out.",
    "Chest up, shoulders back, core engaged.",
    "Weight on your heels; knees track over your toes, not inwards.",
    "Lower slowly; thighs parallel to the ground or as far as comfortable.",
    "Squeeze your glutes at the top.",
)

EXERCISES: dict[str, Exercise] = {
    exercise.code: exercise
    for exercise in (
        Exercise(
            "glute_bridge",
            "Glute bridge",
            (
                "Lie on your back, knees bent, feet flat and hip-width apart.",
                "Squeeze your glutes and lift your hips until knees, hips and shoulders line up.",
                "Hold for a breath at the top, then lower slowly.",
            ),
            (
                "Push through your heels.",
                "Do not arch your lower back at the top.",
                "Feel it in your glutes, not your hamstrings.",
            ),
            None,
            "single_leg_bridge",
            "Glute activation about 25-28% MVIC (Macadam & Feser 2019): a gentle start.",
        ),
        Exercise(
            "clamshell",
            "Clamshell",
            (
                "Lie on your side, hips and knees bent, feet together.",
                "Keep your feet touching and lift your top knee as far as your pelvis stays still.",
                "Lower slowly.",
            ),
            ("Do not roll your hips backwards.", "Move slowly, no swinging."),
            "glute_bridge",
            "side_lying_hip_abduction",
            "Glute medius about 34-67% MVIC (Macadam & Feser 2019; 38-40% in DiStefano 2009).",
        ),
        Exercise(
            "side_lying_hip_abduction",
            "Side-lying hip abduction",
            (
                "Lie on your side, bottom knee bent, top leg straight in line with your body.",
                "Lift the top leg up and slightly back, toes pointing forward.",
                "Lower slowly.",
            ),
            ("Keep your hips stacked; do not roll back.", "Lead with the heel."),
            "clamshell",
            "split_squat",
            "Glute medius about 39-81% MVIC; 81% in DiStefano 2009, among the highest.",
        ),
        Exercise(
            "chair_squat",
            "Chair squat (sit to stand)",
            (
                "Stand in front of a chair, feet shoulder-width apart, toes slightly turned out.",
                "Push your hips back and lower slowly until you lightly touch the seat.",
                "Press through your heels to stand up, squeezing your glutes at the top.",
            ),
            _SQUAT_CUES,
            "glute_bridge",
            "squat",
            "A squat with a safety net: the article's 'sit into a chair if that increases your "
            "confidence'. Bilateral squats activate the glutes modestly (about 30-40% MVIC).",
            video_checked=True,
        ),
        Exercise(
            "squat",
            "Bodyweight squat",
            (
                "Stand with your feet shoulder-width apart, toes slightly turned out.",
                (
                    "Slowly lower by bending your knees and pushing your hips back, "
                    "as if sitting into a chair."
                ),
                "Go down until your thighs are parallel to the ground or as far as comfortable.",
                "Press through your heels to stand, squeezing your glutes at the top.",
            ),
            _SQUAT_CUES,
            "chair_squat",
            "split_squat",
            "Bilateral bodyweight squat: glute activation low, about 30-40% MVIC even loaded "
            "(Macadam & Feser 2019), but a movement you use every day.",
            video_checked=True,
        ),
        Exercise(
            "split_squat",
            "Split squat",
            (
                "Stand with one foot a long step in front of the other.",
                "Lower your back knee towards the floor, front knee over your front foot.",
                "Push up through your front heel. Do all reps, then switch legs.",
            ),
            ("Front knee tracks over your toes, not inwards.", "Keep your chest up."),
            "squat",
            "step_up",
            "Lunge patterns reach about 48% MVIC for glute medius (DiStefano 2009).",
        ),
        Exercise(
            "step_up",
            "Step-up",
            (
                "Stand facing a sturdy step or low bench.",
                "Put one foot on it and press through that heel to stand up on it.",
                "Step down slowly with the other leg. Do all reps, then switch legs.",
            ),
            ("Do not push off the back foot.", "Keep your knee over your toes."),
            "split_squat",
            "single_leg_bridge",
            "Lateral step-up about 29-63% MVIC; step-up variants up to 80-110% (Macadam & Feser).",
        ),
        Exercise(
            "single_leg_bridge",
            "Single-leg bridge",
            (
                "Lie on your back, knees bent, then lift one foot off the floor.",
                "Push through the other heel and lift your hips level.",
                "Lower slowly. Do all reps, then switch legs.",
            ),
            ("Keep your hips level; do not let one side drop.",),
            "glute_bridge",
            "hip_thrust",
            "Single-leg bridge about 40-55% MVIC (Macadam & Feser 2019).",
        ),
        Exercise(
            "hip_thrust",
            "Hip thrust",
            (
                "Sit with your upper back against a sofa or bench, knees bent, feet flat.",
                (
                    "Drive through your heels and lift your hips until your body is "
                    "level from knees to shoulders."
                ),
                "Squeeze your glutes at the top, then lower slowly.",
            ),
            ("Chin tucked, ribs down.", "Shins vertical at the top."),
            "single_leg_bridge",
            "single_leg_squat",
            "About twice the glute max activation of a back squat at 10-rep-max loads "
            "(Contreras et al. 2015).",
        ),
        Exercise(
            "single_leg_squat",
            "Single-leg squat",
            (
                "Stand on one leg beside a wall or chair for balance.",
                "Push your hips back and lower as far as you control, knee over your toes.",
                "Stand back up. Do all reps, then switch legs.",
            ),
            ("Knee over your toes, not caving in.", "Keep your pelvis level."),
            "step_up",
            None,
            "Single-leg squats are among the highest glute activators (DiStefano 2009; "
            "up to 80-110% MVIC, Macadam & Feser 2019).",
        ),
    )
}


def get_exercise(code: str, field_name: str = "exercise") -> Exercise:
    """Look an exercise up by code; raises :class:`InvalidField` naming the choices."""
    try:
        return EXERCISES[code]
    except KeyError:
        choices = ", ".join(EXERCISES)
        raise InvalidField(
            field_name, f"unknown exercise {code!r}; choose one of {choices}"
        ) from None
