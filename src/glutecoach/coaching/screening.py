"""Screening before exercise: red flags, STarT Back risk, risk factors and a starting level.

The screen decides what the software may do, never what is wrong: a red flag means "show this
to a clinician" (today, for the possible cauda equina signs), not a diagnosis. Red flags follow
NICE NG59 and Finucane et al. (JOSPT 2020;50(7):350-372) for the back, and the knee list in
evidence.md. STarT Back scoring follows Hill et al. (Arthritis Rheum 2008;59(5):632-641).

Answers arrive as the JSON documented in docs/coaching.md and are validated strictly: every
problem raises :class:`InvalidField` naming the field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import ErrorDetails

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField

Referral = Literal["urgent", "soon", "none"]
Risk = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class RedFlag:
    """One screening question, the plain words shown for a "yes", and what it may mean.

    ``urgent`` flags need same-day care on their own; others need a clinician soon, unless a
    combination in :func:`referral_for` makes them urgent.
    """

    code: str
    question: str
    urgent: bool
    meaning: str
    label: str


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "bladder_bowel_change",
        "Any new problem controlling your bladder or bowels?",
        True,
        "possible cauda equina syndrome",
        "new bladder or bowel problem",
    ),
    RedFlag(
        "saddle_numbness",
        "Any numbness around your bottom, genitals or inner thighs?",
        True,
        "possible cauda equina syndrome",
        "numbness around the bottom or genitals",
    ),
    RedFlag(
        "progressive_leg_weakness",
        "Is a leg getting weaker, or are you losing the ability to walk?",
        True,
        "possible cauda equina syndrome or nerve compression",
        "a leg getting weaker",
    ),
    RedFlag(
        "leg_numb_cold_colour",
        "Is a leg numb, cold, or a different colour from the other one?",
        True,
        "possible problem with the blood supply to the leg",
        "a numb, cold or discoloured leg",
    ),
    RedFlag(
        "cannot_bear_weight",
        "Since an injury, are you unable to stand on the leg or walk 4 steps?",
        True,
        "possible fracture (Ottawa knee rule)",
        "unable to stand on the leg or walk 4 steps after an injury",
    ),
    RedFlag(
        "fever",
        "Do you have a fever, or feel hot and shivery?",
        False,
        "possible infection",
        "fever",
    ),
    RedFlag(
        "immune_or_drug_use",
        "Do you have a weakened immune system, or inject drugs?",
        False,
        "higher risk of infection",
        "weakened immune system or injecting drugs",
    ),
    RedFlag(
        "cancer_history",
        "Have you ever had cancer?",
        False,
        "rule out a serious cause",
        "has had cancer",
    ),
    RedFlag(
        "unexplained_weight_loss",
        "Have you lost weight without trying?",
        False,
        "rule out a serious cause",
        "weight loss without trying",
    ),
    RedFlag(
        "constant_night_pain",
        "Is the pain there all the time, or worst at night?",
        False,
        "rule out a serious cause",
        "pain all the time or worst at night",
    ),
    RedFlag(
        "significant_trauma",
        "Did the pain start after a fall or accident, or do you have osteoporosis or take "
        "long-term steroids?",
        False,
        "rule out a fracture",
        "pain after a fall or accident, osteoporosis or long-term steroids",
    ),
    RedFlag(
        "knee_locking_or_giving_way",
        "Does your knee lock or give way?",
        False,
        "possible joint injury",
        "knee locks or gives way",
    ),
    RedFlag(
        "knee_hot_swollen",
        "Is a knee hot, red or swollen, or did it swell fast?",
        False,
        "possible infection, inflammation or injury",
        "hot, red or swollen knee",
    ),
)
RED_FLAG_CODES = tuple(flag.code for flag in RED_FLAGS)
URGENT_FLAGS = tuple(flag.code for flag in RED_FLAGS if flag.urgent)
#: Flags worked out from other answers rather than asked directly.
NEW_PAIN_OVER_50 = "new_pain_over_50"
#: The malignancy pattern (Finucane 2020); ``rules.SERIOUS_PATTERN_FLAGS_URGENT`` of them
#: together make the referral urgent.
SERIOUS_PATTERN = ("cancer_history", "unexplained_weight_loss", "constant_night_pain",
                   NEW_PAIN_OVER_50)
#: Flags checked again before each session (the two-question symptom check).
SYMPTOM_CHECK_FLAGS = {
    "numbness_or_bladder": ("saddle_numbness", "bladder_bowel_change"),
    "new_weakness": ("progressive_leg_weakness",),
}
SYMPTOM_CHECK_QUESTIONS = {
    "numbness_or_bladder": "Since last time, any new numbness around your bottom or genitals, "
    "or any new problem controlling your bladder or bowels?",
    "new_weakness": "Since last time, is a leg newly weak, or are you finding it harder to walk?",
}
_LABELS = {flag.code: flag.label for flag in RED_FLAGS} | {
    NEW_PAIN_OVER_50: "new pain, aged over 50"
}


def flag_label(code: str) -> str:
    """Plain words for a red-flag code, for patients and clinicians alike."""
    return _LABELS.get(code, code.replace("_", " "))


#: STarT Back Tool wording (Hill et al. 2008); items 1-8 are agree (1) / disagree (0).
START_BACK_QUESTIONS: tuple[str, ...] = (
    "My back pain has spread down my leg(s) at some time in the last 2 weeks.",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks.",
    "I have only walked short distances because of my back pain.",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain.",
    "It's not really safe for a person with a condition like mine to be physically active.",
    "Worrying thoughts have been going through my mind a lot of the time.",
    "I feel that my back pain is terrible and it's never going to get any better.",
    "In general I have not enjoyed all the things I used to enjoy.",
    "Overall, how bothersome has your back pain been in the last 2 weeks?",
)

PreviousInjury = Literal["none", "back", "knee", "hip", "ankle", "other"]
PREVIOUS_INJURY_CHOICES: tuple[str, ...] = get_args(PreviousInjury)


@dataclass(frozen=True)
class StartBackScore:
    """STarT Back total (0-9), distress subscale (items 5-9, 0-5) and risk group."""

    total: int
    distress: int
    risk: Risk


@dataclass(frozen=True)
class ScreeningResult:
    """What the screen allows and advises. ``starting_level`` is None when blocked."""

    red_flags: list[str]
    referral: Referral
    start_back: StartBackScore | None
    programme_allowed: bool
    risk_factors: list[str]
    advice: list[str]
    starting_level: int | None
    pain: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as written by ``screen --json``."""
        return asdict(self)


# --- validation ---------------------------------------------------------------------------------


def whole_number(value: Any, field_name: str, low: int, high: int) -> int:
    """``value`` if it is an int in [low, high] (not a bool), else :class:`InvalidField`."""
    # bool is an int in Python; a "true" pain score is a mistake, not a 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(field_name, f"must be a whole number {low}-{high}, got {value!r}")
    return value


def _whole(low: int, high: int) -> Any:
    """A strict int field (no bool, no 1.0) whose description is the rule an error quotes."""
    return Field(strict=True, ge=low, le=high, description=f"a whole number {low}-{high}")


_FORBID = ConfigDict(extra="forbid", frozen=True)
_ITEM9_RULE = f"one of {', '.join(rules.START_BACK_ITEM9_ANSWERS)}"
Agree = Annotated[int, Field(strict=True, ge=0, le=1, description="0 or 1")]
#: The 9 STarT Back answers: items 1-8 agree (1) / disagree (0), item 9 a word.
StartBackAnswers = tuple[Agree, Agree, Agree, Agree, Agree, Agree, Agree, Agree,
                         rules.StartBackItem9]
#: One true/false answer per red-flag question (the code is the key).
_RED_FLAG_FIELDS: dict[str, Any] = {
    f.code: (StrictBool, Field(description="true or false", title=f.question)) for f in RED_FLAGS}
RedFlagAnswers = create_model("RedFlagAnswers", __config__=_FORBID, **_RED_FLAG_FIELDS)


class PainNow(BaseModel):
    """Pain now, 0-10, in the back and in the knee."""

    model_config = _FORBID
    back: int = _whole(rules.PAIN_MIN, rules.PAIN_MAX)
    knee: int = _whole(rules.PAIN_MIN, rules.PAIN_MAX)


class Answers(BaseModel):
    """Screening answers as the answers file, the web API and the page give them
    (docs/coaching.md); validated strictly (a pain of 3.5 or ``true`` is refused, not
    rounded). ``start_back`` is None without back pain: STarT Back is validated for back pain
    only, so a knee-only patient's answers are neither required to be valid nor scored."""

    model_config = _FORBID
    red_flags: RedFlagAnswers = Field(  # type: ignore[valid-type]  # built from RED_FLAGS
        description="an object of true/false answers")
    start_back: StartBackAnswers | None = Field(description="a list of 9 answers")
    pain: PainNow = Field(description="an object with back and knee scores")
    pain_is_new: StrictBool = Field(description="true or false")
    age: int = _whole(16, 120)
    sitting_hours_per_day: float = Field(strict=True, ge=0, le=24, description="a number 0-24")
    active_days_per_week: int = _whole(0, 7)
    previous_injury: PreviousInjury = Field(
        description=f"one of {', '.join(get_args(PreviousInjury))}")

    @model_validator(mode="before")
    @classmethod
    def _start_back_only_with_back_pain(cls, data: Any) -> Any:
        """STarT Back is neither required to be valid nor scored without back pain (the key
        must still be there)."""
        pain = data.get("pain") if isinstance(data, Mapping) else None
        back = pain.get("back") if isinstance(pain, Mapping) else None
        if type(back) is int and back == 0 and "start_back" in data:
            return {**data, "start_back": None}
        return data

    @property
    def pain_back(self) -> int:
        return self.pain.back

    @property
    def pain_knee(self) -> int:
        return self.pain.knee

    def flagged(self, code: str) -> bool:
        """The answer to one red-flag question."""
        return bool(getattr(self.red_flags, code))

    def to_dict(self) -> dict[str, Any]:
        """The answers in the documented file format."""
        return self.model_dump(mode="json")


def current_answers(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Answers stored before the red-flag list changed (revision 0004), in today's format: the
    old combined ``fever_or_infection`` keeps its old "soon" meaning as ``immune_or_drug_use``,
    questions not asked then are "no", and the pain counts as not new."""
    flags = dict(stored.get("red_flags") or {})
    if "fever_or_infection" in flags:
        flags["immune_or_drug_use"] = bool(flags.pop("fever_or_infection"))
    return {
        **stored,
        "red_flags": {code: bool(flags.get(code, False)) for code in RED_FLAG_CODES},
        "pain_is_new": bool(stored.get("pain_is_new", False)),
    }


def parse_answers(data: Any) -> Answers:
    """Validate decoded answers; raises :class:`InvalidField` naming the first problem
    ("pain.back: must be a whole number 0-10, got 11", "start_back[9]: ...")."""
    if isinstance(data, Answers):
        return data
    if not isinstance(data, Mapping):
        raise InvalidField("answers", "must be a JSON object")
    try:
        return Answers.model_validate(data)
    except ValidationError as bad:
        raise _in_words(bad.errors()[0]) from None


_EXTRA = {(): "is not a screening field", ("pain",): "is not a pain region (back, knee)",
          ("red_flags",): "is not a known red flag"}


def _in_words(error: ErrorDetails) -> InvalidField:
    """One pydantic error as the field's dotted name and its rule: "must be <rule>, got x"."""
    loc = tuple(error["loc"])
    if loc[:1] == ("start_back",) and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        field = f"start_back[{index + 1}]"  # 1-based, as the questionnaire numbers items
        if error["type"] == "missing":
            return InvalidField(field, f"expected 9 answers, got {index}")
        rule = _ITEM9_RULE if index == rules.START_BACK_ITEMS - 1 else "0 or 1"
        return InvalidField(field, f"must be {rule}, got {error['input']!r}")
    names = tuple(str(p) for p in loc)
    field = ".".join(names)
    if error["type"] == "missing":
        return InvalidField(field, "is missing")
    if error["type"] == "extra_forbidden":
        return InvalidField(field, _EXTRA[names[:-1]])
    if names == ("start_back",) and error["type"] == "too_long":
        return InvalidField(field, f"expected 9 answers, got {len(error['input'])}")
    return InvalidField(field, f"must be {_rule(names)}, got {error['input']!r}")


def _rule(loc: tuple[str, ...]) -> str:
    """The description of the field at ``loc``: the rule in words."""
    model: Any = Answers
    rule = ""
    for part in loc:
        info = model.model_fields[part]
        rule, model = info.description or "", info.annotation
    return rule


# --- scoring ------------------------------------------------------------------------------------


def score_start_back(items: tuple[int | str, ...]) -> StartBackScore:
    """Score validated STarT Back answers (Hill et al. 2008).

    Total 0-3: low. Total 4+: medium when the distress subscale (items 5-9) is 3 or less, high
    when it is 4 or more. Item 9 counts 1 only for "very much" or "extremely".
    """
    points = [int(item) for item in items[:8]]
    points.append(1 if items[8] in rules.START_BACK_ITEM9_POSITIVE else 0)
    total = sum(points)
    distress = sum(points[n - 1] for n in rules.START_BACK_DISTRESS_ITEMS)
    risk: Risk
    if total <= rules.START_BACK_LOW_MAX_TOTAL:
        risk = "low"
    elif distress <= rules.START_BACK_MEDIUM_MAX_DISTRESS:
        risk = "medium"
    else:
        risk = "high"
    return StartBackScore(total=total, distress=distress, risk=risk)


def risk_factors(answers: Answers) -> list[str]:
    """The article's risk factors present in the answers (codes, in a fixed order)."""
    found = []
    if answers.sitting_hours_per_day >= rules.SITTING_HOURS_HIGH:
        found.append("prolonged_sitting")
    if answers.active_days_per_week < rules.ACTIVE_DAYS_LOW:
        found.append("inactivity")
    if answers.previous_injury != "none":
        found.append("previous_injury")
    if answers.age > rules.AGE_NEW_PAIN_FLAG_YEARS:
        found.append("age")
    return found


def red_flags_of(answers: Answers) -> list[str]:
    """The positive flags: those answered yes, plus new pain over 50 (NICE NG59)."""
    flags = [code for code in RED_FLAG_CODES if answers.flagged(code)]
    if answers.pain_is_new and answers.age > rules.AGE_NEW_PAIN_FLAG_YEARS:
        flags.append(NEW_PAIN_OVER_50)
    return flags


def referral_for(flags: list[str], pain_back: int, pain_knee: int) -> Referral:
    """Same-day ("urgent"), "soon" or "none", from the urgency list in evidence.md.

    Urgent: the cauda equina signs, a numb/cold/discoloured leg, unable to bear weight after
    an injury (Ottawa knee rule, Stiell 1996), fever with back pain (spinal infection), fever
    with a hot swollen knee (septic arthritis), or several malignancy-pattern flags together
    (Finucane 2020). Any other flag: soon.
    """
    present = set(flags)
    if present & set(URGENT_FLAGS):
        return "urgent"
    if "fever" in present and (pain_back > 0 or "knee_hot_swollen" in present):
        return "urgent"
    if len(present & set(SERIOUS_PATTERN)) >= rules.SERIOUS_PATTERN_FLAGS_URGENT:
        return "urgent"
    return "soon" if flags else "none"


def starting_level(answers: Answers, start_back: StartBackScore | None, referral: Referral) -> int:
    """Ladder level to start at (0 glute bridge, 1 chair squat, 2 bodyweight squat).

    Gentler starts for more pain, higher STarT Back risk, a flag awaiting a clinician, older age,
    inactivity or an old injury: the article's "sit into a chair if that increases your
    confidence", applied before the person has to ask.
    """
    worst_pain = max(answers.pain_back, answers.pain_knee)
    risk = start_back.risk if start_back else "low"
    if referral != "none" or risk == "high" or worst_pain >= rules.PAIN_GENTLE_START:
        return 0
    gentle = (
        risk == "medium"
        or worst_pain >= rules.PAIN_CHAIR_START
        or answers.age >= rules.AGE_GENTLE_START_YEARS
        or answers.active_days_per_week < rules.ACTIVE_DAYS_LOW
        or answers.previous_injury != "none"
    )
    return 1 if gentle else 2


NOT_A_DIAGNOSIS = "This screen flags what to show a clinician; it is not a diagnosis."
_FACTOR_ADVICE = {
    "prolonged_sitting": "You sit for long stretches: stand up and do a few sit-to-stands "
    "every hour or so; your glutes do little while you sit.",
    "inactivity": "You are active on few days: start gently and build to 2-3 sessions a week.",
    "previous_injury": "You have had an injury before: start easy, stop if it hurts sharply, "
    "and tell your clinician which exercises you are doing.",
}


def _advice(
    flags: list[str], referral: Referral, start_back: StartBackScore | None, factors: list[str]
) -> list[str]:
    if referral == "urgent":
        # Nothing else beside it: an urgent box must not also suggest exercises.
        return [
            "Get medical help today: call your doctor's urgent line or NHS 111, or go to A&E. "
            f"Tell them about: {'; '.join(flag_label(c) for c in flags)}.",
            "Do not do the exercises until a clinician has checked you and cleared you here.",
        ]
    advice: list[str] = []
    if referral == "soon":
        advice.append(
            "Please see a clinician in the next week or two about: "
            f"{'; '.join(flag_label(c) for c in flags)}. Until they have looked at it, your plan "
            "stays at the gentlest level. Stop if the pain gets worse."
        )
    risk = start_back.risk if start_back else None
    if risk == "high":
        advice.append(
            "Your answers suggest the pain is weighing on you: a physiotherapist can "
            "help with that as well as with exercise."
        )
    elif risk == "medium":
        advice.append("A physiotherapist-guided exercise plan is a good fit for your answers.")
    advice.extend(_FACTOR_ADVICE[code] for code in factors if code in _FACTOR_ADVICE)
    advice.append(NOT_A_DIAGNOSIS)
    return advice


def screen(answers: Answers) -> ScreeningResult:
    """Screen validated answers: flags, referral, STarT Back, advice and the starting level."""
    flags = red_flags_of(answers)
    referral = referral_for(flags, answers.pain_back, answers.pain_knee)
    start_back = None if answers.start_back is None else score_start_back(answers.start_back)
    factors = risk_factors(answers)
    allowed = referral != "urgent"
    return ScreeningResult(
        red_flags=flags,
        referral=referral,
        start_back=start_back,
        programme_allowed=allowed,
        risk_factors=factors,
        advice=_advice(flags, referral, start_back, factors),
        starting_level=starting_level(answers, start_back, referral) if allowed else None,
        pain={"back": answers.pain_back, "knee": answers.pain_knee},
    )


_EXAMPLE_ANSWERS: dict[str, Any] = {
    "red_flags": {code: False for code in RED_FLAG_CODES},
    "start_back": [0, 1, 0, 0, 1, 0, 0, 1, "moderately"],
    "pain": {"back": 4, "knee": 2},
    "pain_is_new": False,
    "age": 46,
    "sitting_hours_per_day": 9,
    "active_days_per_week": 1,
    "previous_injury": "none",
}


def example_answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid answers document (no red flags, low STarT Back risk): the shape that
    ``parse_answers`` expects, for documentation and as the tests' starting point. Keyword
    arguments replace top-level answers."""
    return {**copy.deepcopy(_EXAMPLE_ANSWERS), **changes}
