"""Framing cues: hedges, vague and anonymous attribution, loaded words."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLE, TRUTH

from rashomon.annotate import annotate, load
from rashomon.annotate.framing import lexicon
from rashomon.config import load_config
from rashomon.ingest import ingest

COMPONENTS = ["sentences", "entities", "framing"]


def _annotated(store, tmp_path: Path, text: str):
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "a.txt").write_text(text)
    ingest([str(tmp_path / "in")], store)
    annotate(store, load_config().with_overrides({"annotate": {"components": COMPONENTS}}))
    (article,) = store.articles()
    return article, load(store, article.id)


def test_framing_cues_in_written_sentences(tmp_path: Path, store) -> None:
    article, ann = _annotated(store, tmp_path, (
        "The minister may resign next week, according to some reports. "
        "Critics argue the plan was reckless. "
        "A senior official, who requested anonymity, said the talks had failed. "
        "The ministry said the bridge would reopen in May."))
    kinds = {(c.kind, c.text.lower()) for c in ann.cues}
    assert ("hedge", "may") in kinds
    assert ("vague_attribution", "critics") in kinds
    assert ("loaded", "reckless") in kinds
    assert any(k == "anonymous_source" and "anonymity" in t for k, t in kinds)
    assert any(k == "vague_attribution" and "according to some reports" in t for k, t in kinds)
    hedged = [s.hedged for s in ann.sentences]
    assert hedged == [True, False, False, False]  # "in May" is a month, not a hedge


def test_framing_named_groups_are_not_vague(tmp_path: Path, store) -> None:
    _, ann = _annotated(store, tmp_path, "Kremlin officials said on Friday that the talks would continue next week.")
    assert not [c for c in ann.cues if c.kind == "vague_attribution"]


def test_framing_lexicons_load_with_categories() -> None:
    loaded = lexicon("loaded")
    assert loaded["regime"] == "labels" and loaded["reckless"] == "evaluative"
    assert lexicon("hedges")["may"] == "modal"


def test_framing_slanted_outlet_stands_out_in_example(tmp_path: Path) -> None:
    from rashomon.store import open_store

    truth = json.loads(TRUTH.read_text("utf-8"))
    store = open_store(str(tmp_path / "f.db"))
    ingest([str(EXAMPLE)], store)
    annotate(store, load_config().with_overrides({"annotate": {"components": COMPONENTS}}))
    per_outlet: dict[str, list[int]] = {}
    texts: dict[str, tuple] = {}
    for article in store.articles():
        ann = load(store, article.id)
        words = article.meta["words"]
        per_outlet.setdefault(article.outlet, []).append(1000 * len(ann.cues) / words)
        rel = str(Path(article.path).resolve().relative_to(EXAMPLE.resolve()))
        if article.locator.startswith("entry "):
            rel += "#" + article.locator.removeprefix("entry ")
        texts[rel] = (article, ann)
    store.close()
    rate = {o: sum(v) / len(v) for o, v in per_outlet.items()}
    slanted = truth["framing"]["slanted_outlet"]
    assert rate[slanted] == max(rate.values())
    assert rate[slanted] > 2 * sorted(rate.values())[-2]
    found = total = 0
    for key, kinds in (("hedges", {"hedge"}), ("anonymous_sources", {"anonymous_source"}),
                       ("vague_attribution", {"vague_attribution", "anonymous_source"}),
                       ("loaded_words", {"loaded"})):
        for want in truth["framing"][key]:
            article, ann = texts[want["file"]]
            at = article.text.find(want["text"])
            total += 1
            found += any(c.start < at + len(want["text"]) and c.end > at and c.kind in kinds
                         for c in ann.cues)
    # Measured 23 of 25 on 2026-11-23 (pytest tests/test_annotate_framing.py).
    assert found / total >= 0.9
