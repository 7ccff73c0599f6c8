"""One settings object for the web app, read from the environment or given by tests.

Defaults are the embedded ones the CLI uses (the SQLite file in the user's data folder, media
files beside it), so ``glutecoach serve`` runs with no set-up at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_media_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("glutecoach", appauthor=False)) / "media"


@dataclass(frozen=True)
class Settings:
    """How one web app instance runs.

    ``database_url``: None means ``GLUTECOACH_DATABASE_URL`` or the CLI's SQLite default.
    ``media_dir``: uploads (deleted after analysis unless kept) and annotated videos.
    ``max_upload_bytes`` / ``max_video_seconds``: what an upload may be.
    ``secure_cookies``: mark cookies Secure (turn on behind HTTPS).
    ``session_days``: how long a sign-in lasts.
    ``analysis_workers``: analyses this server runs at once (each in a worker process, or a
    Ray task when ``ray_address`` names a cluster).
    ``job_lease_s``: how long a server holds a job without a sign of life; a dead server's
    jobs are queued again after this.
    ``login_failures`` within ``login_window_s``: per email and per client address, then 429.
    ``annotated_keep_hours``: how long an annotated video of a set the patient did not ask to
    keep stays viewable.
    """

    database_url: str | None = None
    media_dir: Path = field(default_factory=_default_media_dir)
    max_upload_bytes: int = 200 * 1024 * 1024
    max_video_seconds: float = 180.0
    secure_cookies: bool = False
    session_days: int = 14
    analysis_workers: int = 1
    ray_address: str | None = None
    job_lease_s: float = 60.0
    login_failures: int = 5
    login_window_s: float = 15 * 60
    annotated_keep_hours: float = 24.0

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``GLUTECOACH_*`` variables, defaults for the rest."""
        env = os.environ
        kwargs: dict[str, object] = {}
        if env.get("GLUTECOACH_DATABASE_URL"):
            kwargs["database_url"] = env["GLUTECOACH_DATABASE_URL"]
        if env.get("GLUTECOACH_MEDIA_DIR"):
            kwargs["media_dir"] = Path(env["GLUTECOACH_MEDIA_DIR"])
        if env.get("GLUTECOACH_MAX_UPLOAD_MB"):
            kwargs["max_upload_bytes"] = int(float(env["GLUTECOACH_MAX_UPLOAD_MB"]) * 1024 * 1024)
        if env.get("GLUTECOACH_RAY_ADDRESS"):
            kwargs["ray_address"] = env["GLUTECOACH_RAY_ADDRESS"]
        if env.get("GLUTECOACH_JOB_LEASE_S"):
            kwargs["job_lease_s"] = float(env["GLUTECOACH_JOB_LEASE_S"])
        if env.get("GLUTECOACH_SECURE_COOKIES"):
            kwargs["secure_cookies"] = env["GLUTECOACH_SECURE_COOKIES"].lower() in ("1", "true")
        return cls(**kwargs)  # type: ignore[arg-type]

    @property
    def uploads_dir(self) -> Path:
        return self.media_dir / "uploads"

    @property
    def videos_dir(self) -> Path:
        return self.media_dir / "videos"
