"""The validation error the coaching layer raises, naming the field at fault."""

from __future__ import annotations

from glutecoach.errors import InputError


class InvalidField(InputError):
    """A value that breaks a rule; ``field`` is its dotted path, e.g. ``start_back[9]``.

    Shells print ``str(error)`` as one line ("pain.back: must be a whole number 0-10, got 11").
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
