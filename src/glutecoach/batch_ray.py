"""The same folder batch on a Ray cluster, for clinics whose recordings outgrow one machine.

Each file is one Ray task running exactly the code a local worker runs, so results are identical.
``address`` is 'auto' (join the cluster this machine belongs to, or start a local one) or a
cluster address such as 'ray://head:10001'. Ray is an optional dependency: pip install ray.
"""

from __future__ import annotations

from typing import Any


def analyse_on_ray(paths: list[str], fps: float, every_frame: bool, address: str) -> list[dict[str, Any]]:
    try:
        import ray
    except ImportError:
        from glutecoach.errors import InputError
        raise InputError("--ray needs Ray installed: pip install 'glutecoach[ray]'") from None
    from glutecoach.cli import _worker

    started = not ray.is_initialized()
    if started:
        if address == "auto":
            try:
                ray.init(address="auto", log_to_driver=False)
            except (ConnectionError, RuntimeError):
                ray.init(log_to_driver=False, include_dashboard=False)
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        task = ray.remote(num_cpus=1)(_worker)
        return list(ray.get([task.remote(p, fps, every_frame) for p in paths]))
    finally:
        if started:
            ray.shutdown()
