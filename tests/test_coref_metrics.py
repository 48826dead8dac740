"""The coreference scorers of ``bench/coref_metrics.py`` on small hand-computed examples."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

from bench.coref_metrics import b_cubed, ceaf_e, chains_from, chains_of, conll, muc  # noqa: E402


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-9)


# Pradhan et al. 2014, section 3: key {a b c} {d e f g}; response {a b} {c d} {f g h i}
# (h and i are predicted mentions absent from the key).
PRADHAN_KEY = chains_from(["abc", "defg"])
PRADHAN_RESPONSE = chains_from(["ab", "cd", "fghi"])


def test_coref_metrics_muc_pradhan_example() -> None:
    # recall ((3-2) + (4-3)) / (2 + 3); precision ((2-1) + (2-2) + (4-3)) / (1 + 1 + 3):
    # h and i are parts of their own when the response chain is split by the key.
    s = muc(PRADHAN_KEY, PRADHAN_RESPONSE)
    assert (s.recall, s.precision) == (approx(0.4), approx(0.4))


def test_coref_metrics_b_cubed_pradhan_example() -> None:
    # recall ((2^2 + 1^2) / 3 + (1^2 + 2^2) / 4) / 7 = 5/12; precision (2 + 1 + 1) / 8
    s = b_cubed(PRADHAN_KEY, PRADHAN_RESPONSE)
    assert (s.recall, s.precision) == (approx(5 / 12), approx(0.5))


def test_coref_metrics_ceaf_e_pradhan_example() -> None:
    # best alignment {abc}-{ab} (2*2/5 = 0.8) and {defg}-{fghi} (2*2/8 = 0.5): 1.3
    s = ceaf_e(PRADHAN_KEY, PRADHAN_RESPONSE)
    assert (s.recall, s.precision) == (approx(1.3 / 2), approx(1.3 / 3))


# Gold mentions with a key singleton: key {a b} {c} {d e f}; response {a b c} {d e} {f}.
KEY = ["ab", "c", "def"]
RESPONSE = ["abc", "de", "f"]


def test_coref_metrics_gold_mentions_with_singletons() -> None:
    out = conll(KEY, RESPONSE)
    # MUC: recall (1 + 0 + 1) / (1 + 0 + 2), precision (1 + 1 + 0) / (2 + 1 + 0)
    assert out["muc"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert out["muc"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    # B-cubed: recall (4/2 + 1/1 + (4 + 1)/3) / 6 = 7/9; precision symmetric here
    assert out["b3"]["recall"] == pytest.approx(7 / 9, abs=1e-4)
    assert out["b3"]["precision"] == pytest.approx(7 / 9, abs=1e-4)
    # CEAF-e: {ab}-{abc} 0.8 + {def}-{de} 0.8, {c} left with {f} (0): 1.6 over 3 and 3
    assert out["ceafe"]["f1"] == pytest.approx(1.6 / 3, abs=1e-4)
    assert out["conll_f1"] == pytest.approx((2 / 3 + 7 / 9 + 1.6 / 3) / 3, abs=1e-4)


def test_coref_metrics_drop_singletons() -> None:
    out = conll(KEY, RESPONSE, drop_singletons=True)
    # key {a b} {d e f}, response {a b c} {d e}: c and f become twinless mentions.
    assert out["muc"]["recall"] == pytest.approx(2 / 3, abs=1e-4)  # (1 + (3 - 2)) / (1 + 2)
    assert out["muc"]["precision"] == pytest.approx(2 / 3, abs=1e-4)  # ((3 - 2) + 1) / (2 + 1)
    assert out["b3"]["recall"] == pytest.approx(2 / 3, abs=1e-4)  # (4/2 + 4/3) / 5
    assert out["b3"]["precision"] == pytest.approx(2 / 3, abs=1e-4)  # (4/3 + 4/2) / 5
    assert out["ceafe"]["f1"] == pytest.approx(0.8, abs=1e-4)  # (0.8 + 0.8) / 2 both ways
    assert out["conll_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0.8) / 3, abs=1e-4)


def test_coref_metrics_perfect_response_scores_one() -> None:
    out = conll(KEY, list(reversed(KEY)))
    assert out["conll_f1"] == 1.0
    assert all(out[m]["f1"] == 1.0 for m in ("muc", "b3", "ceafe"))


def test_coref_metrics_all_singletons_response() -> None:
    key, response = chains_from(["abc"]), chains_from(["a", "b", "c"])
    m = muc(key, response)
    assert (m.recall, m.precision, m.f1) == (0.0, 0.0, 0.0)  # 0/2 and 0/0 (defined as 0)
    b = b_cubed(key, response)
    assert (b.recall, b.precision) == (approx(1 / 3), approx(1.0))
    c = ceaf_e(key, response)  # one key chain, best phi4 = 2*1/(3+1)
    assert (c.recall, c.precision) == (approx(0.5), approx(0.5 / 3))


def test_coref_metrics_one_big_response_chain() -> None:
    key, response = chains_from(["ab", "cd"]), chains_from(["abcd"])
    m = muc(key, response)  # recall (1 + 1) / 2; precision (4 - 2) / 3
    assert (m.recall, m.precision) == (approx(1.0), approx(2 / 3))
    b = b_cubed(key, response)  # precision (4 + 4) / 4 / 4
    assert (b.recall, b.precision) == (approx(1.0), approx(0.5))
    c = ceaf_e(key, response)  # phi4 = 2*2/6 for either key chain
    assert (c.recall, c.precision) == (approx(1 / 3), approx(2 / 3))


def test_coref_metrics_chains_of_assignment_and_overlap_error() -> None:
    chains = chains_of({"a": 1, "b": 1, "c": 2})
    assert sorted(sorted(c) for c in chains) == [["a", "b"], ["c"]]
    with pytest.raises(ValueError, match="more than one chain"):
        chains_from(["ab", "bc"])
