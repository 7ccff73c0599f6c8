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


class ProgrammeBlocked(InvalidField):
    """Exercise is not allowed now (no screening, an uncleared urgent flag, or an exercise above
    the person's level); the message says why in plain words."""

    def __init__(self, reason: str) -> None:
        InputError.__init__(self, reason)  # the reason alone: it is shown to the patient
        self.field = "programme"
        self.problem = reason
