"""The annotation runner: versioned layers, idempotence, skips, bounded work."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from rashomon.annotate import Annotator, annotate, load
from rashomon.annotate.base import build, registered
from rashomon.annotate.serialize import dumps, loads
from rashomon.config import load_config
from rashomon.errors import ConfigError
from rashomon.ingest import ingest

BASIC = ["sentences", "entities", "times", "framing"]
TEXT = ("Mayor Ilse Varga said on Monday that the city would rebuild the old bridge by the end "
        "of June. Critics argue the plan may cost far more than the council expects.")


@pytest.fixture(scope="module")
def config():
    return load_config().with_overrides({"annotate": {"components": BASIC}})


def test_annotate_layers_record_their_component(tmp_path: Path, store, config) -> None:
    write(tmp_path / "in" / "a.md", f"---\npublished: 2026-05-05\n---\n{TEXT}")
    ingest([str(tmp_path / "in")], store)
    report = annotate(store, config)
    assert report.annotated == 1
    (article,) = store.articles()
    ann = load(store, article.id)
    assert ann.components == {"sentences": "sentences@2", "mentions": "entities@4",
                              "times": "times@1", "event_date": "times@1", "cues": "framing@1"}
    assert [article.text[s.start:s.end][:5] for s in ann.sentences] == ["Mayor", "Criti"]
    assert loads(dumps(ann)) == ann


def test_annotate_rerun_is_idempotent_and_force_redoes(tmp_path: Path, store, config) -> None:
    write(tmp_path / "in" / "a.txt", TEXT)
    ingest([str(tmp_path / "in")], store)
    assert annotate(store, config).annotated == 1
    again = annotate(store, config)
    assert (again.annotated, again.unchanged) == (0, 1)
    assert annotate(store, config, force=True).annotated == 1
    # A different pipeline (another component list) is a different signature: redone.
    other = config.with_overrides({"annotate": {"components": ["sentences", "entities"]}})
    assert annotate(store, other).annotated == 1


def test_annotate_skips_unsupported_language_with_reason(tmp_path: Path, store, config) -> None:
    write(tmp_path / "in" / "de.txt", "Der Bürgermeister sagte am Montag, dass die Stadt die alte "
          "Brücke bis Ende Juni wieder aufbauen werde. Kritiker meinen, der Plan werde teurer.")
    write(tmp_path / "in" / "en.txt", TEXT)
    ingest([str(tmp_path / "in")], store)
    report = annotate(store, config)
    assert (report.annotated, report.skipped) == (1, 1)
    (skip,) = store.skips("annotate")
    assert "language 'de'" in skip.reason


def test_annotate_bounds_long_and_unpunctuated_articles(tmp_path: Path, store) -> None:
    config = load_config().with_overrides(
        {"annotate": {"components": BASIC, "max_words": 3000, "max_paragraph_chars": 2000}})
    words = ("the council met again and talked about roads and money and the weather " * 700).split()
    write(tmp_path / "in" / "long.txt", " ".join(words))  # one 9,800-word paragraph, no full stop
    write(tmp_path / "in" / "caps.txt", TEXT.upper() + " " + "\u201c" * 3000)
    ingest([str(tmp_path / "in")], store)
    assert annotate(store, config).annotated == 2
    for article in store.articles():
        ann = load(store, article.id)
        assert all(s.end <= len(article.text) for s in ann.sentences)
        if article.meta["words"] > 3000:
            assert ann.notes == ["annotated the first 3000 words only"]
            assert ann.sentences[-1].end < len(article.text)


def test_annotate_unknown_or_misordered_components_fail_clearly() -> None:
    with pytest.raises(ConfigError, match="unknown annotation component 'nope'"):
        build(["nope"], {})
    with pytest.raises(ConfigError, match="needs sentences"):
        build(["framing"], {})
    assert {"sentences", "entities", "times", "framing"} <= set(registered())


def test_annotate_offsets_point_into_the_article(tmp_path: Path, store, config, seeds_dir) -> None:
    ingest([str(seeds_dir)], store)
    annotate(store, config)
    for article in store.articles():
        ann = load(store, article.id)
        for m in ann.mentions:
            assert article.text[m.start:m.end] == m.text
        for t in ann.times:
            assert article.text[t.start:t.end] == t.text
        for c in ann.cues:
            assert article.text[c.start:c.end] == c.text
        body = [(b.start, b.end) for b in article.blocks if b.kind == "body"]
        assert all(any(s <= m.start < e for s, e in body) for m in ann.mentions)


def test_annotator_signature_names_model_and_components(config) -> None:
    annotator = Annotator(config)
    assert any(p.startswith("en_core_web_sm") and "@3.8" in p for p in annotator.describe)
    assert "framing@1" in annotator.describe
