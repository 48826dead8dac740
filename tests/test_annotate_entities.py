"""Entity mentions: spans repaired, errors filtered, roles kept."""

from __future__ import annotations

import pytest

from rashomon.annotate import annotate as run
from rashomon.annotate import load
from rashomon.config import load_config
from rashomon.ingest import ingest


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, request):
    from conftest import SEEDS

    from rashomon.store import open_store

    if not SEEDS.is_dir():
        pytest.skip("seeds not found")
    store = open_store(str(tmp_path_factory.mktemp("ent") / "e.db"))
    ingest([str(SEEDS)], store)
    run(store, load_config().with_overrides({"annotate": {"components": ["sentences", "entities"]}}))
    people = {}
    for article in store.articles():
        for m in load(store, article.id).mentions:
            people.setdefault(m.text, set()).add((m.label, m.role))
    store.close()
    return people


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Rustem Umerov", "Ukrainian Defense Minister"),  # given name restored to the span
        ("Rustam Omerov", "Ukrainian Defense Minister"),
        ("Debra Kagan", "former US diplomat"),
        ("Olaf Scholz", "German Chancellor"),
        ("Andrzej Duda", "Poland's President"),
        ("Emmanuel Macron", "French President"),
        ("Ursula von der Leyen", None),  # name particles kept in the span
    ],
)
def test_entities_seed_people_and_roles(seeds, name: str, role: str | None) -> None:
    assert name in seeds, sorted(seeds)
    labels = {label for label, _ in seeds[name]}
    assert labels == {"PERSON"}
    if role:
        assert role in {r for _, r in seeds[name]}


def test_entities_seed_filters(seeds) -> None:
    assert "Sharing" not in seeds  # a sentence-initial verb is not a person
    # The piece the model tagged apart inside a mended name is no mention of its own
    # ("Leyen" as a place inside "Ursula von der Leyen").
    assert "Leyen" not in seeds
    assert {label for label, _ in seeds["Taurus"]} == {"PRODUCT"}  # a missile, not a person
    assert not any(name.startswith(("President ", "the ")) for name in seeds)


PLACES_TEXT = [
    "Heavy rain flooded villages across Marvosk province on Sunday, and the government "
    "declared a state of emergency in the province of Marvosk.",
    "Neighbouring Tavrelia sent two rescue helicopters. Officials in northern Ostrevia said "
    "the Ostrevia dam had held, and Marvosk farmers began to return home.",
    "Engineer Lidia Kovar, who inspected the dam, said trust in Lidia Kovar's team was high. "
    "Several northern Tavrelian towns sent volunteers.",
]


@pytest.fixture(scope="module")
def places_mentions():
    from rashomon.annotate.pipeline import Annotator
    from rashomon.errors import MissingDependency
    from rashomon.model import Article, Block

    try:
        annotator = Annotator(
            load_config().with_overrides({"annotate": {"components": ["sentences", "entities"]}})
        )
    except MissingDependency as exc:
        pytest.skip(str(exc))
    text, blocks = "", []
    for paragraph in PLACES_TEXT:
        start = len(text) + (2 if text else 0)
        text += ("\n\n" if text else "") + paragraph
        blocks.append(Block(start, len(text), "body"))
    article = Article(id="places", text=text, blocks=blocks, content_hash="places",
                      language="en", meta={})
    (ann,) = list(annotator.annotate([article]))
    out: dict[str, set[str]] = {}
    for m in ann.mentions:
        out.setdefault(m.text, set()).add(m.label)
    return out


def test_entities_unknown_places_told_by_the_words_around_them(places_mentions) -> None:
    # Invented names the small model cannot know: "province", "of", a compass word,
    # "neighbouring" or "across" make them places, and then every mention in the article is.
    for name in ("Marvosk", "Tavrelia", "Ostrevia"):
        assert name in places_mentions, sorted(places_mentions)
        assert places_mentions[name] <= {"GPE", "LOC"}, (name, places_mentions[name])


def test_entities_place_words_do_not_turn_people_or_adjectives_into_places(
    places_mentions,
) -> None:
    kovar = places_mentions.get("Lidia Kovar", set())
    assert "PERSON" in kovar and not kovar & {"GPE", "LOC"}, places_mentions
    assert "Engineer Lidia Kovar" not in places_mentions  # an occupation is a role, not a name
    # A nationality adjective before a noun stays what it is.
    assert not (places_mentions.get("Tavrelian", set()) & {"GPE", "LOC"})
