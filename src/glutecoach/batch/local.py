"""Analysing many files at once: the worker function and the executors that run it.

A folder batch in the CLI and uploads in the web app run on the same executors, both standard
:class:`concurrent.futures.Executor` objects: :class:`LocalExecutor` (processes on this machine,
the default) or :class:`glutecoach.batch.ray.RayExecutor` (a Ray cluster). The batch worker
never raises: one failing file returns an error entry, so it never stops the rest, and local and
Ray batches report it the same way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from glutecoach.analysis import AnalysisOptions, analyze_file
from glutecoach.errors import InputError
from glutecoach.io.keypoints import is_keypoint_path
from glutecoach.io.video import VIDEO_SUFFIXES


def batch_inputs(path: Path) -> list[Path]:
    """What a batch of ``path`` analyses: a folder's videos, .npy arrays and OpenPose folders, in
    name order; any other path (a file, one OpenPose folder) alone. Raises InputError for a
    folder holding none of these, so a wrong folder is said at once, not as an empty result."""
    if path.is_dir() and not is_keypoint_path(path):
        items = sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES | {".npy"}
                       or (p.is_dir() and is_keypoint_path(p)))
        if not items:
            raise InputError(f"{path}: folder holds no videos or keypoint files")
        return items
    return [path]


def error_entry(path: str, message: str) -> dict[str, Any]:
    """A batch result for a file that could not be analysed."""
    return {"error": message, "source": {"path": path}}


def analyse_file_safely(path: str, fps: float | None, every_frame: bool,
                        pose_threads: int | None = None) -> dict[str, Any]:
    """One file of a batch, in a worker process or a Ray task: a glutecoach.analysis/1 dict, or
    an error entry."""
    try:
        options = AnalysisOptions(fps, every_frame, pose_threads=pose_threads)
        return analyze_file(path, options).to_dict()
    except InputError as exc:
        return error_entry(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug or a library failure on one file
        return error_entry(path, f"{path}: {type(exc).__name__}: {exc}")


def local_workers(requested: int, files: int) -> int:
    """Worker processes for a local batch: ``requested``, or one per core (0)."""
    return requested or min(files, os.cpu_count() or 1)


class LocalExecutor(ProcessPoolExecutor):
    """Worker processes on this machine. ``start_method`` 'forkserver' suits a process with
    threads (a web server): its threads and their locks are never copied into a worker."""

    def __init__(self, workers: int, start_method: str | None = None) -> None:
        context = multiprocessing.get_context(start_method) if start_method else None
        super().__init__(max_workers=workers, mp_context=context)

    def cancel_all(self) -> None:
        """Stop at once: queued work is dropped and running workers are ended (a server that
        stops has handed their jobs back; waiting for a long analysis would hold it up)."""
        workers = list((self._processes or {}).values())  # no public handle on the workers
        self.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()


def analyse_all(executor: Executor, paths: list[str], fps: float | None, every_frame: bool,
                on_done: Callable[[str], None] | None = None,
                pose_threads: int | None = None) -> list[dict[str, Any]]:
    """One result dict (or error entry) per path, in order, on ``executor``."""
    results: dict[str, dict[str, Any]] = {}
    futures = {executor.submit(analyse_file_safely, p, fps, every_frame, pose_threads): p
               for p in paths}
    for fut in as_completed(futures):
        path = futures[fut]
        try:
            results[path] = fut.result()
        except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
            first_line = (str(exc).splitlines() or [""])[0]
            results[path] = error_entry(path, f"{path}: {type(exc).__name__}: {first_line}")
        if on_done:
            on_done(path)
    return [results[p] for p in paths]


def analyse_locally(paths: list[str], fps: float | None, every_frame: bool, workers: int,
                    on_done: Callable[[str], None] | None = None,
                    pose_threads: int | None = None) -> list[dict[str, Any]]:
    """One result dict (or error entry) per path, in order, on ``workers`` local processes,
    each running ``pose_threads`` pose models on a long video (default: the cores shared out
    between the workers)."""
    threads = pose_threads or max(1, (os.cpu_count() or 1) // workers)
    with LocalExecutor(workers) as executor:
        return analyse_all(executor, paths, fps, every_frame, on_done, threads)
