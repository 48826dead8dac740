"""Sources to articles: read, clean, identify, de-duplicate and store."""

from .pipeline import IngestReport, ingest

__all__ = ["IngestReport", "ingest"]
