"""Quality gate: quantity extraction on a fixed subset of NewsQuant, with pinned floors.

The subset is the first 120 sentences by id (ids 0-238) of
``../shared/bench-data/newsquant/newsquant_dev.jsonl``, scored as the CQE paper's
evaluation script does (see ``bench/quantities_bench.py``). Measured with

    .venv/bin/python -m pytest tests/test_quality_gate_quantities.py -q

on 2026-12-04 (after "from X to Y" pairs): value F1 97.5, value+unit F1 91.0,
value+change F1 86.1 (121 gold, 123 predicted; on 2026-11-23 it was 96.3, 89.8, 85.7 with
124 predicted). The floors sit a little below, about one gold quantity (0.8 point) under
each figure; lower one only on purpose, in its own commit saying why.
"""

from __future__ import annotations

import importlib
import sys

import pytest
from conftest import ROOT

FLOORS = {"value": 96.5, "value+unit": 90.0, "value+change": 85.0}
SUBSET = 120


@pytest.fixture(scope="module")
def scores() -> dict:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root
    bench = importlib.import_module("bench.quantities_bench")
    if not bench.NEWSQUANT.is_file():
        pytest.skip(f"NewsQuant not found at {bench.NEWSQUANT}")
    from rashomon.annotate import nlp as nlp_loader
    from rashomon.errors import MissingDependency

    try:
        nlp = nlp_loader.load()
    except MissingDependency as exc:
        pytest.skip(str(exc))
    rows = sorted(bench.load(), key=lambda r: r["id"])[:SUBSET]
    predictions, _ = bench.rashomon_predict(rows, nlp)
    return bench.score_cqe([bench.gold(r) for r in rows], predictions)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_quality_gate_quantities_newsquant(scores: dict, metric: str) -> None:
    assert scores[metric]["F1"] >= FLOORS[metric], scores
