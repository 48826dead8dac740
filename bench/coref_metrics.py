"""Coreference scorers: MUC, B-cubed, CEAF-e and their mean, the CoNLL F1.

Definitions follow the reference scorer (Pradhan et al., "Scoring Coreference Partitions
of Predicted Mentions: A Reference Implementation", ACL 2014, scorer v8.01):

* **MUC** (Vilain et al. 1995), link based: recall = sum over key chains K of
  (|K| - |p(K)|) / sum of (|K| - 1), where p(K) is the partition of K by the response
  chains, a key mention missing from the response counting as its own part; precision
  swaps key and response. Singleton chains add nothing to either side.
* **B-cubed** (Bagga & Baldwin 1998), mention based: recall = sum over key chains K and
  response chains R of |K & R|^2 / |K|, divided by the number of key mentions;
  precision swaps the roles.
* **CEAF-e** (Luo 2005), entity based: the one-to-one alignment of key and response
  chains that maximises the sum of phi4(K, R) = 2 |K & R| / (|K| + |R|) (Kuhn-Munkres);
  recall divides that sum by the number of key chains, precision by the number of
  response chains.

A quotient with a zero denominator is 0, as in the reference scorer; an F1 with both
recall and precision 0 is 0. Chains are given as an iterable of mention collections;
mentions are any hashable values. Singletons are kept (the ECB+ convention of Barhom
et al. 2019 and most later work): pass ``drop_singletons=True`` to :func:`conll` for the
stricter figures of Cattan et al. 2021, which remove one-mention chains from both key and
response before scoring.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

Chains = list[frozenset[Hashable]]


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 2 * r * p / (r + p) if r + p > 0 else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "f1": round(self.f1, 4),
        }


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def chains_from(clusters: Iterable[Iterable[Hashable]]) -> Chains:
    """Chains as frozensets, empty ones dropped; a mention may sit in one chain only."""
    chains: Chains = []
    seen: set[Hashable] = set()
    for cluster in clusters:
        chain = frozenset(cluster)
        if not chain:
            continue
        if chain & seen:
            raise ValueError(
                f"mentions in more than one chain: {sorted(map(str, chain & seen))[:3]}"
            )
        seen |= chain
        chains.append(chain)
    return chains


def chains_of(assignment: dict[Hashable, Hashable]) -> Chains:
    """Chains from a mention -> cluster-id mapping."""
    groups: dict[Hashable, set[Hashable]] = {}
    for mention, cluster in assignment.items():
        groups.setdefault(cluster, set()).add(mention)
    return [frozenset(g) for g in groups.values()]


def _muc_side(key: Chains, response: Chains) -> float:
    where = {m: i for i, chain in enumerate(response) for m in chain}
    numerator = denominator = 0
    for chain in key:
        parts = {where.get(m, ("missing", m)) for m in chain}
        numerator += len(chain) - len(parts)
        denominator += len(chain) - 1
    return _div(numerator, denominator)


def muc(key: Chains, response: Chains) -> Score:
    return Score(_muc_side(key, response), _muc_side(response, key))


def _b3_side(key: Chains, response: Chains) -> float:
    where = {m: i for i, chain in enumerate(response) for m in chain}
    total = 0.0
    for chain in key:
        overlap: dict[int, int] = {}
        for m in chain:
            if m in where:
                overlap[where[m]] = overlap.get(where[m], 0) + 1
        total += sum(n * n for n in overlap.values()) / len(chain)
    return _div(total, sum(len(chain) for chain in key))


def b_cubed(key: Chains, response: Chains) -> Score:
    return Score(_b3_side(key, response), _b3_side(response, key))


def ceaf_e(key: Chains, response: Chains) -> Score:
    from scipy.optimize import linear_sum_assignment

    if not key or not response:
        return Score(0.0, 0.0)
    where = {m: j for j, chain in enumerate(response) for m in chain}
    # Only chains that share a mention have a non-zero similarity: fill those cells only.
    sim = np.zeros((len(key), len(response)))
    for i, chain in enumerate(key):
        counts: dict[int, int] = {}
        for m in chain:
            if m in where:
                counts[where[m]] = counts.get(where[m], 0) + 1
        for j, n in counts.items():
            sim[i, j] = 2 * n / (len(chain) + len(response[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    best = float(sim[rows, cols].sum())
    return Score(best / len(key), best / len(response))


def conll(
    key: Iterable[Iterable[Hashable]],
    response: Iterable[Iterable[Hashable]],
    drop_singletons: bool = False,
) -> dict[str, dict[str, float] | float]:
    """MUC, B-cubed, CEAF-e (recall, precision, F1) and the CoNLL F1, their mean F1."""
    k, r = chains_from(key), chains_from(response)
    if drop_singletons:
        k = [c for c in k if len(c) > 1]
        r = [c for c in r if len(c) > 1]
    scores = {"muc": muc(k, r), "b3": b_cubed(k, r), "ceafe": ceaf_e(k, r)}
    out: dict[str, dict[str, float] | float] = {name: s.as_dict() for name, s in scores.items()}
    out["conll_f1"] = round(sum(s.f1 for s in scores.values()) / 3, 4)
    return out
