"""One story's fact matrix: claims aligned across outlets, each cell's status, conflicts.

Claims of different articles are scored by the aligner (MiniLM, lexical overlap and
number/name anchors, calibrated on MSRP) only where MiniLM's cosine makes a match
possible; matches are joined into facts greedily, best first, never putting two claims
of one article into one fact and never joining two groups that mostly do not match.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..model import Annotations, Article, Quantity
from .claims import (
    Claim,
    claims_of,
    role_mentions,
    role_speakers,
    speaker_entity,
    story_roles,
)
from .relations import Relation, agree, comparable, relate, relate_within

#: Claim pairs whose MiniLM cosine is below this are not scored.
PREFILTER = 0.3
#: The claims of one article that are compared: its first this many. News puts what
#: matters first, and a story's cost grows with the square of its claims; a 50,000-word
#: paste (a live blog, a report) is compared on its opening, with a note saying so.
#: The default of ``[compare] max_claims`` (defaults.toml holds the same value).
MAX_CLAIMS = 300
#: Pairs scored in one story at most, the closest by MiniLM cosine: a 50-article story
#: of near copies scores 34,000. Past this the loosest are left out, with a note.
#: The default of ``[compare] max_pairs``.
MAX_PAIRS = 200_000


@dataclass(frozen=True)
class CompareSettings:
    """The ``[compare]`` settings of one story's comparison: bounds on its size (what they
    leave out is listed in the comparison's ``notes``) and the aligner's encoder."""

    max_claims: int = MAX_CLAIMS
    max_pairs: int = MAX_PAIRS
    #: The sentence encoder of the aligner's features: "minilm" (the default, fast) or
    #: "mpnet" (all-mpnet-base-v2: more accurate, and about ten times slower to embed).
    encoder: str = "minilm"

    @classmethod
    def of(cls, config: Any) -> CompareSettings:
        """The settings a resolved :class:`~rashomon.config.Config` gives."""
        from .align import ENCODERS

        section = config["compare"]
        for key in ("max_claims", "max_pairs"):
            if section[key] < 1:
                raise ConfigError(f"setting 'compare.{key}' must be at least 1, got {section[key]}")
        encoder = section.get("encoder", "minilm")
        if encoder not in ENCODERS:
            raise ConfigError(
                f"setting 'compare.encoder' must be one of {', '.join(ENCODERS)}, got {encoder!r}"
            )
        return cls(section["max_claims"], section["max_pairs"], encoder)


#: Two claims state the same fact when their score reaches this. The score is the
#: larger of the aligner's probability (a paraphrase classifier calibrated on MSRP) and
#: the MiniLM cosine raised by news anchors: an agreeing figure both give (6,000 and
#: "some 6,000") and canonical entities both name that are not everywhere in the story.
#: A date or year both give ("Sunday", "1968") raises it too.
#: MSRP's paraphrases are near-equal sentences, while two outlets stating one fact
#: often add different details, which the classifier alone punishes; the constants are
#: calibrated on the bundled example corpus (44 planted same-fact pairs, 631 planted
#: different-fact pairs: 32 found, 1 false at 0.6).
SAME_FACT = 0.55
NUMBER_BONUS = 0.15
TIME_BONUS = 0.1
ENTITY_BONUS = 0.05
#: ... and lowered by DOUBT where the classifier is all but sure the sentences differ
#: (below CERTAIN_NO) and no figure or date ties them.
CERTAIN_NO = 0.05
DOUBT = 0.1
#: A claim left alone may still found a fact with claims already taken by other facts
#: (a sentence stating two facts), but only on this much stronger evidence.
SEED_MARGIN = 0.1
#: Two groups of claims join into one fact when their pairs' mean score (unscored pairs
#: counting 0) is at least this.
GROUP_MEAN = 0.45
#: Pairs at least this probable but not joined are still checked for number conflicts.
NEAR = 0.45

STATUSES = ("reported", "omitted", "conflicting", "more_specific", "less_specific")


@dataclass
class StoryInput:
    article: Article
    ann: Annotations
    entity_ids: dict[int, str]
    #: Quotes by an office the article does not name, linked to its holder in the story
    #: (``claims.role_speakers``; filled by :func:`compare_story`): span -> entity id.
    role_speakers: dict[tuple[int, int], str] = field(default_factory=dict)


def link_role_speakers(inputs: Sequence[StoryInput]) -> None:
    """Fill each input's ``role_speakers`` from the story's articles, and give its office
    mentions that its article leaves unnamed the holder the story names (a new
    ``entity_ids`` dict: the stored assignment is not changed)."""
    pairs = [(x.ann, x.entity_ids) for x in inputs]
    index = story_roles(pairs)
    for item, linked, offices in zip(
        inputs, role_speakers(pairs, index), role_mentions(pairs, index), strict=True
    ):
        item.role_speakers = linked
        if offices:
            item.entity_ids = {**item.entity_ids, **offices}


def _qjson(q: Quantity | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {
        "text": q.text,
        "value": q.value,
        "unit": q.unit,
        "qualifier": q.qualifier,
        "counted": q.counted,
        "start": q.start,
        "end": q.end,
    }


def _cell(c: Claim, status: str) -> dict[str, Any]:
    return {
        "status": status,
        "sentence": c.text,
        "start": c.start,
        "end": c.end,
        "paragraph": c.paragraph,
        "attributed": c.attributed,
        "hedged": c.hedged,
    }


class _Groups:
    """Disjoint groups of claims with at most one claim per article each."""

    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims
        self.group = list(range(len(claims)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(claims))}
        self._next = len(claims)  # keys of groups made later never reuse a claim's index

    def articles(self, g: int) -> dict[str, int]:
        return {self.claims[c].article: c for c in self.members[g]}

    def union(self, ga: int, gb: int) -> None:
        if gb < ga:
            ga, gb = gb, ga
        for c in self.members.pop(gb):
            self.group[c] = ga
            self.members[ga].append(c)

    def swap(self, g: int, out: int, into: int) -> None:
        """Replace member ``out`` of group ``g`` by the lone claim ``into``."""
        del self.members[self.group[into]]
        self.members[g].remove(out)
        self.members[g].append(into)
        self.group[into] = g
        self.group[out] = self._next
        self.members[self._next] = [out]
        self._next += 1


#: Candidate pairs whose cosine is summed again at a time (100 MB of float64 rows).
_COS_ROWS = 32768


def candidate_pairs(
    vectors: np.ndarray, articles: Sequence[str], max_pairs: int | None = None, block: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(i, j, cosine) of the claim pairs worth scoring, and how many there were before the
    cut: i < j, from different articles, at a MiniLM cosine of at least :data:`PREFILTER`;
    the ``max_pairs`` closest when there are more (ties broken by position). Rows are taken
    a block at a time, so memory grows with the pairs kept, not with the square of the
    claims."""
    max_pairs = MAX_PAIRS if max_pairs is None else max_pairs
    n = len(vectors)
    _, article = np.unique(np.array(articles, dtype=str), return_inverse=True)
    found_i, found_j, found_c = [], [], []
    exact = np.asarray(vectors, dtype=np.float64)
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        # BLAS finds the candidates; its float32 sums depend on its thread count (a Ray
        # worker runs one thread), so each kept pair's cosine is summed again in float64
        # by numpy's own loop and judged on that: the same pairs and the same values,
        # whatever the engine. Tied sentences (wire copies) then stay tied.
        near = vectors[rows] @ vectors.T
        i, j = np.nonzero(near >= PREFILTER - 1e-4)
        i += start
        keep = (j > i) & (article[i] != article[j])
        i, j = i[keep], j[keep]
        c = np.concatenate(
            [
                np.einsum("ij,ij->i", exact[i[k : k + _COS_ROWS]], exact[j[k : k + _COS_ROWS]])
                for k in range(0, len(i), _COS_ROWS)
            ]
            or [np.zeros(0)]
        )
        keep = c >= PREFILTER
        found_i.append(i[keep])
        found_j.append(j[keep])
        found_c.append(c[keep])
    ii = np.concatenate(found_i) if found_i else np.zeros(0, dtype=np.int64)
    jj = np.concatenate(found_j) if found_j else np.zeros(0, dtype=np.int64)
    cc = np.concatenate(found_c) if found_c else np.zeros(0)
    found = len(cc)
    if found > max_pairs:
        # Closest first; among equal cosines, earlier pairs (a stable sort keeps i, j order).
        top = np.sort(np.argsort(-cc, kind="stable")[:max_pairs])
        ii, jj, cc = ii[top], jj[top], cc[top]
    return ii.astype(np.int64), jj.astype(np.int64), cc, found


def align_claims(
    claims: list[Claim],
    aligner: Any,
    threshold: float | None = None,
    stats: dict[str, int] | None = None,
    max_pairs: int | None = None,
) -> tuple[list[list[int]], dict[tuple[int, int], float], Any]:
    """Facts as lists of claim indices, the probability of every scored pair, and the
    aligner's prepared sentences (to score more pairs). ``stats`` gets the number of
    candidate pairs before ``max_pairs`` (default :data:`MAX_PAIRS`) cut them."""
    from .align import idf_of

    n = len(claims)
    if n == 0:
        return [], {}, None
    threshold = SAME_FACT if threshold is None else threshold
    prepared = aligner.prepare([c.text for c in claims])
    ii, jj, cos, found = candidate_pairs(
        prepared.vectors, [c.article for c in claims], max_pairs=max_pairs
    )
    if stats is not None:
        stats["candidate_pairs"] = found
    prob: dict[tuple[int, int], float] = {}
    if len(ii):
        idf = idf_of(prepared.content)
        p = aligner.score_prepared(prepared, prepared, ii, jj, idf)
        df = Counter(e for c in claims for e in c.entities)
        rare = {e for e, k in df.items() if k < 0.3 * n}
        anchors = np.array(
            [
                NUMBER_BONUS * _shared_figure(claims[a], claims[b])
                + TIME_BONUS * bool(claims[a].times & claims[b].times)
                for a, b in zip(ii.tolist(), jj.tolist(), strict=True)
            ]
        )
        names = np.array(
            [
                ENTITY_BONUS * min(2, len(claims[a].entities & claims[b].entities & rare))
                for a, b in zip(ii.tolist(), jj.tolist(), strict=True)
            ]
        )
        # The classifier all but sure they differ, and no shared figure or date: doubt.
        doubt = np.where((p < CERTAIN_NO) & (anchors == 0), DOUBT, 0.0)
        scores = np.maximum(p, cos + anchors + names - doubt)
        for k, (a, b) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
            if _different_voices(claims[a], claims[b]):
                scores[k] = 0.0
        prob = {(int(a), int(b)): float(s) for a, b, s in zip(ii, jj, scores, strict=True)}
    groups = _Groups(claims)

    def score(x: int, y: int) -> float:
        return prob.get((min(x, y), max(x, y)), 0.0)

    def mean(c: int, others: list[int]) -> float:
        return sum(score(c, d) for d in others) / len(others) if others else 0.0

    for (a, b), p in sorted(prob.items(), key=lambda kv: (-kv[1], kv[0])):
        if p < threshold:
            break
        ga, gb = groups.group[a], groups.group[b]
        if ga == gb:
            continue
        shared = groups.articles(ga).keys() & groups.articles(gb).keys()
        if shared:
            # A lone claim may take the place of a group's claim from its own article
            # when it matches the rest of the group better.
            if len(groups.members[gb]) == 1:
                ga, gb, a, b = gb, ga, b, a
            if len(groups.members[ga]) != 1 or len(shared) != 1:
                continue
            (article,) = shared
            out = groups.articles(gb)[article]
            rest = [d for d in groups.members[gb] if d != out]
            if rest and mean(a, rest) > mean(out, rest) and mean(a, rest) >= GROUP_MEAN:
                groups.swap(gb, out, a)
            continue
        cross = [score(x, y) for x in groups.members[ga] for y in groups.members[gb]]
        if sum(cross) / len(cross) >= GROUP_MEAN:
            groups.union(ga, gb)
    facts = [sorted(m) for m in groups.members.values()]
    facts = _attach_multi_fact_claims(claims, facts, prob, threshold)
    return sorted(facts, key=lambda m: m[0]), prob, prepared


def _attach_multi_fact_claims(
    claims: list[Claim],
    facts: list[list[int]],
    prob: dict[tuple[int, int], float],
    threshold: float,
) -> list[list[int]]:
    """A sentence that states two facts ("the 58-metre dam, built in 1968, is run by
    Selvenergo") also joins the other fact when it matches every claim of that fact.
    A claim left alone in its own fact moves instead of being copied."""

    def score(a: int, b: int) -> float:
        return prob.get((min(a, b), max(a, b)), 0.0)

    extra: dict[int, list[int]] = defaultdict(list)
    size = {c: len(fact) for fact in facts for c in fact}
    for c in range(len(claims)):
        # A claim alone moves on the usual evidence; one already aligned in a fact is
        # copied into a second only on stronger evidence, as a lone claim founds one
        # (SEED_MARGIN): a claim scoring just at the threshold against another fact's
        # claims, on topic words alone, is a near neighbour, not a second fact it states.
        bar = threshold if size.get(c, 1) == 1 else threshold + SEED_MARGIN
        for k, fact in enumerate(facts):
            if (
                len(fact) < 2
                or c in fact
                or any(claims[d].article == claims[c].article for d in fact)
            ):
                continue
            scores = [score(c, d) for d in fact]
            if min(scores) >= GROUP_MEAN and sum(scores) / len(scores) >= bar:
                extra[k].append(c)
    moved = set()
    for k, members in extra.items():
        # one claim per article and fact: the best-matching one
        best: dict[str, int] = {}
        for c in members:
            a = claims[c].article
            if a not in best or sum(score(c, d) for d in facts[k]) > sum(
                score(best[a], d) for d in facts[k]
            ):
                best[a] = c
        facts[k] = sorted(facts[k] + list(best.values()))
        moved |= set(best.values())
    facts = [f for f in facts if not (len(f) == 1 and f[0] in moved)]
    # A claim still alone whose matches all went into other facts (each article gives
    # one claim per fact) gets a fact of its own with its best match in each article.
    out = []
    for fact in facts:
        if len(fact) == 1:
            (c,) = fact
            best: dict[str, tuple[float, int]] = {}
            for d in range(len(claims)):
                a = claims[d].article
                if a != claims[c].article and score(c, d) >= threshold + SEED_MARGIN:
                    if a not in best or score(c, d) > best[a][0]:
                        best[a] = (score(c, d), d)
            partners = [d for _, d in sorted(best.values(), reverse=True)]
            kept: list[int] = []
            for d in partners:
                if all(score(d, e) >= GROUP_MEAN for e in kept):
                    kept.append(d)
            fact = sorted([c, *kept])
        out.append(fact)
    return out


def _different_voices(a: Claim, b: Claim) -> bool:
    """Two different people quoted saying different things ("We lost everything in ten
    minutes," said one witness; "We had perhaps ten minutes," said another) are two
    facts, however alike; the same words given to two people stay comparable (and then
    conflict over who said them)."""
    if not (a.speakers and b.speakers) or a.speakers & b.speakers:
        return False
    wa = set(_qwords(" ".join(q.text for q in a.quotes)))
    wb = set(_qwords(" ".join(q.text for q in b.quotes)))
    return len(wa & wb) / max(min(len(wa), len(wb)), 1) < 0.6


def _shared_figure(a: Claim, b: Claim) -> bool:
    """Both claims give the same figure (6,000 people, "some 6,000 residents"): a value of
    10 or more, or a share or sum, of one kind, within 10% ("up to 1.2 billion" is
    compatible with 310 million but is not the same figure)."""
    for x in a.quantities:
        for y in b.quantities:
            if x.value is None or y.value is None or x.kind != y.kind:
                continue
            if x.kind == "count" and abs(x.value) < 10:
                continue
            if (x.unit or "") != (y.unit or "") and x.kind != "count":
                continue
            if agree(x, y) and abs(x.value - y.value) <= 0.1 * max(abs(x.value), abs(y.value)):
                return True
    return False


def _status(c: int, fact: list[int], rel: dict[tuple[int, int], Relation]) -> str:
    kinds = {rel[(c, d)].kind for d in fact if d != c}
    if "conflicting" in kinds:
        return "conflicting"
    if "more_specific" in kinds and "less_specific" not in kinds:
        return "more_specific"
    if "less_specific" in kinds and "more_specific" not in kinds:
        return "less_specific"
    return "reported"


_QWORD = re.compile(r"[\w']+")


def _qwords(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _QWORD.findall(text.replace("’", "'"))]


def _same_utterance(a: str, b: str) -> bool:
    wa, wb = set(_qwords(a)), set(_qwords(b))
    common = len(wa & wb)
    return common >= 4 and common / max(min(len(wa), len(wb)), 1) >= 0.5


def _contiguous(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def quote_drift(
    inputs: Sequence[StoryInput], names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The same utterance of one speaker rendered differently by different articles,
    headed by the speaker's canonical name (``names``: entity id -> name) where known,
    not by one outlet's spelling."""
    names = names or {}
    by_speaker: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for item in inputs:
        for q in item.ann.quotes:
            speaker = speaker_entity(item.ann, item.entity_ids, q, item.role_speakers)
            speaker = speaker or (q.speaker and f"name:{q.speaker.lower()}")
            if speaker and not q.anonymous and not q.vague:
                by_speaker[speaker].append((item.article.id, q))
    out = []
    for speaker, quotes in sorted(by_speaker.items()):
        seen: set[int] = set()
        for k, (aid, q) in enumerate(quotes):
            if k in seen:
                continue
            group = [(aid, q)]
            grown = True
            while grown:  # single link: a rendering joins if it matches any member
                grown = False
                for m in range(k + 1, len(quotes)):
                    aid2, q2 = quotes[m]
                    if m in seen or aid2 in {g[0] for g in group}:
                        continue
                    if any(_same_utterance(g[1].text, q2.text) for g in group):
                        group.append((aid2, q2))
                        seen.add(m)
                        grown = True
            if len(group) < 2:
                continue
            texts = {a: _qwords(x.text) for a, x in group}
            longest = max(texts.values(), key=len)
            renderings = {}
            for a, x in group:
                w = texts[a]
                if not x.direct:
                    kind = "paraphrase"
                elif w == longest:
                    kind = "full"
                elif _contiguous(w, longest):
                    kind = "truncated"
                else:
                    kind = "altered"
                renderings[a] = {
                    "text": x.text,
                    "direct": x.direct,
                    "kind": kind,
                    "start": x.start,
                    "end": x.end,
                    "speaker_text": x.speaker_text,
                }
            if len({tuple(t) for t in texts.values()}) == 1 and (
                len({r["direct"] for r in renderings.values()}) == 1
            ):
                continue  # rendered the same everywhere
            name = names.get(speaker) or group[0][1].speaker or speaker
            out.append(
                {
                    "kind": "quote_drift",
                    "speaker": speaker if not speaker.startswith("name:") else None,
                    "speaker_name": name,
                    "renderings": renderings,
                }
            )
    return out


def inconsistencies(
    inputs: Sequence[StoryInput], claims: list[Claim], aligner: Any = None, prepared: Any = None
) -> list[dict[str, Any]]:
    """Inside one article: two different figures for one thing; two spellings of a name.

    Two figures conflict when they count the same noun in two sentences that state the
    same fact by the aligner's measure (so "a town of 18,000 people" never conflicts
    with "6,000 people were evacuated").
    """
    out: list[dict[str, Any]] = []
    candidates: list[tuple[int, int, Quantity, Quantity]] = []
    index = {id(c): k for k, c in enumerate(claims)}
    by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_article[c.article].append(c)
    for cs in by_article.values():
        for x in range(len(cs)):
            for y in range(x + 1, len(cs)):
                a, b = cs[x], cs[y]
                for qa in a.quantities:
                    for qb in b.quantities:
                        if (
                            qa.kind == "count"
                            and qa.counted
                            and (qa.counted or "").lower() == (qb.counted or "").lower()
                            and comparable(qa, qb)
                            and not agree(qa, qb)
                        ):
                            candidates.append((index[id(a)], index[id(b)], qa, qb))
    if candidates and aligner is not None and prepared is not None:
        ia = np.array([c[0] for c in candidates])
        ib = np.array([c[1] for c in candidates])
        probs = aligner.score_prepared(prepared, prepared, ia, ib)
        for (x, y, qa, qb), p in zip(candidates, probs, strict=True):
            if p >= aligner.threshold:
                out.append(
                    {
                        "article": claims[x].article,
                        "kind": "number",
                        "counted": qa.counted,
                        "values": [_qjson(qa), _qjson(qb)],
                        "sentences": [claims[x].text, claims[y].text],
                        "probability": round(float(p), 3),
                    }
                )
    for item in inputs:
        forms: dict[str, Counter] = defaultdict(Counter)
        for k, m in enumerate(item.ann.mentions):
            eid = item.entity_ids.get(k)
            if eid and m.label != "ROLE":  # an office is no spelling of its holder's name
                forms[eid][m.text] += 1
        for eid, counter in forms.items():
            names = list(counter)
            spellings = set()
            for x in names:
                for y in names:
                    if x < y and not _short_form(x, y) and not _short_form(y, x):
                        spellings |= {x, y}
            if spellings:
                out.append(
                    {
                        "article": item.article.id,
                        "kind": "spelling",
                        "entity": eid,
                        "forms": sorted(spellings),
                    }
                )
    return out


def _short_form(a: str, b: str) -> bool:
    """Whether ``a`` is a shortening of ``b`` (a surname, an initialism, a title dropped)."""
    wa, wb = a.lower().split(), b.lower().split()
    if set(wa) <= set(wb) or set(wb) <= set(wa):
        return True
    initials = "".join(w[0] for w in b.split() if w[:1].isupper())
    return a.replace(".", "") == initials


def _exact_copies(inputs: Sequence[StoryInput], own: dict[str, list[Claim]]) -> dict[str, str]:
    """Exact copies (same words, another outlet) of an article in the story: copy id ->
    original id. They are not aligned again; their cells are the original's, found at
    their own offsets (a copy whose sentences cannot all be found is compared fully)."""
    ids = {x.article.id for x in inputs}
    out = {}
    for x in inputs:
        original = x.article.duplicate_of
        if x.article.duplicate_kind != "exact" or original not in ids or original == x.article.id:
            continue
        if all(c.text in x.article.text for c in own[original]):
            out[x.article.id] = original
    return out


def _copied_cell(cell: dict[str, Any], text: str) -> dict[str, Any]:
    out = dict(cell, copy_of_original=True)
    if cell.get("sentence"):
        start = text.find(cell["sentence"])
        out["start"], out["end"] = start, start + len(cell["sentence"])
    return out


def compare_story(
    story_id: str,
    inputs: Sequence[StoryInput],
    aligner: Any,
    names: dict[str, str] | None = None,
    limits: CompareSettings | None = None,
) -> dict[str, Any]:
    """The comparison of one story's articles (see the analysis.json schema), within
    ``limits`` (default :class:`CompareSettings`)."""
    limits = limits or CompareSettings()
    inputs = sorted(inputs, key=lambda x: (x.article.published or "", x.article.id))
    link_role_speakers(inputs)
    article_ids = [x.article.id for x in inputs]
    by_id = {x.article.id: x for x in inputs}
    own: dict[str, list[Claim]] = {
        x.article.id: claims_of(x.article, x.ann, x.entity_ids, x.role_speakers) for x in inputs
    }
    most = limits.max_claims
    left_out = {aid: len(cs) - most for aid, cs in own.items() if len(cs) > most}
    own = {aid: cs[:most] for aid, cs in own.items()}
    copies = _exact_copies(inputs, own)
    claims: list[Claim] = []
    for aid in article_ids:
        if aid not in copies:
            claims += own[aid]
    stats: dict[str, int] = {}
    facts, prob, prepared = align_claims(claims, aligner, stats=stats, max_pairs=limits.max_pairs)
    rel = relate_within(claims, facts)
    n_articles = len(article_ids)
    out_facts = []
    conflicts: list[dict[str, Any]] = []
    shown: set[str] = set()
    for fact in facts:
        # Rounded: the same sentence in two articles has the same probabilities, added in
        # another order, so its sums differ in the last bit; they should tie, and the
        # more prominent copy be shown.
        pair_sum = {
            c: round(sum(prob.get((min(c, d), max(c, d)), 0.0) for d in fact if d != c), 9)
            for c in fact
        }
        # A fact in conflict shows one of the conflicting sentences (the row is about
        # them); then a sentence carrying two facts (clauses aligned apart) is shown once:
        # another fact's row already displays it, so this one prefers a sentence of its own.
        disputed = {
            c for c in fact for d in fact if c != d and rel[(c, d)].kind == "conflicting"
        }
        rep = max(
            fact,
            key=lambda c: (
                c in disputed,
                claims[c].text not in shown,
                pair_sum[c],
                claims[c].prominence,
                -c,
            ),
        )
        shown.add(claims[rep].text)
        cells: dict[str, dict[str, Any]] = {}
        for c in fact:
            cells[claims[c].article] = _cell(claims[c], _status(c, fact, rel))
        for aid, original in copies.items():
            if original in cells:
                cells[aid] = _copied_cell(cells[original], by_id[aid].article.text)
        for aid in article_ids:
            cells.setdefault(
                aid, {"status": "omitted", "sentence": None, "start": None, "end": None}
            )
        reporting = [claims[c] for c in fact]
        prominence = max(c.prominence for c in reporting)
        fid = f"f{len(out_facts) + 1}"
        statuses = Counter(cell["status"] for cell in cells.values())
        entry = {
            "id": fid,
            "text": claims[rep].text,
            "article": claims[rep].article,
            "cells": cells,
            "reported_by": sum(1 for cell in cells.values() if cell["status"] != "omitted"),
            "prominence": round(prominence, 3),
            # what leaving the fact out weighs: how prominently the others carry it
            "omission_weight": round(sum(c.prominence for c in reporting) / max(n_articles, 1), 3),
            "in_lead": sum(1 for c in reporting if c.lead),
        }
        attributed = {claims[c].article for c in fact if claims[c].attributed}
        plain = {claims[c].article for c in fact if not claims[c].attributed}
        if attributed and plain:
            entry["attribution_dropped"] = sorted(plain)
            conflicts.append(
                {
                    "kind": "attribution_dropped",
                    "fact": fid,
                    "attributed": sorted(attributed),
                    "stated_as_fact": sorted(plain),
                }
            )
        for c in fact:
            for d in fact:
                if c == d:
                    continue
                r = rel[(c, d)]
                if c < d and r.kind == "conflicting":
                    conflicts.append(
                        {
                            "kind": r.why,
                            "fact": fid,
                            "articles": [claims[c].article, claims[d].article],
                            "values": [_qjson(r.a_value), _qjson(r.b_value)],
                            "sentences": [claims[c].text, claims[d].text],
                            "spans": [
                                [claims[c].start, claims[c].end],
                                [claims[d].start, claims[d].end],
                            ],
                        }
                    )
                elif r.kind == "more_specific":
                    entry.setdefault("specificity", []).append(
                        {
                            "more_specific": claims[c].article,
                            "less_specific": claims[d].article,
                            "why": r.why,
                            "value": _qjson(r.a_value),
                        }
                    )
        entry["category"] = (
            "conflicting"
            if statuses["conflicting"]
            else "all"
            if entry["reported_by"] == n_articles and n_articles > 1
            else "single"
            if entry["reported_by"] == 1
            else "partial"
        )
        out_facts.append(entry)
    # Number conflicts between near-aligned claims that did not join one fact.
    facts_of: dict[int, set[int]] = defaultdict(set)
    for k, fact in enumerate(facts):
        for c in fact:
            facts_of[c].add(k)
    for (a, b), p in sorted(prob.items()):
        if p < NEAR or facts_of[a] & facts_of[b]:
            continue
        r = relate(claims[a], claims[b])
        if r.kind == "conflicting" and r.why == "number":
            conflicts.append(
                {
                    "kind": "number",
                    "fact": None,
                    "articles": [claims[a].article, claims[b].article],
                    "values": [_qjson(r.a_value), _qjson(r.b_value)],
                    "sentences": [claims[a].text, claims[b].text],
                    "spans": [[claims[a].start, claims[a].end], [claims[b].start, claims[b].end]],
                    "probability": round(p, 3),
                }
            )
    unique: dict[tuple, dict[str, Any]] = {}
    for c in conflicts:
        key = (c["kind"], tuple(c.get("articles", ())), tuple(c.get("sentences", ())))
        if c["kind"] == "attribution_dropped":
            key = (c["kind"], c["fact"])
        unique.setdefault(key, c)
    conflicts = list(unique.values())
    order = {"all": 0, "conflicting": 1, "single": 2, "partial": 3}
    out_facts.sort(
        key=lambda f: (order[f["category"]], -f["omission_weight"], -f["prominence"], f["id"])
    )
    drift = quote_drift(inputs, names)
    return {
        "story": story_id,
        "articles": article_ids,
        "facts": out_facts,
        "conflicts": conflicts + drift,
        "inconsistencies": inconsistencies(inputs, claims, aligner, prepared),
        "claims": len(claims),
        "scored_pairs": len(prob),
        "notes": _limit_notes(
            {f"{by_id[a].article.outlet or 'article'} ({a})": n for a, n in left_out.items()},
            stats.get("candidate_pairs", 0),
            limits,
        ),
    }


def _limit_notes(left_out: dict[str, int], candidates: int, limits: CompareSettings) -> list[str]:
    """What the size bounds left out of a comparison, in words, with the setting that
    moves each bound."""
    notes = [
        f"{who}: only its first {limits.max_claims:,} claims compared ({n:,} more left out;"
        " raise [compare] max_claims to compare more)"
        for who, n in sorted(left_out.items())
    ]
    if candidates > limits.max_pairs:
        notes.append(
            f"only the {limits.max_pairs:,} closest of {candidates:,} pairs of claims scored"
            " (raise [compare] max_pairs to score more)"
        )
    return notes
