"""The store: every stage reads its inputs from it and writes its outputs to it.

Backends are chosen by URL through :func:`open_store`: a plain path or
``sqlite:///path`` is SQLite (the default).
"""

from __future__ import annotations

from .base import ArticleQuery, Store
from .sqlite import SQLiteStore

__all__ = ["ArticleQuery", "SQLiteStore", "Store", "open_store"]


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url`` (a file path or ``sqlite:///path``)."""
    from ..errors import StoreError

    scheme, sep, rest = url.partition("://")
    if not sep:
        return SQLiteStore(url, create=create)
    if scheme == "sqlite":
        return SQLiteStore(rest.removeprefix("/") if rest.startswith("//") else rest, create=create)
    raise StoreError(f"unknown store backend '{scheme}' in {url!r} (known: sqlite)")
