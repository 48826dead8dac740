"""Cross-document entity resolution: one identity per real-world entity.

Mentions are grouped in three steps, each recorded as the reason for a merge:

1. **Within an article** a surname or given name alone joins the full name it shortens
   ("Duda" -> "Andrzej Duda"; reason ``same-article``).
2. **People across articles** are blocked by the consonant skeleton of their surname and
   merged when the surnames are spelling variants (``transliteration``) and the given
   names are compatible; a surname alone joins the one person of that surname, and stays
   apart when there are several (``surname-unique``).
3. **Places** resolve through the gazetteer (``gazetteer``: Kyiv = Kiev); nationality
   words link to their country (``nationality``); organisations by folded name and
   acronym (``exact``, ``acronym``).

A user rules file can force merges and forbid them (``user-rule``); a forbidden pair is
never joined, whatever the rules above say. Grouping is a union-find over a set of
pairwise decisions, so the result does not depend on the order articles arrived in.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from . import gazetteer
from .keys import fold, given_compatible, name_parts, skeleton, translit

PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Similarity of folded surnames (Jaro-Winkler) at or above which skeleton-mates merge.
SURNAME_SIMILARITY = 0.85


@dataclass(frozen=True, slots=True)
class MentionRef:
    """One mention to resolve: where it is and what it says."""

    article_id: str
    index: int  # position in the article's mentions layer
    text: str
    label: str
    outlet: str | None = None
    role: str | None = None


@dataclass
class Entity:
    id: str
    name: str
    type: str
    country: str | None = None
    aliases: Counter = field(default_factory=Counter)
    alias_counts: dict[str, Counter] = field(default_factory=dict)  # outlet -> alias -> n
    roles: Counter = field(default_factory=Counter)
    mentions: list[tuple[str, int]] = field(default_factory=list)
    why: Counter = field(default_factory=Counter)  # reason -> merges


@dataclass
class Rules:
    """User decisions: names that are one entity, and names that never are."""

    merge: list[list[str]] = field(default_factory=list)
    split: list[list[str]] = field(default_factory=list)


@dataclass
class Resolution:
    entities: dict[str, Entity]
    #: (article id, mention index) -> (entity id, reason, confidence)
    assignment: dict[tuple[str, int], tuple[str, str, float]]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index wins: the same pairs give the same roots in any order.
            lo, hi = min(ra, rb), max(ra, rb)
            self.parent[hi] = lo
        return self.find(a)


def _type_of(label: str) -> str:
    if label in PLACE_LABELS:
        return "PLACE"
    return label


def resolve(mentions: Iterable[MentionRef], rules: Rules | None = None) -> Resolution:
    """Group mentions into entities; deterministic and independent of input order."""
    refs = sorted(set(mentions), key=lambda m: (m.article_id, m.index))
    rules = rules or Rules()
    # Nodes are distinct (type, surface) per article for people, per surface otherwise.
    node_of: dict[tuple[str, str], int] = {}
    reason: dict[int, tuple[str, float]] = {}
    node_surface: dict[int, Counter] = defaultdict(Counter)
    node_type: dict[int, str] = {}
    node_country: dict[int, str | None] = {}
    # Names other than people and known places are keyed by spelling alone; their type
    # is voted by the tagger's labels over all mentions (it labels one name differently
    # from sentence to sentence).
    node_labels: dict[int, Counter] = defaultdict(Counter)
    current_label = [""]
    uf = _UnionFind()

    def node(
        kind: str, key: str, surface: str, why: str, confidence: float, country: str | None = None
    ) -> int:
        ident = (kind, key)
        if ident not in node_of:
            node_of[ident] = len(node_of)
            node_type[node_of[ident]] = kind
            node_country[node_of[ident]] = country
            reason[node_of[ident]] = (why, confidence)
        n = node_of[ident]
        node_surface[n][surface] += 1
        node_labels[n][current_label[0]] += 1
        return n

    mention_node: dict[tuple[str, int], int] = {}
    people_by_article: dict[str, list[MentionRef]] = defaultdict(list)
    for m in refs:
        label = m.label
        current_label[0] = _type_of(label)
        place = (
            gazetteer.lookup(m.text)
            if label in PLACE_LABELS or (label == "PERSON" and len(m.text.split()) == 1)
            else None
        )
        if (
            label == "PERSON"
            and place is not None
            and place.population < 100_000
            and place.kind == "city"
        ):
            place = None  # a small town's name is more often a surname
        if label == "PERSON" and place is None:
            people_by_article[m.article_id].append(m)
            continue
        if label == "ORG" and len(m.text.split()) == 1 and not m.text.isupper():
            # "Trump" tagged ORG: a person if the article names a person so (checked below).
            people_by_article[m.article_id].append(m)
            continue
        if place is None and label in PLACE_LABELS:
            demonym = gazetteer.country_of_demonym(m.text)
            if demonym is not None:
                n = node("PLACE", demonym.key, m.text, "nationality", 0.8, demonym.country)
                mention_node[(m.article_id, m.index)] = n
                continue
            if len(m.text.split()) == 1:
                # A lone unknown "place" that is a person's surname in this article
                # ("Scholz" tagged GPE) is that person.
                people_by_article[m.article_id].append(m)
                continue
        if place is not None:
            n = node("PLACE", place.key, m.text, "gazetteer", 0.95, place.country)
        elif label == "NORP":
            country = gazetteer.country_of_demonym(m.text)
            if country is not None:
                n = node("PLACE", country.key, m.text, "nationality", 0.8, country.country)
            else:
                n = node("NAME", fold(m.text), m.text, "exact", 1.0)
        else:
            key = fold(m.text)
            key = key[4:] if key.startswith("the ") else key
            n = node("NAME", key, m.text, "exact", 1.0)
        mention_node[(m.article_id, m.index)] = n

    # People, step 1: within each article, short forms join the full name they shorten.
    for article_id, people in people_by_article.items():
        full = [m for m in people if len(name_parts(m.text)[0]) > 0]
        surnames = {skeleton(name_parts(f.text)[1]) for f in full}
        for m in people:
            current_label[0] = _type_of(m.label)
            if m.label != "PERSON" and skeleton(m.text) not in surnames:
                key = fold(m.text)
                n = node("NAME", key, m.text, "exact", 1.0)
                mention_node[(m.article_id, m.index)] = n
                continue
            given, surname = name_parts(m.text)
            if given:
                key = f"{translit(given.split()[0])}|{surname}"
                n = node("PERSON", f"{article_id}|{key}", m.text, "exact", 1.0)
            else:
                by_surname = {
                    name_parts(f.text)
                    for f in full
                    if skeleton(name_parts(f.text)[1]) == skeleton(surname)
                }
                by_given = {
                    name_parts(f.text)
                    for f in full
                    if skeleton(name_parts(f.text)[0].split()[0]) == skeleton(surname)
                }
                target = (
                    by_surname
                    if len(by_surname) == 1
                    else (by_given if not by_surname and len(by_given) == 1 else set())
                )
                if target:
                    g, s = next(iter(target))
                    key = f"{translit(g.split()[0])}|{s}"
                    n = node("PERSON", f"{article_id}|{key}", m.text, "same-article", 0.95)
                else:
                    n = node("PERSON", f"{article_id}|?|{surname}", m.text, "exact", 1.0)
            mention_node[(m.article_id, m.index)] = n

    # People, step 2: across articles, blocked by surname skeleton.
    blocks: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for (kind, key), n in node_of.items():
        if kind != "PERSON":
            continue
        _, given_key, surname = key.split("|", 2)
        blocks[skeleton(surname.split()[-1])].append((n, given_key, surname))
    forbidden = _forbidden_pairs(rules)

    def similar_surnames(a: str, b: str) -> bool:
        return a == b or JaroWinkler.similarity(translit(a), translit(b)) >= SURNAME_SIMILARITY

    for members in blocks.values():
        # The same full name in many articles is one variant: compare distinct variants
        # only, so a popular surname costs its number of spellings, not of articles.
        variants: dict[tuple[str, str], list[int]] = defaultdict(list)
        shorts: dict[str, list[int]] = defaultdict(list)
        for n, g, s_ in members:
            (shorts[s_] if g == "?" else variants[(g, s_)]).append(n)
        for nodes in variants.values():
            for n in nodes[1:]:
                if _allowed(uf, nodes[0], n, node_surface, forbidden):
                    uf.union(nodes[0], n)
        keys = sorted(variants)
        for i, (ga, sa) in enumerate(keys):
            for gb, sb in keys[i + 1 :]:
                if not (given_compatible(ga, gb) and similar_surnames(sa, sb)):
                    continue
                a, b = variants[(ga, sa)][0], variants[(gb, sb)][0]
                if _allowed(uf, a, b, node_surface, forbidden):
                    uf.union(a, b)
                    reason[max(a, b)] = ("transliteration" if sa != sb else "exact", 0.9)
        for surname, nodes in sorted(shorts.items()):
            matching = {uf.find(variants[k][0]) for k in keys if similar_surnames(k[1], surname)}
            if len(matching) == 1:
                target = next(iter(matching))
                for n in nodes:
                    if _allowed(uf, n, target, node_surface, forbidden):
                        uf.union(n, target)
                        reason[n] = ("surname-unique", 0.75)
            elif not keys:
                # Bare surnames with no full name anywhere: one entity per spelling family.
                for n in nodes:
                    first = shorts[min(shorts)][0]
                    if _allowed(uf, first, n, node_surface, forbidden):
                        uf.union(first, n)
                        if n != first:
                            reason[n] = ("transliteration", 0.7)

    # Places the gazetteer does not know: spelling variants of one name (Dolvitsa,
    # Dolvica) share a skeleton and are near-identical strings.
    unknown_places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (kind, key), n in node_of.items():
        if kind == "NAME" and ":" not in key and node_labels[n]["PLACE"]:
            unknown_places[" ".join(skeleton(w) for w in key.split())].append((n, key))
    for members in unknown_places.values():
        for (a, ka), (b, kb) in zip(members, members[1:], strict=False):
            if JaroWinkler.similarity(
                translit(ka), translit(kb)
            ) >= SURNAME_SIMILARITY and _allowed(uf, a, b, node_surface, forbidden):
                uf.union(a, b)
                reason[max(a, b)] = ("transliteration", 0.85)

    # Lone one-word names the tagger labels inconsistently ("Dolvitsa" as ORG in one
    # outlet, "Dolvica" as PERSON in another) that no full personal name explains: one
    # entity per spelling family, typed by its mentions below.
    lone: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (kind, key), n in node_of.items():
        word = key.rsplit("|", 1)[-1] if kind == "PERSON" else key
        if " " in word or ":" in key or kind not in ("PERSON", "NAME"):
            continue
        if kind == "PERSON" and ("|?|" not in key or uf.find(n) != n):
            continue
        if kind == "NAME" and word.upper() == word:
            continue
        lone[skeleton(word)].append((n, word))
    for members in lone.values():
        if len({uf.find(n) for n, _ in members}) < 2:
            continue
        first, word0 = members[0]
        for n, word in members[1:]:
            if JaroWinkler.similarity(
                translit(word0), translit(word)
            ) >= SURNAME_SIMILARITY and _allowed(uf, first, n, node_surface, forbidden):
                uf.union(first, n)
                reason[n] = ("transliteration", 0.7)

    # Organisations: an acronym joins the one name whose initials it spells.
    orgs = [
        (n, key)
        for (kind, key), n in node_of.items()
        if kind == "NAME" and node_labels[n].most_common(1)[0][0] == "ORG"
    ]
    initials: dict[str, list[int]] = defaultdict(list)
    for n, key in orgs:
        words = [w for w in key.split() if w not in ("of", "the", "and", "for")]
        if len(words) >= 2:
            initials["".join(w[0] for w in words)].append(n)
    for n, key in orgs:
        if " " not in key and key in initials and len({uf.find(x) for x in initials[key]}) == 1:
            target = initials[key][0]
            if _allowed(uf, n, target, node_surface, forbidden):
                uf.union(n, target)
                reason[n] = ("acronym", 0.8)

    # User merges last: they override the automatic decisions (but not user splits).
    by_surface: dict[str, list[int]] = defaultdict(list)
    for n, surfaces in node_surface.items():
        for s in surfaces:
            by_surface[fold(s)].append(n)
    for group in rules.merge:
        nodes = [n for name in group for n in by_surface.get(fold(name), [])]
        for n in nodes[1:]:
            if _allowed(uf, nodes[0], n, node_surface, forbidden):
                uf.union(nodes[0], n)
                reason[n] = ("user-rule", 1.0)

    return _collect(
        refs, mention_node, uf, node_surface, node_type, node_labels, node_country, reason
    )


def _vote(
    nodes: list[int],
    node_type: dict[int, str],
    node_labels: dict[int, Counter],
    full_people: set[int],
) -> str:
    """The type of a cluster: a person or known place as such; otherwise by label votes,
    where a place label wins (taggers confuse unknown towns with people and organisations
    far more often than the reverse) and a nationality label loses to any other."""
    types = {node_type[n] for n in nodes}
    if "PLACE" in types:
        return "PLACE"
    if any(n in full_people for n in nodes):
        return "PERSON"  # a given name and a surname: a person, whatever else was tagged
    votes: Counter = Counter()
    for n in nodes:
        votes.update(node_labels[n])
    if votes["PLACE"]:
        return "PLACE"
    others = [k for k in votes if k != "NORP"]
    if others:
        return min(others, key=lambda k: (-votes[k], k))
    return "NORP"


def _forbidden_pairs(rules: Rules) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for group in rules.split:
        folded = [fold(n) for n in group]
        for i, a in enumerate(folded):
            for b in folded[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def _allowed(
    uf: _UnionFind, a: int, b: int, surfaces: dict[int, Counter], forbidden: set[frozenset[str]]
) -> bool:
    if not forbidden:
        return True
    ra, rb = uf.find(a), uf.find(b)
    names_a = {fold(s) for n, c in surfaces.items() if uf.find(n) == ra for s in c}
    names_b = {fold(s) for n, c in surfaces.items() if uf.find(n) == rb for s in c}
    return not any(frozenset((x, y)) in forbidden for x in names_a for y in names_b)


def _collect(
    refs, mention_node, uf, node_surface, node_type, node_labels, node_country, reason
) -> Resolution:  # noqa: ANN001 - internal tables of resolve()
    full_people = {
        n
        for n, surfaces in node_surface.items()
        if node_type[n] == "PERSON" and any(name_parts(s)[0] for s in surfaces)
    }
    clusters: dict[int, list[int]] = defaultdict(list)
    for n in node_surface:
        clusters[uf.find(n)].append(n)
    entity_of: dict[int, Entity] = {}
    for root, nodes in clusters.items():
        surfaces: Counter = Counter()
        for n in nodes:
            surfaces.update(node_surface[n])
        kind = _vote(nodes, node_type, node_labels, full_people)
        # The canonical name: the most frequent of the longest forms (full names win).
        longest = max(len(s.split()) for s in surfaces)
        name = min(
            (s for s in surfaces if len(s.split()) == longest), key=lambda s: (-surfaces[s], s)
        )
        country = next((node_country[n] for n in nodes if node_country[n]), None)
        if kind == "PLACE":
            # A country is named by its most used name, not a nationality word; a city by
            # the gazetteer's name (Kyiv for Kiev) unless that is a district label.
            names = [s for s in surfaces if gazetteer.country_of_demonym(s) is None]
            if names:
                name = min(names, key=lambda s: (-surfaces[s], s))
            place = gazetteer.lookup(name)
            if (
                place is not None
                and place.kind == "city"
                and not any(c.isdigit() for c in place.name)
            ):
                name = place.name
            elif place is not None and not names:
                name = place.name
        key = f"{kind}|{min(fold(s) for s in surfaces if len(s.split()) == longest)}"
        ident = "e" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
        entity_of[root] = Entity(ident, name, kind, country)
    # Two clusters can share a name key (two unrelated bare surnames "Benedek"): the
    # one whose first mention comes first keeps the plain id, the others get a suffix.
    first_mention: dict[int, tuple[str, int]] = {}
    if len({e.id for e in entity_of.values()}) < len(entity_of):
        for m in refs:  # refs are sorted: the first seen is the first mention
            first_mention.setdefault(uf.find(mention_node[(m.article_id, m.index)]),
                                     (m.article_id, m.index))
    if first_mention:
        seen: Counter = Counter()
        for root in sorted(entity_of, key=lambda r: first_mention[r]):
            entity = entity_of[root]
            seen[entity.id] += 1
            if seen[entity.id] > 1:
                entity.id = f"{entity.id}-{seen[entity.id]}"
    assignment: dict[tuple[str, int], tuple[str, str, float]] = {}
    for m in refs:
        n = mention_node[(m.article_id, m.index)]
        entity = entity_of[uf.find(n)]
        why, confidence = reason.get(n, ("exact", 1.0))
        assignment[(m.article_id, m.index)] = (entity.id, why, confidence)
        entity.aliases[m.text] += 1
        entity.alias_counts.setdefault(m.outlet or "(unknown)", Counter())[m.text] += 1
        if m.role:
            entity.roles[m.role] += 1
        entity.mentions.append((m.article_id, m.index))
        entity.why[why] += 1
    return Resolution({e.id: e for e in entity_of.values()}, assignment)
