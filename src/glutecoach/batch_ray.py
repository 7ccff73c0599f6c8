"""The same folder batch on a Ray cluster, for clinics whose recordings outgrow one machine.

Ray (rather than Dask or a hand-made job queue) because one call, ``ray.init(address)``, joins a
local or remote cluster, tasks are plain Python functions, scheduling by CPU count is built in,
and ``ray start --head`` / ``ray start --address`` is all a clinic's IT needs to run. Each file is
one task (``num_cpus=1``) running exactly the function a local worker process runs
(``batch.analyse_file_safely``), so the results are identical to a local batch. A task that fails returns an
error entry like a local worker; the batch goes on.

``address``: 'auto' joins the cluster this machine belongs to (``ray start`` was run here, or
RAY_ADDRESS is set) and otherwise starts a private local instance for the batch; 'local' always
starts a private local instance; anything else is a cluster address ('HOST:6379' for a node of the
cluster, 'ray://HOST:10001' for Ray Client from outside it). Files are read by the workers, so the
paths must be visible on every node (shared storage); the workers need glutecoach installed.
Ray is an optional dependency: pip install 'glutecoach[cluster]' (add 'ray[client]' for ray://).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def analyse_on_ray(paths: list[str], fps: float, every_frame: bool, address: str,
                   on_done: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """One glutecoach.analysis/1 dict (or an ``{"error": ...}`` entry) per path, in order."""
    try:
        import ray
    except ImportError:
        from glutecoach.errors import InputError
        raise InputError("--ray needs Ray installed: pip install 'glutecoach[cluster]'") from None
    from glutecoach.batch import analyse_file_safely, error_entry

    started = not ray.is_initialized()
    if started:
        _connect(ray, address)
    try:
        task = ray.remote(num_cpus=1, max_retries=1)(analyse_file_safely)
        refs = {task.remote(p, fps, every_frame): p for p in paths}
        results: dict[str, dict[str, Any]] = {}
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                path = refs[ref]
                try:
                    results[path] = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory): report it
                    results[path] = error_entry(
                        path, f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                if on_done:
                    on_done(path)
        return [results[p] for p in paths]
    finally:
        if started:
            ray.shutdown()


def _connect(ray: Any, address: str) -> None:
    import logging

    from glutecoach.errors import InputError

    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address == "local":
        ray.init(include_dashboard=False, **quiet)
        return
    if address == "auto":
        try:
            ray.init(address="auto", **quiet)
        except (ConnectionError, RuntimeError):
            ray.init(include_dashboard=False, **quiet)
        return
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise InputError(f"--ray {address}: cannot join the Ray cluster ({str(exc).splitlines()[0][:160]})") from None
