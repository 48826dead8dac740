"""Comparisons: what different outlets' articles about one story share, and where they differ."""
