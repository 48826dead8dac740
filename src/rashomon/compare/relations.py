"""How two aligned claims relate: the same, one more specific, or in conflict.

Numbers are compared as intervals, so qualifiers are respected: "more than 30" and
"about 35" overlap and agree; "41" and "37" do not. Two numbers are compared only when
they measure the same kind of thing (the same unit, or counts of nouns that share a
stem), so a sentence's distance is never set against another's head count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..model import Quantity
from .claims import Claim

#: Half-widths of the interval around a qualified value.
APPROX = 0.15
EXACT = 0.005

_VAGUE = re.compile(
    r"\b(?:a (?:significant|substantial|large|small|sizeable|considerable|good) "
    r"(?:portion|part|share|number|amount|proportion|majority|minority)|"
    r"(?:a )?(?:number|majority|minority) of|much of|most of|part of|many|several|some|"
    r"a few|dozens|hundreds|thousands|scores of|numerous|various|other|others|"
    r"(?:days|weeks|months|years|hours) of)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|without|denied|denies|deny|rejected|rejects|"
    r"ruled out|rules out|refused|refuses|n't)\b|n't\b",
    re.IGNORECASE,
)
_STEM = re.compile(r"(?:ies|es|s|ed|ing)$")


def interval(q: Quantity) -> tuple[float, float]:
    v = float(q.value or 0.0)
    qual = q.qualifier or "="
    if qual in (">", ">="):
        return (v, math.inf)
    if qual in ("<", "<="):
        return (-math.inf, v)
    width = APPROX if qual == "~" else EXACT
    lo, hi = v - abs(v) * width, v + abs(v) * width
    return (lo, hi)


def _stems(text: str | None) -> set[str]:
    if not text:
        return set()
    return {_STEM.sub("", w) for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


def _names(text: str | None) -> set[str]:
    return set(re.findall(r"\b[A-Z][a-z]+", text or ""))


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing."""
    if a.value is None or b.value is None or a.kind != b.kind:
        return False
    # "age of Pavel Ostrik" and "age of Milena Hartova" measure two different people
    names_a, names_b = _names(a.counted), _names(b.counted)
    if names_a and names_b and not names_a & names_b:
        return False
    if a.kind in ("money", "percent", "measure", "fraction"):
        return (a.unit or "") == (b.unit or "")
    # counts: the counted nouns must share a stem
    sa, sb = _stems(a.counted or a.unit), _stems(b.counted or b.unit)
    return bool(sa & sb)


def agree(a: Quantity, b: Quantity) -> bool:
    """Whether two comparable quantities can be the same figure."""
    alo, ahi = interval(a)
    blo, bhi = interval(b)
    return alo <= bhi and blo <= ahi


def _content_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the content-word stems of two sentences, negators left out."""
    sa = {w for w in _stems(a) if not _NEGATION.fullmatch(w)}
    sb = {w for w in _stems(b) if not _NEGATION.fullmatch(w)}
    return len(sa & sb) / max(len(sa | sb), 1)


def vague(text: str) -> bool:
    return bool(_VAGUE.search(text))


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


@dataclass(slots=True)
class Relation:
    kind: str  # same | more_specific | less_specific | conflicting
    #: For conflicts: number | negation | speaker; for specificity: number | detail.
    why: str = ""
    a_value: Quantity | None = None
    b_value: Quantity | None = None


def _numbers(c: Claim) -> list[Quantity]:
    return [q for q in c.quantities if q.value is not None]


def relate(a: Claim, b: Claim) -> Relation:
    """The relation of ``a`` to ``b`` (``more_specific`` means a says more precisely)."""
    qa, qb = _numbers(a), _numbers(b)
    for x in qa:
        for y in qb:
            if comparable(x, y) and not agree(x, y):
                if any(comparable(x, z) and agree(x, z) for z in qb) or any(
                    comparable(z, y) and agree(z, y) for z in qa
                ):
                    continue  # the figure is also given consistently: not this pair
                return Relation("conflicting", "number", x, y)
    if a.speakers and b.speakers and not (a.speakers & b.speakers):
        if a.quotes and b.quotes:
            return Relation("conflicting", "speaker")
    if negated(a.text) != negated(b.text) and _content_overlap(a.text, b.text) >= 0.5:
        return Relation("conflicting", "negation")
    unmatched_a = [x for x in qa if not any(comparable(x, y) for y in qb)]
    unmatched_b = [y for y in qb if not any(comparable(x, y) for x in qa)]
    if unmatched_a and not unmatched_b and vague(b.text):
        return Relation("more_specific", "number", unmatched_a[0], None)
    if unmatched_b and not unmatched_a and vague(a.text):
        return Relation("less_specific", "number", None, unmatched_b[0])
    # an exact figure against the same figure approximated or bounded
    for x in qa:
        for y in qb:
            if comparable(x, y) and agree(x, y):
                if (x.qualifier or "=") == "=" and (y.qualifier or "=") != "=":
                    return Relation("more_specific", "number", x, y)
                if (y.qualifier or "=") == "=" and (x.qualifier or "=") != "=":
                    return Relation("less_specific", "number", x, y)
    return Relation("same")


def _signature(c: Claim) -> tuple:
    """Everything :func:`relate` reads of a claim: two claims with one signature relate
    alike to everything (a wire copy's sentence and its original)."""
    numbers = tuple((q.value, q.kind, q.counted, q.unit, q.qualifier) for q in _numbers(c))
    return (c.text, numbers, frozenset(c.speakers), bool(c.quotes))


def relate_within(claims: list[Claim], facts: list[list[int]]) -> dict[tuple[int, int], Relation]:
    """:func:`relate` of every ordered pair of claims inside each fact, computed once per
    pair of distinct signatures: a fact told in the same words by 200 copies costs the
    relations of its distinct tellings, not 40,000 (the values it names are the pair's own)."""
    numbers = [_numbers(c) for c in claims]
    ids: dict[tuple, int] = {}
    sig = [ids.setdefault(_signature(c), len(ids)) for c in claims]
    # (kind, why, position of a_value in the first claim's numbers, of b_value in the
    # second's; -1 for none)
    memo: dict[tuple[int, int], tuple[str, str, int, int]] = {}
    out: dict[tuple[int, int], Relation] = {}
    for fact in facts:
        for c in fact:
            for d in fact:
                if c == d:
                    continue
                key = (sig[c], sig[d])
                if key not in memo:
                    r = relate(claims[c], claims[d])
                    at = [
                        next((k for k, q in enumerate(qs) if q is v), -1)
                        for qs, v in ((numbers[c], r.a_value), (numbers[d], r.b_value))
                    ]
                    memo[key] = (r.kind, r.why, at[0], at[1])
                kind, why, i, j = memo[key]
                out[(c, d)] = Relation(
                    kind, why, numbers[c][i] if i >= 0 else None, numbers[d][j] if j >= 0 else None
                )
    return out
