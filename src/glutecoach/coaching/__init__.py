"""Coaching library: screening, the exercise library, programme rules, adherence and progress.

Pure functions over plain data: no printing, no database. The CLI and the web app reach these
through :mod:`glutecoach.store.service`, which loads and saves the records.
"""

from glutecoach.coaching.errors import InvalidField

__all__ = ["InvalidField"]
