"""Dates resolved against the publication date; "may" is never a month."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLE, TRUTH

from rashomon.annotate import annotate, load
from rashomon.annotate.times import resolve
from rashomon.config import load_config
from rashomon.ingest import ingest

MONDAY = date(2024, 2, 26)


@pytest.mark.parametrize(
    ("text", "future", "value", "granularity"),
    [
        ("on Monday", False, "2024-02-26", "day"),
        ("on Sunday", False, "2024-02-25", "day"),
        ("on Tuesday", True, "2024-02-27", "day"),
        ("last Monday", False, "2024-02-19", "day"),
        ("yesterday", False, "2024-02-25", "day"),
        ("last month", False, "2024-01", "month"),
        ("this year", False, "2024", "year"),
        ("next week", False, "2024-W10", "week"),
        ("three years ago", False, "2021", "year"),
        ("26 February 2024", False, "2024-02-26", "day"),
        ("February 26", False, "2024-02-26", "day"),
        ("by the end of June", False, "2024-06-30", "day"),
        ("in May", False, "2024-05", "month"),
        ("in the 1990s", False, "1990s", "decade"),
        ("in 1968", False, "1968", "year"),
    ],
)
def test_times_resolve(text, future, value, granularity) -> None:
    assert resolve(text, MONDAY, future)[:2] == (value, granularity)


def test_times_no_anchor_no_guess() -> None:
    assert resolve("on Monday", None)[0] is None
    assert resolve("26 February 2024", None)[0] == "2024-02-26"
    assert resolve("it may rain", MONDAY)[0] is None


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from rashomon.store import open_store

    store = open_store(str(tmp_path_factory.mktemp("times") / "t.db"))
    ingest([str(EXAMPLE)], store)
    annotate(store, load_config().with_overrides(
        {"annotate": {"components": ["sentences", "entities", "times"]}}))
    by_file = {}
    for a in store.articles():
        rel = str(Path(a.path).resolve().relative_to(EXAMPLE.resolve()))
        if a.locator.startswith("entry "):
            rel += "#" + a.locator.removeprefix("entry ")
        by_file[rel] = (a, load(store, a.id))
    store.close()
    return json.loads(TRUTH.read_text("utf-8")), by_file


def _hits(article, ann, text):
    """Time expressions overlapping ``text`` in a body paragraph; None if only elsewhere."""
    for block in article.body_blocks:
        at = article.text.find(text, block.start, block.end)
        if at >= 0:
            return [t for t in ann.times if t.start < at + len(text) and t.end > at]
    return None  # in a byline, dateline or subhead: not the article's own text


def test_times_example_corpus_dates_resolve(example) -> None:
    truth, by_file = example
    missed = []
    checked = 0
    for want in truth["dates"]:
        article, ann = by_file[want["file"]]
        hits = _hits(article, ann, want["text"])
        if hits is None:
            continue
        checked += 1
        if want["resolves_to"] not in [t.value for t in hits]:
            missed.append((want["text"], want["resolves_to"], [(t.text, t.value) for t in hits]))
    assert checked >= 40
    assert not missed


def test_times_example_modal_may_is_not_a_date(example) -> None:
    truth, by_file = example
    for want in truth["not_dates"]:
        article, ann = by_file[want["file"]]
        assert _hits(article, ann, want["text"]) == [], want["text"]


def test_times_example_event_dates(example) -> None:
    truth, by_file = example
    stories = truth["stories"]
    for want in truth["articles"]:
        _, ann = by_file[want["file"]]
        assert ann.event_date == stories[want["story"]]["date"], want["file"]
