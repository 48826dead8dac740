"""Cross-document entity resolution: one identity per real-world entity.

Mentions are grouped in three steps, each recorded as the reason for a merge:

1. **Within an article** a surname or given name alone joins the full name it shortens
   ("Duda" -> "Andrzej Duda"; reason ``same-article``), and an office named without a
   name ("the Polish president", a ROLE mention) the one person the article gives that
   office (reason ``role``; see :mod:`.roles`).
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

The work is split for incremental use (see :mod:`.incremental`): :func:`article_nodes`
decides inside one article which *node* each mention belongs to; :func:`group` makes the
decisions across articles over nodes, each pass blocked by keys (:meth:`Node.keys`), so a
node's group depends only on nodes that share a key with it, transitively.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import JaroWinkler

from . import gazetteer
from .keys import fold, given_compatible, name_parts, skeleton, translit
from .roles import RoleIndex

PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Similarity of folded surnames (Jaro-Winkler) at or above which skeleton-mates merge.
SURNAME_SIMILARITY = 0.85


#: Words that mark a company's legal form, not its name ("Acme Inc." is Acme).
LEGAL_SUFFIXES = frozenset(
    "inc incorporated ltd limited plc llc llp lp ag gmbh mbh kg kgaa sa spa sas sarl srl "
    "nv bv ab oy oyj asa pjsc ojsc jsc pty corp corporation co bhd tbk".split()
)
#: Words left out of an organisation's initials ("Bank of England" is BoE, not BOE).
_INITIALS_SKIP = frozenset({"of", "the", "and", "for"})


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
    why: Counter = field(default_factory=Counter)  # reason -> mentions
    count: int = 0  # mentions

    def row(self) -> dict[str, Any]:
        """The stored form; ties ordered by name, so it does not depend on arrival order."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "country": self.country,
            "mentions": self.count,
            "aliases": _ranked(self.aliases),
            "alias_counts": {
                o: {a: c[a] for a in _ranked(c)} for o, c in sorted(self.alias_counts.items())
            },
            "roles": {r: self.roles[r] for r in _ranked(self.roles)[:10]},
            "why": dict(sorted(self.why.items())),
        }


def _ranked(counts: Counter) -> list[str]:
    return sorted(counts, key=lambda k: (-counts[k], k))


@dataclass
class Rules:
    """User decisions: names that are one entity, and names that never are."""

    merge: list[list[str]] = field(default_factory=list)
    split: list[list[str]] = field(default_factory=list)

    def names(self) -> set[str]:
        """Every name a rule mentions, folded."""
        return {fold(n) for group in (*self.merge, *self.split) for n in group}


@dataclass
class Resolution:
    entities: dict[str, Entity]
    #: (article id, mention index) -> (entity id, reason, confidence)
    assignment: dict[tuple[str, int], tuple[str, str, float]]


@dataclass
class Node:
    """Mentions that are one name before any decision across articles: a person's full name
    (with the short forms articles use for it) or surname alone, a place or nationality, an
    acronym spelled out, or another name. Resolution groups nodes; a node's data is a sum
    over its mentions, so adding an article only adds to the nodes it names."""

    kind: str  # PERSON | PLACE | NAME | ACRONYM (one spelled out in its article) | ROLE
    key: str
    first: tuple[str, int]  # the first mention (article id, index)
    why: str  # reason and confidence of the first mention
    confidence: float
    country: str | None = None  # of the first mention
    count: int = 0
    surfaces: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    outlets: dict[str, Counter] = field(default_factory=dict)
    roles: Counter = field(default_factory=Counter)

    def add(self, m: MentionRef, label: str, why: str, confidence: float,
            country: str | None) -> None:
        if (m.article_id, m.index) < self.first:
            self.first, self.why, self.confidence = (m.article_id, m.index), why, confidence
            self.country = country
        self.count += 1
        self.surfaces[m.text] += 1
        self.labels[label] += 1
        self.outlets.setdefault(m.outlet or "(unknown)", Counter())[m.text] += 1
        if m.role:
            self.roles[m.role] += 1

    def top_label(self) -> str:
        return min(self.labels, key=lambda k: (-self.labels[k], k))

    def keys(self) -> set[str]:
        """Blocking keys: two nodes can change each other's grouping only if they share
        one ("n:" keys, one per spelling, matter only for names in user rules)."""
        out = {"n:" + fold(s) for s in self.surfaces}
        if self.kind == "PERSON":
            given, surname = self.key.split("|", 1)
            out.add("p:" + skeleton(surname.split()[-1]))
            if given == "?" and " " not in surname:
                out.add("l:" + skeleton(surname))
            else:
                # A full name meets a name of the same words tagged otherwise ("person-name").
                out.update("x:" + k for k in map(name_key, self.surfaces) if " " in k)
        elif self.kind == "ACRONYM":
            out.add("x:" + self.key)
        elif self.kind == "ROLE":
            # An office's mentions in the articles that name its holder: with that person.
            out = {"p:" + skeleton(self.key.split("|", 1)[1].split()[-1])}
        elif self.kind == "NAME":
            if " " in self.key:
                out.add("x:" + self.key)
            if self.labels["PLACE"]:
                out.add("u:" + " ".join(skeleton(w) for w in self.key.split()))
            if " " not in self.key and self.key.upper() != self.key:
                out.add("l:" + skeleton(self.key))
            if self.top_label() == "ORG":
                acronym = _initials(self.key) if " " in self.key else self.key
                if acronym:
                    out.add("a:" + acronym)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "why": self.why, "confidence": self.confidence, "country": self.country,
            "count": self.count, "surfaces": dict(self.surfaces), "labels": dict(self.labels),
            "outlets": {o: dict(c) for o, c in self.outlets.items()}, "roles": dict(self.roles),
        }

    @classmethod
    def from_json(cls, kind: str, key: str, first: tuple[str, int], d: dict[str, Any]) -> Node:
        return cls(
            kind, key, first, d["why"], d["confidence"], d["country"], d["count"],
            Counter(d["surfaces"]), Counter(d["labels"]),
            {o: Counter(c) for o, c in d["outlets"].items()}, Counter(d["roles"]),
        )


def _initials(key: str) -> str:
    words = [w for w in key.split() if w not in _INITIALS_SKIP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def name_key(text: str) -> str:
    """The key of a name that is not a person's: folded, without a leading "the", a legal
    form ("Acme Inc." is "acme") or the dots of an acronym ("U.N." is "un")."""
    words = fold(text).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    if len(words) >= 2 and all(len(w) == 1 for w in words):
        return "".join(words)  # U.N., U.S.A.
    while len(words) >= 2:
        # "Acme Holdings S.A." folds to "acme holdings s a": the letters are one word.
        tail = len(words)
        while tail > 1 and len(words[tail - 1]) == 1:
            tail -= 1
        if tail < len(words) - 1 and "".join(words[tail:]) in LEGAL_SUFFIXES:
            words = words[:tail]
        elif words[-1] in LEGAL_SUFFIXES:
            words = words[:-1]
        else:
            break
    return " ".join(words)


def _type_of(label: str) -> str:
    if label in PLACE_LABELS:
        return "PLACE"
    return label


Contribution = tuple[MentionRef, str, str, str, float, str | None, str]
"""(mention, node kind, node key, reason, confidence, country, label type)."""


def article_nodes(mentions: list[MentionRef]) -> list[Contribution]:
    """Which node each mention of one article belongs to: everything decided inside an
    article (places and nationality words, short forms of the article's people, acronyms
    the article spells out). Depends on that article alone."""
    refs = sorted(mentions, key=lambda m: m.index)
    out: list[Contribution] = []
    people: list[MentionRef] = []
    offices: list[MentionRef] = []
    for m in refs:
        label = m.label
        if label == "ROLE":
            offices.append(m)
            continue
        kind = _type_of(label)
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
            people.append(m)
            continue
        if label == "ORG" and len(m.text.split()) == 1 and not m.text.isupper():
            # "Trump" tagged ORG: a person if the article names a person so (checked below).
            people.append(m)
            continue
        if place is None and label in PLACE_LABELS:
            demonym = gazetteer.country_of_demonym(m.text)
            if demonym is not None:
                out.append((m, "PLACE", demonym.key, "nationality", 0.8, demonym.country, kind))
                continue
            if len(m.text.split()) == 1:
                # A lone unknown "place" that is a person's surname in this article
                # ("Scholz" tagged GPE) is that person.
                people.append(m)
                continue
        if place is not None:
            out.append((m, "PLACE", place.key, "gazetteer", 0.95, place.country, kind))
        elif label == "NORP":
            country = gazetteer.country_of_demonym(m.text)
            if country is not None:
                out.append((m, "PLACE", country.key, "nationality", 0.8, country.country, kind))
            else:
                out.append((m, "NAME", fold(m.text), "exact", 1.0, None, kind))
        else:
            out.append((m, "NAME", name_key(m.text), "exact", 1.0, None, kind))

    # Short forms of people join the full name they shorten in this article. A person's
    # node is their name ("given|surname", "?|surname" for a surname alone), the same in
    # every article: the article only decides which name a short form stands for.
    full = [m for m in people if len(name_parts(m.text)[0]) > 0]
    # (given, surname) of each distinct full name, with the skeletons short forms match.
    full_names = {name_parts(f.text) for f in full}
    by_skeleton = [(g, s, skeleton(s), skeleton(g.split()[0])) for g, s in sorted(full_names)]
    surnames = {sk for _, _, sk, _ in by_skeleton}
    for m in people:
        kind = _type_of(m.label)
        if m.label != "PERSON" and skeleton(m.text) not in surnames:
            out.append((m, "NAME", fold(m.text), "exact", 1.0, None, kind))
            continue
        given, surname = name_parts(m.text)
        if given:
            key = f"{translit(given.split()[0])}|{surname}"
            out.append((m, "PERSON", key, "exact", 1.0, None, kind))
            continue
        short = skeleton(surname)
        by_surname = {(g, s) for g, s, sk, _ in by_skeleton if sk == short}
        by_given = {(g, s) for g, s, _, gk in by_skeleton if gk == short}
        target = (
            by_surname
            if len(by_surname) == 1
            else (by_given if not by_surname and len(by_given) == 1 else set())
        )
        if target:
            g, s = next(iter(target))
            key = f"{translit(g.split()[0])}|{s}"
            out.append((m, "PERSON", key, "same-article", 0.95, None, kind))
        else:
            out.append((m, "PERSON", f"?|{surname}", "exact", 1.0, None, kind))

    # An office the article names without a name ("the French president") is the person
    # the article gives that office ("French President Emmanuel Macron"), when it gives it
    # to one person only. An office nobody holds here is left to the story (see
    # compare.claims.role_mentions): no entity is made of "the president".
    if offices:
        holders = RoleIndex.of(
            (m.role, key)
            for m, kind_, key, *_rest in out
            if kind_ == "PERSON" and m.role
        )
        for m in offices:
            holder = holders.holder(m.text)
            if holder is not None:
                out.append((m, "ROLE", holder, "role", 0.85, None, "PERSON"))

    # An acronym the article spells out ("the United Nations (UN)") is that organisation
    # here, whatever other organisations share its initials elsewhere.
    expansions: dict[str, set[str]] = defaultdict(set)
    for _, kind_, key, *_rest in out:
        if kind_ == "NAME" and " " in key and _rest[-1] == "ORG":
            expansions[_initials(key)].add(key)
    expansions.pop("", None)
    if expansions:
        for i, (m, kind_, key, why, conf, country, label) in enumerate(out):
            if kind_ == "NAME" and label == "ORG" and " " not in key and _is_acronym(m.text):
                spelled = expansions.get(key, set())
                if len(spelled) == 1:
                    # Its own node, joined to the name in group(): the mention keeps its
                    # reason, and the name's node does not take the acronym as a spelling.
                    out[i] = (m, "ACRONYM", next(iter(spelled)), "acronym", 0.9, None, label)
    return out


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "").replace(" ", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def build_nodes(refs: Iterable[MentionRef]) -> tuple[dict[tuple[str, str], Node],
                                                    dict[tuple[str, int], tuple[str, str]]]:
    """Nodes of a set of mentions, and the node (kind, key) of each mention."""
    by_article: dict[str, list[MentionRef]] = defaultdict(list)
    for m in refs:
        by_article[m.article_id].append(m)
    nodes: dict[tuple[str, str], Node] = {}
    node_of: dict[tuple[str, int], tuple[str, str]] = {}
    for mentions in by_article.values():
        for contribution in article_nodes(mentions):
            add_contribution(nodes, contribution)
            m = contribution[0]
            node_of[(m.article_id, m.index)] = (contribution[1], contribution[2])
    return nodes, node_of


def add_contribution(nodes: dict[tuple[str, str], Node], c: Contribution) -> Node:
    m, kind, key, why, conf, country, label = c
    node = nodes.get((kind, key))
    if node is None:
        node = nodes[(kind, key)] = Node(kind, key, (m.article_id, m.index), why, conf, country)
    node.add(m, label, why, conf, country)
    return node


def resolve(mentions: Iterable[MentionRef], rules: Rules | None = None) -> Resolution:
    """Group mentions into entities; deterministic and independent of input order."""
    refs = sorted(set(mentions), key=lambda m: (m.article_id, m.index))
    nodes, node_of = build_nodes(refs)
    order = sorted(nodes.values(), key=lambda n: n.first)
    roots, reasons = group(order, rules or Rules())
    clusters = make_entities(order, roots, reasons)
    number_entities([(c.first, c.base, c) for c in clusters])
    entity_of = {}
    for c in clusters:
        for i in c.nodes:
            entity_of[(order[i].kind, order[i].key)] = (c.entity, reasons[i])
    assignment: dict[tuple[str, int], tuple[str, str, float]] = {}
    for m in refs:
        if (m.article_id, m.index) not in node_of:
            continue  # an office its article gives nobody
        entity, (why, confidence) = entity_of[node_of[(m.article_id, m.index)]]
        assignment[(m.article_id, m.index)] = (entity.id, why, confidence)
        entity.mentions.append((m.article_id, m.index))
    return Resolution({c.entity.id: c.entity for c in clusters}, assignment)


def group(nodes: list[Node], rules: Rules) -> tuple[list[int], list[tuple[str, float]]]:
    """Group nodes (sorted by first mention) into entities: the root node of each node's
    group, and the reason and confidence that put each node there."""
    uf = _UnionFind()
    reason: dict[int, tuple[str, float]] = {i: (n.why, n.confidence) for i, n in enumerate(nodes)}
    node_surface = {i: n.surfaces for i, n in enumerate(nodes)}
    forbidden = _forbidden_pairs(rules)

    def allowed(a: int, b: int) -> bool:
        return _allowed(uf, a, b, node_surface, forbidden)

    # People across articles, blocked by surname skeleton.
    blocks: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for n, node in enumerate(nodes):
        if node.kind != "PERSON":
            continue
        given_key, surname = node.key.split("|", 1)
        blocks[skeleton(surname.split()[-1])].append((n, given_key, surname))

    def similar_surnames(a: str, b: str) -> bool:
        return a == b or JaroWinkler.similarity(translit(a), translit(b)) >= SURNAME_SIMILARITY

    for members in blocks.values():
        # The same full name in many articles is one variant: compare distinct variants
        # only, so a popular surname costs its number of spellings, not of articles.
        variants: dict[tuple[str, str], list[int]] = defaultdict(list)
        shorts: dict[str, list[int]] = defaultdict(list)
        for n, g, s_ in members:
            (shorts[s_] if g == "?" else variants[(g, s_)]).append(n)
        for vnodes in variants.values():
            for n in vnodes[1:]:
                if allowed(vnodes[0], n):
                    uf.union(vnodes[0], n)
        keys = sorted(variants)
        for i, (ga, sa) in enumerate(keys):
            for gb, sb in keys[i + 1 :]:
                if not (given_compatible(ga, gb) and similar_surnames(sa, sb)):
                    continue
                a, b = variants[(ga, sa)][0], variants[(gb, sb)][0]
                if allowed(a, b):
                    uf.union(a, b)
                    reason[max(a, b)] = ("transliteration" if sa != sb else "exact", 0.9)
        for surname, snodes in sorted(shorts.items()):
            matching = {uf.find(variants[k][0]) for k in keys if similar_surnames(k[1], surname)}
            if len(matching) == 1:
                target = next(iter(matching))
                for n in snodes:
                    if allowed(n, target):
                        uf.union(n, target)
                        reason[n] = ("surname-unique", 0.75)
            elif not keys:
                # Bare surnames with no full name anywhere: one entity per spelling family.
                first = shorts[min(shorts)][0]
                for n in snodes:
                    if allowed(first, n):
                        uf.union(first, n)
                        if n != first:
                            reason[n] = ("transliteration", 0.7)

    # A full personal name the tagger read as an organisation or a group in some article
    # ("the chief executive, Andrej Holub," tagged ORG) is the person of that name named
    # elsewhere, when the person reading is the more frequent one. A place never is.
    person_named: dict[str, int] = {}
    for n, node in enumerate(nodes):
        if node.kind == "PERSON" and not node.key.startswith("?|"):
            for surface in node.surfaces:
                person_named.setdefault(name_key(surface), n)
    for n, node in enumerate(nodes):
        target = person_named.get(node.key) if node.kind == "NAME" else None
        if (
            target is not None
            and " " in node.key
            and not node.labels["PLACE"]
            and node.count <= nodes[target].count
            and allowed(n, target)
        ):
            uf.union(n, target)
            reason[n] = ("person-name", 0.7)

    # Places the gazetteer does not know: spelling variants of one name (Dolvitsa,
    # Dolvica) share a skeleton and are near-identical strings.
    unknown_places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n, node in enumerate(nodes):
        if node.kind == "NAME" and ":" not in node.key and node.labels["PLACE"]:
            unknown_places[" ".join(skeleton(w) for w in node.key.split())].append((n, node.key))
    for members in unknown_places.values():
        for (a, ka), (b, kb) in zip(members, members[1:], strict=False):
            if JaroWinkler.similarity(translit(ka), translit(kb)) >= SURNAME_SIMILARITY and allowed(
                a, b
            ):
                uf.union(a, b)
                reason[max(a, b)] = ("transliteration", 0.85)

    # Lone one-word names the tagger labels inconsistently ("Dolvitsa" as ORG in one
    # outlet, "Dolvica" as PERSON in another) that no full personal name explains: one
    # entity per spelling family, typed by its mentions below.
    lone: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n, node in enumerate(nodes):
        kind, key = node.kind, node.key
        word = key.rsplit("|", 1)[-1] if kind == "PERSON" else key
        if " " in word or ":" in key or kind not in ("PERSON", "NAME"):
            continue
        if kind == "PERSON" and (not key.startswith("?|") or uf.find(n) != n):
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
            ) >= SURNAME_SIMILARITY and allowed(first, n):
                uf.union(first, n)
                reason[n] = ("transliteration", 0.7)

    # An acronym an article spells out joins the name it spells there.
    names = {node.key: n for n, node in enumerate(nodes) if node.kind == "NAME"}
    for n, node in enumerate(nodes):
        if node.kind == "ACRONYM":
            target = names[node.key]
            if allowed(n, target):
                uf.union(n, target)

    # An office joins the person its article gives it to.
    people = {node.key: n for n, node in enumerate(nodes) if node.kind == "PERSON"}
    for n, node in enumerate(nodes):
        target = people.get(node.key) if node.kind == "ROLE" else None
        if target is not None and allowed(n, target):
            uf.union(n, target)

    # Organisations: an acronym joins the one name whose initials it spells; an acronym
    # that spells several organisations' names joins none of them.
    orgs = [
        (n, node.key) for n, node in enumerate(nodes)
        if node.kind == "NAME" and node.top_label() == "ORG"
    ]
    initials: dict[str, list[int]] = defaultdict(list)
    for n, key in orgs:
        letters = _initials(key)
        if letters:
            initials[letters].append(n)
    for n, key in orgs:
        if " " not in key and key in initials and len({uf.find(x) for x in initials[key]}) == 1:
            target = initials[key][0]
            if allowed(n, target):
                uf.union(n, target)
                reason[n] = ("acronym", 0.8)

    # User merges last: they override the automatic decisions (but not user splits).
    if rules.merge:
        by_surface: dict[str, list[int]] = defaultdict(list)
        for n, surfaces in node_surface.items():
            for s in surfaces:
                by_surface[fold(s)].append(n)
        for merge in rules.merge:
            members_ = [n for name in merge for n in by_surface.get(fold(name), [])]
            for n in members_[1:]:
                if allowed(members_[0], n):
                    uf.union(members_[0], n)
                    reason[n] = ("user-rule", 1.0)
    return [uf.find(n) for n in range(len(nodes))], [reason[n] for n in range(len(nodes))]


@dataclass
class Cluster:
    """An entity being made: its nodes (indices), first mention and id before numbering."""

    entity: Entity
    base: str
    first: tuple[str, int]
    nodes: list[int]


def make_entities(
    nodes: list[Node], roots: list[int], reasons: list[tuple[str, float]]
) -> list[Cluster]:
    """One entity per group of nodes, named, typed and counted (ids not yet numbered)."""
    full_people = {
        n
        for n, node in enumerate(nodes)
        if node.kind == "PERSON" and any(name_parts(s)[0] for s in node.surfaces)
    }
    members: dict[int, list[int]] = defaultdict(list)
    for n, root in enumerate(roots):
        members[root].append(n)
    out = []
    for group_ in members.values():
        # An office phrase ("the French president") is not a name of its holder: it
        # neither names the entity nor counts as its alias (it is one of its roles).
        named = {n for n in group_ if nodes[n].kind != "ROLE"} or set(group_)
        surfaces: Counter = Counter()
        for n in sorted(named):
            surfaces.update(nodes[n].surfaces)
        kind = _vote(group_, nodes, full_people)
        # The canonical name: the most frequent of the longest forms (full names win).
        # A tie goes to the form whose words the other forms use most, then to the
        # alphabet: "Volodymyr Zelensky" over "Vladimir Zelensky" when "Volodymyr
        # Zelenskyy" is there too, rather than whichever spelling sorts first.
        longest = max(len(s.split()) for s in surfaces)
        words: Counter = Counter()
        for surface, count in surfaces.items():
            words.update({w: count for w in set(surface.split())})
        name = min(
            (s for s in surfaces if len(s.split()) == longest),
            key=lambda s: (-surfaces[s], -sum(words[w] for w in set(s.split())), s),
        )
        country = next((nodes[n].country for n in group_ if nodes[n].country), None)
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
        base = "e" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
        entity = Entity(base, name, kind, country, aliases=surfaces)
        for n in group_:
            node = nodes[n]
            for outlet, c in node.outlets.items() if n in named else ():
                entity.alias_counts.setdefault(outlet, Counter()).update(c)
            entity.roles.update(node.roles)
            entity.why[reasons[n][0]] += node.count
            entity.count += node.count
        out.append(Cluster(entity, base, nodes[group_[0]].first, group_))
    return out


def number_entities(clusters: Iterable[tuple[tuple[str, int], str, Any]]) -> list[tuple[Any, str]]:
    """Ids for clusters given as (first mention, base id, cluster): two clusters can share a
    name (two unrelated bare surnames "Benedek"); the one whose first mention comes first
    keeps the plain id, the others get a suffix. Returns (cluster, id) pairs and sets the
    id of :class:`Cluster` items."""
    seen: Counter = Counter()
    out: list[tuple[Any, str]] = []
    for _, base, c in sorted(clusters, key=lambda t: (t[1], t[0])):
        seen[base] += 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append((c, ident))
        if isinstance(c, Cluster):
            c.entity.id = ident
    return out


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


def _vote(group_: list[int], nodes: list[Node], full_people: set[int]) -> str:
    """The type of a cluster: a person or known place as such; otherwise by label votes,
    where a place label wins (taggers confuse unknown towns with people and organisations
    far more often than the reverse) and a nationality label loses to any other."""
    types = {nodes[n].kind for n in group_}
    if "PLACE" in types:
        return "PLACE"
    if any(n in full_people for n in group_):
        return "PERSON"  # a given name and a surname: a person, whatever else was tagged
    votes: Counter = Counter()
    for n in group_:
        votes.update(nodes[n].labels)
    if votes["PLACE"]:
        return "PLACE"
    others = [k for k in votes if k != "NORP"]
    if others:
        return min(others, key=lambda k: (-votes[k], k))
    return "NORP"


def _forbidden_pairs(rules: Rules) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for group_ in rules.split:
        folded = [fold(n) for n in group_]
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
