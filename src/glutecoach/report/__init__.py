"""Progress plots (matplotlib, Agg) and the clinician PDF (ReportLab)."""
