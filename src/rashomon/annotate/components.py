"""The built-in components, registered by name. Importing this module registers them."""

from __future__ import annotations

from . import entities, framing, quantities, quotes, sentences, times  # noqa: F401
