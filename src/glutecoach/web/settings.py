"""One settings object for the web app, read from the environment or given by tests.

Defaults are the embedded ones the CLI uses (the SQLite file in the user's data folder, media
files beside it), so ``glutecoach serve`` runs with no set-up at all.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _default_media_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("glutecoach", appauthor=False)) / "media"


def proxy_list(values: list[str]) -> tuple[str, ...]:
    """Trusted proxy addresses or networks, checked (a typo must not silently trust nobody)."""
    proxies = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValueError(f"not an IP address or network: {value!r}") from None
        proxies.append(value)
    return tuple(proxies)


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
    ``login_free_failures``: failed sign-ins to one account before each further try waits
    1, 2, 4 ... seconds, at most ``login_max_delay_s`` (slows guessing, never locks the owner out).
    ``address_failures`` within ``login_window_s``: failed sign-ins from one client address, then
    that address waits for the window to end. ``signups_per_hour``: accounts made per address.
    ``trusted_proxies``: addresses or networks (``10.0.0.0/8``) of reverse proxies whose
    ``X-Forwarded-For`` names the real client; nobody else's is believed.
    ``smtp_host`` (None: no email), ``smtp_port``, ``smtp_from``, ``smtp_user`` /
    ``smtp_password`` (optional), ``smtp_starttls``: where password reset emails go out.
    ``public_url``: the address patients open (for links in emails; default: the request's).
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
    login_free_failures: int = 3
    login_max_delay_s: float = 60.0
    address_failures: int = 50
    login_window_s: float = 15 * 60
    signups_per_hour: int = 10
    trusted_proxies: tuple[str, ...] = ()
    annotated_keep_hours: float = 24.0
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "glutecoach@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    public_url: str | None = None
    secret_key: str | None = None

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
        if env.get("GLUTECOACH_SECRET_KEY"):
            kwargs["secret_key"] = env["GLUTECOACH_SECRET_KEY"]
        if env.get("GLUTECOACH_SECURE_COOKIES"):
            kwargs["secure_cookies"] = env["GLUTECOACH_SECURE_COOKIES"].lower() in ("1", "true")
        for name in ("smtp_host", "smtp_from", "smtp_user", "smtp_password", "public_url"):
            if env.get(f"GLUTECOACH_{name.upper()}"):
                kwargs[name] = env[f"GLUTECOACH_{name.upper()}"]
        if env.get("GLUTECOACH_SIGNUPS_PER_HOUR"):
            kwargs["signups_per_hour"] = int(env["GLUTECOACH_SIGNUPS_PER_HOUR"])
        if env.get("GLUTECOACH_SMTP_PORT"):
            kwargs["smtp_port"] = int(env["GLUTECOACH_SMTP_PORT"])
        if env.get("GLUTECOACH_SMTP_STARTTLS"):
            kwargs["smtp_starttls"] = env["GLUTECOACH_SMTP_STARTTLS"].lower() in ("1", "true")
        if env.get("GLUTECOACH_TRUSTED_PROXIES"):
            kwargs["trusted_proxies"] = proxy_list(env["GLUTECOACH_TRUSTED_PROXIES"].split(","))
        return cls(**kwargs)  # type: ignore[arg-type]

    def signing_key(self) -> bytes:
        """The key that binds form tokens to a sign-in (deps.csrf_token): ``secret_key``
        (``GLUTECOACH_SECRET_KEY``; set the same one on every server of a clinic), else a
        random key kept in ``media_dir/.secret_key`` (made once, readable by its owner only),
        which every server sharing that folder uses."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.media_dir / ".secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another server made it first
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(32))
        return path.read_text().strip().encode()

    @property
    def uploads_dir(self) -> Path:
        return self.media_dir / "uploads"

    @property
    def videos_dir(self) -> Path:
        return self.media_dir / "videos"
