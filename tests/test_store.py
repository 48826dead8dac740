"""The store, on every backend: migrations, round trips, refusal of foreign stores, search,
listing order, change watching, and concurrent writers (PostgreSQL).

Tests taking ``any_store`` or ``store_url`` run once on SQLite and once on a PostgreSQL
server of their own (see conftest.py)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from conftest import cut_connections
from hypothesis import strategies as st

from rashomon.errors import MissingDependency, NotFoundError, StoreError
from rashomon.model import Article, Block, Outlet, Skip
from rashomon.store import ArticleQuery, SQLiteStore, open_store
from rashomon.store import postgres
from rashomon.store.sqlite import migrations

SRC = Path(__file__).resolve().parent.parent / "src"


def _article(i: int, text: str = "Some text of an article.", **kw) -> Article:
    return Article(id=f"{i:016x}"[::-1], text=text, blocks=[Block(0, len(text), "body")],
                   content_hash=f"h{i}", path=f"/in/{i}.txt", **kw)


def test_store_migrates_new_file_to_latest_version(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "a.db"))
    assert s.schema_version == migrations()[-1][0]
    mode = s.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    s.close()
    again = open_store(str(tmp_path / "a.db"))  # re-opening migrates nothing
    assert again.schema_version == migrations()[-1][0]
    again.close()


_RACE = """
import sys, time
from rashomon.store import open_store
start = float(sys.argv[2])
while time.time() < start:
    pass
store = open_store(sys.argv[1])
print(store.schema_version)
"""


def test_store_new_store_opened_by_several_processes_at_once(store_url: str) -> None:
    """Processes creating the same new store together: one migrates, the others wait and
    find it done (before, each SQLite opener ran the first migration and all but one
    failed; a PostgreSQL opener could see the tables another was committing and call them
    foreign)."""
    import time

    path = store_url
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    start = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACE, str(path), str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for _ in range(4)
    ]
    latest = migrations()[-1][0]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == str(latest)
    with open_store(path) as store:  # type: ignore[attr-defined]
        assert store.schema_version == latest


def test_store_refuses_foreign_sqlite_and_garbage(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Rashomon store"):
        open_store(str(other))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError):
        open_store(str(garbage))


def test_store_refuses_newer_schema(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "a.db"))
    s.conn.execute("PRAGMA user_version = 999")
    s.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(str(tmp_path / "a.db"))


def test_store_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        open_store(str(tmp_path / "missing.db"), create=False)
    with pytest.raises(StoreError, match="unknown store backend"):
        open_store("mongodb://x")


def test_store_sqlite_url(tmp_path: Path) -> None:
    s = open_store(f"sqlite:///{tmp_path}/u.db")
    assert Path(s.path) == tmp_path / "u.db"
    s.close()


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text, title=st.none() | _text, meta=st.dictionaries(st.text(max_size=10), _text, max_size=3),
       outlet=st.none() | _text)
def test_store_article_round_trip_is_lossless(any_store, text, title, meta, outlet) -> None:
    store = any_store
    if isinstance(store, postgres.PostgresStore):
        # PostgreSQL text cannot hold NUL (ingest removes them from text): not round-tripped.
        text, title, outlet = (v and v.replace("\x00", "") for v in (text, title, outlet))
        if not text:
            return
    key = int(hashlib.sha1(repr((text, title, meta, outlet)).encode()).hexdigest()[:15], 16)
    article = _article(key, text, title=title, outlet=outlet, meta=meta)
    sig = np.arange(64, dtype=np.uint32)
    with store.transaction():
        store.insert_article(article, sig, [1, 2, 3])
    got = store.get_article(article.id)
    assert got == article
    assert np.array_equal(store.signatures([article.id])[article.id], sig)


def test_store_insert_is_idempotent_and_queries_filter(any_store) -> None:
    store = any_store
    sig = np.zeros(64, dtype=np.uint32)
    with store.transaction():
        assert store.insert_article(_article(1, outlet="A", published="2026-01-02", language="en"), sig, [])
        assert not store.insert_article(_article(1, outlet="A", published="2026-01-02"), sig, [])
        store.insert_article(_article(2, outlet="B", published="2026-02-03", language="de"), sig, [])
    assert store.count_articles() == 2
    assert [a.id for a in store.articles(ArticleQuery(outlet="a"))] == [f"{1:016x}"[::-1]]
    assert [a.language for a in store.articles(ArticleQuery(since="2026-02-01"))] == ["de"]
    assert [a.outlet for a in store.articles(ArticleQuery(until="2026-01-02"))] == ["A"]
    assert store.get_article(f"{2:016x}"[::-1][:6]).outlet == "B"
    with pytest.raises(NotFoundError):
        store.get_article("ffff")


def test_store_transaction_rolls_back_on_error(any_store) -> None:
    store = any_store
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_article(_article(1), np.zeros(64, dtype=np.uint32), [])
            raise RuntimeError("boom")
    assert store.count_articles() == 0


def test_store_skips_replace_per_input_and_clear(any_store) -> None:
    store = any_store
    with store.transaction():
        store.add_skip(Skip("/a.txt", "empty file"))
        store.add_skip(Skip("/a.txt", "empty file"))
        store.add_skip(Skip("/b.jsonl", "malformed JSON", "line 3"))
    assert len(store.skips()) == 2
    with store.transaction():
        store.clear_skips("/a.txt")
    assert [s.path for s in store.skips()] == ["/b.jsonl"]


def test_store_outlets_upsert_keeps_known_facts(any_store) -> None:
    store = any_store
    store.upsert_outlets([Outlet("post", "The Post", domains=["post.example"], country="ZZ",
                                 state_affiliated=False, ratings={"r": 1})])
    store.upsert_outlets([Outlet("post", "The Post")])  # met in data: must not erase the facts
    (o,) = store.outlets()
    assert (o.domains, o.country, o.state_affiliated, o.ratings) == (["post.example"], "ZZ", False, {"r": 1})


# -- every backend ------------------------------------------------------------------------


def test_store_postgresql_migrations_twin_sqlite_step_by_step() -> None:
    sqlite_names = sorted(
        p.name for p in (Path(postgres.__file__).parent / "migrations").glob("*.sql")
    )
    pg_names = [f"{v:04d}_{name}.sql" for v, name, _ in postgres.migrations()]
    assert pg_names == sqlite_names


def test_store_listing_order_and_pages_agree(any_store) -> None:
    store = any_store
    dates = [None, "2026-03-01", "2026-01-02T10:00:00", None, "2026-01-02", "2025-12-31"]
    sig = np.zeros(64, dtype=np.uint32)
    with store.transaction():
        for i, d in enumerate(dates):
            store.insert_article(_article(i + 1, outlet="Echo" if i % 2 else "b", published=d), sig, [])
    got = [(a.published, a.id) for a in store.articles()]
    # Undated last, then by date as text (byte order), then id: on every backend.
    dated = sorted((d, f"{i + 1:016x}"[::-1]) for i, d in enumerate(dates) if d)
    undated = sorted((None, f"{i + 1:016x}"[::-1]) for i, d in enumerate(dates) if not d)
    assert got == dated + undated
    pages = [a.id for off in (0, 2, 4) for a in store.articles(ArticleQuery(limit=2, offset=off))]
    assert pages == [i for _, i in got]
    assert store.count_articles(ArticleQuery(outlet="ECHO")) == 3


def test_store_search_ranks_title_matches_first_and_folds_accents(any_store) -> None:
    store = any_store
    sig = np.zeros(64, dtype=np.uint32)
    docs = {
        1: ("Ports reopen", "Dockers met Železov in the harbour. The well-known envoy left."),
        2: ("Železov visits the harbour", "He spoke to workers about wages for an hour."),
        3: ("Markets", "Prices at example.com rose 3.5 per cent; nobody mentioned the envoy."),
    }
    with store.transaction():
        for i, (title, text) in docs.items():
            store.insert_article(_article(i, text, title=title, outlet="Post"), sig, [])
    ids = {i: f"{i:016x}"[::-1] for i in docs}
    total, rows = store.search_articles("zelezov")
    assert total == 2
    assert [r["id"] for r in rows] == [ids[2], ids[1]]  # the title match ranks first
    assert store.MATCH_START in rows[1]["snippet"]
    assert [r["id"] for r in store.search_articles('"well known envoy"')[1]] == [ids[1]]
    assert [r["id"] for r in store.search_articles('"known well"')[1]] == []
    assert [r["id"] for r in store.search_articles("harb*")[1]] == [ids[2], ids[1]]
    assert [r["id"] for r in store.search_articles("example 3.5")[1]] == [ids[3]]
    assert store.search_articles("envoy", limit=1, offset=1)[0] == 2
    assert store.search_articles("envoy AND OR ) (")[0] == 0  # operators are words here
    assert store.search_articles("envoy", outlet="post")[0] == 2
    # An outlet by its id filters search as it filters listings.
    store.upsert_outlets([Outlet(id="the-post", name="Post")])
    assert store.search_articles("envoy", outlet="the-post")[0] == 2
    assert store.count_articles(ArticleQuery(outlet="the-post")) == 3
    assert store.search_articles("envoy", outlet="other")[0] == 0
    assert store.search_articles("  ") == (0, [])


def test_store_entities_and_stories_round_trip(any_store) -> None:
    store = any_store
    sig = np.zeros(64, dtype=np.uint32)
    with store.transaction():
        for i in (1, 2):
            store.insert_article(_article(i, published=f"2026-01-0{i}"), sig, [])
    a1, a2 = (f"{i:016x}"[::-1] for i in (1, 2))
    ents = [
        {"id": "e1", "name": "Olena Zelenska", "type": "PERSON", "mentions": 3,
         "aliases": ["Olena Zelenska", "Zelenska"], "country": None},
        {"id": "e2", "name": "Kyiv", "type": "GPE", "mentions": 5, "aliases": ["Kyiv", "Kiev"]},
    ]
    with store.transaction():
        store.replace_entities(ents, [(a1, 0, "e1", "exact name", 1.0), (a2, 3, "e2", "alias", 0.9)])
        store.add_entity_rule("merge", ["Kyiv", "Kiev"])
    assert [e["id"] for e in store.entities()] == ["e2", "e1"]
    assert store.count_entities("person") == 1
    assert [e["id"] for e in store.find_entities("kiev")] == ["e2"]
    assert [e["id"] for e in store.find_entities("zelenska olena")] == ["e1"]  # by words
    assert store.entity_mentions("e2") == [(a2, 3, "alias", 0.9)]
    assert store.entity_ids_by_article([a1, a2]) == {a1: {0: "e1"}, a2: {3: "e2"}}
    assert store.entity_names(["e1"]) == {"e1": ("Olena Zelenska", "PERSON")}
    assert store.entity_rules() == [("merge", ["Kyiv", "Kiev"])]
    assert store.current_basis() == {a1: "ae", a2: "ae"}
    with store.transaction():
        store.save_story_features([(a1, 1.5, "{}", b"\x01\x02", "m", "a"), (a2, None, "{}", None, None, "")])
        store.replace_story_members([a1, a2], [(a1, "s1", "b1"), (a2, "s2", "b1")])
        store.replace_stories([], [
            {"id": "s1", "title": "One", "start": "2026-01-01", "end": "2026-01-01", "articles": [a1]},
            {"id": "s2", "title": "Undated", "start": None, "end": None, "articles": [a2]},
        ])
        store.replace_storylines([{"id": "l1", "title": "Line", "stories": ["s1", "s2"]}])
    assert list(store.story_features()) == [(a1, 1.5, "{}", b"\x01\x02", "m"), (a2, None, "{}", None, None)]
    assert store.story_feature_basis() == {a1: "a", a2: ""}
    assert store.story_members() == {a1: ("s1", "b1"), a2: ("s2", "b1")}
    assert [(s["id"], s["storyline"]) for s in store.stories()] == [("s2", "l1"), ("s1", "l1")]
    assert store.story("s1")["title"] == "One" and store.story("nope") is None
    assert [line["id"] for line in store.storylines()] == ["l1"]
    with store.transaction():
        store.clear_stories(features=True)
    assert store.stories() == [] and list(store.story_features()) == []


def test_store_watch_moves_when_another_connection_commits(store_url: str) -> None:
    store = open_store(store_url)
    watch = store.watch()
    before = watch.version()
    assert watch.version() == before  # reading changes nothing
    other = open_store(store_url)
    with other.transaction():
        other.add_skip(Skip("/x.txt", "empty file"))
    other.close()
    assert watch.version() != before
    watch.close()
    store.close()


# -- PostgreSQL only ----------------------------------------------------------------------


def test_store_postgresql_migrates_once_and_refuses_newer(pg_url: str) -> None:
    s = open_store(pg_url)
    assert s.schema_version == postgres.migrations()[-1][0]
    s.close()
    again = open_store(pg_url, create=False)  # re-opening migrates nothing
    assert again.schema_version == postgres.migrations()[-1][0]
    again.conn.execute("INSERT INTO rashomon_migrations (version, name) VALUES (999, 'future')")
    again.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(pg_url)


def test_store_postgresql_opener_racing_a_creator_is_not_refused(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving of two processes creating one store: this opener looked for the
    migrations table just before the creator committed, and for the other tables just
    after. The tables are the creator's, not foreign ones: the opener finds the store
    made (it was refused in one run of the concurrent-writers test above)."""
    open_store(pg_url).close()  # the creator, committed
    exists = postgres.PostgresStore._exists
    early = {"rashomon_migrations": 1}  # seen missing once, before the commit

    def seen(self, table: str) -> bool:
        if early.get(table):
            early[table] -= 1
            return False
        return exists(self, table)

    monkeypatch.setattr(postgres.PostgresStore, "_exists", seen)
    with open_store(pg_url) as store:  # type: ignore[attr-defined]
        assert store.schema_version == postgres.migrations()[-1][0]
    assert not early["rashomon_migrations"]


def test_store_postgresql_refuses_missing_foreign_and_unreachable(pg_url: str, monkeypatch) -> None:
    with pytest.raises(StoreError, match="no store"):
        open_store(pg_url, create=False)
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE articles (x int)")
    with pytest.raises(StoreError, match="not a Rashomon store"):
        open_store(pg_url)
    with pytest.raises(StoreError, match=r"cannot connect .*:\*\*\*@") as err:
        open_store("postgresql://me:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(err.value)
    monkeypatch.setitem(__import__("sys").modules, "psycopg", None)
    with pytest.raises(MissingDependency, match=r"rashomon\[postgres\]"):
        open_store(pg_url)


def _ingest_cli(paths: list[str], db: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "rashomon", "-q", "ingest", *paths, "--db", db, "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_store_postgresql_concurrent_writers_lose_nothing(pg_url: str, tmp_path: Path) -> None:
    # Eight files of 150 articles, each story also run by a second outlet (an exact copy)
    # and a third (edited: a near duplicate) in another file, so the two writers race on
    # the same ids and on the same duplicate groups. One ingests the files in order, the
    # other in reverse; the result must be what one writer alone stores in SQLite.
    rng = random.Random(7)
    words = [f"w{i}" for i in range(400)]
    files = []
    for f in range(8):
        lines = []
        for i in range(150):
            n = (f * 150 + i) % 600  # stories 0..599, each in two files
            body = " ".join(random.Random(n).choices(words, k=60))
            if f >= 4 and rng.random() < 0.5:
                body = body.replace("w1 ", "x1 ", 1) + " edited"
            lines.append(json.dumps({"title": f"Story {n}", "text": body, "outlet": f"o{f % 3}",
                                     "published": f"2026-01-{1 + n % 28:02d}"}))
        path = tmp_path / "in" / f"f{f}.jsonl"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        files.append(str(path))
    a = _ingest_cli(files, pg_url)
    b = _ingest_cli(files[::-1], pg_url)
    for p in (a, b):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    alone = tmp_path / "alone.db"
    c = _ingest_cli(files, str(alone))
    assert c.wait(timeout=300) == 0, c.stderr.read()

    def state(url: str) -> dict[str, tuple]:
        with open_store(url) as s:
            return {x.id: (x.duplicate_of, x.duplicate_kind, x.path, x.locator) for x in s.articles()}

    shared, single = state(pg_url), state(str(alone))
    assert len(single) > 600
    assert shared == single
    with open_store(pg_url) as s:
        assert s.count_articles() == len(single)  # no article twice
        assert sorted(x.path for x in s.skips()) == []


def test_store_postgresql_url_errors_are_one_line_without_the_password(capsys) -> None:
    from rashomon.cli import main

    code = main(["articles", "--db", "postgresql://me:s3cret@127.0.0.1:1/news"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and err.startswith("error: ")
    assert "s3cret" not in err and ("cannot connect" in err or "rashomon[postgres]" in err)


def test_store_postgresql_readers_do_not_wait_for_a_writer(pg_url: str) -> None:
    import threading

    writer = open_store(pg_url)
    opened = threading.Event()

    def read() -> None:
        with open_store(pg_url, create=False) as reader:  # type: ignore[attr-defined]
            reader.count_articles()
        opened.set()

    with writer.transaction():  # holds the writers' lock
        writer.insert_article(_article(1), np.zeros(64, dtype=np.uint32), [])
        thread = threading.Thread(target=read)
        thread.start()
        assert opened.wait(20), "opening the store waited for the writer's transaction"
    thread.join()
    writer.close()


# -- PostgreSQL going away: one line, never psycopg's traceback -----------------------------


def test_store_postgresql_connection_lost_is_a_store_error(pg_url: str) -> None:
    store = open_store(pg_url)
    store.insert_article(_article(1), np.zeros(64, dtype=np.uint32), [])
    cut_connections(pg_url)
    with pytest.raises(StoreError, match=r"^lost the connection to PostgreSQL at postgresql://"):
        store.count_articles()
    with pytest.raises(StoreError, match="lost the connection"):
        list(store.articles())  # a streamed read: raised while iterating
    with pytest.raises(StoreError, match="lost the connection"):
        with store.transaction():
            pass
    store.close()  # closing a lost connection is quiet
    with open_store(pg_url) as again:  # type: ignore[attr-defined]
        assert again.count_articles() == 1  # what was committed is kept


def test_store_postgresql_lost_mid_run_ends_the_command_with_one_line(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from conftest import EXAMPLE

    from rashomon import entities
    from rashomon.cli import main

    resolve = entities.resolve_store

    def cut_then_resolve(store, *args, **kwargs):
        cut_connections(pg_url)  # after ingest and annotation were committed
        return resolve(store, *args, **kwargs)

    monkeypatch.setattr(entities, "resolve_store", cut_then_resolve)
    code = main(["analyze", str(EXAMPLE), "--out", str(tmp_path / "out"), "--db", pg_url])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith("error: lost the connection to PostgreSQL at postgresql://")
    assert "terminating connection" in err or "closed" in err
    with open_store(pg_url) as store:  # type: ignore[attr-defined]
        ids = store.article_ids()
        assert ids and all(store.load_annotations(i) for i in ids)


def test_store_postgresql_wrong_database_or_user_is_one_line(
    pg_server: str, tmp_path: Path, capsys
) -> None:
    from conftest import EXAMPLE

    from rashomon.cli import main

    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    for url, expected in (
        (f"postgresql://rashomon@{host}/no_such_db", 'database "no_such_db" does not exist'),
        (f"postgresql://no_such_user:pw@{host}/postgres", 'role "no_such_user" does not exist'),
    ):
        code = main(["analyze", str(EXAMPLE), "--out", str(tmp_path / "out"), "--db", url])
        err = capsys.readouterr().err
        assert code == 1 and err.count("\n") == 1, err
        assert err.startswith("error: cannot connect to PostgreSQL at ") and expected in err
        assert ":pw@" not in err


def test_store_postgresql_wrong_password_is_one_line_without_it(pg_server: str, capsys) -> None:
    """A role that must give a password (SCRAM, as on a shared server; the test server
    trusts everyone else): a wrong one is refused in one line that does not show it, the
    right one opens the store."""
    import psycopg

    from rashomon.cli import main

    role, secret = "pw_user", "right-horse-battery"
    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    with psycopg.connect(pg_server, autocommit=True) as admin:
        hba = Path(admin.execute("SHOW hba_file").fetchone()[0])
        before = hba.read_text()
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{secret}'")
        admin.execute(f"CREATE DATABASE {role}_db OWNER {role}")
        try:
            hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n{before}")
            admin.execute("SELECT pg_reload_conf()")
            url = f"postgresql://{role}:wrong-guess@{host}/postgres"
            code = main(["articles", "--db", url])
            err = capsys.readouterr().err
            assert code == 1 and err.count("\n") == 1, err
            assert err.startswith("error: cannot connect to PostgreSQL at ")
            assert "password authentication failed" in err and "wrong-guess" not in err
            with open_store(f"postgresql://{role}:{secret}@{host}/{role}_db") as store:
                assert store.schema_version == postgres.migrations()[-1][0]
        finally:
            hba.write_text(before)
            admin.execute("SELECT pg_reload_conf()")
            admin.execute(f"DROP DATABASE {role}_db WITH (FORCE)")
            admin.execute(f"DROP ROLE {role}")
