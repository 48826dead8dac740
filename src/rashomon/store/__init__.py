"""The store: every stage reads its inputs from it and writes its outputs to it.

Backends are chosen by URL through :func:`open_store`: a plain path or
``sqlite:///path`` is SQLite (the default); ``postgresql://user@host/db`` (or
``postgres://``) is a shared PostgreSQL database (``pip install 'rashomon[postgres]'``).
"""

from __future__ import annotations

from pathlib import Path

from .base import ArticleQuery, Store
from .sqlite import SQLiteStore

__all__ = ["ArticleQuery", "SQLiteStore", "Store", "local_path", "open_store"]

_POSTGRES = ("postgresql", "postgres")


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url`` (a file path, ``sqlite:///path`` or ``postgresql://...``)."""
    from ..errors import StoreError

    scheme, sep, rest = url.partition("://")
    if not sep:
        return SQLiteStore(url, create=create)
    if scheme == "sqlite":
        return SQLiteStore(rest.removeprefix("/") if rest.startswith("//") else rest, create=create)
    if scheme in _POSTGRES:
        from .postgres import PostgresStore  # psycopg is an extra: imported only when asked

        return PostgresStore(url, create=create)
    raise StoreError(f"unknown store backend '{scheme}' in {url!r} (known: sqlite, postgresql)")


def local_path(url: str) -> Path | None:
    """The file of an SQLite store, None for a store on a server: where files that live
    beside the store (uploads, analysis.json) can go."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return Path(url)
    if scheme == "sqlite":
        return Path(rest.removeprefix("/") if rest.startswith("//") else rest)
    return None
