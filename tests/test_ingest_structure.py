"""Structure of plain text: headline, subheads, captions, boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.ingest import ingest
from rashomon.ingest.structure import (
    classify,
    heading_like,
    split_markdown,
    split_plain,
    strip_dateline,
)

# Expected non-body paragraphs of each seed, by paragraph index (the seed text itself is
# not copied here; see ../shared/corpus/README.md for what each file holds).
SEED_STRUCTURE = {
    "000_344e6aa4a6bda80e.txt": {2: "headline", 6: "boilerplate", 7: "subhead", 13: "boilerplate"},
    "001_58537a9fbf26f386.txt": {0: "caption", 9: "subhead", 16: "subhead", 22: "boilerplate"},
    "002_2af6b7dbbbeadec1.txt": {},
}


@pytest.mark.parametrize("name", sorted(SEED_STRUCTURE))
def test_structure_seeds_marked(seeds_dir: Path, name: str) -> None:
    paragraphs = classify(split_plain((seeds_dir / name).read_text("utf-8")))
    marked = {i: p.kind for i, p in enumerate(paragraphs) if p.kind != "body"}
    assert marked == SEED_STRUCTURE[name]


def test_structure_seed_boilerplate_lines_are_the_link_and_source_lines(seeds_dir: Path) -> None:
    for name in SEED_STRUCTURE:
        paragraphs = classify(split_plain((seeds_dir / name).read_text("utf-8")))
        for p in paragraphs:
            starts = p.text.startswith(("Read Also:", "Related Article:", "Source:"))
            assert starts == (p.kind == "boilerplate"), p.text[:40]


def test_structure_seeds_ingested_body_excludes_marked_lines(seeds_dir: Path, store) -> None:
    ingest([str(seeds_dir)], store)
    articles = list(store.articles())
    assert len(articles) == 3
    for article in articles:
        assert "Read Also:" not in article.body
        assert "Source: " not in article.body
        assert article.outlet is None  # the seeds carry no outlet evidence: unknown, not guessed
        assert article.language == "en"
    titled = [a for a in articles if a.meta.get("title_from") == "headline"]
    assert len(titled) == 1


@pytest.mark.parametrize(
    ("lines", "kinds"),
    [
        (["Storm Hits Coast", "The storm hit the coast on Monday, officials said, and "
          "thousands of homes lost power across the region overnight."], ["headline", "body"]),
        (["By Jane Doe", "A long first paragraph of the article goes here, with enough words to "
          "count as body text for the classifier."], ["byline", "body"]),
        (["Rescue workers search the rubble in the old town (left) on Tuesday (Photo: Reuters)",
          "Rescuers searched the rubble on Tuesday after the quake struck the region and "
          "flattened dozens of buildings."], ["caption", "body"]),
        (["Subscribe to our newsletter", "Share this article", "Advertisement",
          "(Reporting by John Roe; Editing by Ann Poe)", "© 2026 Example News"],
         ["boilerplate"] * 5),
        (["Sources close to the ministry said the plan would be dropped before the vote."],
         ["body"]),
    ],
)
def test_structure_rules(lines: list[str], kinds: list[str]) -> None:
    paragraphs = classify(split_plain("\n".join(lines)))
    assert [p.kind for p in paragraphs] == kinds


def test_structure_title_from_metadata_marks_repeated_headline() -> None:
    paragraphs = classify(split_plain("Dam Gives Way\n\nThe dam gave way on Monday morning."),
                          title="Dam gives way")
    assert [p.kind for p in paragraphs] == ["headline", "body"]


def test_structure_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The committee met on Tuesday to discuss the budget for the coming year and\n"
        "agreed, after a long debate that ran late into the evening, to delay the vote\n"
        "until the finance ministry had published its own forecasts for the economy.\n"
    )
    assert len(split_plain(wrapped)) == 1
    assert len(split_plain("Short Headline Here\nA first paragraph that is long enough to be "
                           "a paragraph on its own and is not wrapped at all by anyone.")) == 2


def test_structure_markdown_headings_images_and_links() -> None:
    md = ("# The Headline\n\n![Crowds at the square](a.jpg)\n\nText with a [link](http://x) "
          "and **bold** words.\n\n## A Subhead\n\n- a list item that is a paragraph")
    paragraphs = classify(split_markdown(md))
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("headline", "The Headline"),
        ("caption", "Crowds at the square"),
        ("body", "Text with a link and bold words."),
        ("subhead", "A Subhead"),
        ("body", "a list item that is a paragraph"),
    ]


def test_structure_heading_like() -> None:
    assert heading_like("Doubts about continued support")
    assert not heading_like("He said so.")
    assert not heading_like("\u201cWe will win\u201d")
    assert not heading_like("lowercase start")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, Ukraine (AP) \u2014 Russia fired missiles.", "Russia fired missiles."),
        ("PARIS, Feb 26 (Reuters) - Macron said no.", "Macron said no."),
        ("NEW YORK (AP) \u2014 Stocks fell.", "Stocks fell."),
        ("HARWICK, Estland, May 3 (Coastal Wire) - The dam held.", "The dam held."),
        ("WASHINGTON \u2014 \u201cWe will,\u201d she said.", "\u201cWe will,\u201d she said."),
        # A dateline a sentence splitter cut off on its own.
        ("NEREVO, April 14 (Meridian Wire) -", ""),
        # Not datelines: an acronym in a sentence, dashes inside a sentence.
        ("NATO \u2014 the biggest alliance \u2014 said no.", None),
        ("NATO said - on Monday - that it would.", None),
        ("US officials - who asked not to be named - said so.", None),
        ("The dam held.", None),
    ],
)
def test_strip_dateline(text: str, expected: str | None) -> None:
    assert strip_dateline(text) == (text if expected is None else expected)


def test_a_lead_title_leaves_out_the_dateline() -> None:
    from rashomon.ingest.extract import lead_title

    body = "PARIS, Feb 26 (Reuters) - Macron would not rule it out. He said more.\n\nNext."
    assert lead_title(body) == "Macron would not rule it out."
