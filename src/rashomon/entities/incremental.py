"""Resolution kept in the store, so new articles join existing entities without
recomputing the world.

The store keeps the nodes of the last resolution (:class:`.resolve.Node`: a person's name,
a place or other name), the group (component) and entity of each, and
each node's blocking keys (:meth:`.resolve.Node.keys`). A resolution pass in
:func:`.resolve.group` only ever compares nodes that share a key, so when new articles
arrive only the *region* around the nodes they touch is recomputed: the touched nodes, every
node that shares a key with a node of the region, and every node of a group that has a node
in the region, until nothing is added. Outside the region nothing could have changed; inside
it the same function runs on the same nodes in the same order (by first mention) as a full
resolution would, so the result is the same whatever the order the articles arrived in
(``tests/test_entities_incremental.py`` checks it against full rebuilds).

Rules change the keys that matter: the names of merge rules link the nodes that carry them,
and a rule added or removed puts every node carrying one of its names in the region. A
changed resolver (:data:`RESOLVER_VERSION`) or re-annotated or removed articles rebuild
everything.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..annotate import load as load_annotations
from ..store import Store
from ..store.base import NodeRecord
from .keys import fold
from .resolve import (
    Contribution,
    MentionRef,
    Node,
    Rules,
    add_contribution,
    article_nodes,
    group,
    make_entities,
    number_entities,
)

#: Bump when a change to the resolver changes its decisions: a state stored by another
#: version is rebuilt rather than extended.
RESOLVER_VERSION = "7"
#: Key kinds that link nodes for resolution ("n:" keys link only for names in merge rules).
_LINKING = ("p:", "l:", "u:", "a:", "x:")


@dataclass
class ResolveReport:
    mentions: int = 0  # mentions resolved by this run
    entities: int = 0  # entities in the store afterwards
    articles: int = 0  # articles resolved by this run
    seconds: float = 0.0
    mode: str = "incremental"  # or "rebuild"
    why: str = ""  # why a rebuild
    region_nodes: int = 0  # nodes regrouped
    stored_nodes: int = 0  # nodes loaded from the store for the region
    renamed: int = 0  # entities outside the region whose numbered id changed
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        how = "rebuilt" if self.mode == "rebuild" else "incremental"
        return (
            f"{self.mentions} mention(s) in {self.articles} article(s) resolved ({how}"
            f"{': ' + self.why if self.why else ''}); {self.entities} entit(ies) in "
            f"{self.seconds:.1f}s"
        )


def _rules_json(rules: Rules) -> str:
    return json.dumps({"merge": rules.merge, "split": rules.split}, ensure_ascii=False)


def _changed_names(old: Rules, new: Rules) -> set[str]:
    """Folded names of rules added or removed."""
    def groups(r: Rules) -> set[tuple[str, frozenset[str]]]:
        return {(k, frozenset(fold(n) for n in g)) for k in ("merge", "split")
                for g in getattr(r, k)}

    changed = groups(old) ^ groups(new)
    return {n for _, names in changed for n in names}


class _Linker:
    """Which keys link nodes under the current rules, and what a key leads to."""

    def __init__(self, rules: Rules) -> None:
        self.partners: dict[str, set[str]] = {}
        for names in rules.merge:
            folded = {fold(n) for n in names}
            for n in folded:
                self.partners.setdefault(n, set()).update(folded)

    def expand(self, keys: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for k in keys:
            if k.startswith(_LINKING):
                out.add(k)
            elif k.startswith("n:") and k[2:] in self.partners:
                out.update("n:" + n for n in self.partners[k[2:]])
        return out


def _mentions(store: Store, ids: list[str]) -> list[MentionRef]:
    refs: list[MentionRef] = []
    for article in store.articles_by_ids(ids):
        ann = load_annotations(store, article.id)
        if ann is None:
            continue
        refs += [
            MentionRef(article.id, i, m.text, m.label, article.outlet, m.role)
            for i, m in enumerate(ann.mentions)
        ]
    return refs


def resolve_store(store: Store, rules: Rules | None = None, *,
                  rebuild: bool = False) -> ResolveReport:
    """Resolve the annotated mentions not resolved yet, regrouping only what they touch
    (or everything, with ``rebuild``), and store the entities."""
    started = time.perf_counter()
    report = ResolveReport()
    rules = _with_stored_rules(store, rules)
    state = store.entity_state()
    new_ids, stale = store.entity_pending()
    why = ""
    if rebuild:
        why = "asked"
    elif not state:
        why = "no stored state"
    elif state.get("version") != RESOLVER_VERSION:
        why = f"resolver version {state.get('version')} -> {RESOLVER_VERSION}"
    elif stale:
        why = f"{len(stale)} article(s) re-annotated or removed"
    old_rules = Rules(**json.loads(state["rules"])) if state.get("rules") else Rules()
    if why:
        report.mode, report.why = "rebuild", why
        with store.transaction():
            store.clear_entity_resolution()
        new_ids, _ = store.entity_pending()
        old_rules = rules
        state = {}
    changed_names = _changed_names(old_rules, rules)
    if not changed_names and state and state.get("rules") != _rules_json(rules):
        changed_names = rules.names()  # the same rules in another order: who goes first
    if not new_ids and not changed_names and not why:
        report.entities = store.count_entities()
        report.seconds = time.perf_counter() - started
        return report

    t = time.perf_counter()
    refs = _mentions(store, new_ids)
    report.timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    by_article: dict[str, list[MentionRef]] = {}
    for m in refs:
        by_article.setdefault(m.article_id, []).append(m)
    contributions: list[Contribution] = []
    for mentions in by_article.values():
        contributions += article_nodes(mentions)
    idents = sorted({(c[1], c[2]) for c in contributions})
    existing = {(r.kind, r.key): r for r in store.entity_nodes(idents=idents)} if state else {}
    touched: dict[tuple[str, str], Node] = {
        ident: Node.from_json(ident[0], ident[1], (r.first_article, r.first_mention), r.data)
        for ident, r in existing.items()
    }
    for c in contributions:
        add_contribution(touched, c)
    report.timings["nodes"] = time.perf_counter() - t

    t = time.perf_counter()
    region = _region(store, rules, touched, existing, changed_names) if state else {}
    report.stored_nodes = len(region)
    report.timings["region"] = time.perf_counter() - t

    t = time.perf_counter()
    next_id = int(state.get("next_node", "1"))
    records: dict[tuple[str, str], NodeRecord] = {(r.kind, r.key): r for r in region.values()}
    nodes: dict[tuple[str, str], Node] = {}
    node_id: dict[tuple[str, str], int] = {}
    for ident, r in records.items():
        nodes[ident] = touched.get(ident) or Node.from_json(
            r.kind, r.key, (r.first_article, r.first_mention), r.data
        )
        node_id[ident] = r.id
    for ident, node in touched.items():
        if ident not in nodes:
            nodes[ident] = node
            node_id[ident], next_id = next_id, next_id + 1
    order = sorted(nodes.values(), key=lambda n: n.first)
    roots, reasons = group(order, rules)
    clusters = make_entities(order, roots, reasons)
    report.region_nodes = len(order)
    report.timings["group"] = time.perf_counter() - t

    # Entities that share a base id with a regrouped one are numbered with it.
    t = time.perf_counter()
    old_ids = {r.entity_id for r in records.values()}
    bases = {c.base for c in clusters} | {e.split("-", 1)[0] for e in old_ids}
    outside = [c for c in store.entity_clusters(sorted(bases)) if c[0] not in old_ids] if state \
        else []
    numbered = number_entities(
        [((a, m), base, ("stored", eid)) for eid, base, a, m in outside]
        + [(c.first, c.base, c) for c in clusters]
    )
    renames = [(c[1], ident) for c, ident in numbered if isinstance(c, tuple) and c[1] != ident]
    report.renamed = len(renames)
    entity_of: dict[int, Any] = {}
    for c in clusters:
        for i in c.nodes:
            entity_of[i] = c
    new_records: list[NodeRecord] = []
    reassign: list[tuple[int, str, str, float]] = []
    for i, node in enumerate(order):
        ident = (node.kind, node.key)
        entity = entity_of[i].entity.id
        why_, confidence = reasons[i]
        root = order[roots[i]]
        rec = NodeRecord(
            node_id[ident], node.kind, node.key, node.first[0], node.first[1],
            node_id[(root.kind, root.key)], entity, why_, confidence, node.to_json(),
            sorted(node.keys()),
        )
        old = records.get(ident)
        if old is not None and (old.entity_id, old.why, old.confidence) != (
            entity, why_, confidence
        ):
            reassign.append((rec.id, entity, why_, confidence))
        if old is None or ident in touched or (
            old.component, old.entity_id, old.why, old.confidence
        ) != (rec.component, entity, why_, confidence):
            new_records.append(rec)
    final = {(c.kind, c.key): c for c in new_records}
    mention_rows = []
    for c in contributions:
        m, ident = c[0], (c[1], c[2])
        rec = final[ident]
        mention_rows.append((m.article_id, m.index, rec.entity_id, rec.why, rec.confidence, rec.id))
    with store.transaction():
        store.delete_entities(sorted(old_ids))
        store.rename_entities(renames)
        store.insert_entities(
            [c.entity.row() for c in clusters],
            [(c.entity.id, c.base, c.first[0], c.first[1]) for c in clusters],
        )
        store.save_entity_nodes(new_records)
        store.reassign_entity_mentions(reassign)
        store.add_entity_mentions(mention_rows)
        store.mark_entity_articles(new_ids)
        store.set_entity_state(
            {"version": RESOLVER_VERSION, "rules": _rules_json(rules), "next_node": str(next_id)}
        )
    report.timings["write"] = time.perf_counter() - t
    report.timings = {k: round(v, 3) for k, v in report.timings.items()}
    report.mentions, report.articles = len(refs), len(by_article)
    report.entities = store.count_entities()
    report.seconds = time.perf_counter() - started
    return report


def _region(
    store: Store,
    rules: Rules,
    touched: dict[tuple[str, str], Node],
    existing: dict[tuple[str, str], NodeRecord],
    changed_names: set[str],
) -> dict[int, NodeRecord]:
    """Stored nodes whose group can change: see the module's docstring."""
    linker = _Linker(rules)
    region: dict[int, NodeRecord] = {r.id: r for r in existing.values()}
    keys: set[str] = {"n:" + n for n in changed_names}
    for ident, node in touched.items():
        keys |= linker.expand(node.keys())
        if ident in existing:
            keys |= linker.expand(existing[ident].keys)
    components = {r.component for r in region.values()}
    seen_keys, seen_components = set(keys), set(components)
    while keys or components:
        found = store.entity_nodes(keys=sorted(keys), components=sorted(components))
        keys, components = set(), set()
        for r in found:
            if r.id in region:
                continue
            region[r.id] = r
            keys |= linker.expand(r.keys) - seen_keys
            if r.component not in seen_components:
                components.add(r.component)
        seen_keys |= keys
        seen_components |= components
    return region


def _with_stored_rules(store: Store, rules: Rules | None) -> Rules:
    """Merges and splits people asked for in the store apply on top of a rules file's."""
    combined = Rules()
    if rules is not None:
        combined.merge += rules.merge
        combined.split += rules.split
    for kind, names in store.entity_rules():
        getattr(combined, kind).append(list(names))
    return combined
