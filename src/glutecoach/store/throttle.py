"""Counting events per key (failed sign-ins, sign-ups) in the database, for throttling.

The counts live in the ``throttles`` table, so several server processes behind one proxy share
them and a restart does not reset them. A count is bumped by one atomic upsert (``INSERT ... ON
CONFLICT DO UPDATE``, on PostgreSQL and SQLite alike), so concurrent requests cannot lose an
increment. Keys are stored as SHA-256 digests: no email or address is kept in the clear.

Two policies use a count: a *delay* (each event past ``free`` doubles the wait after the last
one, up to ``max_delay_s``: slows guessing of one account without ever locking its owner out
for long) and a *limit* (``free`` events per window, then wait until the window ends).
Functions flush nothing of the ORM; the caller commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from glutecoach.store.columns import UTCDateTime, utc_now
from glutecoach.store.models import Throttle


@dataclass(frozen=True)
class Policy:
    """``free`` events per ``window_s`` without waiting; then a doubling delay capped at
    ``max_delay_s`` (when given) or a wait until the window ends."""

    free: int
    window_s: float
    max_delay_s: float | None = None

    def wait_s(self, count: int, first_at: datetime, last_at: datetime, now: datetime) -> float:
        """Seconds to wait before the next event is allowed (0: now)."""
        if count < self.free or first_at + timedelta(seconds=self.window_s) <= now:
            return 0.0
        if self.max_delay_s is None:
            until = first_at + timedelta(seconds=self.window_s)
        else:
            delay = min(2.0 ** (count - self.free), self.max_delay_s)
            until = last_at + timedelta(seconds=delay)
        return max(0.0, (until - now).total_seconds())


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def wait_s(session: Session, key: str, policy: Policy, *, now: datetime | None = None) -> float:
    """How long ``key`` must wait under ``policy`` (0: go ahead)."""
    row = session.get(Throttle, _digest(key), populate_existing=True)
    if row is None:
        return 0.0
    return policy.wait_s(row.count, row.first_at, row.last_at, now or utc_now())


def record(session: Session, key: str, policy: Policy, *, now: datetime | None = None) -> None:
    """Count one event for ``key``; the count restarts when its window has passed."""
    now = now or utc_now()
    table = Throttle.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stale = table.c.first_at <= now - timedelta(seconds=policy.window_s)
    at = literal(now, UTCDateTime())
    statement = dialect.insert(table).values(key=_digest(key), count=1, first_at=now,
                                             last_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"count": case((stale, 1), else_=table.c.count + 1),
              "first_at": case((stale, at), else_=table.c.first_at),
              "last_at": at},
    ))


def clear(session: Session, key: str) -> None:
    """Forget the events of ``key`` (after a successful sign-in)."""
    session.execute(delete(Throttle).where(Throttle.key == _digest(key)))


def purge(session: Session, older_than_s: float, *, now: datetime | None = None) -> int:
    """Delete counts with no event in ``older_than_s`` seconds; returns how many went."""
    cutoff = (now or utc_now()) - timedelta(seconds=older_than_s)
    result = session.execute(delete(Throttle).where(Throttle.last_at <= cutoff))
    return int(getattr(result, "rowcount", 0) or 0)

