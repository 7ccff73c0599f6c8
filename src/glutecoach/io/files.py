"""Writing result files so that a failure never leaves half a file, or destroys an older one.

Every file glutecoach writes (analysis JSON and CSV, annotated video, PDF report, screening
result) is written to a temporary file in the same folder and moved over the target only once
complete (``os.replace`` is atomic within a file system). If writing fails the temporary file
is removed and the target, if it existed, is untouched. ``check_writable`` lets a command fail
in one line before minutes of analysis rather than after.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from glutecoach.errors import InputError

# mkstemp makes private (0600) files; a result file gets the mode any new file would get here
# (the process umask, read once at import) or keeps the mode of the file it replaces.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


# Failures of the output itself (full disk, read-only or missing folder, name too long, no
# permission): reported as the user's input error, in one line. Other errors are bugs.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                  errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EFBIG}


def _output_error(path: Path, error: OSError) -> InputError:
    return InputError(f"{path}: cannot write: {error.strerror or error}")


def check_writable(path: Path, create_parents: bool = False) -> None:
    """Raise InputError naming the problem when ``path`` cannot be written as a file."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file name to write")
        parent = path.parent
        if create_parents:
            parent = next((p for p in (parent, *parent.parents) if p.exists()), Path("."))
        if parent.exists() and not parent.is_dir():
            raise InputError(f"{path}: {parent} is a file, not a folder")
        if not parent.is_dir():
            raise InputError(f"{path}: folder {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise InputError(f"{path}: folder {parent} is not writable")
    except OSError as error:  # e.g. a name longer than the file system allows
        raise _output_error(path, error) from None


@contextmanager
def replaced_atomically(path: Path, create_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix, so writers that pick a format from
    the name still work); on success it becomes ``path``, on any failure it is removed.

    A symbolic link is followed (its target is replaced, not the link); a target that is not a
    regular file (``/dev/stdout``, a named pipe) is written directly, since it cannot be
    replaced."""
    path = Path(path)
    check_writable(path, create_parents)
    if path.exists() and not path.is_file():  # both follow links
        try:
            yield path
        except OSError as error:
            if error.errno in _OUTPUT_ERRNOS:
                raise _output_error(path, error) from None
            raise
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        if create_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=".glutecoach-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as error:
        raise _output_error(path, error) from None
    try:
        os.chmod(partial, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_UMASK)
        yield Path(partial)
        os.replace(partial, target)
    except OSError as error:
        if error.errno in _OUTPUT_ERRNOS:
            raise _output_error(path, error) from None
        raise
    finally:
        Path(partial).unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str, create_parents: bool = False) -> None:
    with replaced_atomically(path, create_parents) as partial:
        partial.write_text(text, encoding="utf-8")
