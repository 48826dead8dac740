"""The bundled example corpus, ingested, matches its known answers (examples/truth.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLE, TRUTH

from rashomon.ingest import ingest
from rashomon.model import Article

# The truth file lists bylines and datelines among the boilerplate lines: all are marked
# as not the article's own text, with finer kinds here.
NOT_BODY = {"boilerplate", "byline", "dateline"}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, Article]]:
    from rashomon.store import open_store

    truth = json.loads(TRUTH.read_text("utf-8"))
    store = open_store(str(tmp_path_factory.mktemp("example") / "ex.db"))
    report = ingest([str(EXAMPLE)], store)
    assert report.skipped == 0, store.skips()
    by_file: dict[str, Article] = {}
    for article in store.articles():
        rel = str(Path(article.path).resolve().relative_to(EXAMPLE.resolve()))
        if article.locator.startswith("entry "):
            rel += "#" + article.locator.removeprefix("entry ")
        by_file[rel] = article
    store.close()
    return truth, by_file


def _cases() -> list[str]:
    return [a["file"] for a in json.loads(TRUTH.read_text("utf-8"))["articles"]]


def test_example_every_article_ingested_once(ingested) -> None:
    truth, by_file = ingested
    assert sorted(by_file) == sorted(a["file"] for a in truth["articles"])


@pytest.mark.parametrize("file", _cases())
def test_example_metadata(ingested, file: str) -> None:
    truth, by_file = ingested
    want = next(a for a in truth["articles"] if a["file"] == file)
    got = by_file[file]
    assert got.outlet == want["outlet"]
    assert got.title == want["title"]
    assert got.language == "en"
    assert got.published == want["published"]  # with its time and zone, in every format
    if want.get("url"):
        assert got.url == want["url"]


@pytest.mark.parametrize("file", _cases())
def test_example_structure(ingested, file: str) -> None:
    truth, by_file = ingested
    want = next(a for a in truth["articles"] if a["file"] == file)
    got = by_file[file]
    kinds = {got.block_text(b): b.kind for b in got.blocks}
    for line in want["subheads"]:
        assert kinds.get(line) == "subhead", line
    for line in want["captions"]:
        assert kinds.get(line) == "caption", line
    for line in want["boilerplate"]:
        if want["format"] == "html" and line not in got.text:
            continue  # page furniture the HTML extractor already dropped (the byline: to metadata)
        assert kinds.get(line) in NOT_BODY, line
    if want["headline_in_body"]:
        assert kinds.get(want["headline_in_body"]) == "headline"
    for line in want.get("page_chrome", []):
        assert line not in got.text, line
    marked = {line for line, kind in kinds.items() if kind != "body"}
    expected = set(want["subheads"]) | set(want["captions"])
    expected |= {line for line in want["boilerplate"] if line in got.text}
    expected |= {want["headline_in_body"]} if want["headline_in_body"] else set()
    assert marked == expected, "unexpected lines taken out of the body"


def test_example_wire_copy_linked_to_original(ingested) -> None:
    truth, by_file = ingested
    for want in truth["articles"]:
        got = by_file[want["file"]]
        if want["duplicate_of"]:
            assert got.duplicate_of == by_file[want["duplicate_of"]].id
            assert got.duplicate_kind == "near"
        else:
            assert got.duplicate_of is None, want["file"]


def test_example_sources_file_describes_outlets(tmp_path: Path) -> None:
    from rashomon.store import open_store

    store = open_store(str(tmp_path / "o.db"))
    ingest([str(EXAMPLE)], store)
    outlets = {o.name: o for o in store.outlets()}
    store.close()
    assert len(outlets) == 4
    assert [n for n, o in outlets.items() if o.state_affiliated] == ["Voice of Veldera"]
