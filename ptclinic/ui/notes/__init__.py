"""Visit notes, progress notes and discharge summaries."""
