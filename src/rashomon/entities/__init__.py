"""Mentions to entities: one identity per real-world entity across articles and outlets."""

from __future__ import annotations

from pathlib import Path

from ..config import read_toml
from ..errors import ConfigError
from .incremental import ResolveReport, resolve_store
from .resolve import MentionRef, Resolution, Rules, resolve

__all__ = [
    "MentionRef",
    "ResolveReport",
    "Resolution",
    "Rules",
    "load_rules",
    "resolve",
    "resolve_store",
]


def load_rules(path: str | Path | None) -> Rules:
    """A rules file: ``[[merge]] names = [...]`` and ``[[split]] names = [...]``."""
    if not path:
        return Rules()
    data = read_toml(path, "entity rules file", {"merge", "split"})
    rules = Rules()
    for kind in ("merge", "split"):
        for i, entry in enumerate(data.get(kind, []), 1):
            names = entry.get("names")
            if not isinstance(names, list) or len(names) < 2:
                raise ConfigError(f"{path}: {kind} {i} needs names = [at least two names]")
            getattr(rules, kind).append([str(n) for n in names])
    return rules
