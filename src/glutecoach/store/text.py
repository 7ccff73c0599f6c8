"""One check for every free-text field a person types (names, emails, notes, reasons).

Text is normalised to Unicode NFC (so "é" typed two ways is one name, and sorts and compares
alike) and refused when it holds control characters or bidirectional overrides: a
right-to-left override in a patient's name would reverse the text after it in the clinician's
list and print as stray glyphs in the PDF report. Letters of every script, emoji and joiners
stay allowed. The web models (:data:`glutecoach.web.deps.Text`) and the database models
(:mod:`glutecoach.store.models`) both call :func:`clean_text`, so the CLI is covered too.
"""

from __future__ import annotations

import unicodedata

from glutecoach.coaching.errors import InvalidField

#: Explicit bidirectional embeddings, overrides, isolates and marks (Unicode TR 9).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Line breaks allowed where a field may span lines (notes, reasons).
LINE_BREAKS = frozenset("\n\r\t")


def bad_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character a text field must not hold, or None."""
    for char in value:
        if multiline and char in LINE_BREAKS:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            return char
    return None


def clean_text(value: str, field: str, *, multiline: bool = False) -> str:
    """``value`` in NFC; :class:`InvalidField` when it holds a control or bidi character."""
    text = unicodedata.normalize("NFC", value)
    char = bad_character(text, multiline=multiline)
    if char is not None:
        name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
        raise InvalidField(field, f"must not contain control or text-direction characters "
                                  f"(found {name})")
    return text
