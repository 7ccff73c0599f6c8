"""Decoding real phone-style files: codecs, rotation, variable frame rate, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import VIDEOS

from glutecoach.analysis import analyze_file
from glutecoach.errors import InputError
from glutecoach.io.video import iter_frames, probe


def test_probe_reads_portrait_clip():
    info = probe(VIDEOS / "side_bodyweight_5reps.mp4")
    assert (info.width, info.height) == (720, 1280)
    assert info.fps == pytest.approx(29.97, abs=0.01)
    assert info.frames == 300
    assert info.duration_s == pytest.approx(10.0, abs=0.1)


def test_rotation_metadata_is_honoured(variants):
    info = probe(variants["rotated"])
    assert info.rotation_deg in (90, 270)
    assert (info.width, info.height) == (1280, 720)  # shown upright, as the phone recorded it
    frame = next(iter_frames(variants["rotated"]))
    original = next(iter_frames(VIDEOS / "wt_squat_18.mp4"))
    assert frame.image is not None and frame.image.shape == original.image.shape
    # Same picture as the original, up to compression.
    diff = np.abs(frame.image.astype(float) - original.image.astype(float)).mean()
    assert diff < 12


def test_rotated_clip_counts_the_same_rep_and_unrotated_does_not(variants):
    assert analyze_file(variants["rotated"]).rep_count == 1
    # Without the metadata the person lies on their side: no squat.
    assert analyze_file(variants["sideways"]).rep_count == 0


@pytest.mark.parametrize("kind", ["webm", "hevc"])
def test_other_codecs_decode_and_count(variants, kind):
    result = analyze_file(variants[kind])
    assert result.source.codec in ("vp9", "hevc")
    assert result.rep_count == 1


def test_variable_frame_rate_uses_real_timestamps(variants):
    times = [f.time_s for f in iter_frames(variants["vfr"], want=lambda i, t: False)]
    gaps = np.diff(times)
    assert gaps.max() > 1.5 * gaps.min()  # the timestamps really are irregular
    result = analyze_file(variants["vfr"])
    assert result.rep_count == 1
    assert result.source.duration_s == pytest.approx(3.7, abs=0.2)


@pytest.mark.parametrize(
    "kind, words",
    [("empty", "empty"), ("text", "not a video"), ("audio", "no video stream")],
)
def test_bad_files_raise_input_error(variants, kind, words):
    with pytest.raises(InputError, match=words):
        analyze_file(variants[kind])


def test_missing_file_raises_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        analyze_file(tmp_path / "nope.mp4")


def test_truncated_file_keeps_what_decoded(variants):
    result = analyze_file(variants["truncated"])
    assert 0 < result.source.frames < 93
