"""Incremental entity resolution: new articles join existing entities, and the stored result
is the same as a full rebuild whatever the order the articles arrived in."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE

from bench.entities_bench import resolution_snapshot as _snapshot
from bench.entities_bench import store_mentions, synth_mentions
from rashomon.annotate import annotate
from rashomon.config import load_config
from rashomon.entities import MentionRef, Rules, resolve, resolve_store
from rashomon.ingest import ingest
from rashomon.store import SQLiteStore

ANNOTATE = {"annotate": {"components": ["sentences", "entities"]}}


def _annotations(store: SQLiteStore) -> list[tuple[str, str, str]]:
    return store.conn.execute(
        "SELECT article_id, signature, data FROM annotations ORDER BY article_id"
    ).fetchall()


def _arrive(store: SQLiteStore, batches: list[list[tuple[str, str, str]]],
            rules: Rules | None = None) -> list[Any]:
    """Forget every annotation, then let the batches arrive one by one, resolving each."""
    with store.transaction():
        store.conn.execute("DELETE FROM annotations")
    resolve_store(store, rules, rebuild=True)
    reports = []
    for batch in batches:
        with store.transaction():
            for article_id, signature, data in batch:
                store.save_annotations(article_id, signature, data)
        reports.append(resolve_store(store, rules))
    return reports


def _batches(items: list, seed: int, sizes: tuple[int, ...]) -> list[list]:
    items = items[:]
    random.Random(seed).shuffle(items)
    out, i = [], 0
    for size in sizes:
        out.append(items[i : i + size])
        i += size
    if items[i:]:
        out.append(items[i:])
    return [b for b in out if b]


@pytest.fixture(scope="module")
def example_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("example") / "example.db"
    store = SQLiteStore(str(path))
    ingest([str(EXAMPLE)], store)
    annotate(store, load_config().with_overrides(ANNOTATE))
    store.close()
    return path


def _copy(path: Path, tmp_path: Path) -> SQLiteStore:
    target = tmp_path / "copy.db"
    src = SQLiteStore(str(path))
    src.conn.execute(f"VACUUM INTO '{target}'")
    src.close()
    return SQLiteStore(str(target))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_entities_incremental_example_corpus_equals_rebuild(example_store, tmp_path, seed) -> None:
    store = _copy(example_store, tmp_path)
    full_report = resolve_store(store, rebuild=True)
    assert full_report.mode == "rebuild"
    full = _snapshot(store)
    assert full[0] and full[1]
    anns = _annotations(store)
    reports = _arrive(store, _batches(anns, seed, (1, 3, 2, 5)))
    assert all(r.mode == "incremental" for r in reports)
    assert _snapshot(store) == full
    # Nothing new: nothing done, nothing changed.
    again = resolve_store(store)
    assert (again.mentions, again.region_nodes) == (0, 0)
    assert _snapshot(store) == full


def _generated(n: int, seed: int) -> list[MentionRef]:
    refs, _ = synth_mentions(n, seed)
    return refs


@pytest.mark.parametrize("seed", [0, 3])
def test_entities_incremental_generated_corpus_any_order(tmp_path, seed) -> None:
    refs = _generated(150, seed)
    store = SQLiteStore(str(tmp_path / "gen.db"))
    store_mentions(store, refs)
    resolve_store(store, rebuild=True)
    full = _snapshot(store)
    # The store's resolution is the pure function's.
    pure = resolve(refs)
    assert sorted(e.row()["id"] for e in pure.entities.values()) == [e["id"] for e in full[0]]
    anns = _annotations(store)
    for order in range(3):
        _arrive(store, _batches(anns, seed * 10 + order, (40, 1, 7, 30, 2)))
        assert _snapshot(store) == full, f"arrival order {order}"
    # One article at a time.
    _arrive(store, _batches(anns, seed, (1,) * len(anns)))
    assert _snapshot(store) == full


def test_entities_incremental_ids_stable_when_unrelated_articles_arrive(tmp_path) -> None:
    store = SQLiteStore(str(tmp_path / "s.db"))
    first = [
        MentionRef("a1", 0, "Volodymyr Zelenskyy", "PERSON", "Post"),
        MentionRef("a1", 1, "Zelenskyy", "PERSON", "Post"),
        MentionRef("a1", 2, "Kyiv", "GPE", "Post"),
        MentionRef("a2", 0, "Vladimir Zelensky", "PERSON", "Herald"),
        MentionRef("a2", 1, "Kiev", "GPE", "Herald"),
    ]
    store_mentions(store, first)
    resolve_store(store)
    before = {e["id"]: e for e in store.entities()}
    rows = store.conn.execute("SELECT * FROM entity_mentions ORDER BY 1, 2").fetchall()
    store_mentions(store, [MentionRef("b1", 0, "Andrzej Duda", "PERSON", "Gazette"),
                           MentionRef("b1", 1, "Warsaw", "GPE", "Gazette")])
    report = resolve_store(store)
    assert report.mode == "incremental"
    assert report.region_nodes == 2  # only the new article's names were regrouped
    after = {e["id"]: e for e in store.entities()}
    assert {k: after[k] for k in before} == before
    assert store.conn.execute(
        "SELECT * FROM entity_mentions WHERE article_id != 'b1' ORDER BY 1, 2"
    ).fetchall() == rows
    # A new spelling of a known person joins them, under the same id.
    store_mentions(store, [MentionRef("c1", 0, "Volodymyr Zelenskiy", "PERSON", "Gazette")])
    resolve_store(store)
    joined = store.conn.execute(
        "SELECT entity_id FROM entity_mentions WHERE article_id = 'c1'"
    ).fetchone()[0]
    assert joined == store.conn.execute(
        "SELECT entity_id FROM entity_mentions WHERE article_id = 'a1' AND mention = 0"
    ).fetchone()[0]
    assert joined in before


def test_entities_incremental_offices_join_their_holder_in_any_order(tmp_path) -> None:
    refs = [
        MentionRef("a1", 0, "Emmanuel Macron", "PERSON", "Post", "French President"),
        MentionRef("a1", 1, "French president", "ROLE", "Post", "French president"),
        MentionRef("a2", 0, "Macron", "PERSON", "Herald", "French President"),
        MentionRef("a2", 1, "president", "ROLE", "Herald", "president"),
        MentionRef("a3", 0, "French president", "ROLE", "Gazette", "French president"),
        MentionRef("a4", 0, "Emmanuel Macron", "PERSON", "Gazette"),
        MentionRef("a4", 1, "Donald Tusk", "PERSON", "Gazette", "Polish Prime Minister"),
        MentionRef("a4", 2, "prime minister", "ROLE", "Gazette", "prime minister"),
    ]
    store = SQLiteStore(str(tmp_path / "roles.db"))
    store_mentions(store, refs)
    resolve_store(store, rebuild=True)
    full = _snapshot(store)
    entity = {(a, m): (e, why) for a, m, e, why, _ in full[1]}
    macron = entity[("a1", 0)][0]
    assert entity[("a1", 1)] == (macron, "role")
    assert entity[("a2", 1)] == (macron, "role")  # "Macron" and "the president" there
    assert ("a3", 0) not in entity  # an office its article gives nobody
    assert entity[("a4", 2)][1] == "role" and entity[("a4", 2)][0] != macron
    names = {e["id"]: e for e in full[0]}
    assert names[macron]["name"] == "Emmanuel Macron"
    assert "French president" not in names[macron]["aliases"]
    anns = _annotations(store)
    for seed in range(4):
        _arrive(store, _batches(anns, seed, (1, 1, 2)))
        assert _snapshot(store) == full, f"arrival order {seed}"


def test_entities_incremental_rules_win_and_rule_changes_regroup(tmp_path) -> None:
    refs = [MentionRef("a", 0, "Anna Novak", "PERSON"),
            MentionRef("b", 0, "Anna Novakova", "PERSON"),
            MentionRef("c", 0, "Vladimir Putin", "PERSON"), MentionRef("d", 0, "Vova", "PERSON"),
            MentionRef("e", 0, "Paris", "GPE")]
    store = SQLiteStore(str(tmp_path / "r.db"))
    store_mentions(store, refs[:3])
    resolve_store(store)
    store_mentions(store, refs[3:])
    resolve_store(store)

    def entity(article: str) -> str:
        return store.conn.execute(
            "SELECT entity_id FROM entity_mentions WHERE article_id = ?", (article,)
        ).fetchone()[0]

    assert entity("c") != entity("d")
    with store.transaction():
        store.add_entity_rule("merge", ["Vladimir Putin", "Vova"])
        store.add_entity_rule("split", ["Anna Novak", "Anna Novakova"])
    report = resolve_store(store)
    assert report.mode == "incremental" and report.region_nodes < 5
    assert entity("c") == entity("d")
    assert entity("a") != entity("b")
    incremental = _snapshot(store)
    resolve_store(store, rebuild=True)
    assert _snapshot(store) == incremental
    # A later article naming Vova joins the merged entity too.
    store_mentions(store, [MentionRef("f", 0, "Vova", "PERSON")])
    resolve_store(store)
    assert entity("f") == entity("c")
    full = Rules(merge=[["Vladimir Putin", "Vova"]], split=[["Anna Novak", "Anna Novakova"]])
    pure = resolve([*refs, MentionRef("f", 0, "Vova", "PERSON")], full)
    assert entity("f") == pure.assignment[("f", 0)][0]


def test_entities_incremental_reannotated_article_rebuilds(tmp_path) -> None:
    store = SQLiteStore(str(tmp_path / "s.db"))
    store_mentions(store, [MentionRef("a", 0, "Anna Novak", "PERSON")])
    resolve_store(store)
    store_mentions(store, [MentionRef("a", 0, "Petr Novak", "PERSON")], signature="other")
    report = resolve_store(store)
    assert report.mode == "rebuild" and "re-annotated" in report.why
    assert [e["name"] for e in store.entities()] == ["Petr Novak"]




def test_entities_incremental_cli_resolve_and_rebuild(tmp_path, capsys) -> None:
    import json

    from rashomon.cli import main

    db = str(tmp_path / "cli.db")
    store = SQLiteStore(db)
    store_mentions(store, [MentionRef("a", 0, "Anna Novak", "PERSON"),
                           MentionRef("b", 0, "Kiev", "GPE")])
    store.close()
    assert main(["resolve", "--db", db, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["mode"], first["mentions"], first["entities"]) == ("rebuild", 2, 2)
    store = SQLiteStore(db)
    store_mentions(store, [MentionRef("c", 0, "Kyiv", "GPE")])
    store.close()
    assert main(["resolve", "--db", db]) == 0
    assert "1 mention(s) in 1 article(s) resolved (incremental); 2 entit(ies)" in (
        capsys.readouterr().out
    )
    assert main(["resolve", "--db", db, "--rebuild", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["mode"], again["why"], again["mentions"]) == ("rebuild", "asked", 3)


def test_entities_incremental_numbering_and_renames_swap(tmp_path) -> None:
    from rashomon.entities.resolve import number_entities

    # Two entities share a base: the one with the earlier first mention keeps the plain id.
    pairs = number_entities([(("b", 0), "e1", "later"), (("a", 3), "e1", "earlier"),
                             (("a", 0), "e2", "other")])
    assert dict(pairs) == {"earlier": "e1", "later": "e1-2", "other": "e2"}
    store = SQLiteStore(str(tmp_path / "n.db"))
    with store.transaction():
        store.insert_entities(
            [{"id": i, "name": n, "type": "PERSON", "mentions": 1} for i, n in
             (("e1", "Novak"), ("e1-2", "Novak"))],
            [("e1", "e1", "b", 0), ("e1-2", "e1", "c", 0)],
        )
        store.add_entity_mentions(
            [("b", 0, "e1", "exact", 1.0, 1), ("c", 0, "e1-2", "exact", 1.0, 2)]
        )
        store.rename_entities([("e1", "e1-2"), ("e1-2", "e1")])
    assert {e["id"]: e["id"] for e in store.entities()} == {"e1": "e1", "e1-2": "e1-2"}
    assert store.entity_mentions("e1") == [("c", 0, "exact", 1.0)]
    assert store.entity_mentions("e1-2") == [("b", 0, "exact", 1.0)]
    assert sorted(store.entity_clusters(["e1"])) == [("e1", "e1", "c", 0), ("e1-2", "e1", "b", 0)]


def test_entities_incremental_rules_file_changes_between_runs(tmp_path) -> None:
    refs = [MentionRef("a", 0, "Vladimir Putin", "PERSON"), MentionRef("b", 0, "Vova", "PERSON"),
            MentionRef("c", 0, "Putin", "PERSON"), MentionRef("d", 0, "V. V. Putin", "PERSON")]
    store = SQLiteStore(str(tmp_path / "f.db"))
    store_mentions(store, refs)
    one = Rules(merge=[["Vova", "Vladimir Putin"], ["Putin", "Vova"]])
    other = Rules(merge=[["Putin", "Vova"], ["Vova", "Vladimir Putin"]])
    for rules in (one, other, Rules(), one):
        report = resolve_store(store, rules)
        incremental = _snapshot(store)
        resolve_store(store, rules, rebuild=True)
        assert _snapshot(store) == incremental, rules
        assert report.mode == "incremental" or rules is one


#: Names whose decisions chain across blocking keys: surnames alone and with given names,
#: one-word names the tagger labels as people, organisations or places, acronyms.
HARD = [("Anna Novak", "PERSON"), ("Novak", "PERSON"), ("Novak", "ORG"), ("Novák", "GPE"),
        ("Petr Novak", "PERSON"), ("Novakova", "PERSON"), ("Dolvitsa", "GPE"),
        ("Dolvica", "ORG"), ("Dolvitsa", "PERSON"), ("United Nations", "ORG"), ("UN", "ORG"),
        ("U.N.", "ORG"), ("Union of Nurses", "ORG"), ("Una", "ORG"), ("Benedek", "PERSON"),
        ("Irina Benedek", "PERSON"), ("Benedeck", "ORG"), ("Acme Inc.", "ORG"), ("Acme", "ORG"),
        ("A. Novak", "PERSON"), ("Anna Novakova", "PERSON"), ("Nowak", "ORG")]


@pytest.mark.parametrize("seed", range(20, 32))
def test_entities_incremental_hard_names_one_article_at_a_time(tmp_path, seed) -> None:
    # Seed 23 fails if the region follows keys only one hop from the new article's names.
    rng = random.Random(seed)
    refs = [
        MentionRef(f"a{a}", i, *rng.choice(HARD), rng.choice(["Post", "Herald"]))
        for a in range(rng.randint(3, 9))
        for i in range(rng.randint(1, 4))
    ]
    store = SQLiteStore(str(tmp_path / "h.db"))
    store_mentions(store, refs)
    resolve_store(store, rebuild=True)
    full = _snapshot(store)
    _arrive(store, _batches(_annotations(store), seed, (1,) * 9))
    assert _snapshot(store) == full


def test_entities_incremental_postgresql_matches_sqlite(tmp_path, pg_url) -> None:
    from rashomon.store import open_store

    refs = _generated(150, 0)
    results = []
    for url in (str(tmp_path / "gen.db"), pg_url):
        store = open_store(url)
        store_mentions(store, refs)
        resolve_store(store, rebuild=True)
        full = _snapshot(store)
        _arrive(store, _batches(_annotations(store), 1, (40, 1, 7, 30, 2)))
        assert _snapshot(store) == full, url
        results.append(full)
        store.close()
    assert results[0] == results[1]
