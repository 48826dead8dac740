"""The claims of an article: its sentences with what is attached to them.

A claim is one sentence of the article's own text (annotations cover body paragraphs
only, so boilerplate, captions and subheads never become claims), with its character
span, paragraph, prominence, whether it is attributed or hedged, the quotes and
quantities inside it and the canonical entities it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..entities.roles import RoleIndex
from ..ingest.structure import strip_dateline
from ..model import Annotations, Article, Quantity, Quote

_WORDS = re.compile(r"\w+")
#: Fewer words than this make no claim ("Read more.", a caption's credit).
MIN_WORDS = 5


@dataclass(slots=True)
class Claim:
    article: str
    index: int  # position among the article's claims
    text: str
    start: int
    end: int
    paragraph: int  # rank among the article's body paragraphs (0 = first)
    attributed: bool = False
    hedged: bool = False
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)  # entity ids of quoted speakers
    times: set[str] = field(default_factory=set)  # resolved dates and years ("1968")

    @property
    def lead(self) -> bool:
        return self.paragraph < 2

    @property
    def prominence(self) -> float:
        """1 in the first paragraph, falling with depth (a 1/(1+p/2) curve)."""
        return 1.0 / (1.0 + self.paragraph / 2.0)


def speaker_entity(
    ann: Annotations,
    entity_ids: dict[int, str],
    q: Quote,
    role_speakers: dict[tuple[int, int], str] | None = None,
) -> str | None:
    """The canonical entity of a quote's speaker: through its mention, else through a
    mention of the article written exactly as the speaker's resolved name, else (a role
    the article does not name: "Poland's prime minister") the holder the story names,
    from :func:`role_speakers`."""
    if q.speaker_mention is not None and q.speaker_mention in entity_ids:
        return entity_ids[q.speaker_mention]
    if q.speaker:
        for k, m in enumerate(ann.mentions):
            if m.text == q.speaker and k in entity_ids:
                return entity_ids[k]
    if role_speakers:
        return role_speakers.get((q.start, q.end))
    return None


def role_evidence(ann: Annotations, entity_ids: dict[int, str]) -> list[tuple[str, str]]:
    """(role phrase, entity id) of an article: each named person with the role the text
    gives them ("French President Emmanuel Macron"), and each quote whose role speaker
    the article itself names ("Poland's president" after "President Andrzej Duda")."""
    out = [
        (m.role, entity_ids[k])
        for k, m in enumerate(ann.mentions)
        if m.role and m.label == "PERSON" and k in entity_ids
    ]
    out += [
        (q.speaker_text, entity_ids[q.speaker_mention])
        for q in ann.quotes
        if q.resolved_by == "role" and q.speaker_text and q.speaker_mention in entity_ids
    ]
    return out


def unnamed_office(q: Quote, speaker: str | None) -> bool:
    """A quote by an office its article names no holder for ("Poland's prime minister
    said"), given the entity :func:`speaker_entity` found for it in the article."""
    return speaker is None and q.resolved_by == "role" and not q.anonymous


def story_roles(articles: Iterable[tuple[Annotations, dict[int, str]]]) -> RoleIndex:
    """Who holds which office in the articles of one story (:func:`role_evidence`)."""
    return RoleIndex.of(pair for ann, ids in articles for pair in role_evidence(ann, ids))


def role_speakers(
    articles: Iterable[tuple[Annotations, dict[int, str]]],
    index: RoleIndex | None = None,
) -> list[dict[tuple[int, int], str]]:
    """For the articles of one story, in order: the quotes whose speaker is an office the
    article does not name ("the French president said"), each to the entity the story's
    articles give that office, keyed by the quote's span. A story is one event, so the
    holder is the holder at that date; a quote stays unlinked when nobody, or no single
    person, holds the office in the story (see :class:`..entities.roles.RoleIndex`)."""
    items = list(articles)
    index = story_roles(items) if index is None else index
    out: list[dict[tuple[int, int], str]] = []
    for ann, ids in items:
        linked = {}
        for q in ann.quotes:
            if unnamed_office(q, speaker_entity(ann, ids, q)):
                holder = index.holder(q.speaker_text)
                if holder is not None:
                    linked[(q.start, q.end)] = holder
        out.append(linked)
    return out


def role_mentions(
    articles: Iterable[tuple[Annotations, dict[int, str]]],
    index: RoleIndex | None = None,
) -> list[dict[int, str]]:
    """For the articles of one story, in order: their office mentions that name nobody in
    their own article ("the French president", a ROLE mention the resolver left without
    an entity), each to the entity the story's articles give that office (mention index
    -> entity id), as :func:`role_speakers` does for quotes."""
    items = list(articles)
    index = story_roles(items) if index is None else index
    return [
        {
            k: holder
            for k, m in enumerate(ann.mentions)
            if m.label == "ROLE" and k not in ids
            and (holder := index.holder(m.text)) is not None
        }
        for ann, ids in items
    ]


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def claims_of(
    article: Article,
    ann: Annotations,
    entity_ids: dict[int, str] | None = None,
    role_speakers: dict[tuple[int, int], str] | None = None,
) -> list[Claim]:
    """The article's claims, in text order."""
    entity_ids = entity_ids or {}
    body_rank = {}
    for i, block in enumerate(article.blocks):
        if block.kind == "body":
            body_rank[i] = len(body_rank)
    out: list[Claim] = []
    for s in ann.sentences:
        raw = article.text[s.start : s.end]
        # A dateline is not part of the claim ("KYIV (AP) - "), nor a claim of its own.
        text = strip_dateline(raw.lstrip())
        start = s.end - len(text)
        text = text.rstrip()
        if len(_WORDS.findall(text)) < MIN_WORDS:
            continue
        claim = Claim(
            article.id,
            len(out),
            text,
            start,
            start + len(text),
            body_rank.get(s.paragraph, s.paragraph),
            s.attributed,
            s.hedged,
        )
        claim.quotes = [q for q in ann.quotes if _overlaps(q.start, q.end, start, s.end)]
        claim.quantities = [
            q for q in ann.quantities if start <= q.start < s.end and q.kind != "ordinal"
        ]
        for k, m in enumerate(ann.mentions):
            if start <= m.start < s.end and k in entity_ids:
                claim.entities.add(entity_ids[k])
        claim.times = {t.value for t in ann.times if start <= t.start < s.end and t.value}
        for q in claim.quotes:
            speaker = speaker_entity(ann, entity_ids, q, role_speakers)
            if speaker:
                claim.speakers.add(speaker)
        if claim.quotes:
            claim.attributed = True
        out.append(claim)
    return out


def claim_json(c: Claim) -> dict[str, Any]:
    return {"sentence": c.text, "start": c.start, "end": c.end, "paragraph": c.paragraph}
