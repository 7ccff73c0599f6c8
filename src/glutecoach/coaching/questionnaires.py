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
            "plain": "the back pain questionnaire", "out_of": 100,
            "better": "A lower score means your back gets in your way less.",
            "higher_is_better": False, "mic": rules.ODI_MIC_POINTS,
            "mic_fraction": rules.OUTCOME_MIC_FRACTION},
    "rmdq": {"region": "back", "name": "Roland-Morris Disability Questionnaire", "unit": "/24",
             "plain": "the back pain questionnaire", "out_of": 24,
             "better": "A lower score means your back gets in your way less.",
             "higher_is_better": False, "mic": rules.RMDQ_MIC_POINTS,
             "mic_fraction": rules.OUTCOME_MIC_FRACTION},
    "akps": {"region": "knee", "name": "Anterior Knee Pain Scale (Kujala)", "unit": "/100",
             "plain": "the knee questionnaire", "out_of": 100,
             "better": "A higher score means your knee gets in your way less.",
             "higher_is_better": True, "mic": rules.AKPS_MIC_POINTS, "mic_fraction": 0.0},
    "psfs": {"region": None, "name": "Patient-Specific Functional Scale", "unit": "/10",
             "plain": "the everyday activities questionnaire", "out_of": 10,
             "better": "A higher score means you can do your activities more easily.",
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


# --- The patient's web forms (glutecoach.web: /outcomes) ------------------------------------------
#
# The published wording of the ODI's 60 statements and of the AKPS's 13 items is not shipped
# (licences, evidence.md). The ODI form asks each section's score 0-5 under a short description
# in our own words; the AKPS form takes the total of the clinic's paper form. The PSFS is free to
# use: the person names their own activities.

#: Which form answers a measure that is due (the web offers the ODI for back pain; the RMDQ,
#: without its wording, is entered with the CLI or the API).
WEB_FORM_FOR = {"rmdq": "odi", "odi": "odi", "akps": "akps", "psfs": "psfs"}
#: The measures a patient can answer on the web.
WEB_FORMS = ("odi", "akps", "psfs")

#: The ten ODI sections (Fairbank & Pynsent 2000), each with a short description in plain words.
ODI_SECTIONS_PLAIN: tuple[tuple[str, str], ...] = (
    ("Pain", "How bad your pain is right now."),
    ("Looking after yourself", "Washing, dressing and other personal care."),
    ("Lifting", "Lifting things, light or heavy."),
    ("Walking", "How far you can walk."),
    ("Sitting", "How long you can sit in a chair."),
    ("Standing", "How long you can stand."),
    ("Sleeping", "Whether pain wakes you or stops you sleeping."),
    ("Sex life", "If this applies to you. You can leave it out."),
    ("Social life", "Going out, hobbies and seeing people."),
    ("Travelling", "Trips by car, bus or train."),
)
#: What the ends of the 0-5 scale mean on the ODI form.
ODI_SCALE_PLAIN = ("0 means your back pain does not get in the way of this at all; 5 means it "
                   "stops you completely. Pick the number closest to how things are today.")
#: The longest activity name the PSFS form takes.
PSFS_ACTIVITY_MAX = 100


def _whole(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidField(what, f"must be a whole number {low}-{high}, got {text!r}") from None
    if not low <= value <= high:
        raise InvalidField(what, f"must be a whole number {low}-{high}, got {value}")
    return value


def answers_from_form(measure: str, form: Mapping[str, str]) -> Any:
    """A web form's fields as the answers :func:`score_measure` takes, with errors in words
    ("The score for activity 2 is missing"). ODI: ``s1``..``s10``, each 0-5 or blank (left out);
    AKPS: ``total``; PSFS: ``activity1``..``activity5`` with ``score1``..``score5`` (rows left
    blank are skipped)."""
    def field(name: str) -> str:
        return str(form.get(name, "") or "").strip()

    if measure == "odi":
        sections: list[int | None] = []
        for number, (title, _) in enumerate(ODI_SECTIONS_PLAIN, start=1):
            text = field(f"s{number}")
            sections.append(_whole(text, f'answer for "{title}"', 0, rules.ODI_SECTION_MAX)
                            if text else None)
        if all(value is None for value in sections):
            raise InvalidField("questionnaire", "is empty: pick a number for at least one "
                                                "section")
        return sections
    if measure == "akps":
        text = field("total")
        if not text:
            raise InvalidField("total", "is missing: copy it from the bottom of your paper form")
        return _whole(text, "total", 0, 100)
    if measure == "psfs":
        activities = []
        for number in range(1, rules.PSFS_MAX_ACTIVITIES + 1):
            name, score = field(f"activity{number}"), field(f"score{number}")
            if not name and not score:
                continue
            if not name:
                raise InvalidField(f"name of activity {number}", "is missing")
            if len(name) > PSFS_ACTIVITY_MAX:
                raise InvalidField(f"name of activity {number}",
                                   f"is too long (at most {PSFS_ACTIVITY_MAX} characters)")
            if not score:
                raise InvalidField(f"score for activity {number}", "is missing")
            activities.append({"activity": name,
                               "score": _whole(score, f"score for activity {number}", 0, 10)})
        if len(activities) < rules.PSFS_MIN_ACTIVITIES:
            raise InvalidField("number of activities", f"is too small: name at least "
                               f"{rules.PSFS_MIN_ACTIVITIES}, each with a score")
        return activities
    raise InvalidField("measure", f"must be one of {', '.join(WEB_FORMS)}, got {measure!r}")


def _day(iso: str) -> str:
    from datetime import date

    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def result_in_words(trend: Mapping[str, Any]) -> list[str]:
    """A measure's latest score, its change since the first one and whether that change
    matters, for the patient (``trend`` is one item of ``service.outcome_trends``)."""
    spec = MEASURES[trend["measure"]]
    lines = [f"Your latest score: {trend['last']:g} out of {spec['out_of']} "
             f"(on {_day(trend['last_day'])}). {spec['better']}"]
    if trend["taken"] < 2:
        lines.append(f"This is your starting point. We will ask again in "
                     f"{rules.OUTCOME_REPEAT_DAYS // 7} weeks.")
        return lines
    change, mic = trend["change"], trend["minimal_important_change"]
    moved = ("the same as" if change == 0 else
             f"{'up' if change > 0 else 'down'} {abs(change):g} "
             f"{'point' if abs(change) == 1 else 'points'} from")
    lines.append(f"That is {moved} your first score, {trend['first']:g} "
                 f"(on {_day(trend['first_day'])}).")
    lines.append({
        "better": "That is a real improvement.",
        "worse": "That is a real change for the worse. Please tell your clinician.",
    }.get(trend["direction"], f"That is not a real change yet: a change of less than "
                              f"{mic:g} points can happen by chance."))
    return lines
