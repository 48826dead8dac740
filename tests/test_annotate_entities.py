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
    assert {label for label, _ in seeds["Taurus"]} == {"PRODUCT"}  # a missile, not a person
    assert not any(name.startswith(("President ", "the ")) for name in seeds)
