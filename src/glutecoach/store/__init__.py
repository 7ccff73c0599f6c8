"""Storage: SQLAlchemy models, the engine and unit of work, migrations, and the service layer."""

from glutecoach.store.db import Database, database_url

__all__ = ["Database", "database_url"]
