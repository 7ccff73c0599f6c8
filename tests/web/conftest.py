"""Web tests: a real app on a throwaway database (SQLite and PostgreSQL) and real HTTP through
Starlette's TestClient. Helpers live in :mod:`glutecoach.web.testing`.

PostgreSQL comes from ``GLUTECOACH_TEST_POSTGRES_URL`` as in the store tests: without it the
PostgreSQL half is skipped (and fails when ``CI=true``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi import FastAPI
from support import VIDEOS

from glutecoach.settings import Settings
from glutecoach.store.testing import BACKENDS, backend_database_url
from glutecoach.web.app import create_app
from glutecoach.web.testing import Users


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """schemathesis 4 on pytest 9 gives every API operation's fuzz test its function's node id,
    so pytest counted them as one (its progress column ended short of 100%) and -k or
    --deselect could not pick one. Each gets its own id, from its name (which holds the
    operation)."""
    for item in items:
        base, _, last = item.nodeid.rpartition("::")
        if base and item.name != last and item.name.startswith(last + "["):
            nodeid = f"{base}::{item.name}"
            if hasattr(item, "_id"):  # pytest 9.2 keeps a structured id (no public setter)
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(nodeid)
            else:
                item._nodeid = nodeid


@pytest.fixture(params=BACKENDS)
def web_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend, dropped afterwards."""
    yield from backend_database_url(request.param, tmp_path)


@pytest.fixture
def settings(web_db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=web_db_url, media_dir=tmp_path / "media")


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.db.dispose()


@pytest.fixture
def users(app: FastAPI) -> Iterator[Users]:
    made = Users(app)
    yield made
    made.close()


@pytest.fixture
def videos() -> Path:
    if not VIDEOS.is_dir():
        pytest.skip(f"real clips not found at {VIDEOS}")
    return VIDEOS
