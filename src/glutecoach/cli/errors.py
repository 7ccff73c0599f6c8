"""What every command shares for talking to the user: one error form, and Rich consoles that
do not wrap sentences at 80 columns when the output is piped."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

#: Usage errors (click's own exit code) and input that cannot be used.
EXIT_BAD_INPUT = 2

out = Console(soft_wrap=True)
console = Console(stderr=True, soft_wrap=True)


def error_line(message: str) -> str:
    """The one error form of every command: ``glutecoach: error: ...`` on one line."""
    return "glutecoach: error: " + " ".join(str(message).split())


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr, no traceback, non-zero exit."""
    typer.echo(error_line(message), err=True)
    raise typer.Exit(code)
