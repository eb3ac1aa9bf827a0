"""Evaluation of extractors against annotated corpora (PolNeAR)."""
