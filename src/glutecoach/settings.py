"""Every ``GLUTECOACH_*`` setting in one typed object, read from the environment only at the
entry points (the ``glutecoach`` command, the web app factory, the Alembic environment).

Library functions never read the environment: they take what they need (a database URL, a
number of pose threads) as arguments, so a test or a second server in one process can pass its
own. Each field is set by ``GLUTECOACH_`` and its name in capitals; an empty variable counts
as unset. A value that does not parse stops the program with one line naming the variable
(:class:`SettingsError`). docs/settings.md lists them all.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from glutecoach.errors import InputError

ENV_PREFIX = "GLUTECOACH_"

Positive = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=1)]


class SettingsError(InputError):
    """A setting that cannot be used; the message is one line naming it."""


def _default_media_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("glutecoach", appauthor=False)) / "media"


def proxy_list(values: list[str] | tuple[str, ...] | str) -> tuple[str, ...]:
    """Trusted proxy addresses or networks, checked (a typo must not silently trust nobody).
    A string is a comma-separated list (the environment's form)."""
    if isinstance(values, str):
        values = values.split(",")
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


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Settings:
    """How glutecoach runs on this machine.

    Analysis: ``pose_threads`` pose models at once on a long video (None: one per core, at most
    sampling.POSE_THREADS; a local batch shares the cores out between its workers). Results do
    not depend on it. ``native_logs`` keeps MediaPipe's own log lines on stderr (debugging).

    Store: ``database_url`` (None: the SQLite file in the user's data folder).

    Web app: ``media_dir`` holds uploads (deleted after analysis unless kept) and annotated
    videos. ``max_upload_mb`` / ``max_video_seconds``: what an upload may be.
    ``secure_cookies``: mark cookies Secure (behind HTTPS). ``session_days``: how long a sign-in
    lasts. ``analysis_workers``: analyses one server runs at once (worker processes, or Ray
    tasks when ``ray_address`` names a cluster). ``job_lease_s``: how long a server holds a job
    without a sign of life before it is queued again. ``max_live``: live sets coached at once
    (None: max(2, CPU cores)). ``login_free_failures``: failed sign-ins to one account before
    each further try waits 1, 2, 4 ... seconds, at most ``login_max_delay_s``.
    ``address_failures`` within ``login_window_s``: failed sign-ins from one client address
    before it waits for the window to end. ``signups_per_hour``: accounts made per address.
    ``trusted_proxies``: reverse proxies whose ``X-Forwarded-For`` is believed.
    ``annotated_keep_hours``: how long an annotated video the patient did not keep stays
    viewable. ``smtp_*``: where password reset emails go out (no ``smtp_host``: no email).
    ``public_url``: the address patients open, for links in emails. ``secret_key``: the key
    that signs form tokens (see :meth:`signing_key`).
    """

    pose_threads: Count | None = None
    native_logs: bool = False
    database_url: str | None = None
    media_dir: Path = dataclasses.field(default_factory=_default_media_dir)
    max_upload_mb: Positive = 200.0
    max_video_seconds: Positive = 180.0
    secure_cookies: bool = False
    session_days: Count = 14
    analysis_workers: Count = 1
    ray_address: str | None = None
    job_lease_s: Positive = 60.0
    max_live: Annotated[int, Field(ge=0)] | None = None
    login_free_failures: Annotated[int, Field(ge=0)] = 3
    login_max_delay_s: Positive = 60.0
    address_failures: Count = 50
    login_window_s: Positive = 15 * 60
    signups_per_hour: Count = 10
    trusted_proxies: tuple[str, ...] = ()
    annotated_keep_hours: Positive = 24.0
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 25
    smtp_from: str = "glutecoach@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    public_url: str | None = None
    secret_key: str | None = None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _check_proxies(cls, value: Any) -> Any:
        return proxy_list(value) if isinstance(value, str | list | tuple) else value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``GLUTECOACH_*`` variables (``environ``, default os.environ),
        defaults for the rest; :class:`SettingsError` names the first variable that is wrong."""
        environ = os.environ if environ is None else environ
        given = {name: environ[ENV_PREFIX + name.upper()] for name in cls.names()
                 if environ.get(ENV_PREFIX + name.upper(), "").strip()}
        return cls.build(given, env=True)

    @classmethod
    def build(cls, values: Mapping[str, Any], env: bool = False) -> Settings:
        """Settings from ``values`` by field name, checked; SettingsError in one line."""
        try:
            return cls(**values)
        except ValidationError as error:
            raise SettingsError(_one_line(error, values, env)) from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (by field name), checked like the environment's values."""
        return self.build({**dataclasses.asdict(self), **changes})

    @classmethod
    def names(cls) -> list[str]:
        """The field names; ``GLUTECOACH_`` + the name in capitals sets each."""
        return [f.name for f in dataclasses.fields(cls)]

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def live_sets(self) -> int:
        """Live sets coached at once: ``max_live``, else max(2, CPU cores)."""
        return self.max_live if self.max_live is not None else max(2, os.cpu_count() or 2)

    @property
    def uploads_dir(self) -> Path:
        return self.media_dir / "uploads"

    @property
    def videos_dir(self) -> Path:
        return self.media_dir / "videos"

    def signing_key(self) -> bytes:
        """The key that binds form tokens to a sign-in (web.deps.csrf_token): ``secret_key``
        (set the same one on every server of a clinic), else a random key kept in
        ``media_dir/.secret_key`` (made once, readable by its owner only), which every server
        sharing that folder uses."""
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


def _one_line(error: ValidationError, values: Mapping[str, Any], env: bool) -> str:
    """``GLUTECOACH_SMTP_PORT='x': Input should be a valid integer ...`` for the first problem."""
    first = error.errors(include_url=False)[0]
    name = str(first["loc"][0]) if first["loc"] else "settings"
    shown = ENV_PREFIX + name.upper() if env else name
    message = str(first["msg"]).removeprefix("Value error, ")
    if name in values and name not in ("secret_key", "smtp_password", "database_url"):
        return f"{shown}={values[name]!r}: {message}"
    return f"{shown}: {message}"
