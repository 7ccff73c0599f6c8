"""The settings: every GLUTECOACH_* variable is one typed field, read only at the entry points,
and a bad value stops the program with one line naming the variable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import glutecoach
from glutecoach.settings import Settings, SettingsError

PACKAGE = Path(glutecoach.__file__).resolve().parent
DOCS = PACKAGE.parents[1] / "docs" / "settings.md"
#: Read by the test suite and the scripts, never by the program (docs/settings.md lists them).
FOR_DEVELOPMENT = {"TEST_POSTGRES_URL", "FUZZ_EXAMPLES", "FUZZ_DEBUG", "CHROMIUM",
                   "UPDATE_SCREENSHOTS", "FOR_TESTS", "APT_POLL_S", "PGDATA"}


def test_values_from_the_environment_are_typed():
    s = Settings.from_env({
        "GLUTECOACH_SMTP_PORT": "587", "GLUTECOACH_SECURE_COOKIES": "true",
        "GLUTECOACH_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.2", "GLUTECOACH_MAX_UPLOAD_MB": "0.5",
        "GLUTECOACH_MEDIA_DIR": "/srv/media", "GLUTECOACH_POSE_THREADS": "3",
        "GLUTECOACH_MAX_LIVE": "0", "GLUTECOACH_SMTP_HOST": "", "PATH": "/bin"})
    assert s.smtp_port == 587 and s.secure_cookies is True
    assert s.trusted_proxies == ("10.0.0.0/8", "192.168.1.2")
    assert s.max_upload_bytes == 512 * 1024 and s.media_dir == Path("/srv/media")
    assert s.pose_threads == 3 and s.live_sets == 0
    assert s.smtp_host is None  # an empty variable counts as unset
    defaults = Settings.from_env({})
    assert defaults.pose_threads is None and defaults.job_lease_s == 60.0
    assert defaults.live_sets >= 2 and defaults.max_upload_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("SMTP_PORT", "25x", "valid integer"),
    ("SECURE_COOKIES", "maybe", "valid boolean"),
    ("JOB_LEASE_S", "-1", "greater than 0"),
    ("POSE_THREADS", "0", "greater than or equal to 1"),
    ("TRUSTED_PROXIES", "10.0.0.1,proxy.local", "not an IP address or network: 'proxy.local'"),
])
def test_a_bad_value_is_one_line_naming_the_variable(name: str, value: str, reason: str):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({f"GLUTECOACH_{name}": value})
    message = str(caught.value)
    assert message.startswith(f"GLUTECOACH_{name}={value!r}: ") and reason in message
    assert "\n" not in message


def test_secrets_are_not_repeated_in_errors():
    with pytest.raises(SettingsError) as caught:
        Settings.build({"secret_key": 12345})
    assert "12345" not in str(caught.value) and str(caught.value).startswith("secret_key: ")


def test_replace_checks_like_the_environment():
    s = Settings().replace(session_days=3)
    assert s.session_days == 3
    with pytest.raises(SettingsError, match="^analysis_workers=0: "):
        s.replace(analysis_workers=0)


def test_only_the_settings_read_glutecoach_variables():
    """Library modules take arguments; the environment is read at the entry points, through
    Settings (store/testing.py serves the test suite's database)."""
    readers = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py" or path.relative_to(PACKAGE).as_posix() == "store/testing.py":
            continue
        for line in path.read_text().splitlines():
            if re.search(r"environ|getenv", line) and "GLUTECOACH_" in line:
                readers.append(f"{path.relative_to(PACKAGE)}: {line.strip()}")
    assert readers == []


def test_every_variable_named_anywhere_is_a_setting_and_documented():
    root = PACKAGE.parents[1]
    named = set()
    for folder in ("src", "scripts", "tests", ".ci", "docs", "benchmarks"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".py", ".sh", ".md", ".html", ".toml") and path.is_file():
                named |= set(re.findall(r"GLUTECOACH_([A-Z0-9_]*[A-Z0-9])", path.read_text()))
    fields = {name.upper() for name in Settings.names()}
    assert named - FOR_DEVELOPMENT <= fields, named - FOR_DEVELOPMENT - fields
    table = DOCS.read_text()
    for name in fields | FOR_DEVELOPMENT:
        assert f"`GLUTECOACH_{name}`" in table, name


def test_the_command_line_refuses_a_bad_setting_in_one_line(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLUTECOACH_")}
    for command in (["analyze", "x.npy"], ["serve"]):
        run = subprocess.run([sys.executable, "-m", "glutecoach.cli", *command],
                             capture_output=True, text=True, cwd=tmp_path,
                             env={**env, "GLUTECOACH_JOB_LEASE_S": "soon"})
        assert run.returncode == 2
        assert run.stderr == ("glutecoach: error: GLUTECOACH_JOB_LEASE_S='soon': Input should be "
                              "a valid number, unable to parse string as a number\n")
