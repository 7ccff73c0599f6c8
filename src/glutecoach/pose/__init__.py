"""Pose backends: images in, 33 BlazePose landmarks out. Only pose/mediapipe.py imports a model."""

from glutecoach.pose.base import PoseEstimate, PoseEstimator, default_estimator

__all__ = ["PoseEstimate", "PoseEstimator", "default_estimator"]
