"""The web app (``rashomon serve``): the report's views over a live store, full-text
search, entity and outlet pages, uploads, and a JSON API under ``/api/``."""

from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
