"""Quality gate for story clustering: two ECB+ dev topics, clustered with the defaults.

Topics 23 (two climbers' deaths) and 35 (two San Diego Chargers players arrested for
drunk driving): 42 documents, 4 stories, small enough to annotate and embed in about 20
seconds. Topic 35's two events are the pair the whole dev set merges (here, with fewer
documents to share vocabulary with, they stay apart; the precision floor would catch
them merging), and topic 23's stories are the ones it splits most. Documents are read
from ``../shared/bench-data/ecbplus`` and prepared by the benchmark's own code
(``bench/stories_bench.py``: annotation, entity resolution, features, MiniLM), clustered
with the packaged ``[stories]`` defaults, and scored with ``bench/cluster_metrics.py``,
so gate and benchmark cannot drift apart.
The test skips when the data, spaCy's model or the MiniLM packages are absent.

Measured with the code of the commit that adds this file: B-cubed F1 0.816 (P 1.000,
R 0.690), ARI 0.749, 10 clusters. Re-measured 2026-12-04 with the second stage that
attaches small stories (``attach_size``, ``attach_threshold``): B-cubed F1 0.915 (P 1.000,
R 0.843), ARI 0.886, 7 clusters. Floors sit a little below; lower one only on purpose,
in its own commit that says why.

A second gate clusters the whole dev split (197 documents, about 25 seconds) with the
setting for corpora of tight, undated events (``merge_ratio = 0.9``, ``rejoin_size = 7``),
the one that meets the issue's target: measured 2026-12-06, B-cubed F1 0.979 (P 1.000,
R 0.959), ARI 0.982, 20 clusters (``python -m bench stories --grid none``).
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, SHARED

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

ECB = SHARED / "bench-data" / "ecbplus" / "docs.jsonl"
TOPICS = (23, 35)

FLOORS = {
    "b3_f1": 0.89,  # measured 0.915
    "b3_precision": 0.98,  # measured 1.000: no two events merged
    "ari": 0.86,  # measured 0.886
}


TIGHT_FLOORS = {
    "b3_f1": 0.965,  # measured 0.979
    "b3_precision": 0.98,  # measured 1.000
    "ari": 0.96,  # measured 0.982
}


def _prepared(topics):
    if not ECB.is_file():
        pytest.skip(f"ECB+ not found at {ECB}")
    from rashomon import embed
    from rashomon.errors import MissingDependency

    if not embed.available():
        pytest.skip("MiniLM packages not installed")
    from bench.stories_bench import prepare

    try:
        return prepare("dev", limit_topics=topics)
    except MissingDependency as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def measured() -> dict:
    from bench.cluster_metrics import scores
    from bench.stories_bench import default_params, rashomon_labels

    split = _prepared(TOPICS)
    return scores(split.gold, rashomon_labels(split.features, default_params()))


@pytest.fixture(scope="module")
def measured_tight() -> dict:
    import dataclasses

    from bench.cluster_metrics import scores
    from bench.stories_bench import COHESION_RATIO, REJOIN_SIZE, default_params, rashomon_labels

    split = _prepared(None)
    params = dataclasses.replace(
        default_params(), merge_ratio=COHESION_RATIO, rejoin_size=REJOIN_SIZE
    )
    return scores(split.gold, rashomon_labels(split.features, params))


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_stories_gate_ecbplus_dev_topics(measured: dict, metric: str) -> None:
    assert measured[metric] >= FLOORS[metric], (metric, measured)


@pytest.mark.parametrize("metric", sorted(TIGHT_FLOORS))
def test_stories_gate_ecbplus_dev_tight_events(measured_tight: dict, metric: str) -> None:
    assert measured_tight[metric] >= TIGHT_FLOORS[metric], (metric, measured_tight)
