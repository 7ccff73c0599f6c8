"""Per-rep checks: the exercise gate and one module per family of the article's cues."""
