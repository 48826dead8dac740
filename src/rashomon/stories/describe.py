"""What a story is called and made of, and which stories form one storyline."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import numpy as np

from ..ingest.structure import strip_dateline
from .cluster import FeatureTable, average_link, dense_scores
from .features import EPOCH, STOP, term_counts

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z0-9])")
_FIGURE = re.compile(r"\d(?:[\d,.]*\d)?")
_NAME = re.compile(r"(?<=[\s(“\"'‘])[A-Z][\w’'-]+")


def _anchors(sentence: str) -> tuple[set[str], set[str]]:
    """A sentence's figures ("18,000" as "18000") and the capitalised words past its
    first: what ties two tellings of one fact in other words together.

    Deliberately cruder than the aligner's :func:`rashomon.compare.align.anchors_of`
    (units, qualifiers, rounding): that reads quantities at about 0.2 ms a sentence, and
    this runs for every story of a clustering run (a million articles make 220,000)."""
    figures = {m.group().replace(",", "") for m in _FIGURE.finditer(sentence)}
    names = {w for w in _NAME.findall(sentence) if w.lower() not in STOP}
    return figures, names


def _iso_day(day: float | None) -> str | None:
    if day is None or math.isnan(day):
        return None
    return (EPOCH + timedelta(days=int(day))).isoformat()


def _profile(table: FeatureTable, rows: np.ndarray, top_terms: int = 30) -> dict[str, float]:
    """The story's weighted keys: the normalised sum of its articles' rows."""
    total = np.asarray(table.matrix[rows].sum(axis=0)).ravel()
    nz = np.flatnonzero(total)
    inverse = {j: k for k, j in table.vocab.items()} if len(nz) else {}
    keys = [(inverse[j], float(total[j])) for j in nz]
    terms = sorted((kv for kv in keys if kv[0].startswith("t:")), key=lambda kv: (-kv[1], kv[0]))
    ents = sorted((kv for kv in keys if kv[0].startswith("e:")), key=lambda kv: (-kv[1], kv[0]))
    chosen = terms[:top_terms] + ents[:top_terms]
    norm = math.sqrt(sum(w * w for _, w in chosen)) or 1.0
    return {k: round(w / norm, 5) for k, w in chosen}


def _summary(table: FeatureTable, rows: np.ndarray, profile: dict[str, float], n: int = 3):
    weights = {k[2:]: w for k, w in profile.items() if k.startswith("t:")}
    candidates = []
    for r in rows:
        f = table.features[r]
        lead = f.lead[len(f.title) :].strip() if f.title and f.lead.startswith(f.title) else f.lead
        for k, sentence in enumerate(_SENTENCE_END.split(lead)[:4]):
            sentence = strip_dateline(sentence.strip())  # "KYIV (AP) - " is not news
            terms = term_counts(sentence)
            if len(terms) < 4 or len(sentence) > 400:
                continue
            score = sum(weights.get(t, 0.0) for t in terms) / math.sqrt(len(terms))
            candidates.append((-score, k, f.id, sentence.strip(), set(terms)))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    chosen: list[tuple[str, str, set, tuple[set[str], set[str]]]] = []
    for _, _, article, sentence, terms in candidates:
        figures, names = anchors = _anchors(sentence)
        # Redundant: much the same words, a sentence whose words are half another's
        # (another outlet's shorter telling of the same lead fact), or one that gives
        # another's figure about the same name in other words ("12 km below the dam,
        # Dolvitsa" and "Dolvitsa, some 12 kilometres downstream").
        if any(
            len(terms & t) / max(len(terms | t), 1) > 0.4
            or len(terms & t) / max(min(len(terms), len(t)), 1) >= 0.5
            or (figures & a[0] and names & a[1])
            for _, _, t, a in chosen
        ):
            continue
        chosen.append((article, sentence, terms, anchors))
        if len(chosen) == n:
            break
    return [{"article": a, "text": s} for a, s, _, _ in chosen]


def describe_story(
    table: FeatureTable, rows: np.ndarray, names: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    """Id, title, dates, outlets, principal entities and an extractive summary."""
    rows = np.sort(rows)
    feats = [table.features[r] for r in rows]
    anchor = feats[0].id
    if len(rows) > 2:
        sims = dense_scores(table, rows[:200])
        np.fill_diagonal(sims, 0.0)
        medoid = feats[int(np.argmax(sims.sum(axis=1)))]
    else:
        medoid = feats[0]
    profile = _profile(table, rows)
    days = [table.days[r] for r in rows if not np.isnan(table.days[r])]
    entity_weight: Counter = Counter()
    for f in feats:
        for k, w in f.keys.items():
            if k.startswith("e:"):
                entity_weight[k[2:]] += w
    principal = []
    for eid, _w in sorted(entity_weight.items(), key=lambda kv: (-kv[1], kv[0]))[:8]:
        name, type_ = names.get(eid, (eid, ""))
        articles = sum(1 for f in feats if f"e:{eid}" in f.keys)
        principal.append({"id": eid, "name": name, "type": type_, "articles": articles})
    published = sorted(f.published for f in feats if f.published)
    return {
        "id": "s" + anchor[:12],
        "title": medoid.title or (feats[0].lead[:80] if feats[0].lead else anchor),
        "articles": [f.id for f in feats],
        "outlets": sorted({f.outlet for f in feats if f.outlet}),
        "start": _iso_day(min(days)) if days else None,
        "end": _iso_day(max(days)) if days else None,
        "published": [published[0], published[-1]] if published else None,
        "entities": principal,
        "summary": _summary(table, rows, profile),
        "profile": profile,
    }


def _cos(a: dict[str, float], b: dict[str, float], prefix: str) -> float:
    num = sum(w * b.get(k, 0.0) for k, w in a.items() if k.startswith(prefix))
    na = math.sqrt(sum(w * w for k, w in a.items() if k.startswith(prefix)))
    nb = math.sqrt(sum(w * w for k, w in b.items() if k.startswith(prefix)))
    return num / (na * nb) if na and nb else 0.0


def story_similarity(a: dict[str, Any], b: dict[str, Any], section: dict[str, Any]) -> float:
    pa, pb = a["profile"], b["profile"]
    w_t = float(section.get("w_terms", 0.45))
    w_e = float(section.get("w_entities", 0.35))
    return (w_t * _cos(pa, pb, "t:") + w_e * _cos(pa, pb, "e:")) / (w_t + w_e)


def link_storylines(stories: list[dict[str, Any]], section: dict[str, Any]) -> list[dict[str, Any]]:
    """Stories that share principal actors and topic, across any time, in one storyline.

    Candidates share a principal entity (inverted index); average linkage inside the
    connected candidate groups keeps one broad actor from chaining everything together.
    """
    threshold = float(section.get("storyline_threshold", 0.2))
    stories = sorted(stories, key=lambda s: (s.get("start") or "9999", s["id"]))
    index: dict[str, list[int]] = defaultdict(list)
    for k, s in enumerate(stories):
        for e in s["entities"][:5]:
            index[e["id"]].append(k)
    parent = list(range(len(stories)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sims: dict[tuple[int, int], float] = {}
    for posting in index.values():
        if len(posting) > 2000:  # an actor in everything separates nothing
            continue
        for x in range(len(posting)):
            for y in range(x + 1, len(posting)):
                a, b = posting[x], posting[y]
                if (a, b) in sims:
                    continue
                sims[(a, b)] = s_ = story_similarity(stories[a], stories[b], section)
                if s_ >= threshold:
                    parent[find(b)] = find(a)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(stories)):
        groups[find(k)].append(k)
    lines = []
    for members in groups.values():
        members.sort()
        if len(members) > 1:
            m = len(members)
            matrix = np.zeros((m, m))
            for x in range(m):
                for y in range(x + 1, m):
                    key = (members[x], members[y])
                    matrix[x, y] = matrix[y, x] = sims.get(key, 0.0)
            labels = average_link(matrix, threshold)
            parts = [
                [members[x] for x in range(m) if labels[x] == lab]
                for lab in range(labels.max() + 1)
            ]
        else:
            parts = [members]
        for part in parts:
            chosen = [stories[k] for k in part]
            main = max(chosen, key=lambda s: (len(s["articles"]), -part[chosen.index(s)]))
            lines.append(
                {
                    "id": "l" + chosen[0]["id"][1:],
                    "title": main["title"],
                    "stories": [s["id"] for s in chosen],
                    "start": chosen[0].get("start"),
                    "end": max((s.get("end") or "" for s in chosen), default=None) or None,
                }
            )
    return sorted(lines, key=lambda line: line["id"])
