"""Quality gate for entity resolution: three ECB+ dev topics, gold mentions.

Topics 2 (the Oscars host announced), 23 (two climbers' deaths) and 35 (two Chargers players
arrested): 63 documents, 474 gold mentions in 113 chains. The mentions are read from
``../shared/bench-data/ecbplus`` and analysed by the benchmark's own code
(``bench/entities_bench.py``: spaCy parse, name cleaning, label vote), then resolved by
Rashomon's full system (the resolver for names, the head rule, pronouns and time words)
and by the resolver alone on the named mentions, so gate and benchmark cannot drift
apart. The same-head-word baseline is scored beside it: the full system must beat it.
The test skips when the data or spaCy's model are absent.

Measured with the code of the commit that adds this file: full system CoNLL F1 0.716
(head-lemma baseline 0.682); resolver alone on the 193 named mentions 0.847, B-cubed
precision 0.985. Floors sit a little below; lower one only on purpose, in its own commit
that says why.

The best system of the benchmark (``best_system``: the full system inside stories that
Rashomon's story clustering predicts for these 63 documents, person nouns as pronoun
antecedents, clusters merged by MiniLM context) measured 0.719 on 2026-12-04 (full system
0.716 in the same run): these three topics gain little from it (topic 23's stories are the
ones the clusterer splits); on all dev topics it is 0.735 against 0.711. With story roles
and it/they (role nouns joined to the one person a story's articles give the role, it/they
to things) it measured 0.726 on 2026-12-06 (the role links come from ``analyse_english``).
It needs the MiniLM packages and is skipped without them.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, SHARED

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

ECB = SHARED / "bench-data" / "ecbplus" / "docs.jsonl"
TOPICS = (2, 23, 35)

FLOORS = {
    "full_conll_f1": 0.70,  # measured 0.716
    "named_conll_f1": 0.83,  # measured 0.847
    "named_b3_precision": 0.96,  # measured 0.985: different people kept apart
    "best_conll_f1": 0.72,  # measured 0.726 (2026-12-06; 0.719 before story roles, it/they)
}


@pytest.fixture(scope="module")
def measured() -> dict:
    if not ECB.is_file():
        pytest.skip(f"ECB+ not found at {ECB}")
    from rashomon.annotate import nlp as nlp_loader
    from rashomon.errors import MissingDependency

    from bench import entities_bench as eb

    try:
        nlp = nlp_loader.load("en_core_web_sm")
    except MissingDependency as exc:
        pytest.skip(str(exc))
    docs, mentions = eb.load_ecbplus(TOPICS)
    roles = eb.analyse_english(docs, mentions, nlp, eb.ECB_LABEL)
    eb.vote_labels(mentions, eb.ECB_LABEL)
    named = [m for m in mentions if m.name]
    full = eb.score(mentions, eb.rashomon(mentions, name_heads=True, pronouns=True,
                                          time_words=True))
    alone = eb.score(named, eb.resolver_clusters(mentions))
    out = {}
    from rashomon import embed

    if embed.available():  # stories and context vectors need MiniLM
        ds = sorted(docs.values(), key=lambda d: d["doc_id"])
        stories, _ = eb.predict_stories(ds, [d["subtopic"] for d in ds])
        vectors = eb.context_vectors(docs, mentions)
        out["best_conll_f1"] = eb.score(
            mentions, eb.best_system(mentions, vectors, stories, roles=roles)
        )["conll_f1"]
    return {
        **out,
        "mentions": len(mentions),
        "full_conll_f1": full["conll_f1"],
        "baseline_conll_f1": eb.score(mentions, eb.head_rule(mentions))["conll_f1"],
        "named_conll_f1": alone["conll_f1"],
        "named_b3_precision": alone["b3"]["precision"],
    }


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_entities_gate_ecbplus_dev_topics(measured: dict, metric: str) -> None:
    if metric not in measured:
        pytest.skip(f"{metric} needs the MiniLM packages")
    assert measured[metric] >= FLOORS[metric], (metric, measured)


def test_entities_gate_beats_the_head_lemma_baseline(measured: dict) -> None:
    assert measured["full_conll_f1"] > measured["baseline_conll_f1"], measured
