"""Story clustering on the scale benchmark's synthetic corpus, small enough for every run.

2,000 already-annotated articles from ``bench/story_generator.py`` (50 outlets, 100
articles a day for 20 days: storylines, hard negatives, wire copies), clustered with the
default parameters. Measured with the code of the commit that adds this file: B-cubed
precision 1.000, recall 0.830, F1 0.907; ARI 0.846; 723 stories found for 590 true.
Re-measured 2026-12-04 with the second stage that attaches small stories: precision
1.000, recall 0.869, F1 0.930; ARI 0.885; 687 stories found for 590 true.
The floors sit a little below; lower one only on purpose, in its own commit that says why.

Adding 10% of the articles the incremental way (``rashomon stories``: only the blocks the
new articles touch are re-clustered) gives exactly the one-shot stories when both runs
weigh terms with the same IDF, which is what the test pins. With the IDF of the 90%
alone it does not quite (3 of 723 stories differ for a random 10%, 11 for the newest
10%; with the attach stage, 3 and 8 of 687, measured 2026-12-04): the 90% were clustered under other term weights, and stories the new articles do
not touch keep that earlier result by design. BENCHMARKS.md ("Stories at scale") has
the figures at 10,000 and 100,000 articles.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

from bench.stories_scale_bench import add_incrementally  # noqa: E402
from bench.story_generator import Settings, adjusted_rand, b_cubed, generate_features  # noqa: E402
from rashomon.stories.cluster import (  # noqa: E402
    FeatureTable,
    Params,
    candidate_edges,
    cluster_all,
    cluster_rows,
)

SETTINGS = Settings(per_day=100, outlets=50)
FLOORS = {
    "f1": 0.91,  # measured 0.930
    "precision": 0.98,  # measured 1.000
}


@pytest.fixture(scope="module")
def corpus():
    return generate_features(2000, 0, SETTINGS)


@pytest.fixture(scope="module")
def one_shot(corpus):
    table = FeatureTable(corpus.features, Params())
    return table, cluster_all(table)


def _partition(table: FeatureTable, stories) -> set[frozenset[str]]:
    return {frozenset(table.ids[r] for r in rows) for rows in stories}


def test_stories_scale_generator_is_deterministic(corpus):
    again = generate_features(2000, 0, SETTINGS)
    assert [f.id for f in again.features] == [f.id for f in corpus.features]
    assert all(a.keys == b.keys for a, b in zip(again.features, corpus.features, strict=True))
    assert np.array_equal(again.story, corpus.story)


def test_stories_scale_quality_floor(corpus, one_shot):
    table, stories = one_shot
    story_of = {f.id: s for f, s in zip(corpus.features, corpus.story, strict=True)}
    truth = np.array([story_of[a] for a in table.ids])
    pred = np.empty(len(table), dtype=np.int64)
    for k, rows in enumerate(stories):
        pred[rows] = k
    score = b_cubed(truth, pred)
    assert score["f1"] >= FLOORS["f1"], score
    assert score["precision"] >= FLOORS["precision"], score


def test_stories_scale_shuffled_input_gives_the_same_stories(corpus, one_shot):
    table, stories = one_shot
    order = np.random.default_rng(1).permutation(len(corpus.features))
    shuffled = FeatureTable([corpus.features[k] for k in order], Params())
    assert _partition(shuffled, cluster_all(shuffled)) == _partition(table, stories)


def test_stories_scale_incremental_equals_one_shot_with_the_same_idf(one_shot):
    table, stories = one_shot
    late = np.random.default_rng(2).random(len(table)) < 0.1
    early = np.flatnonzero(~late)
    within = np.zeros(len(table), dtype=bool)
    within[early] = True
    members = {}
    for rows, block in cluster_rows(table, early, candidate_edges(table, early, within)):
        for r in rows:
            members[table.ids[r]] = ("s" + table.ids[int(rows.min())], table.ids[block])
    merged, stats = add_incrementally(table, members)
    assert stats["new_articles"] == int(late.sum())
    assert stats["reclustered_articles"] < len(table)  # only the touched blocks
    groups: dict[str, set[str]] = {}
    for article, (story, _) in merged.items():
        groups.setdefault(story, set()).add(article)
    assert {frozenset(g) for g in groups.values()} == _partition(table, stories)


def test_stories_scale_scores_match_the_reference_scorer():
    from bench.cluster_metrics import adjusted_rand as reference_ari
    from bench.cluster_metrics import b_cubed as reference_b3

    rng = np.random.default_rng(3)
    truth = rng.integers(0, 40, 500)
    pred = np.where(rng.random(500) < 0.7, truth, rng.integers(0, 60, 500))
    ours = b_cubed(truth, pred)
    ref = reference_b3(truth.tolist(), pred.tolist())
    assert ours["precision"] == pytest.approx(ref.precision)
    assert ours["recall"] == pytest.approx(ref.recall)
    assert ours["f1"] == pytest.approx(ref.f1)
    assert adjusted_rand(truth, pred) == pytest.approx(reference_ari(truth.tolist(), pred.tolist()))
