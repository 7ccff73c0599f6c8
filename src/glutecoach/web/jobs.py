"""(being written)"""

from __future__ import annotations

from typing import Any


class JobRunner:
    def __init__(self, db: Any, settings: Any) -> None:
        self.db, self.settings = db, settings

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass
