"""Scores of a flat clustering against gold classes: B-cubed, ARI and V-measure.

Every item is in exactly one gold class and one predicted cluster (labels may be any
hashable values). Definitions, as the story benchmark uses them:

* **B-cubed** (Bagga & Baldwin 1998; Amigó et al. 2009): for each item, precision is the
  share of its predicted cluster that shares its gold class, recall the share of its gold
  class that shares its predicted cluster; both are averaged over items, and F1 is the
  harmonic mean of the two averages.
* **ARI** (Hubert & Arabie 1985): the Rand index over item pairs, corrected for chance
  with the permutation model; 1 for identical partitions, about 0 for random ones. When
  both partitions are trivial in the same way (the expected index equals its maximum)
  it is 1, as scikit-learn defines it.
* **V-measure** (Rosenberg & Hirschberg 2007): homogeneity ``1 - H(gold|pred) / H(gold)``
  (each cluster holds one class), completeness ``1 - H(pred|gold) / H(pred)`` (each
  class sits in one cluster), and their harmonic mean; an undefined ratio (zero entropy)
  counts as 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import comb


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class VMeasure:
    homogeneity: float
    completeness: float
    v: float


def contingency(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> np.ndarray:
    """Counts of items per (gold class, predicted cluster): classes x clusters."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predicted labels")
    if not gold:
        raise ValueError("no items to score")
    g = _codes(gold)
    p = _codes(pred)
    table = np.zeros((g.max() + 1, p.max() + 1), dtype=np.int64)
    np.add.at(table, (g, p), 1)
    return table


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(x, len(index)) for x in labels], dtype=np.int64)


def b_cubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> BCubed:
    table = contingency(gold, pred).astype(np.float64)
    n = table.sum()
    # Each of the n_ij items in cell (i, j) scores n_ij / |cluster j| and n_ij / |class i|.
    precision = float((table**2 / table.sum(axis=0, keepdims=True)).sum() / n)
    recall = float((table**2 / table.sum(axis=1, keepdims=True)).sum() / n)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)


def adjusted_rand(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    table = contingency(gold, pred)
    n = int(table.sum())
    pairs = float(comb(n, 2, exact=True))
    index = float(sum(comb(int(x), 2, exact=True) for x in table.ravel()))
    rows = float(sum(comb(int(x), 2, exact=True) for x in table.sum(axis=1)))
    cols = float(sum(comb(int(x), 2, exact=True) for x in table.sum(axis=0)))
    expected = rows * cols / pairs if pairs else 0.0
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def _conditional_entropy(table: np.ndarray) -> float:
    """H(rows | columns) of a contingency table."""
    n = table.sum()
    total = 0.0
    for col in table.T:
        if col.sum():
            total += col.sum() / n * _entropy(col)
    return total


def v_measure(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> VMeasure:
    table = contingency(gold, pred).astype(np.float64)
    h_gold = _entropy(table.sum(axis=1))
    h_pred = _entropy(table.sum(axis=0))
    homogeneity = 1.0 - _conditional_entropy(table) / h_gold if h_gold else 1.0
    completeness = 1.0 - _conditional_entropy(table.T) / h_pred if h_pred else 1.0
    total = homogeneity + completeness
    v = 2 * homogeneity * completeness / total if total else 0.0
    return VMeasure(homogeneity, completeness, v)


def scores(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, float]:
    """Every score at once, rounded to four places, plus the number of clusters."""
    b3 = b_cubed(gold, pred)
    vm = v_measure(gold, pred)
    return {
        "b3_precision": round(b3.precision, 4),
        "b3_recall": round(b3.recall, 4),
        "b3_f1": round(b3.f1, 4),
        "ari": round(adjusted_rand(gold, pred), 4),
        "homogeneity": round(float(vm.homogeneity), 4),
        "completeness": round(float(vm.completeness), 4),
        "v_measure": round(float(vm.v), 4),
        "clusters": len(set(pred)),
        "gold_clusters": len(set(gold)),
    }
