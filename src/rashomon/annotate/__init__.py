"""Articles to annotations: sentences, entity mentions, quotes, quantities, times, cues."""

from .pipeline import AnnotateReport, Annotator, annotate, load

__all__ = ["AnnotateReport", "Annotator", "annotate", "load"]
