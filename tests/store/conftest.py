"""Every storage test runs on SQLite and on PostgreSQL, each in a private database.

PostgreSQL comes from ``GLUTECOACH_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` prints one). Without
it the PostgreSQL half fails when ``CI=true`` and is skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from glutecoach.store.db import Database
from glutecoach.store.testing import BACKENDS, backend_database_url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database of each backend, dropped after the test."""
    yield from backend_database_url(request.param, tmp_path)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A database migrated to head."""
    database = Database.open(db_url)
    yield database
    database.dispose()
