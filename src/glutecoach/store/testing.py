"""Throwaway databases for tests, on SQLite and PostgreSQL alike.

Each call to :func:`fresh_database_url` gives a database nobody else sees: a new SQLite file, or
a new schema in the PostgreSQL database named by ``GLUTECOACH_TEST_POSTGRES_URL`` (the schema is
put first on the ``search_path`` through the URL, so the CLI and migrations land in it too). The
schema is dropped afterwards. Shared by the store, report and web test suites.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV_POSTGRES = "GLUTECOACH_TEST_POSTGRES_URL"
Backend = Literal["sqlite", "postgresql"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgresql")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL URL was given; ``required`` says whether that is an error (CI) or a skip."""

    def __init__(self, required: bool) -> None:
        where = "CI=true, so the PostgreSQL run is required" if required else "skipping"
        super().__init__(
            f"{ENV_POSTGRES} is not set ({where}); start a server with "
            f"'.ci/postgres.sh' and export {ENV_POSTGRES}=<the URL it prints>"
        )
        self.required = required


def postgres_url() -> str:
    """The PostgreSQL URL for tests, or :class:`PostgresUnavailable`."""
    url = os.environ.get(ENV_POSTGRES)
    if not url:
        raise PostgresUnavailable(os.environ.get("CI", "").lower() == "true")
    return url


@contextmanager
def fresh_database_url(backend: Backend, folder: Path) -> Iterator[str]:
    """A URL to an empty, private database on ``backend``; removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'glutecoach-{uuid.uuid4().hex[:8]}.db'}"
        return
    base = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backend_database_url(backend: Backend, folder: Path) -> Iterator[str]:
    """For a pytest fixture parametrised over :data:`BACKENDS`: a fresh database URL, with the
    PostgreSQL half skipped when no server is given (failed instead when CI requires it)."""
    import pytest

    if backend == "postgresql":
        try:
            postgres_url()
        except PostgresUnavailable as missing:
            if missing.required:
                pytest.fail(str(missing), pytrace=False)
            pytest.skip(str(missing))
    with fresh_database_url(backend, folder) as url:
        yield url
