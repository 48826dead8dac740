"""Quotes: direct, partial and reported speech, each given to the right speaker."""

from __future__ import annotations

import difflib
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import EXAMPLE, TRUTH

from rashomon.annotate import Annotator, annotate, load
from rashomon.annotate.quotes import find_quotes
from rashomon.config import load_config
from rashomon.ingest import ingest
from rashomon.model import Annotations, Article, Block, Quote

COMPONENTS = {"annotate": {"components": ["sentences", "entities", "quotes"]}}


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(load_config().with_overrides(COMPONENTS))


def _article(text: str, ident: str = "t") -> Article:
    """One body paragraph per line."""
    blocks = [Block(m.start(), m.end(), "body") for m in re.finditer(r"[^\n]+", text)]
    return Article(id=ident, text=text, blocks=blocks, content_hash=ident, language="en")


def _annotate(annotator: Annotator, text: str) -> Annotations:
    result = next(annotator.annotate([_article(text)]))
    assert isinstance(result, Annotations)
    return result


def _quoted(text: str) -> list[str]:
    spans = [(m.start(), m.end(), i) for i, m in enumerate(re.finditer(r"[^\n]+", text))]
    return [text[a:b] for a, b in find_quotes(text, spans)]


# --- quote marks ---------------------------------------------------------------------------


def test_quotes_marks_straight_curly_and_single() -> None:
    text = ('He said "we will win" and then “they will lose” before ‘it ends’ and '
            "'the end' came.")
    assert _quoted(text) == ['"we will win"', "“they will lose”", "‘it ends’", "'the end'"]


def test_quotes_apostrophes_are_not_quote_marks() -> None:
    text = ("It's Russia's plan since the '90s, the leaders' summit said, and Kyiv’s "
            "allies’ aid in the ’90s rock'n'roll era.")
    assert _quoted(text) == []


def test_quotes_unbalanced_mark_recovers_at_the_next_paragraph() -> None:
    text = ('A stray closing mark after conclusions." Nothing opens here.\n'
            'A stray "opening mark that never closes.\n'
            'Then "a real quote" follows.')
    assert _quoted(text) == ['"a real quote"']


def test_quotes_quote_runs_over_paragraphs() -> None:
    # The convention: an unclosed paragraph continues when the next opens with a mark.
    text = '"First part of the speech.\n"Second part," she said.\nAfter.'
    found = _quoted(text)
    assert len(found) == 1 and found[0].startswith('"First') and found[0].endswith('part,"')


def test_quotes_direct_reported_and_partial_kinds(annotator: Annotator) -> None:
    ann = _annotate(annotator, (
        "Maria Kovac, the mayor, spoke on Monday.\n"
        "“We will rebuild the bridge by summer,” Kovac said.\n"
        "She added that the work would cost about 4 million euros.\n"
        "Critics argue that the plan is too ambitious, calling it “a fantasy”."))
    by_text = {q.text: q for q in ann.quotes}
    direct = by_text["We will rebuild the bridge by summer"]
    assert (direct.kind, direct.cue, direct.speaker, direct.resolved_by) == (
        "direct", "said", "Maria Kovac", "named")
    reported = next(q for q in ann.quotes if q.text.startswith("the work would cost"))
    assert (reported.kind, reported.speaker_text, reported.speaker, reported.resolved_by) == (
        "reported", "She", "Maria Kovac", "pronoun")
    vague = next(q for q in ann.quotes if q.text.startswith("the plan is too"))
    assert vague.vague and vague.speaker is None and vague.resolved_by == "vague"
    partial = by_text["a fantasy"]
    assert partial.kind == "partial" and partial.vague


def test_quotes_roles_and_surnames_resolve_to_full_names(annotator: Annotator) -> None:
    ann = _annotate(annotator, (
        "Infrastructure Minister Radomir Zhelezov visited the dam on Monday.\n"
        "Rescue teams worked through the night.\n"
        "The minister said that an independent commission would investigate.\n"
        "Poland's President Andrzej Duda arrived later.\n"
        "Poland's president said the talks were difficult.\n"
        'Duda told reporters: "We need ammunition now."'))
    got = {q.text: (q.speaker_text, q.speaker, q.resolved_by) for q in ann.quotes}
    assert got["an independent commission would investigate"] == (
        "The minister", "Radomir Zhelezov", "role")
    assert got["the talks were difficult"] == ("Poland's president", "Andrzej Duda", "role")
    assert got["We need ammunition now"] == ("Duda", "Andrzej Duda", "named")


def test_quotes_spans_point_into_the_article(annotator: Annotator) -> None:
    text = "Prime Minister Ana Lorne said on Sunday that the border would stay open."
    ann = _annotate(annotator, text)
    (q,) = ann.quotes
    assert text[q.start:q.end] == q.text == "the border would stay open"
    assert text[q.cue_start:q.cue_end] == "said"
    assert text[q.speaker_start:q.speaker_end] == q.speaker_text == "Prime Minister Ana Lorne"
    assert q.speaker == "Ana Lorne"
    assert ann.sentences[0].attributed


# --- the seed articles ----------------------------------------------------------------------

_SEED_CACHE: dict[str, dict[str, tuple[Article, Annotations]]] = {}


@pytest.fixture
def seeds(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, tuple[Article, Annotations]]:
    """Seed number ("000") -> (article, annotations), annotated once per session."""
    if "seeds" not in _SEED_CACHE:
        from rashomon.store import open_store

        store = open_store(str(tmp_path_factory.mktemp("quotes") / "q.db"))
        config = load_config().with_overrides(COMPONENTS)
        ingest([str(seeds_dir)], store, config)
        annotate(store, config)
        out = {}
        for article in store.articles():
            ann = load(store, article.id)
            assert ann is not None
            out[Path(article.path).name[:3]] = (article, ann)
        store.close()
        _SEED_CACHE["seeds"] = out
    return _SEED_CACHE["seeds"]


def _find(ann: Annotations, fragment: str) -> list[Quote]:
    return [q for q in ann.quotes if fragment.lower() in q.text.lower()]


# (seed, a few words of the content, speaker or "anonymous"/"vague", how it was found)
SEED_QUOTES = [
    ("001", "we are convinced that defeating", "Emmanuel Macron", "pronoun"),
    ("001", "whatever it takes", "Emmanuel Macron", "pronoun"),
    ("001", "know that we need this decision", "Volodymyr Zelensky", "pronoun"),
    ("001", "soldiers were killed", "Volodymyr Zelensky", "named"),
    ("001", "does not mean delivery", "Rustam Omerov", "named"),
    ("001", "things are collapsing", "anonymous", "anonymous"),
    ("001", "we are not defeatists", "anonymous", "role"),
    ("001", "will not achieve any victory", "anonymous", "role"),
    ("001", "F-16 fighter jets", "Debra Kagan", "named"),
    ("000", "most intense debate", "Andrzej Duda", "named"),
    ("000", "strategic ambiguity", "Emmanuel Macron", "named"),
    ("000", "a win for all of us", "Olaf Scholz", "named"),
    ("000", "a new alliance is set", "Emmanuel Macron", "named"),
    ("000", "promises alone are not enough", "Rustem Umerov", "named"),
    ("000", "the leaders assembled in Paris", "Volodymyr Zelenskyy", "named"),
    ("000", "meeting was necessary", "anonymous", "anonymous"),
    ("002", "these plans are mere words", "Sergey Poletaev", "pronoun"),
    ("002", "consistently avoided direct confrontation", "Sergey Poletaev", "pronoun"),
    ("002", "imports had significantly dropped", "Ursula von der Leyen", "named"),
    ("002", "re-evaluate foreign aid", "anonymous", "anonymous"),
    ("002", "hollow rhetoric", "vague", "vague"),
    ("002", "align with broader diplomatic", "vague", "vague"),
]


@pytest.mark.parametrize(("seed", "fragment", "speaker", "how"), SEED_QUOTES)
def test_quotes_seed_speakers(seeds, seed: str, fragment: str, speaker: str, how: str) -> None:
    _, ann = seeds[seed]
    found = _find(ann, fragment)
    assert found, f"no quote with {fragment!r}: {[q.text[:40] for q in ann.quotes]}"
    # The closest quote: "a win for all of us" is Scholz's, inside a sentence that
    # the Daily Mail reported.
    q = min(found, key=lambda q: q.end - q.start)
    if speaker == "anonymous":
        assert q.anonymous and q.speaker is None, q
    elif speaker == "vague":
        assert q.vague and q.speaker is None, q
    else:
        assert q.speaker == speaker, q
    assert q.resolved_by == how, q


def test_quotes_seed_kinds_and_speaker_text(seeds) -> None:
    _, ann = seeds["001"]
    (macron,) = _find(ann, "we are convinced that defeating")
    assert macron.kind == "direct" and macron.speaker_text == "he" and macron.cue == "said"
    (official,) = _find(ann, "we are not defeatists")
    assert official.speaker_text == "The French official"
    _, ann = seeds["000"]
    scholz = min(_find(ann, "a win for all of us"), key=lambda q: q.end - q.start)
    assert scholz.kind == "partial"  # single quote marks
    assert _find(ann, "strategic ambiguity")[0].kind == "partial"
    (duda,) = _find(ann, "most intense debate")
    assert duda.kind == "reported" and duda.cue == "mentioned"
    (alliance,) = _find(ann, "a new alliance is set")
    assert alliance.cue == "according to"
    # The anonymous official is described, not named.
    (anon,) = _find(ann, "meeting was necessary")
    assert anon.speaker_text.startswith("A French presidential official")


def test_quotes_seed_unbalanced_mark_swallows_nothing(seeds) -> None:
    article, ann = seeds["000"]
    stray = article.text.index('conclusions."') + len('conclusions."')
    for q in ann.quotes:
        assert not (q.start < stray < q.end), q
    assert not any(q.kind == "direct" for q in ann.quotes)  # the seed has no real one


def test_quotes_seed_attributed_sentences(seeds) -> None:
    article, ann = seeds["001"]

    def sentence_with(fragment: str):
        return next(s for s in ann.sentences if fragment in article.text[s.start:s.end])

    assert sentence_with("Debra Kagan").attributed
    assert sentence_with("know that we need").attributed
    assert not sentence_with("Cameron also participated").attributed


# --- the bundled example corpus ------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _speaker_matches(truth: dict, q: Quote) -> bool:
    if truth["speaker"] is None:
        return q.anonymous or q.vague
    if truth.get("speaker_type") == "ORG":
        # Organisations: the name, or the description the text gives ("the report").
        want, said = _fold(truth["speaker"]), _fold(truth["speaker_text"])
        got = _fold(q.speaker or "")
        got_text = _fold(q.speaker_text or "")
        return bool(got and (want in got or got in want)) or bool(
            got_text and (got_text in said or said in got_text))
    if not q.speaker:
        return False
    # People: the same surname, allowing the corpus's transliterations (Zhelyezov).
    a, b = _fold(truth["speaker"]).split()[-1], _fold(q.speaker).split()[-1]
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def test_quotes_example_corpus_recall(tmp_path: Path, annotator: Annotator) -> None:
    from rashomon.store import open_store

    truth = json.loads(TRUTH.read_text("utf-8"))["quotes"]
    store = open_store(str(tmp_path / "ex.db"))
    config = load_config().with_overrides(COMPONENTS)
    ingest([str(EXAMPLE)], store, config)
    annotate(store, config, annotator=annotator)
    by_file: dict[str, tuple[Article, Annotations]] = {}
    for article in store.articles():
        rel = str(Path(article.path).resolve().relative_to(EXAMPLE.resolve()))
        if article.locator.startswith("entry "):
            rel += "#" + article.locator.removeprefix("entry ")
        by_file[rel] = (article, load(store, article.id))
    store.close()
    found, misses = 0, []
    for t in truth:
        article, ann = by_file[t["file"]]
        start = article.text.find(t["text"])
        assert start >= 0, t["text"]
        end = start + len(t["text"])
        overlapping = [q for q in ann.quotes if q.start < end and q.end > start]
        if any(_speaker_matches(t, q) for q in overlapping):
            found += 1
        else:
            got = [(q.text[:30], q.speaker_text, q.speaker) for q in overlapping]
            misses.append(f"{t['file']}: {t['text'][:50]!r} by {t['speaker_text']!r} -> {got}")
    recall = found / len(truth)
    # Measured 61/62 (0.984): the miss is "Critics of the opposition point out that ...",
    # where the small model tags "point" as a noun.
    assert recall >= 0.98, f"recall {recall:.3f}; misses:\n" + "\n".join(misses)


# --- bad input -----------------------------------------------------------------------------


def test_quotes_bad_input_finishes(annotator: Annotator) -> None:
    rng = random.Random(0)
    marks = ['"', "'", "“", "”", "‘", "’", "«", "»", "''"]
    words = "the minister said that we will win and he told reporters it was over".split()
    texts = {
        "thousands of marks": " ".join(rng.choice(marks + ["said", "he", "x"])
                                       for _ in range(5000)),
        "mismatched marks": 'He said "we will \' go “ now ‘ and ” then \' ” said X. ' * 150,
        "no punctuation": " ".join(rng.choice(words) for _ in range(5000)),
        "all caps": 'THE MINISTER SAID THAT "WE WILL WIN" AND HE TOLD REPORTERS. ' * 100,
        # Spaced: a run of thousands of glued marks costs spaCy's tokenizer itself
        # quadratic time, before any component runs (reported to the pipeline's owners).
        "only marks": '" ' * 3000 + "\n" + "“” " * 2000 + "\n" + "“" * 500,
    }
    for name, text in texts.items():
        ann = _annotate(annotator, text)
        for q in ann.quotes:
            assert 0 <= q.start <= q.end <= len(text), name
            assert text[q.start:q.end] == q.text, name


def test_quotes_bad_input_huge_article(annotator: Annotator) -> None:
    # 100,000 words in 2,000 paragraphs; the annotator stops at its word limit and says so.
    rng = random.Random(1)
    words = "the minister said that we will win and he told reporters it was over".split()
    paragraphs = [" ".join(rng.choice(words) for _ in range(45)) + '. "We will win," he said.'
                  for _ in range(2000)]
    text = "\n".join(paragraphs)
    assert len(text.split()) >= 100_000
    ann = _annotate(annotator, text)
    assert ann.quotes
    assert any("words" in note for note in ann.notes)
