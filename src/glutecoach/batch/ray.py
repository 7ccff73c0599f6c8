"""The same folder batch on a Ray cluster, for clinics whose recordings outgrow one machine.

Ray (rather than Dask or a hand-made job queue) because one call, ``ray.init(address)``, joins a
local or remote cluster, tasks are plain Python functions, scheduling by CPU count is built in,
and ``ray start --head`` / ``ray start --address`` is all a clinic's IT needs to run. Each file is
one task (``num_cpus=1``) running exactly the function a local worker process runs
(``batch.analyse_file_safely``), so the results are identical to a local batch. A task that
fails returns an error entry like a local worker; the batch goes on. :class:`RayExecutor` is a
standard ``concurrent.futures.Executor``, so the web app's upload jobs run on it unchanged.

``address``: 'auto' joins the cluster this machine belongs to (``ray start`` was run here, or
RAY_ADDRESS is set) and otherwise starts a private local instance for the batch; 'local' always
starts a private local instance; anything else is a cluster address ('HOST:6379' for a node of the
cluster, 'ray://HOST:10001' for Ray Client from outside it). Files are read by the workers, so the
paths must be visible on every node (shared storage); the workers need glutecoach installed.
Ray is an optional dependency: pip install 'glutecoach[cluster]' (add 'ray[client]' for ray://).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class RayExecutor(Executor):
    """Tasks on a Ray cluster (joined or started here, see the module's doc), one CPU each.

    ``submit`` returns a standard Future; ``shutdown(cancel_futures=True)`` cancels the tasks
    still running (a stopping server hands their jobs back). Ray is shut down at the end only if
    this executor started it."""

    def __init__(self, address: str) -> None:
        try:
            import ray
        except ImportError:
            from glutecoach.errors import InputError
            raise InputError("--ray needs Ray installed: pip install 'glutecoach[cluster]'") from None
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            _connect(ray, address)
        self._tasks: dict[Callable[..., Any], Any] = {}
        self._refs: dict[Future[Any], Any] = {}
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            task = self._tasks.get(fn)
            if task is None:
                task = self._tasks[fn] = self._ray.remote(num_cpus=1, max_retries=1)(fn)
            ref = task.remote(*args, **kwargs)
            future: Future[Any] = ref.future()
            self._refs[future] = ref
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._refs.pop(future, None)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            running = list(self._refs.values())
        if cancel_futures:
            for ref in running:
                self._ray.cancel(ref, force=True)
        elif wait and running:
            self._ray.wait(running, num_returns=len(running))
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()

    def cancel_all(self) -> None:
        """Stop at once (the same call as on a LocalExecutor)."""
        self.shutdown(wait=False, cancel_futures=True)


def analyse_on_ray(paths: list[str], fps: float | None, every_frame: bool, address: str,
                   on_done: Callable[[str], None] | None = None,
                   pose_threads: int | None = None) -> list[dict[str, Any]]:
    """One glutecoach.analysis/1 dict (or an ``{"error": ...}`` entry) per path, in order."""
    from glutecoach.batch.local import analyse_all

    with RayExecutor(address) as executor:
        return analyse_all(executor, paths, fps, every_frame, on_done, pose_threads)


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
