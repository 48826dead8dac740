"""The clustering scores of ``bench/cluster_metrics.py`` on small hand-computed examples."""

from __future__ import annotations

import math
import sys

import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

from bench.cluster_metrics import (  # noqa: E402
    adjusted_rand,
    b_cubed,
    contingency,
    scores,
    v_measure,
)


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-9)


# Five items: gold {a a a} {b b}; predicted {1 1} {2 2 2} with the third "a" with the "b"s.
GOLD = ["a", "a", "a", "b", "b"]
PRED = [1, 1, 2, 2, 2]


def test_cluster_metrics_contingency_counts_classes_by_clusters() -> None:
    assert contingency(GOLD, PRED).tolist() == [[2, 1], [0, 2]]


def test_cluster_metrics_b_cubed_hand_example() -> None:
    # precision: the two items of cluster 1 score 2/2; the a in cluster 2 scores 1/3 and
    # each b 2/3: (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15.
    # recall: the a's in cluster 1 score 2/3 each, the third a 1/3, each b 2/2:
    # (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15.
    s = b_cubed(GOLD, PRED)
    assert (s.precision, s.recall, s.f1) == (approx(11 / 15), approx(11 / 15), approx(11 / 15))


def test_cluster_metrics_b_cubed_all_in_one_and_all_apart() -> None:
    # One cluster: precision (3 * 3/5 + 2 * 2/5) / 5 = 13/25, recall 1.
    one = b_cubed(GOLD, [0] * 5)
    assert (one.precision, one.recall) == (approx(13 / 25), approx(1.0))
    assert one.f1 == approx(2 * 13 / 25 / (13 / 25 + 1))
    # Singletons: precision 1, recall (3 * 1/3 + 2 * 1/2) / 5 = 2/5.
    apart = b_cubed(GOLD, list(range(5)))
    assert (apart.precision, apart.recall) == (approx(1.0), approx(2 / 5))


def test_cluster_metrics_adjusted_rand_hand_example() -> None:
    # Pairs: C(5, 2) = 10. Cells 2, 1, 0, 2 -> index 1 + 0 + 0 + 1 = 2; classes (3, 2)
    # -> 3 + 1 = 4; clusters (2, 3) -> 1 + 3 = 4; expected 4 * 4 / 10 = 1.6; max 4.
    # ARI = (2 - 1.6) / (4 - 1.6) = 1/6.
    assert adjusted_rand(GOLD, PRED) == approx(1 / 6)


def test_cluster_metrics_adjusted_rand_perfect_any_labels_and_trivial() -> None:
    assert adjusted_rand(GOLD, ["x", "x", "x", "y", "y"]) == approx(1.0)
    # Both partitions one cluster: expected equals maximum, defined as 1.
    assert adjusted_rand(["a"] * 4, [7] * 4) == approx(1.0)
    # Gold two classes of two, prediction crossing them exactly: index 0, expected
    # (2 * 2) / 6 = 2/3, max 2 -> (0 - 2/3) / (2 - 2/3) = -1/2.
    assert adjusted_rand(["a", "a", "b", "b"], [1, 2, 1, 2]) == approx(-0.5)


def test_cluster_metrics_v_measure_hand_example() -> None:
    # H(gold) = H(3/5, 2/5); H(gold | pred) = 3/5 * H(1/3, 2/3) (cluster 1 is pure).
    # H(pred) = H(2/5, 3/5); H(pred | gold) = 3/5 * H(2/3, 1/3) (class b is whole).
    def h(*p: float) -> float:
        return -sum(x * math.log(x) for x in p if x)

    homogeneity = 1 - (3 / 5 * h(1 / 3, 2 / 3)) / h(3 / 5, 2 / 5)
    completeness = 1 - (3 / 5 * h(2 / 3, 1 / 3)) / h(2 / 5, 3 / 5)
    v = v_measure(GOLD, PRED)
    assert (v.homogeneity, v.completeness) == (approx(homogeneity), approx(completeness))
    assert v.v == approx(2 * homogeneity * completeness / (homogeneity + completeness))


def test_cluster_metrics_v_measure_extremes() -> None:
    # Singletons are perfectly homogeneous; one cluster is perfectly complete.
    assert v_measure(GOLD, list(range(5))).homogeneity == approx(1.0)
    assert v_measure(GOLD, [0] * 5).completeness == approx(1.0)
    assert v_measure(GOLD, [0] * 5).homogeneity == approx(0.0)
    assert v_measure(GOLD, GOLD).v == approx(1.0)


def test_cluster_metrics_scores_perfect_and_counts() -> None:
    s = scores(GOLD, ["p", "p", "p", "q", "q"])
    assert s["b3_f1"] == 1.0 and s["ari"] == 1.0 and s["v_measure"] == 1.0
    assert (s["clusters"], s["gold_clusters"]) == (2, 2)


def test_cluster_metrics_bad_input() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 3"):
        b_cubed(["a", "b"], [1, 2, 3])
    with pytest.raises(ValueError, match="no items"):
        b_cubed([], [])
