"""Actors' positions on the issues of a storyline, with evidence, over time.

A stance is read from a sentence's parse: a cue ("backs", "ruled out", "expressed
openness to", "would not send") with its polarity, flipped by a negation, an actor (the
canonical entity in the cue's subject, or, when the subject is no entity - "nothing
can be ruled out" - the speaker of the clause), and an issue (what the cue is about:
"deploying peacekeeping forces"). Issues stated in different words are grouped by
MiniLM similarity, so "sending troops" and "deploying peacekeeping forces" line up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .matrix import StoryInput

#: verb lemma -> polarity (+1 for, -1 against)
VERBS = {
    "back": 1,
    "support": 1,
    "favour": 1,
    "favor": 1,
    "endorse": 1,
    "welcome": 1,
    "approve": 1,
    "pledge": 1,
    "commit": 1,
    "advocate": 1,
    "propose": 1,
    "consider": 1,
    "oppose": -1,
    "reject": -1,
    "refuse": -1,
    "veto": -1,
    "block": -1,
    "condemn": -1,
    "decline": -1,
    "resist": -1,
    "dismiss": -1,
    "exclude": -1,
}
#: verbs whose object is the issue itself when an actor says it will (not) do it
ACTIONS = {"send", "deploy", "provide", "supply", "deliver", "join", "contribute", "station"}
NOUNS = {
    "openness": 1,
    "readiness": 1,
    "willingness": 1,
    "support": 1,
    "possibility": 1,
    "opposition": -1,
    "refusal": -1,
    "rejection": -1,
}
ADJECTIVES = {"open": 1, "willing": 1, "ready": 1, "prepared": 1, "opposed": -1, "reluctant": -1}
SPEECH = {"say", "mention", "state", "tell", "add", "declare", "announce", "stress", "insist"}
#: A stance that names no issue ("nothing can be ruled out") takes the issue its article
#: named in a stance at most this many sentences before.
ISSUE_REACH = 3
_PREFILTER = re.compile(
    r"\b(?:back|support|favou?r|endors|welcom|approv|pledg|commit|advocat|propos|consider|"
    r"oppos|reject|refus|veto|block|condemn|declin|resist|dismiss|exclud|rule[sd]? out|"
    r"ruling out|send|sent|deploy|provid|suppl|deliver|join|contribut|station|openness|"
    r"readiness|willing|open to|ready to|prepared to|reluctan|possibility)",
    re.IGNORECASE,
)
ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "ROLE")


@dataclass(slots=True)
class Stance:
    actor: str  # entity id
    actor_name: str
    position: int  # +1 for, -1 against
    issue: str
    article: str
    sentence: str
    start: int  # of the sentence in the article text
    end: int
    date: str | None


def _negated(token: Any) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.lemma_ in ("nothing", "no", "none", "never") and c.dep_.startswith("nsubj")
        for c in token.children
    )


def _issue(token: Any) -> Any | None:
    """The phrase a cue is about: its object, else its complement or prepositional object."""
    for deps in (("dobj",), ("xcomp",), ("ccomp",)):
        for c in token.children:
            # NUM: "pledged $2.3 million in aid" (the amount heads the object)
            if c.dep_ in deps and c.pos_ in ("NOUN", "PROPN", "VERB", "NUM"):
                return c
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "for", "against", "on", "of"):
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    return g
    for c in token.children:
        if c.dep_ == "nsubjpass" and c.lemma_ not in ("nothing", "it", "this", "that"):
            return c
    return None


def _span_text(token: Any) -> str:
    words = [t for t in token.subtree if not t.is_punct]
    if not words:
        return token.text
    doc = token.doc
    return doc[words[0].i : words[-1].i + 1].text


class _Mentions:
    """Entity mentions of one article by character offset."""

    def __init__(self, item: StoryInput, names: dict[str, str]) -> None:
        mentions = [
            (m.start, m.end, item.entity_ids[k], names.get(item.entity_ids[k], m.text))
            for k, m in enumerate(item.ann.mentions)
            if k in item.entity_ids and m.label in ACTOR_TYPES
        ]
        # "The French president", linked to its holder, is that person, not France.
        offices = [
            (m.start, m.end)
            for k, m in enumerate(item.ann.mentions)
            if k in item.entity_ids and m.label == "ROLE"
        ]
        self.items = [
            x for x in mentions
            if not any(s <= x[0] and x[1] <= e and (s, e) != x[:2] for s, e in offices)
        ]

    def within(self, start: int, end: int) -> list[tuple[str, str]]:
        return [(e, n) for s, t, e, n in self.items if s >= start and t <= end]


def _actors(token: Any, base: int, mentions: _Mentions) -> list[tuple[str, str]]:
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    if (
        not subjects
        and token.dep_ in ("xcomp", "acomp", "conj", "dobj", "attr")
        and (token.head is not token)
    ):
        return _actors(token.head, base, mentions)
    found: list[tuple[str, str]] = []
    for subj in subjects:
        toks = list(subj.subtree)
        found += mentions.within(base + toks[0].idx, base + toks[-1].idx + len(toks[-1]))
    if found:
        return found[:4]
    # "nothing can be ruled out", "his country would not send": the speaker's view
    head = token
    while head.dep_ in ("ccomp", "xcomp", "conj", "advcl") and head.head is not head:
        head = head.head
        if head.lemma_ in SPEECH:
            return _actors(head, base, mentions)
    return []


_CLAUSE = ("ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "parataxis")


def _cue(token: Any) -> int | None:
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX") and token.dep_ in _CLAUSE:
        if lemma == "rule" and any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children):
            return -1
        if lemma in VERBS:
            return VERBS[lemma]
        if lemma in ACTIONS and any(
            c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll", "could", "can")
            for c in token.children
        ):
            return 1
    # "expressed openness to", "voiced support for": the head verb's subject holds it
    if token.pos_ == "NOUN" and lemma in NOUNS and token.dep_ in ("dobj", "attr"):
        return NOUNS[lemma]
    if token.pos_ == "ADJ" and lemma in ADJECTIVES and token.dep_ in ("acomp", "ROOT", "conj"):
        return ADJECTIVES[lemma]
    return None


def stances_in(items: Sequence[StoryInput], names: dict[str, str], nlp: Any) -> list[Stance]:
    """Every stance stated in the articles' sentences."""
    out: list[Stance] = []
    for item in items:
        a = item.article
        mentions = _Mentions(item, names)
        day = (a.published or "")[:10] or None
        sentences = [
            (k, s.start, s.end)
            for k, s in enumerate(item.ann.sentences)
            if _PREFILTER.search(a.text[s.start : s.end])
        ]
        texts = [a.text[s:e] for _, s, e in sentences]
        # The last issue the article named, and in which sentence.
        named: tuple[int, str] | None = None
        for (k, start, end), doc in zip(sentences, nlp.pipe(texts), strict=True):
            for token in doc:
                polarity = _cue(token)
                if polarity is None:
                    continue
                if _negated(token):
                    polarity = -polarity
                target = token if token.lemma_ in ACTIONS else _issue(token)
                if target is None:
                    # "nothing can be ruled out": the issue is the one the article named
                    # just before ("the possibility of sending troops"), or else the
                    # sentence's own subject matter.
                    if named is not None and k - named[0] <= ISSUE_REACH:
                        issue = named[1]
                    else:
                        issue = doc.text.strip()
                elif target is token or target.pos_ == "VERB":
                    issue = _action_text(target)
                elif target.pos_ == "PROPN" and target.n_lefts + target.n_rights == 0:
                    continue  # "pledged to Kiev": a bare name is no issue
                else:
                    issue = _span_text(target)
                if target is not None:
                    named = (k, issue)
                for eid, name in _actors(token, start, mentions):
                    out.append(
                        Stance(
                            eid,
                            name,
                            polarity,
                            issue,
                            a.id,
                            a.text[start:end].strip(),
                            start,
                            end,
                            day,
                        )
                    )
    return out


def _action_text(token: Any) -> str:
    """A verb with its object: "sending American troops", not the clauses after it."""
    obj = [c for c in token.children if c.dep_ in ("dobj", "prt", "dative")]
    words = [token] + [t for c in obj for t in c.subtree]
    words.sort(key=lambda t: t.i)
    return " ".join(t.text for t in words if not t.is_punct)


def group_issues(issues: list[str], embedder: Any, threshold: float = 0.5) -> list[int]:
    """Issue group of each issue text (single link over MiniLM cosine)."""
    if not issues:
        return []
    vectors = embedder.encode(issues)
    sim = vectors @ vectors.T
    parent = list(range(len(issues)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(len(issues)):
        for j in range(i + 1, len(issues)):
            if sim[i, j] >= threshold:
                parent[find(j)] = find(i)
    return [find(i) for i in range(len(issues))]


def storyline_stances(
    storyline: dict[str, Any],
    items: Iterable[StoryInput],
    names: dict[str, str],
    nlp: Any,
    embedder: Any,
) -> dict[str, Any]:
    """Issues of a storyline with each actor's positions on them over time."""
    items = list(items)
    outlets = {x.article.id: x.article.outlet for x in items}
    found = stances_in(items, names, nlp)
    groups = group_issues([s.issue for s in found], embedder)
    by_group: dict[int, list[Stance]] = defaultdict(list)
    for g, s in zip(groups, found, strict=True):
        by_group[g].append(s)
    issues = []
    for members in by_group.values():
        label_counts: dict[str, int] = defaultdict(int)
        for s in members:
            label_counts[s.issue] += 1
        label = sorted(label_counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        positions = sorted(
            (
                {
                    "actor": s.actor,
                    "actor_name": s.actor_name,
                    "position": "for" if s.position > 0 else "against",
                    "issue_text": s.issue,
                    "date": s.date,
                    "article": s.article,
                    "outlet": outlets.get(s.article),
                    "sentence": s.sentence,
                    "start": s.start,
                    "end": s.end,
                }
                for s in members
            ),
            key=lambda p: (p["date"] or "", p["actor_name"], p["article"]),
        )
        actors = defaultdict(list)
        for p in positions:
            actors[p["actor"]].append(p["position"])
        issues.append(
            {
                "issue": label,
                "positions": positions,
                "actors": {
                    a: {"latest": ps[-1], "changed": len(set(ps)) > 1} for a, ps in actors.items()
                },
            }
        )
    issues.sort(key=lambda i: (-len(i["positions"]), i["issue"]))
    for k, issue in enumerate(issues, 1):
        issue["id"] = f"i{k}"
    return {"storyline": storyline["id"], "issues": issues}
