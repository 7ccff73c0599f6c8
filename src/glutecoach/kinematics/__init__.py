"""Per-frame geometry: cleaning and smoothing landmarks, joint angles, camera view."""
