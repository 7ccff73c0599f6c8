"""Analysing many files at once: the one worker function and the local process pool.

A folder batch in the CLI, and uploads in the web app, run the same worker function on the
same executors: local processes by default (one per core), or a Ray cluster
(:mod:`glutecoach.batch_ray`). The worker never raises: one failing file returns an error entry,
so it never stops the rest, and local and Ray batches report it the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from glutecoach.analysis import AnalysisOptions, analyze_file
from glutecoach.errors import InputError


def error_entry(path: str, message: str) -> dict[str, Any]:
    """A batch result for a file that could not be analysed."""
    return {"error": message, "source": {"path": path}}


def analyse_file_safely(path: str, fps: float, every_frame: bool) -> dict[str, Any]:
    """One file of a batch, in a worker process or a Ray task: a glutecoach.analysis/1 dict, or
    an error entry."""
    try:
        return analyze_file(path, AnalysisOptions(fps, every_frame)).to_dict()
    except InputError as exc:
        return error_entry(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug or a library failure on one file
        return error_entry(path, f"{path}: {type(exc).__name__}: {exc}")


def local_workers(requested: int, files: int) -> int:
    """Worker processes for a local batch: ``requested``, or one per core (0)."""
    return requested or min(files, os.cpu_count() or 1)


def analyse_locally(paths: list[str], fps: float, every_frame: bool, workers: int,
                    on_done: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """One result dict (or error entry) per path, in order, on ``workers`` local processes."""
    # Cores are shared out between worker processes; a long video's segments use the rest.
    os.environ.setdefault("GLUTECOACH_POSE_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))
    results: dict[str, dict[str, Any]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(analyse_file_safely, p, fps, every_frame): p for p in paths}
        for fut in as_completed(futures):
            path = futures[fut]
            try:
                results[path] = fut.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker must not stop the batch
                results[path] = error_entry(path, f"{path}: {type(exc).__name__}: {exc}")
            if on_done:
                on_done(path)
    return [results[p] for p in paths]
