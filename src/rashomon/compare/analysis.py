"""The whole analysis of a store as one JSON document (``analysis.json``).

Its shape is a public contract: ``schemas/analysis.schema.json`` in the repository
describes it and the tests validate every export against it.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import __version__
from ..annotate import load as load_annotations
from ..entities.roles import RoleIndex
from ..model import Article, Quote
from ..store import Store
from .claims import role_evidence, speaker_entity, unnamed_office
from .framing import framing_profiles, outlet_profiles
from .matrix import CompareSettings, StoryInput, compare_story, link_role_speakers

SCHEMA_VERSION = "1.0"


def story_inputs(store: Store, article_ids: list[str]) -> list[StoryInput]:
    """The annotated articles of a story (unannotated ones cannot be compared)."""
    assigned = store.entity_ids_by_article(article_ids)
    out = []
    for article in store.articles_by_ids(article_ids):
        ann = load_annotations(store, article.id)
        if ann is not None:
            out.append(StoryInput(article, ann, assigned.get(article.id, {})))
    return out


def compare_stored_story(
    store: Store, story: dict[str, Any], aligner: Any, limits: CompareSettings | None = None
) -> dict[str, Any]:
    inputs = story_inputs(store, story["articles"])
    names = {e: n for e, (n, _) in store.entity_names(_entities_of(inputs)).items()}
    comparison = compare_story(story["id"], inputs, aligner, names, limits)
    comparison["encoder"] = getattr(aligner, "encoder", "minilm")
    comparison["framing"] = framing_profiles(inputs, comparison["facts"], names)
    comparison["outlets"] = outlet_profiles(comparison["framing"])
    return comparison


class _StoreAndAligner:
    """A worker process's store connection and aligner, opened on first use."""

    opened: dict[tuple[str, str], Any] = {}

    @classmethod
    def get(cls, address: str, encoder: str) -> tuple[Store, Any]:
        if (address, encoder) not in cls.opened:
            from ..store import open_store
            from .align import Aligner

            store = open_store(address, create=False)
            cls.opened[address, encoder] = (store, Aligner(encoder=encoder))
        return cls.opened[address, encoder]


def compare_story_at(story: dict[str, Any], options: tuple[str, CompareSettings]) -> dict[str, Any]:
    """:func:`compare_stored_story` in a worker: ``fn(item, options)`` for an engine, with
    ``options`` the store's address and the limits."""
    address, limits = options
    store, aligner = _StoreAndAligner.get(address, limits.encoder)
    return compare_stored_story(store, story, aligner, limits)


def _entities_of(inputs: Iterable[StoryInput]) -> list[str]:
    return sorted({e for item in inputs for e in item.entity_ids.values()})


def article_row(a: Article) -> dict[str, Any]:
    """An article as analysis.json lists it (without its text); the web API's too."""
    return {
        "id": a.id,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "language": a.language,
        "path": a.url or a.path,
        "file": a.path,
        "locator": a.locator or None,
        "url": a.url,
        "author": a.author,
        "duplicate_of": a.duplicate_of,
        "duplicate_kind": a.duplicate_kind,
        "words": a.meta.get("words"),
    }


def _layers(
    store: Store, ids: list[str], stories: Iterable[dict[str, Any]] = ()
) -> tuple[list[dict], list[dict]]:
    """The quotes and quantities of ``ids``. A quote by an office its article does not
    name ("the French president said") takes the holder that the other articles of its
    story (one of ``stories``) name, as in the comparison (``claims.role_speakers``)."""
    assigned = store.entity_ids_by_article(ids)
    quotes: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    # Per article: the (role, entity) pairs it gives, and its role quotes left unnamed.
    evidence: dict[str, list[tuple[str, str]]] = {}
    unnamed: dict[str, list[tuple[Quote, dict[str, Any]]]] = {}
    for aid in ids:
        ann = load_annotations(store, aid)
        if ann is None:
            continue
        entity_ids = assigned.get(aid, {})
        evidence[aid] = role_evidence(ann, entity_ids)
        for k, q in enumerate(ann.quotes):
            speaker = speaker_entity(ann, entity_ids, q)
            quotes.append(
                {
                    "id": f"{aid}:q{k}",
                    "article": aid,
                    "speaker": speaker,
                    "speaker_name": q.speaker,
                    "speaker_text": q.speaker_text,
                    "resolved_by": q.resolved_by,
                    "anonymous": q.anonymous,
                    "vague": q.vague,
                    "cue": q.cue,
                    "text": q.text,
                    "kind": q.kind,
                    "direct": q.direct,
                    "start": q.start,
                    "end": q.end,
                }
            )
            if unnamed_office(q, speaker):
                unnamed.setdefault(aid, []).append((q, quotes[-1]))
        for q in ann.quantities:
            quantities.append(
                {
                    "article": aid,
                    "text": q.text,
                    "value": q.value,
                    "unit": q.unit,
                    "qualifier": q.qualifier,
                    "counted": q.counted,
                    "kind": q.kind,
                    "start": q.start,
                    "end": q.end,
                }
            )
    linked: list[dict[str, Any]] = []
    for story in stories:
        members = [a for a in story["articles"] if a in evidence]
        if len(members) < 2 or not any(a in unnamed for a in members):
            continue
        index = RoleIndex.of(pair for a in members for pair in evidence[a])
        for a in members:
            for q, row in unnamed.get(a, []):
                row["speaker"] = index.holder(q.speaker_text)
                if row["speaker"] is not None:
                    linked.append(row)
    if linked:
        names = store.entity_names(sorted({row["speaker"] for row in linked}))
        for row in linked:
            row["speaker_name"] = names.get(row["speaker"], (None,))[0]
    return quotes, quantities


def build_analysis(
    store: Store,
    *,
    story_ids: list[str] | None = None,
    aligner: Any = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Any = None,
    limits: CompareSettings | None = None,
) -> dict[str, Any]:
    """Articles, entities, quotes, quantities, stories, storylines and comparisons.

    ``engine`` (see :mod:`rashomon.execution`) compares the stories in its workers;
    ``limits`` bound each comparison (default :class:`~rashomon.compare.matrix.CompareSettings`).
    """
    from ..execution.engine import is_local, store_address
    from .align import ENCODERS, Aligner

    started = time.perf_counter()
    stories = store.stories()
    if story_ids is not None:
        wanted = set(story_ids)
        stories = [s for s in stories if s["id"] in wanted]
    ids = sorted({a for s in stories for a in s["articles"]}) if story_ids else store.article_ids()
    comparisons = []
    limits = limits or CompareSettings()
    if aligner is not None and getattr(aligner, "encoder", None) in ENCODERS:
        # Workers build their own aligner: from the settings they are sent.
        limits = dataclasses.replace(limits, encoder=aligner.encoder)
    if is_local(engine):
        aligner = aligner or Aligner(encoder=limits.encoder)
        for k, story in enumerate(stories):
            if len(story["articles"]) > 1:
                comparisons.append(compare_stored_story(store, story, aligner, limits))
            if progress:
                progress(k + 1, len(stories))
    else:
        several = [s for s in stories if len(s["articles"]) > 1]
        options = (store_address(store), limits)
        for k, result in enumerate(engine.map(compare_story_at, several, options)):
            comparisons.append(result)
            if progress:
                progress(k + 1, len(several))
    keep_lines = {s.get("storyline") for s in stories}
    stances = storyline_stance_list(store, stories)
    entities = [
        {
            "id": e["id"],
            "name": e["name"],
            "type": e["type"],
            "country": e.get("country"),
            "mentions": e["mentions"],
            "aliases": e["aliases"],
            "alias_counts": e["alias_counts"],
            "roles": e.get("roles", {}),
        }
        for e in store.entities()
    ]
    if story_ids is not None:
        used = _entity_set(store, ids)
        entities = [e for e in entities if e["id"] in used]
    quotes, quantities = _layers(store, ids, stories)
    return {
        "schema": SCHEMA_VERSION,
        "generator": f"rashomon {__version__}",
        "articles": [article_row(a) for a in store.articles_by_ids(ids)],
        "entities": entities,
        "quotes": quotes,
        "quantities": quantities,
        "stories": [
            {
                "id": s["id"],
                "title": s["title"],
                "articles": s["articles"],
                "start": s.get("start"),
                "end": s.get("end"),
                "storyline": s.get("storyline"),
                "outlets": s.get("outlets", []),
                "entities": s.get("entities", []),
                "summary": s.get("summary", []),
            }
            for s in stories
        ],
        "storylines": [line for line in store.storylines() if line["id"] in keep_lines],
        "comparisons": comparisons,
        "stances": stances,
        "seconds": round(time.perf_counter() - started, 2),
    }


def storyline_stance_list(store: Store, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actors' positions per storyline (see :mod:`.stance`), for storylines with any."""
    from .. import embed
    from ..annotate.nlp import load as load_nlp
    from .stance import storyline_stances

    by_line: dict[str, list[list[str]]] = {}
    for s in stories:
        if s.get("storyline"):
            by_line.setdefault(s["storyline"], []).append(s["articles"])
    if not by_line:
        return []
    nlp = load_nlp()
    embedder = embed.embedder()
    out = []
    for line_id, story_ids in sorted(by_line.items()):
        items = []
        for ids in story_ids:
            # Offices are linked to their holder per story: one event, one date.
            story_items = story_inputs(store, sorted(set(ids)))
            link_role_speakers(story_items)
            items += story_items
        items.sort(key=lambda x: x.article.id)
        names = {e: n for e, (n, _) in store.entity_names(_entities_of(items)).items()}
        result = storyline_stances({"id": line_id}, items, names, nlp, embedder)
        if result["issues"]:
            out.append(result)
    return out


def _entity_set(store: Store, ids: list[str]) -> set[str]:
    return {e for m in store.entity_ids_by_article(ids).values() for e in m.values()}


def write_analysis(data: dict[str, Any], out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "analysis.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
