"""Passwords: Argon2id hashing (argon2-cffi's recommended defaults) and a strength check.

Strength is estimated by zxcvbn (Dropbox's estimator, maintained on PyPI; its word and
password frequency lists ship inside the package, so nothing is fetched), which knows the
common passwords, keyboard walks, repeats, dates and the person's own email and name. A
password needs a score of at least 2 of 4 ("somewhat guessable": over 10^8 guesses), which
sign-in throttling then makes impractical to guess online.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from glutecoach.coaching.errors import InvalidField

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
MIN_STRENGTH = 2
#: zxcvbn refuses longer input (its time grows with length); a longer password is checked by
#: its start.
CHECKED_LENGTH = 72


def check_strength(password: str, user_inputs: Iterable[str] = ()) -> None:
    """:class:`InvalidField` for a short, common or trivial password, with zxcvbn's advice."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    texts = list(user_inputs)
    words = texts + [w for text in texts for w in text.replace("@", " ").replace(".", " ").split()]
    verdict = zxcvbn(password[:CHECKED_LENGTH], user_inputs=words)
    if verdict["score"] < MIN_STRENGTH:
        feedback = verdict["feedback"]
        advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
        raise InvalidField("password", "is too easy to guess" + (f": {advice}" if advice else "")
                           + " Try a few unrelated words.")


def hash_password(password: str, *, user_inputs: Iterable[str] = ()) -> str:
    """An Argon2id hash of ``password``; refuses weak passwords (:func:`check_strength`,
    with the person's email and name as ``user_inputs``)."""
    check_strength(password, user_inputs)
    return _HASHER.hash(password)


@cache
def dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so both cases take the same time."""
    return _HASHER.hash("not a real password")


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed hash is a mismatch, not a crash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
