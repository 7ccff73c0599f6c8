"""Cleaning and smoothing landmark trajectories.

Offline (file analysis): drop low-confidence joints, reject outliers with a Hampel filter, fill
short gaps by linear interpolation, then a zero-phase 4th-order Butterworth low-pass (6 Hz cut,
which keeps the 0.2-2 Hz of squatting and removes pose jitter) on each gap-free stretch.
Live: a One Euro filter (Casiez et al., CHI 2012), which lags little when the joint moves fast
and smooths hard when it is still.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfiltfilt

from glutecoach.thresholds import FILTER

Array = npt.NDArray[np.float64]


def mask_low_confidence(xy: Array, score: Array, min_score: float = FILTER.min_joint_score) -> Array:
    """NaN out joints whose confidence is below ``min_score``."""
    out = xy.copy()
    out[score < min_score] = np.nan
    return out


def hampel(x: Array, window: int, n_sigmas: float = 3.0, min_sigma: float = 0.0) -> Array:
    """The Hampel identifier: NaN out each sample further than ``n_sigmas`` robust SDs from
    the median of the ``window`` samples centred on it, the SD being 1.4826 x that window's
    median absolute deviation from its median. ``min_sigma`` floors the SD so that a still
    joint, whose spread is a pixel or less, does not have its noise flagged.
    Missing samples are left out of every window."""
    if len(x) < 3 or window < 3:
        return x
    half = window // 2
    padded = np.pad(x, half, mode="edge")  # the ends are judged on the window held at the edge
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    ok = np.isfinite(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing windows give NaN
        med = np.nanmedian(windows, axis=1)
        sigma = 1.4826 * np.nanmedian(np.abs(windows - med[:, None]), axis=1)
    bad = ok & (np.abs(x - med) > n_sigmas * np.maximum(sigma, min_sigma))
    out = x.copy()
    out[bad] = np.nan
    return out


def fill_gaps(x: Array, max_gap: int) -> Array:
    """Linearly interpolate NaN runs no longer than ``max_gap`` samples that have both ends."""
    out = x.copy()
    isnan = ~np.isfinite(out)
    if not isnan.any() or isnan.all():
        return out
    idx = np.arange(len(out))
    good = ~isnan
    interp = np.interp(idx, idx[good], out[good])
    run_start = None
    for i in range(len(out) + 1):
        nan_here = i < len(out) and isnan[i]
        if nan_here and run_start is None:
            run_start = i
        elif not nan_here and run_start is not None:
            if run_start > 0 and i < len(out) and i - run_start <= max_gap:
                out[run_start:i] = interp[run_start:i]
            run_start = None
    return out


def lowpass(x: Array, fps: float, cutoff_hz: float = FILTER.lowpass_cutoff_hz, order: int = 4) -> Array:
    """Zero-phase Butterworth low-pass on each finite stretch; short stretches are left as is."""
    nyquist = fps / 2.0
    if cutoff_hz >= 0.9 * nyquist:
        return x
    sos = butter(order, cutoff_hz / nyquist, output="sos")
    out = x.copy()
    finite = np.isfinite(x)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], finite.view(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start > 15:
            out[start:stop] = sosfiltfilt(sos, x[start:stop], padlen=min(3 * 6, stop - start - 1))
    return out


def trim_gap_edges(x: Array, max_gap: int, trim: int = 2) -> Array:
    """Drop ``trim`` samples beside every gap longer than ``max_gap``: pose models lose and
    regain a person through a few frames of badly placed joints."""
    out = x.copy()
    missing = ~np.isfinite(x)
    if not missing.any():
        return out
    edges = np.flatnonzero(np.diff(np.concatenate(([0], missing.view(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start > max_gap:
            out[max(0, start - trim) : start] = np.nan
            out[stop : stop + trim] = np.nan
    return out


def body_extent(xy: Array) -> float:
    """The body's size in the track's own units (pixels, or 1 for normalised keypoints): the
    median over frames of the larger of its width and height. 0 when no frame has two joints."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with no joint
        size = np.nanmax(np.nanmax(xy, axis=1) - np.nanmin(xy, axis=1), axis=1)
        extent = float(np.nanmedian(size)) if np.isfinite(size).any() else 0.0
    return extent


def smooth_track(xy: Array, score: Array, fps: float) -> Array:
    """The offline chain on every joint coordinate: mask, Hampel, fill, low-pass. (T, J, 2).
    x and y are filtered apart, so one can be left unknown where the other is refilled; a joint
    known in one coordinate only is then unknown in both, since every later stage (lengths,
    angles, the flat-shin test) needs both."""
    clean = mask_low_confidence(xy, score)
    window = max(5, int(round(FILTER.hampel_window_s * fps)) | 1)
    min_sigma = FILTER.hampel_min_sigma_body * body_extent(clean)
    max_gap = max(2, int(round(FILTER.max_gap_s * fps)))
    out = np.empty_like(clean)
    for j in range(clean.shape[1]):
        for c in range(2):
            x = clean[:, j, c]
            if np.isfinite(x).sum() < 3:
                out[:, j, c] = x
                continue
            x = trim_gap_edges(hampel(x, window, min_sigma=min_sigma), max_gap)
            out[:, j, c] = lowpass(fill_gaps(x, max_gap), fps)
    out[~np.isfinite(out).all(axis=-1)] = np.nan
    return out


class OneEuroFilter:
    """One Euro filter over arrays of any shape; NaN inputs pass through and reset nothing."""

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.02, d_cutoff: float = 1.0):
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x: Array | None = None
        self._dx: Array | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: Array | float, dt: float) -> Array | float:
        tau = 1.0 / (2 * math.pi * np.asarray(cutoff))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: Array, t: float) -> Array:
        if self._x is None or self._t is None or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        prev = np.where(np.isfinite(self._x), self._x, x)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        last_dx = self._dx if self._dx is not None else np.zeros_like(x)
        dx_hat = a_d * np.nan_to_num(dx) + (1 - a_d) * np.nan_to_num(last_dx)
        cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        x_hat = a * x + (1 - a) * prev
        x_hat = np.where(np.isfinite(x), x_hat, np.nan)
        self._x = np.where(np.isfinite(x_hat), x_hat, self._x)
        self._dx, self._t = dx_hat, t
        return x_hat
