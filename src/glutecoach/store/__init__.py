"""Storage: SQLAlchemy models, the engine and unit of work, migrations, and the service layer."""

from glutecoach.store.db import Database, default_url

__all__ = ["Database", "default_url"]
