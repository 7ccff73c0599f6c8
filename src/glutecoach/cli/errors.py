"""What every command shares for talking to the user: one error form, Rich consoles that do
not wrap sentences at 80 columns when the output is piped, the settings read at start, and the
extra to install when a command's packages are missing."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from glutecoach.settings import Settings

try:  # recent Typer ships its own copy of click
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - Typer on the click package
    from click import get_current_context  # type: ignore[no-redef]

#: Usage errors (click's own exit code) and input that cannot be used.
EXIT_BAD_INPUT = 2

#: The extra that installs each optional top-level package (pyproject.toml).
EXTRA_OF_MODULE = {
    **dict.fromkeys(("fastapi", "starlette", "uvicorn", "jinja2", "multipart", "python_multipart",
                     "zxcvbn", "swagger_ui_bundle", "sqlalchemy", "alembic", "argon2",
                     "reportlab", "matplotlib"), "web"),
    "psycopg": "postgres",
    "ray": "cluster",
}

out = Console(soft_wrap=True)
console = Console(stderr=True, soft_wrap=True)


def error_line(message: str) -> str:
    """The one error form of every command: ``glutecoach: error: ...`` on one line."""
    return "glutecoach: error: " + " ".join(str(message).split())


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr, no traceback, non-zero exit."""
    typer.echo(error_line(message), err=True)
    raise typer.Exit(code)


def settings() -> Settings:
    """The settings the ``glutecoach`` callback read from the environment at start."""
    obj = get_current_context().find_root().obj
    return obj if isinstance(obj, Settings) else Settings.from_env()


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """The extra that would have installed the missing module, or None (a real bug)."""
    return EXTRA_OF_MODULE.get((error.name or "").split(".")[0])
