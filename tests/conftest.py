"""Fixtures every test folder shares: the real 5-rep side clip analysed once, real variants of a
real clip made with ffmpeg (the data folder itself is found in support.py), and an empty database
of each backend for the storage and coaching-command tests.

Every storage test runs on SQLite and on PostgreSQL, each in a private database. PostgreSQL
comes from ``GLUTECOACH_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` prints one). Without it the
PostgreSQL half fails when ``CI=true`` and is skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import VIDEOS, ffmpeg

from glutecoach.analysis import analyze_file
from glutecoach.result import AnalysisResult
from glutecoach.store.db import Database
from glutecoach.store.testing import BACKENDS, backend_database_url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database of each backend, dropped after the test."""
    yield from backend_database_url(request.param, tmp_path)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A database migrated to head."""
    database = Database.open(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def side_result() -> AnalysisResult:
    """The real pose model on the real 5-rep side-view clip, analysed once for many tests."""
    return analyze_file(VIDEOS / "side_bodyweight_5reps.mp4")


@pytest.fixture(scope="session")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("variants")
    src = VIDEOS / "wt_squat_18.mp4"
    out = {
        "rotated": d / "rotated.mp4",
        "webm": d / "vp9.webm",
        "hevc": d / "hevc.mov",
        "vfr": d / "vfr.mp4",
        "audio": d / "audio.m4a",
        "truncated": d / "truncated.mp4",
        "empty": d / "empty.mp4",
        "text": d / "notes.mp4",
    }
    # As a phone stores a clip: the picture on its side, and metadata saying how to turn it.
    sideways = d / "sideways.mp4"
    ffmpeg("-i", str(src), "-vf", "transpose=1", "-c:v", "libx264", "-preset", "ultrafast", str(sideways))
    ffmpeg("-i", str(sideways), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(out["rotated"]))
    out["sideways"] = sideways
    ffmpeg("-i", str(src), "-c:v", "libvpx-vp9", "-b:v", "1M", "-deadline", "realtime", "-cpu-used", "8", str(out["webm"]))
    ffmpeg("-i", str(src), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1", str(out["hevc"]))
    # Variable frame rate: drop every third frame and keep the original timestamps.
    ffmpeg("-i", str(src), "-vf", "select='not(eq(mod(n\\,3)\\,2))'", "-fps_mode", "vfr", str(out["vfr"]))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(out["audio"]))
    data = src.read_bytes()
    out["truncated"].write_bytes(data[: len(data) // 2])
    out["empty"].write_bytes(b"")
    out["text"].write_text("this is not a video\n")
    return out

