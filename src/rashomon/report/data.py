"""What the report needs from the store beyond the analysis document: article texts."""

from __future__ import annotations

from typing import Any

from ..store import Store


def article_texts(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """article id -> {"text": cleaned text, "blocks": [[start, end, kind], ...]}: what the
    character offsets of analysis.json index, with each paragraph's structural kind."""
    return {
        a.id: {"text": a.text, "blocks": [[b.start, b.end, b.kind] for b in a.blocks]}
        for a in store.articles_by_ids(ids)
    }
