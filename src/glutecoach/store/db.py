"""Where the database lives, how to connect, and the unit of work.

The URL is given by the caller (the CLI and the web app take it from
:class:`glutecoach.settings.Settings`); without one an SQLite file in the user's data directory is
used, created on first use. Opening a database runs the Alembic migrations shipped
inside this package up to head, so an old file is upgraded in place and a new one is built by the
same revisions (never by ``create_all``), which keeps both paths identical.

Writes go through :meth:`Database.session_scope`: it commits once at the end, and any exception
rolls the whole block back, so a failure mid-write leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def default_url() -> str:
    """The SQLite file in the per-user data directory (created if missing)."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("glutecoach", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'glutecoach.db'}"


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys (and ON DELETE) unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its parent folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations; no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass
class Database:
    """An engine, its session factory and the unit of work."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(
        cls, url: str | None = None, *, migrate: bool = True, **engine_kwargs: Any
    ) -> Database:
        """Connect to ``url`` (default :func:`default_url`) and migrate it to head."""
        engine = make_engine(url or default_url(), **engine_kwargs)
        if migrate:
            upgrade(engine)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction: commit when the block ends, roll everything back if it raises."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def table_names(self) -> list[str]:
        """Tables present in the database (for diagnostics and tests)."""
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
