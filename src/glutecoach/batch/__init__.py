"""Many files at once: local worker processes (local.py) or a Ray cluster (ray.py)."""
