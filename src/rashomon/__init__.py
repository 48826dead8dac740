"""Rashomon: compare how different outlets cover the same news, fact by fact."""

__version__ = "0.1.0"
