"""Quality gate for quotes: a fixed slice of PolNeAR dev, scored as the benchmark does.

The slice is the first 25 dev articles by ``doc_id`` (about 620 attributions), read from
``../shared/bench-data/polnear`` at run time; the test skips when it is absent. The
scorer is the benchmark's own (``bench/quotes_bench.py``), so the gate and the
published figures cannot drift apart. Floors sit a little below the measured values;
lower one only on purpose, in its own commit that says why.

Measured with ``python -m bench.quotes_bench --split dev --limit 25 --no-baseline``.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT, SHARED

POLNEAR = SHARED / "bench-data" / "polnear" / "docs.jsonl"

# (gold set, metric) -> floor on F1 (accuracy for the speaker); measured value in comment.
FLOORS = {
    ("speech", "source_exact"): 0.82,  # measured 0.842
    ("speech", "source_overlap"): 0.84,  # 0.858
    ("speech", "cue_overlap"): 0.82,  # 0.843
    ("speech", "content_overlap"): 0.88,  # 0.898
    ("speech", "content_exact"): 0.62,  # 0.647
    ("speech", "speaker_accuracy"): 0.91,  # 0.936
    ("all", "source_exact"): 0.61,  # 0.632
    ("all", "content_overlap"): 0.71,  # 0.728
}


def _bench():
    """bench/quotes_bench.py, loaded from the repository (bench is not installed)."""
    name = "rashomon_bench_quotes"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "quotes_bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> dict:
    if not POLNEAR.is_file():
        pytest.skip(f"PolNeAR not found at {POLNEAR}")
    bench = _bench()
    docs = bench.load_docs("dev", 25, POLNEAR)
    predictions = bench.rashomon_predict(docs)
    return {"all": bench.score(docs, predictions), "speech": bench.score(docs, predictions, True)}


@pytest.mark.parametrize(("subset", "metric"), sorted(FLOORS))
def test_quality_gate_quotes(scores: dict, subset: str, metric: str) -> None:
    value = scores[subset][metric]
    if isinstance(value, dict):
        value = value["f1"]
    assert value >= FLOORS[(subset, metric)], (subset, metric, value, scores[subset])
