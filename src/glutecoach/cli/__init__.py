"""The glutecoach command line: a thin shell over the library. Rich output lives only here.

One module per family of commands: :mod:`analyze` (analyze, evaluate), :mod:`coaching` (screen,
plan, log, pain, progress, report, users) and :mod:`serve` (the web app); :mod:`errors` holds the
one error form they all use.
"""

from __future__ import annotations

import io
import os
import sys

import typer

from glutecoach.cli.analyze import ARTICLE
from glutecoach.cli.analyze import register as _register_analysis
from glutecoach.cli.coaching import register as _register_coaching
from glutecoach.cli.errors import EXIT_BAD_INPUT, error_line, fail, missing_extra
from glutecoach.cli.serve import register as _register_serve
from glutecoach.settings import Settings, SettingsError

try:  # recent Typer ships its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - Typer on the click package
    from click import exceptions as click_errors  # type: ignore[no-redef]
# Click's own "usage" errors and an aborted prompt, wherever this Typer version keeps them.
_NO_ARGS = getattr(click_errors, "NoArgsIsHelpError", ())
_ABORTS = (typer.Abort, getattr(click_errors, "Abort", typer.Abort))

# Plain help (no Rich panels): Rich's help shows every flag as '<bool>'.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Squat coaching for glute strengthening: reps and rep-by-rep form cues "
                       f"from the squat instructions of the article {ARTICLE}.")


@app.callback()
def _startup(ctx: typer.Context) -> None:
    """The settings are read here, once; the commands get them from the context."""
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as exc:
        fail(str(exc))
    if not ctx.obj.native_logs:
        _quiet_native_logs()


def _quiet_native_logs() -> None:
    """MediaPipe's C++ runtime (absl, glog, TensorFlow Lite) writes INFO and WARNING lines
    straight to file descriptor 2, from its own threads, whatever Python asks. Python's stderr
    is moved to a duplicate of that descriptor and descriptor 2 to /dev/null, so only those
    native lines vanish; our messages, progress bars and tracebacks still reach the terminal.
    The native_logs setting (GLUTECOACH_NATIVE_LOGS=1) keeps them, for debugging the pose
    backend."""
    try:
        if sys.stderr is None or sys.stderr.fileno() != 2:
            return  # already redirected (a test runner capturing output, a second call)
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(saved, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                               errors="backslashreplace")
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return


_register_analysis(app)
_register_coaching(app)
_register_serve(app)


def main() -> None:
    """The ``glutecoach`` command. Click's own errors (an unknown option, a value that is not a
    number) get the same one-line form as every other error."""
    try:
        code = app(standalone_mode=False)
    except _NO_ARGS as exc:
        exc.show()
        code = exc.exit_code
    except click_errors.ClickException as exc:
        typer.echo(error_line(exc.format_message()), err=True)
        code = exc.exit_code
    except _ABORTS:
        typer.echo(error_line("aborted"), err=True)
        code = 1
    except ModuleNotFoundError as exc:
        extra = missing_extra(exc)
        if extra is None:
            raise
        typer.echo(error_line(f"this command needs the '{extra}' extra, which is not installed "
                              f"(no module {exc.name!r}): pip install 'glutecoach[{extra}]'"),
                   err=True)
        code = EXIT_BAD_INPUT
    sys.exit(code or 0)

