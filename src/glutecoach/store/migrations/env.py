"""Alembic environment for the packaged migrations.

Run programmatically by :func:`glutecoach.store.db.upgrade`, which hands over an open connection
in ``config.attributes["connection"]``. Run from the command line (``alembic -x url=...``), it
connects to ``GLUTECOACH_DATABASE_URL`` (read through glutecoach.settings, this being an entry
point) or the default SQLite file.
"""

from __future__ import annotations

from alembic import context

from glutecoach.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the caller's connection, or open one from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from glutecoach.settings import Settings
    from glutecoach.store.db import default_url, make_engine

    url = (context.get_x_argument(as_dictionary=True).get("url")
           or Settings.from_env().database_url or default_url())
    engine = make_engine(url)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; give a database URL")
run_migrations_online()
