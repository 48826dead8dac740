"""Rashomon benchmarks: ``python -m bench ingest`` (see BENCHMARKS.md).

:func:`bench.generate.generate` writes the synthetic corpus with ground truth that every
benchmark (ingestion now; clustering, entities... later) runs on.
"""
