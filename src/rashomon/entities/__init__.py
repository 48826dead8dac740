"""Mentions to entities: one identity per real-world entity across articles and outlets."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotate import load as load_annotations
from ..config import read_toml
from ..errors import ConfigError
from ..store import Store
from .resolve import Entity, MentionRef, Resolution, Rules, resolve

__all__ = ["MentionRef", "Resolution", "Rules", "load_rules", "resolve", "resolve_store"]


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


@dataclass
class ResolveReport:
    mentions: int = 0
    entities: int = 0
    articles: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.mentions} mention(s) in {self.articles} article(s) resolved to "
            f"{self.entities} entit(ies) in {self.seconds:.1f}s"
        )


def _entity_row(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "country": e.country,
        "mentions": len(e.mentions),
        "aliases": [a for a, _ in e.aliases.most_common()],
        "alias_counts": {o: dict(c.most_common()) for o, c in sorted(e.alias_counts.items())},
        "roles": dict(e.roles.most_common(10)),
        "why": dict(e.why),
    }


def resolve_store(store: Store, rules: Rules | None = None) -> ResolveReport:
    """Resolve every annotated mention in the store and store the entities."""
    started = time.perf_counter()
    # Merges and splits people asked for in the store apply on top of a rules file's.
    stored = store.entity_rules() if hasattr(store, "entity_rules") else []
    if stored:
        combined = Rules()
        if rules is not None:
            combined.merge += rules.merge
            combined.split += rules.split
        for kind, names in stored:
            getattr(combined, kind).append(list(names))
        rules = combined
    refs: list[MentionRef] = []
    articles = 0
    for article in store.articles():
        ann = load_annotations(store, article.id)
        if ann is None:
            continue
        articles += 1
        refs += [
            MentionRef(article.id, i, m.text, m.label, article.outlet, m.role)
            for i, m in enumerate(ann.mentions)
        ]
    result = resolve(refs, rules)
    with store.transaction():
        store.replace_entities(
            [_entity_row(e) for e in result.entities.values()],
            [(a, i, eid, why, conf) for (a, i), (eid, why, conf) in result.assignment.items()],
        )
    return ResolveReport(len(refs), len(result.entities), articles, time.perf_counter() - started)
