"""What an analysis writes beside its JSON: the per-frame CSV and the annotated video."""
