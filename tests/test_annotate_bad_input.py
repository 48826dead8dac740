"""Bad input through the annotation pipeline: empty articles, a 100,000-word article, text
in another language, all-caps text, no punctuation, thousands of quote marks, mismatched
quote marks, blank paragraphs. Each must annotate without an error, with sane layers
(every span inside a body paragraph, no empty sentence), with work bounded by the
configured caps rather than by the input, and with a recorded reason for what was left
out (a ``Skip`` in the store, or a note on the article's annotations).

Articles are built directly (not only through ingest) because the annotator must cope with
whatever a store holds, including what a reader of another format may produce."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashomon.annotate import Annotator, annotate, load
from rashomon.config import load_config
from rashomon.errors import MissingDependency
from rashomon.ingest import ingest
from rashomon.model import Annotations, Article, Block, Skip

STORY = ("Mayor Ilse Varga said on Monday that the city would rebuild the old bridge, at a cost "
         "of more than $60 billion, by June. Critics argue the plan may cost far more.")


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    try:
        return Annotator(load_config())  # every default component
    except MissingDependency as exc:
        pytest.skip(str(exc))


def _article(paragraphs: list[str], kinds: list[str] | None = None,
             language: str | None = "en", sep: str = "\n\n") -> Article:
    text, blocks = "", []
    for i, paragraph in enumerate(paragraphs):
        if i:
            text += sep
        start = len(text)
        text += paragraph
        blocks.append(Block(start, len(text), (kinds or ["body"] * len(paragraphs))[i]))
    return Article(id=f"t{abs(hash(text)) % 10**12}", text=text, blocks=blocks,
                   content_hash=str(abs(hash(text))), language=language,
                   meta={"words": len(text.split())})


def _run(annotator: Annotator, article: Article) -> Annotations:
    (result,) = list(annotator.annotate([article]))
    assert isinstance(result, Annotations), result
    _assert_sane(article, result)
    return result


def _assert_sane(article: Article, ann: Annotations) -> None:
    """Every span inside a body paragraph; sentences non-empty, in order, apart."""
    text = article.text
    body = [(b.start, b.end) for b in article.blocks if b.kind == "body"]

    def inside(start: int | None, end: int | None) -> bool:
        if start is None or end is None:
            return start is None and end is None
        return 0 <= start <= end <= len(text) and any(s <= start and end <= e for s, e in body)

    last = 0
    for s in ann.sentences:
        assert inside(s.start, s.end), s
        assert text[s.start:s.end].strip() and s.start >= last, s
        assert text[s.start:s.end] == text[s.start:s.end].strip(), s
        assert article.blocks[s.paragraph].start <= s.start <= s.end <= \
            article.blocks[s.paragraph].end, s
        last = s.end
    for m in ann.mentions:
        assert inside(m.start, m.end) and text[m.start:m.end] == m.text, m
    for q in ann.quantities:
        assert inside(q.start, q.end) and text[q.start:q.end] == q.text, q
        assert inside(q.counted_start, q.counted_end), q
    for quote in ann.quotes:
        # A quotation may run over paragraphs (news convention: each continued paragraph
        # opens with a quote mark), so each end, not the whole, is in a body paragraph.
        assert quote.start <= quote.end and inside(quote.start, quote.start) and \
            inside(quote.end, quote.end), quote
        assert inside(quote.cue_start, quote.cue_end), quote
        assert inside(quote.speaker_start, quote.speaker_end), quote
        assert quote.speaker_mention is None or 0 <= quote.speaker_mention < len(ann.mentions)
    for t in ann.times:
        assert inside(t.start, t.end), t
    for cue in ann.cues:
        assert inside(cue.start, cue.end), cue
        if cue.sentence is not None:
            sentence = ann.sentences[cue.sentence]
            assert sentence.start <= cue.start and cue.end <= sentence.end, (cue, sentence)


# --- empty and blank ---------------------------------------------------------------------


@pytest.mark.parametrize("article", [
    Article(id="empty", text="", blocks=[], content_hash="0", language="en"),
    Article(id="empty-block", text="", blocks=[Block(0, 0, "body")], content_hash="0",
            language="en"),
    _article(["   ", "\n\t \n", ""]),
    _article(["Breaking", "Read more: subscribe"], kinds=["headline", "boilerplate"]),
], ids=["no text", "empty block", "blank blocks", "no body"])
def test_bad_input_empty_article_has_empty_layers_and_a_note(annotator, article) -> None:
    ann = _run(annotator, article)
    assert (ann.sentences, ann.mentions, ann.quotes, ann.quantities, ann.cues) == \
        ([], [], [], [], [])
    assert ann.notes == ["no body text to annotate"]


def test_bad_input_blank_paragraphs_make_no_sentences(annotator) -> None:
    article = _article(["   ", STORY, "\n \t ", "", "  " + STORY + "  ", "\u00a0\u2003"])
    ann = _run(annotator, article)
    # Two sentences in each of the two real paragraphs; nothing from the blank ones.
    assert [s.paragraph for s in ann.sentences] == [1, 1, 4, 4]
    assert [article.text[s.start:s.end][:5] for s in ann.sentences] == ["Mayor", "Criti"] * 2
    assert [(q.value, q.unit) for q in ann.quantities] == [(6e10, "USD")] * 2
    assert ann.notes == []
    # Framing cues ("may", "Critics argue") point at the right sentences (same indices
    # in every component, blank paragraphs or not).
    assert {cue.sentence for cue in ann.cues} == {1, 3}


def test_bad_input_blank_lines_inside_a_paragraph(annotator) -> None:
    article = _article([STORY + "\n\n   \n\n" + STORY])
    ann = _run(annotator, article)
    assert len(ann.sentences) == 4
    assert {cue.sentence for cue in ann.cues} == {1, 3}


# --- size ---------------------------------------------------------------------------------


def _hundred_thousand_words(paragraphs: int) -> list[str]:
    words = ("the council met again and talked about roads and money and the weather "
             "for 12 hours ").split()  # 16 words
    per = 100_000 // paragraphs
    return [" ".join(words[i % len(words)] for i in range(per)) for _ in range(paragraphs)]


@pytest.mark.parametrize("paragraphs", [1, 500])
def test_bad_input_100000_words_work_is_capped(annotator, paragraphs: int) -> None:
    article = _article(_hundred_thousand_words(paragraphs))
    assert len(article.text.split()) == 100_000
    # What is handed to spaCy is bounded by the settings, whatever the article's size.
    pieces, notes = annotator._pieces(article)
    section = annotator.section
    assert sum(len(text.split()) for _, _, text in pieces) == section["max_words"]
    assert max(len(text) for _, _, text in pieces) <= section["max_paragraph_chars"]
    assert notes == [f"annotated the first {section['max_words']} words only"]


def test_bad_input_100000_words_annotated_up_to_the_cap(annotator) -> None:
    small = Annotator(load_config().with_overrides(
        {"annotate": {"max_words": 3000, "max_paragraph_chars": 2000}}))
    article = _article(_hundred_thousand_words(1))
    ann = _run(small, article)
    assert ann.notes == ["annotated the first 3000 words only"]
    cut = len(" ".join(article.text.split()[:3000]))
    assert ann.sentences and ann.sentences[-1].end <= cut
    # No punctuation: pieces of at most 2,000 characters, so no sentence is longer.
    assert max(s.end - s.start for s in ann.sentences) <= 2000
    # "for 12 hours" every 16 words: 187 of them in the first 3,000 words.
    assert len(ann.quantities) == 3000 // 16 and {q.unit for q in ann.quantities} == {"hour"}


# --- language, case, punctuation ----------------------------------------------------------------


def test_bad_input_other_language_is_skipped_with_a_reason(tmp_path: Path, store) -> None:
    write(tmp_path / "in" / "fr.txt", "Le maire a déclaré lundi que la ville reconstruirait le "
          "vieux pont avant la fin du mois de juin. Les critiques estiment que le projet coûtera "
          "beaucoup plus cher que prévu par le conseil municipal.")
    write(tmp_path / "in" / "ru.txt", "Мэр заявил в понедельник, что город восстановит старый "
          "мост к концу июня. Критики считают, что проект обойдётся гораздо дороже, чем "
          "рассчитывает городской совет.")
    write(tmp_path / "in" / "en.txt", STORY)
    ingest([str(tmp_path / "in")], store)
    report = annotate(store, load_config())
    assert (report.annotated, report.skipped) == (1, 2)
    reasons = sorted(s.reason for s in store.skips("annotate"))
    assert reasons == ["language 'fr' is not one the annotation pipeline handles",
                       "language 'ru' is not one the annotation pipeline handles"]
    # A rerun does not redo or re-skip what was recorded as annotated.
    assert annotate(store, load_config()).annotated == 0


def test_bad_input_other_language_undetected_still_annotates_sanely(annotator) -> None:
    # Language unknown (detection failed or was off): the English pipeline runs, and what
    # it produces is well-formed even if of little use.
    article = _article(["Мэр заявил в понедельник, что город восстановит 3 моста. " * 20,
                        "北京市政府周一表示，将在六月前重建旧桥，耗资六十亿美元。" * 20,
                        "Le maire a déclaré « nous reconstruirons » lundi. " * 20],
                       language=None)
    ann = _run(annotator, article)
    assert ann.sentences


def test_bad_input_all_caps(annotator) -> None:
    from rashomon.annotate.pipeline import CAPITALS_NOTE

    article = _article([STORY.upper(), '"WE WILL REBUILD IT," VARGA SAID. ' * 3])
    ann = _run(annotator, article)
    assert len(ann.sentences) >= 4
    # Quantities are read case-blind; reported speech survives the shouting.
    assert [(q.value, q.unit, q.qualifier) for q in ann.quantities] == [(6e10, "USD", ">")]
    assert [(q.kind, q.cue, q.speaker) for q in ann.quotes][:1] == [("reported", "SAID", "VARGA")]
    # The parse is worse in capitals ("SAID" read as a name): the article says so.
    assert ann.notes == [CAPITALS_NOTE]
    assert _run(annotator, _article([STORY])).notes == []


def test_bad_input_no_punctuation_at_all(annotator) -> None:
    words = ("mayor ilse varga told the council that the city would rebuild the old bridge "
             "by june and critics argued the plan would cost far more than expected ")
    article = _article([words * 400])  # 10,800 words, 50,000 characters, no stop
    ann = _run(annotator, article)
    limit = annotator.section["max_paragraph_chars"]
    assert max(s.end - s.start for s in ann.sentences) <= limit
    assert ann.notes == []


# --- quote marks -----------------------------------------------------------------------------


@pytest.mark.parametrize("paragraph", [
    '"' * 5000,
    "\u201c" * 3000 + STORY,
    '"hi" ' * 3000,
    "' " * 4000,
    "\u00ab\u00bb" * 2000,
], ids=["straight run", "curly run", "many short quotes", "spaced singles", "guillemets"])
def test_bad_input_thousands_of_quote_marks(annotator, paragraph: str) -> None:
    # A plain paragraph after it: a mark left open does not run on into the third.
    article = _article([paragraph, "The council met on Tuesday.", '"We will rebuild," Varga said.'])
    ann = _run(annotator, article)
    cap = annotator.section["quotes"]["max_quotes_per_paragraph"]
    first = article.blocks[0]
    assert sum(1 for q in ann.quotes if first.start <= q.start < first.end) <= cap
    # The paragraph after it is read as usual.
    last = [q for q in ann.quotes if q.start >= article.blocks[2].start]
    assert [(q.text, q.speaker) for q in last] == [("We will rebuild", "Varga")]
    if paragraph.count('"') > 2 * cap:
        assert any(note.startswith(f"quotes: more than {cap} quotations") for note in ann.notes)


def test_bad_input_mismatched_quote_marks_do_not_derail_the_article(annotator) -> None:
    article = _article([
        'Varga said "the bridge is unsafe and must close. She did not say when.',  # unclosed
        "The council met on Tuesday.",
        "\u201cThe money is there,\u201d said Tomas Brandt, the city treasurer.",
        'A sign read \u201dClosed\u201c and another "Open\u201c at the same time.',  # backwards
        "Brandt added: \u201cWe start in June.\u201d And then he\u201d left.",  # stray closer
        "\u201cWe have the money,\u201d Brandt said.",
    ])
    ann = _run(annotator, article)
    direct = [(q.text, q.speaker) for q in ann.quotes if q.kind == "direct"]
    # The open mark of the first paragraph stops at its end; the rest read as usual.
    assert all(q.start > article.blocks[0].end for q in ann.quotes if q.kind == "direct")
    assert ("The money is there", "Tomas Brandt") in direct
    assert ("We have the money", "Tomas Brandt") in direct


def test_bad_input_is_recorded_through_the_store(tmp_path: Path, store) -> None:
    """Through ``annotate``: the blank and the oversize article are stored with their notes,
    the foreign one as a Skip; nothing raises."""
    config = load_config().with_overrides({"annotate": {"max_words": 500}})
    articles = [_article(["   ", "\t"]),
                _article([" ".join(["word"] * 2000) + " for 3 days"]),
                _article(["Der Bürgermeister sagte am Montag etwas."], language="de")]
    with store.transaction():
        for article in articles:
            store.insert_article(article, np.zeros(4, dtype=np.uint32), [])
    report = annotate(store, config)
    assert (report.annotated, report.skipped) == (2, 1)
    blank, big, german = (load(store, a.id) for a in articles)
    assert blank.notes == ["no body text to annotate"]
    assert big.notes == ["annotated the first 500 words only"] and big.quantities == []
    assert german is None
    (skip,) = store.skips("annotate")
    assert isinstance(skip, Skip) and skip.path == f"article:{articles[2].id}"


# --- anything at all --------------------------------------------------------------------------

_PIECES = ['"', "\u201c", "\u201d", "'", "\u2018", "\u2019", "\u00ab", "\u00bb", " ", "  ",
           "\n", "\n\n", "\t", "\u00a0", ".", ",", ":", "-", "$", "%", "12", "3.5", "1,000",
           "half", "said", "he", "Varga", "VARGA", "the", "more than", "June", "Monday",
           "may", "critics", "according to", "\u0411\u0435\u0440\u043b\u0438\u043d", "\u5317\u4eac"]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
                min_size=0, max_size=5))
def test_bad_input_any_paragraphs_give_sane_layers(annotator, paragraphs: list[str]) -> None:
    article = _article(paragraphs)
    ann = _run(annotator, article)
    if not any(p.strip() for p in paragraphs):
        assert ann.notes == ["no body text to annotate"]


def test_bad_input_component_failing_on_one_article_skips_only_that_one() -> None:
    try:
        annotator = Annotator(load_config())  # its own: a component is added below
    except MissingDependency as exc:
        pytest.skip(str(exc))

    class Boom:
        name, version, requires, assigns = "boom", "1", (), ()

        def __call__(self, doc) -> None:
            if "Varga" not in doc.text:
                raise ValueError("cannot cope\nwith this one")

    annotator.components.append(Boom())
    bad, good = _article(["Rain fell all day."]), _article([STORY])
    first, second = annotator.annotate([bad, good])
    assert first == Skip(f"article:{bad.id}", "could not annotate (ValueError in component "
                         "'boom')", stage="annotate", detail="cannot cope\nwith this one")
    assert isinstance(second, Annotations) and second.mentions  # the batch went on
