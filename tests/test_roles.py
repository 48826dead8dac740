"""Offices as speakers and as mentions: "Poland's prime minister said" is one person, whom
the same article or another article of the same story may name."""

from __future__ import annotations

import re

import pytest

from rashomon.annotate import Annotator
from rashomon.compare.claims import role_speakers, speaker_entity
from rashomon.compare.framing import framing_profiles
from rashomon.compare.matrix import StoryInput, link_role_speakers
from rashomon.config import load_config
from rashomon.entities.roles import RoleIndex, RoleKey, role_key
from rashomon.model import Annotations, Article, Block


@pytest.mark.parametrize(
    ("phrase", "country", "office"),
    [
        ("the French president", "FR", "president"),
        ("Poland's President", "PL", "president"),
        ("Ukraine’s defence minister", "UA", "defense minister"),
        ("President of Ukraine", "UA", "president"),
        ("the prime minister of Poland", "PL", "prime minister"),
        ("US Secretary of State", "US", "secretary of state"),
        ("UK Prime Minister", "GB", "prime minister"),
        ("the United States president", "US", "president"),
        ("the German chancellor", "DE", "chancellor"),
        ("the Russian leader", "RU", "leader"),
        ("the president", None, "president"),
        ("the minister of defence", None, "defense minister"),
        ("chancellor of the exchequer", None, "finance minister"),
    ],
)
def test_role_key_reads_country_and_office(phrase: str, country: str | None, office: str) -> None:
    assert role_key(phrase) == RoleKey(country, office)


@pytest.mark.parametrize(
    "phrase",
    [
        None,
        "",
        "the former president",  # not the holder now
        "then-President",
        "deputy prime minister",  # several deputies
        "a senior official",
        "the minister",  # which ministry?
        "the leader",  # of what?
        "the country's president",  # which country?
        "Democratic presidential candidate",
        "the Kremlin",
    ],
)
def test_role_key_is_none_for_no_single_office(phrase: str | None) -> None:
    assert role_key(phrase) is None


def test_role_index_names_a_clear_holder_only() -> None:
    index = RoleIndex.of(
        [
            ("French President", "macron"),
            ("French President", "macron"),
            ("Polish Prime Minister", "tusk"),
            ("President", "duda"),  # a president of no stated country
        ]
    )
    assert index.holder("the French president") == "macron"
    assert index.holder("Poland's prime minister") == "tusk"
    assert index.holder("the Polish prime minister") == "tusk"
    assert index.holder("the German chancellor") is None  # nobody holds it here
    assert index.holder("the Ukrainian prime minister") is None  # Poland's is not Ukraine's
    assert index.holder("the prime minister") == "tusk"  # the only one here
    assert index.holder("the president") is None  # Macron or Duda: not one person
    assert index.holder("the former French president") is None
    # A country's office falls back on the office given with no country only when no
    # other country's holder is in the story.
    assert RoleIndex.of([("President", "duda")]).holder("Poland's president") == "duda"


def test_role_index_needs_a_clear_majority() -> None:
    tie = RoleIndex.of([("French President", "a"), ("French President", "b")])
    assert tie.holder("the French president") is None
    clear = RoleIndex.of([("French President", "a")] * 2 + [("French President", "b")])
    assert clear.holder("the French president") == "a"


# --- annotation and the story ------------------------------------------------------------

COMPONENTS = {"annotate": {"components": ["sentences", "entities", "quotes"]}}


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(load_config().with_overrides(COMPONENTS))


def _article(text: str, ident: str) -> Article:
    blocks = [Block(m.start(), m.end(), "body") for m in re.finditer(r"[^\n]+", text)]
    return Article(id=ident, text=text, blocks=blocks, content_hash=ident, language="en")


def _annotate(annotator: Annotator, text: str, ident: str = "t") -> tuple[Article, Annotations]:
    article = _article(text, ident)
    result = next(annotator.annotate([article]))
    assert isinstance(result, Annotations)
    return article, result


def test_an_office_as_speaker_is_not_an_anonymous_source(annotator: Annotator) -> None:
    _, ann = _annotate(
        annotator,
        "Leaders met in Warsaw on Monday.\n"
        '"We will not give up," Poland\'s prime minister said.\n'
        "Ukraine's defence minister told reporters that the front was holding.\n"
        "A senior official said the talks had stalled.",
    )
    by_text = {q.speaker_text: q for q in ann.quotes}
    for phrase in ("Poland's prime minister", "Ukraine's defence minister"):
        q = by_text[phrase]
        assert (q.anonymous, q.resolved_by, q.speaker_mention) == (False, "role", None)
    official = by_text["A senior official"]
    assert official.anonymous and official.resolved_by == "anonymous"


def test_the_president_is_not_the_vice_president_named_last(annotator: Annotator) -> None:
    _, ann = _annotate(
        annotator,
        "President Barack Obama opened the museum on Saturday.\n"
        "Vice President Joe Biden and his wife toured the galleries before the ceremony.\n"
        '"This is the story of America," the president said.',
    )
    (quote,) = [q for q in ann.quotes if q.speaker_text == "the president"]
    assert (quote.speaker, quote.resolved_by) == ("Barack Obama", "role")


def test_a_story_names_the_office_holder_an_article_leaves_unnamed(
    annotator: Annotator,
) -> None:
    named, ann_named = _annotate(
        annotator,
        "Polish Prime Minister Donald Tusk arrived in Kyiv on Tuesday.\n"
        "Tusk said Europe would keep its promises to Ukraine.",
        "a",
    )
    unnamed, ann_unnamed = _annotate(
        annotator,
        "European leaders travelled to Kyiv on Tuesday.\n"
        "Poland's prime minister said Europe would keep its promises.\n"
        "The German chancellor said nothing would change.",
        "b",
    )
    tusk = next(k for k, m in enumerate(ann_named.mentions) if m.text == "Donald Tusk")
    ids_named = {tusk: "e-tusk"}
    linked = role_speakers([(ann_named, ids_named), (ann_unnamed, {})])
    assert linked[0] == {}
    quote = next(q for q in ann_unnamed.quotes if q.speaker_text == "Poland's prime minister")
    assert linked[1] == {(quote.start, quote.end): "e-tusk"}
    # Nobody in the story is given the German chancellorship: that quote stays unlinked.
    assert speaker_entity(ann_unnamed, {}, quote, linked[1]) == "e-tusk"
    # Alone, the article names nobody.
    assert role_speakers([(ann_unnamed, {})]) == [{}]

    inputs = [StoryInput(named, ann_named, ids_named), StoryInput(unnamed, ann_unnamed, {})]
    link_role_speakers(inputs)
    profiles = framing_profiles(inputs, [], {"e-tusk": "Donald Tusk"})
    speakers = {s["speaker"] for s in profiles["b"]["speakers"]}
    assert "Donald Tusk" in speakers
    assert "(unknown)" not in speakers


# --- through the store: analysis.json ------------------------------------------------------

NAMED = """---
published: 2026-03-10
outlet: Outlet A
title: Tusk pledges steady support for Ukraine on visit to Kyiv
---
Polish Prime Minister Donald Tusk arrived in Kyiv on Tuesday for talks with Ukrainian officials on air defence and reconstruction.

"Poland will stand with Ukraine for as long as it takes," Tusk said at a news conference in Kyiv.

The visit came a week after European leaders agreed a new package of air defence support for Ukraine.
"""

UNNAMED = """---
published: 2026-03-10
outlet: Outlet B
title: Polish leader visits Kyiv, pledges support for Ukraine
---
Poland's prime minister arrived in Kyiv on Tuesday for talks on air defence and reconstruction with Ukrainian officials.

"We will stand with Ukraine for as long as it takes," Poland's prime minister said at a news conference in Kyiv.

European leaders agreed a new package of air defence support for Ukraine a week before the visit.
"""


def test_analysis_names_the_office_holder_of_an_unnamed_speaker(tmp_path) -> None:
    from rashomon.annotate import annotate
    from rashomon.compare.analysis import build_analysis
    from rashomon.entities import resolve_store
    from rashomon.ingest import ingest
    from rashomon.store import open_store
    from rashomon.stories import cluster_store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(NAMED, "utf-8")
    (folder / "b.md").write_text(UNNAMED, "utf-8")
    store = open_store(str(tmp_path / "r.db"))
    ingest([str(folder)], store)
    annotate(store)
    resolve_store(store)
    cluster_store(store)
    ids = {a.outlet: a.id for a in store.articles()}
    assert any(set(s["articles"]) == set(ids.values()) for s in store.stories())
    data = build_analysis(store)
    tusk = next(e["id"] for e in data["entities"] if e["name"] == "Donald Tusk")
    unnamed = [
        q for q in data["quotes"]
        if q["article"] == ids["Outlet B"] and q["speaker_text"] == "Poland's prime minister"
    ]
    assert unnamed, data["quotes"]
    for q in unnamed:
        assert (q["speaker"], q["speaker_name"], q["anonymous"]) == (tusk, "Donald Tusk", False)
    (comparison,) = data["comparisons"]
    speakers = {s["speaker"] for s in comparison["framing"][ids["Outlet B"]]["speakers"]}
    assert speakers == {"Donald Tusk"}
    store.close()

    # The web app's entity page lists the quote among Tusk's, though its article never
    # names him.
    from rashomon.web.query import Query

    page = Query(str(tmp_path / "r.db")).entity(tusk)
    assert {q["article"] for q in page["quotes_by"]} == set(ids.values())
    assert {q["outlet"] for q in page["quotes_by"]} == {"Outlet A", "Outlet B"}


# --- office mentions: "the French president" as a mention of its holder ------------------


def _offices(ann: Annotations) -> list[str]:
    return [m.text for m in ann.mentions if m.label == "ROLE"]


def test_offices_named_without_a_name_are_role_mentions(annotator: Annotator) -> None:
    _, ann = _annotate(
        annotator,
        "The French president said he would not rule it out.\n"
        "Poland's prime minister met the president of Ukraine and the US Secretary of State.\n"
        "Germany's chancellor ruled out sending troops, the foreign minister said.",
    )
    assert _offices(ann) == [
        "French president",
        "Poland's prime minister",
        "president of Ukraine",
        "US Secretary of State",
        "Germany's chancellor",
        "foreign minister",
    ]
    # In text order, names and offices alike (the quotes stage bisects the starts), and
    # the names inside an office phrase are still mentions of their own.
    starts = [m.start for m in ann.mentions]
    assert starts == sorted(starts)
    assert {"French", "Poland", "Ukraine", "Germany"} <= {m.text for m in ann.mentions}


@pytest.mark.parametrize(
    "text",
    [
        "French President Emmanuel Macron said so.",  # a title before a name
        "Emmanuel Macron, the French president, said so.",  # the name carries the role
        "Secretary of State John Kerry said so.",
        "She hopes to be elected president next year.",  # the office, not its holder
        "He ran for president twice.",
        "She was secretary of state for four years.",
        "A minister said so.",  # not one person
        "The former president said so.",  # not the holder
        "The president of the Center for American Progress said so.",  # not a country's
        "Talks on who might become president resumed.",
    ],
)
def test_no_role_mention_for_a_title_a_generic_office_or_another_holder(
    annotator: Annotator, text: str
) -> None:
    _, ann = _annotate(annotator, text)
    assert _offices(ann) == []


def _resolve(*articles: tuple[Article, Annotations]):
    from rashomon.entities.resolve import MentionRef, resolve

    refs = [
        MentionRef(a.id, k, m.text, m.label, a.outlet, m.role)
        for a, ann in articles
        for k, m in enumerate(ann.mentions)
    ]
    return resolve(refs)


def test_an_office_joins_the_person_its_article_gives_it_to(annotator: Annotator) -> None:
    named = _annotate(
        annotator,
        "French President Emmanuel Macron arrived in Kyiv on Tuesday.\n"
        "The French president said Europe would not abandon Ukraine.",
        "a",
    )
    unnamed = _annotate(annotator, "The French president was expected in Kyiv on Tuesday.", "b")
    res = _resolve(named, unnamed)
    ann_a = named[1]
    office = next(k for k, m in enumerate(ann_a.mentions) if m.label == "ROLE")
    macron = next(k for k, m in enumerate(ann_a.mentions) if m.text == "Emmanuel Macron")
    entity, why, _ = res.assignment[("a", office)]
    assert entity == res.assignment[("a", macron)][0] and why == "role"
    person = res.entities[entity]
    # The office is one of his roles, not one of his names.
    assert person.name == "Emmanuel Macron" and person.type == "PERSON"
    assert "French president" not in person.aliases
    assert all("French president" not in c for c in person.alias_counts.values())
    assert person.roles["French president"] == 1
    assert person.count == 2
    # An article that names nobody for the office leaves it to the story: no entity
    # called "French president" is made.
    office_b = next(k for k, m in enumerate(unnamed[1].mentions) if m.label == "ROLE")
    assert ("b", office_b) not in res.assignment
    assert not any("president" in e.name.lower() for e in res.entities.values())


def test_the_president_stays_unlinked_when_the_article_has_two(annotator: Annotator) -> None:
    article = _annotate(
        annotator,
        "President Obama spoke to Russian President Vladimir Putin on Monday.\n"
        "This week, the president declined to threaten Moscow.",
    )
    res = _resolve(article)
    office = next(k for k, m in enumerate(article[1].mentions) if m.label == "ROLE")
    assert ("t", office) not in res.assignment


def test_a_story_links_an_office_and_the_stance_is_its_holders() -> None:
    from rashomon.compare.stance import _Mentions

    a = _annotate(
        Annotator(load_config()),
        "French President Emmanuel Macron arrived in Paris on Monday.\n"
        "Macron said France would not rule out sending troops to Ukraine.",
        "a",
    )
    b = _annotate(
        Annotator(load_config()),
        "The French president said France would not rule out sending troops to Ukraine.",
        "b",
    )
    res = _resolve(a, b)
    ids = {
        aid: {k: e for (x, k), (e, _, _) in res.assignment.items() if x == aid}
        for aid in ("a", "b")
    }
    inputs = [StoryInput(a[0], a[1], ids["a"]), StoryInput(b[0], b[1], ids["b"])]
    before = dict(inputs[1].entity_ids)
    link_role_speakers(inputs)
    macron = next(e.id for e in res.entities.values() if e.name == "Emmanuel Macron")
    france = next(e.id for e in res.entities.values() if e.name == "France")
    office = next(k for k, m in enumerate(b[1].mentions) if m.label == "ROLE")
    assert inputs[1].entity_ids[office] == macron
    assert ids["b"] == before  # the stored assignment is not changed
    # "The French president ..." is Macron's position, not France's.
    phrase = b[1].mentions[office]
    actors = _Mentions(inputs[1], {}).within(phrase.start, phrase.end)
    assert [e for e, _ in actors] == [macron]
    assert france not in [e for e, _ in actors]


def test_a_stance_naming_no_issue_takes_the_issue_named_just_before(annotator) -> None:
    """'Nothing can be ruled out' is about what the article has just named; far from any
    named issue, the sentence stays its own issue."""
    from rashomon.annotate.nlp import load as load_nlp
    from rashomon.compare.stance import ISSUE_REACH, stances_in

    near = (
        "President Emmanuel Macron said France backs sending troops to Ukraine.\n"
        "Leaders met for four hours.\n"
        "Macron said nothing could be ruled out."
    )
    filler = "".join(f"Delegates spoke about item {k} of the agenda.\n" for k in range(ISSUE_REACH))
    far = near.replace("Leaders met for four hours.\n", filler)
    for text, inherited in ((near, True), (far, False)):
        article = _annotate(annotator, text, "a")
        res = _resolve(article)
        ids = {k: e for (x, k), (e, _, _) in res.assignment.items() if x == "a"}
        found = stances_in([StoryInput(article[0], article[1], ids)], {}, load_nlp())
        by_sentence = {s.sentence: s for s in found}
        first = by_sentence[text.splitlines()[0]]
        last = by_sentence[text.splitlines()[-1]]
        assert first.issue.startswith("sending troops")
        assert (last.issue == first.issue) is inherited, last.issue
        assert last.position > 0  # "nothing could be ruled out": open to it


def test_a_pledged_amount_is_the_issue_not_the_whole_sentence() -> None:
    from rashomon.annotate.nlp import load as load_nlp
    from rashomon.compare.stance import _cue, _issue, _span_text

    doc = load_nlp()("Neighbouring Moldova sent two helicopters and pledged $4 million in aid.")
    cue = next(t for t in doc if _cue(t) is not None)
    assert cue.lemma_ == "pledge"
    target = _issue(cue)
    assert target is not None and "million in aid" in _span_text(target)
