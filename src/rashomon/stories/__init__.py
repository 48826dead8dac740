"""Articles to stories (one real-world event) and stories to storylines, incrementally.

``cluster_store`` computes each new article's features once (terms, canonical entities,
day, a MiniLM vector of the title and lead), re-clusters only the blocks that new
articles touch (see :mod:`.cluster`), describes the changed stories and re-links every
story into storylines (a cheap, story-level step).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..annotate import load as load_annotations
from ..config import Config, load_config
from ..model import Article
from ..store import Store
from .cluster import FeatureTable, Params, candidate_edges, cluster_rows
from .describe import describe_story, link_storylines
from .features import ArticleFeatures, article_features, day_number

__all__ = [
    "ArticleFeatures",
    "FeatureTable",
    "Params",
    "StoriesReport",
    "article_features",
    "cluster_store",
    "features_of",
]


@dataclass
class StoriesReport:
    articles: int = 0
    new_articles: int = 0
    reclustered: int = 0
    stories: int = 0
    storylines: int = 0
    embedded: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.articles} article(s) in {self.stories} stor(ies) and "
            f"{self.storylines} storyline(s); {self.new_articles} new, "
            f"{self.reclustered} re-clustered, {self.embedded} embedded "
            f"in {self.seconds:.1f}s"
        )


def features_of(article: Article, ann: Any, entity_ids: dict[int, str]) -> ArticleFeatures:
    """An article's clustering features from its text, annotations and entities."""
    body = [(i, b) for i, b in enumerate(article.blocks) if b.kind == "body"]
    paragraphs = [article.text[b.start : b.end] for _, b in body]
    starts = [b.start for _, b in body]
    entities: list[tuple[str, int]] = []
    if ann is not None:
        for k, m in enumerate(ann.mentions):
            eid = entity_ids.get(k)
            if eid is None:
                continue
            para = int(np.searchsorted(starts, m.start, side="right")) - 1
            entities.append((eid, max(para, 0)))
    day = day_number(ann.event_date if ann is not None and ann.event_date else None)
    published_day = day_number(article.published)
    if day is None or (published_day is not None and abs(day - published_day) > 3):
        # The event date estimate is trusted only near the publication date.
        day = published_day if published_day is not None else day
    return article_features(
        article.id,
        title=article.title,
        paragraphs=paragraphs,
        entities=entities,
        day=day,
        outlet=article.outlet,
        published=article.published,
    )


def _encode(feature: ArticleFeatures) -> str:
    return json.dumps(
        {
            "keys": feature.keys,
            "outlet": feature.outlet,
            "title": feature.title,
            "published": feature.published,
            "lead": feature.lead,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _decode(
    article_id: str, day: float | None, data: str, vector: bytes | None, model: str | None
) -> ArticleFeatures:
    d = json.loads(data)
    from ..embed import MODEL_ID

    v = np.frombuffer(vector, dtype=np.float32).copy() if vector and model == MODEL_ID else None
    return ArticleFeatures(
        article_id,
        day,
        d["keys"],
        d.get("outlet"),
        d.get("title", ""),
        d.get("published"),
        d.get("lead", ""),
        v,
    )


def _embedder(section: dict[str, Any]) -> tuple[Any, str | None]:
    """The MiniLM embedder the settings ask for, if installed, and its model id."""
    if not section.get("embeddings", True):
        return None, None
    from .. import embed

    if not embed.available():
        return None, None
    return embed.embedder(max_tokens=int(section.get("embedding_tokens", 128))), embed.MODEL_ID


#: (article id, day, encoded features, vector bytes, model id), as the store keeps them.
FeatureRow = tuple[str, float | None, str, bytes | None, str | None]


def feature_rows(
    store: Store, ids: list[str], embedder: Any, model_id: str | None
) -> list[FeatureRow]:
    """(id, day, encoded features, vector, model) of each article, for the store."""
    articles = store.articles_by_ids(ids)
    assigned = store.entity_ids_by_article(ids)
    feats = [
        features_of(a, load_annotations(store, a.id), assigned.get(a.id, {})) for a in articles
    ]
    vectors: list[bytes | None] = [None] * len(feats)
    if embedder is not None and feats:
        encoded = embedder.encode([f.lead for f in feats])
        vectors = [row.astype(np.float32).tobytes() for row in encoded]
    return [
        (f.id, f.day, _encode(f), v, model_id if v is not None else None)
        for f, v in zip(feats, vectors, strict=True)
    ]


@dataclass(frozen=True)
class FeatureSpec:
    store: str
    section: dict[str, Any]


class FeatureWorker:
    """Features and MiniLM vectors of batches of articles by id; one per worker process
    (an actor on Ray), so the embedder is loaded once per process."""

    def __init__(self, spec: FeatureSpec) -> None:
        from ..store import open_store

        self.store = open_store(spec.store, create=False)
        self.embedder, self.model_id = _embedder(spec.section)

    def __call__(self, ids: list[str]) -> list[FeatureRow]:
        return feature_rows(self.store, ids, self.embedder, self.model_id)


def _new_features(
    store: Store,
    ids: list[str],
    section: dict[str, Any],
    report: StoriesReport,
    basis: dict[str, str],
    engine: Any = None,
) -> None:
    from ..execution.engine import LocalEngine, is_local, store_address

    embedder, model_id = _embedder(section)
    if section.get("embeddings", True) and embedder is None:
        report.notes.append("MiniLM not installed: clustering on terms and entities only")
    batch = 256
    batches = [ids[start : start + batch] for start in range(0, len(ids), batch)]
    if is_local(engine):
        results = LocalEngine().map_batches(
            lambda _: lambda chunk: feature_rows(store, chunk, embedder, model_id), None, batches
        )
    else:
        spec = FeatureSpec(store_address(store), dict(section))
        results = engine.map_batches(FeatureWorker, spec, batches)
    for rows in results:
        report.embedded += sum(1 for row in rows if row[3] is not None)
        with store.transaction():
            store.save_story_features([(*row, basis[row[0]]) for row in rows])


def cluster_store(
    store: Store, config: Config | None = None, *, rebuild: bool = False, engine: Any = None
) -> StoriesReport:
    """Bring the store's stories and storylines up to date with its articles.

    ``engine`` (see :mod:`rashomon.execution`) computes features and vectors in its
    workers and clusters the blocks there; the stories are the same.
    """
    started = time.perf_counter()
    config = config or load_config()
    section = config["stories"]
    params = Params.from_config(section)
    report = StoriesReport()
    if rebuild:
        with store.transaction():
            store.clear_stories(features=True)
    stored = store.story_feature_basis()
    now = store.current_basis()
    # New articles, and articles annotated or resolved since their features were made.
    todo = sorted(a for a, basis in now.items() if stored.get(a) != basis)
    _new_features(store, todo, section, report, now, engine)

    features = [_decode(*row) for row in store.story_features()]
    report.articles = len(features)
    if not features:
        report.seconds = time.perf_counter() - started
        return report
    table = FeatureTable(features, params)
    members = store.story_members()
    # Articles whose features changed are clustered again, with their old blocks.
    changed_blocks = {members[a][1] for a in todo if a in members}
    redo = set(todo)
    members = {a: sb for a, sb in members.items() if a not in redo}
    new_rows = np.array(
        sorted(table.index[a] for a in table.ids if a not in members), dtype=np.int64
    )
    report.new_articles = len(new_rows)
    if len(new_rows) == 0:
        report.stories = len({s for s, _ in members.values()})
        report.storylines = len(store.storylines())
        report.seconds = time.perf_counter() - started
        return report

    # Blocks touched by new articles, and every member of those blocks.
    i, j, _ = candidate_edges(table, new_rows)
    touched_rows = set(new_rows.tolist()) | set(i.tolist()) | set(j.tolist())
    touched_blocks = changed_blocks | {
        members[table.ids[r]][1] for r in touched_rows if table.ids[r] in members
    }
    affected = set(touched_rows)
    for a, (_, block) in members.items():
        if block in touched_blocks and a in table.index:
            affected.add(table.index[a])
    rows = np.array(sorted(affected), dtype=np.int64)
    within = np.zeros(len(table), dtype=bool)
    within[rows] = True
    edges = candidate_edges(table, rows, within)
    clusters = cluster_rows(table, rows, edges, None if engine is None else engine.map)
    report.reclustered = len(rows)

    old_members = store.story_members()
    stale = sorted({old_members[table.ids[r]][0] for r in rows if table.ids[r] in old_members})
    names = store.entity_names(
        sorted({k[2:] for r in rows for k in table.features[r].keys if k.startswith("e:")})
    )
    stories = [describe_story(table, story_rows, names) for story_rows, _ in clusters]
    member_rows = [
        (table.ids[r], story["id"], "b" + table.ids[block][:12])
        for (story_rows, block), story in zip(clusters, stories, strict=True)
        for r in story_rows
    ]
    with store.transaction():
        store.replace_story_members([table.ids[r] for r in rows], member_rows)
        store.replace_stories(stale, stories)
        lines = link_storylines(store.stories(), section)
        store.replace_storylines(lines)
    report.stories = len(store.stories())
    report.storylines = len(lines)
    report.seconds = time.perf_counter() - started
    return report


def story_rows(stories: Iterable[dict[str, Any]]) -> list[list[str]]:
    return [s["articles"] for s in stories]
