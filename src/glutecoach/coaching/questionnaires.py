"""Questionnaire scoring beyond STarT Back (which lives in :mod:`screening`).

Oswestry Disability Index (Fairbank & Pynsent, Spine 2000): 10 sections scored 0-5; the score is
the percentage of the maximum over the sections answered, so a skipped section does not count
as "no disability".
"""

from __future__ import annotations

from collections.abc import Sequence

from glutecoach.coaching import rules
from glutecoach.coaching.errors import InvalidField


def score_odi(sections: Sequence[int | None]) -> float:
    """ODI percent (0-100) from 10 section scores, None for a skipped section."""
    if len(sections) != rules.ODI_SECTIONS:
        raise InvalidField("odi", f"expected {rules.ODI_SECTIONS} sections, got {len(sections)}")
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
