"""Reading and writing files: video decoding, other tools' keypoints, which person to follow, and
result files written atomically."""
