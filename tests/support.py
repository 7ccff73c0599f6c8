"""The one place tests find the shared data (``../shared/data`` beside the repository) and the
helpers several test folders use. Importing it fails at once, naming the folder, when the data
is missing: the tests run on real clips and keypoint files, never on nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
VIDEOS = DATA / "videos"
REPCOUNT = DATA / "keypoints" / "repcount"
QOM = DATA / "keypoints" / "qom"

if not (VIDEOS.is_dir() and REPCOUNT.is_dir() and QOM.is_dir()):
    raise RuntimeError(f"{DATA}: the shared data (videos, keypoints/repcount, keypoints/qom) must "
                       "lie beside the repository; the tests need it")


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly (test variants of the real clips); fail the test if it is missing."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed to build test variants of the real clips (.ci/run installs it)")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True)


def npy(tmp_path: Path, name: str, arr: np.ndarray) -> Path:
    """``arr`` saved as a keypoint file in ``tmp_path``."""
    p = tmp_path / name
    np.save(p, arr)
    return p


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The ``glutecoach`` command in a fresh interpreter, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "glutecoach.cli", *args], capture_output=True, text=True)
