"""The SQLite store: migrations, round trips, refusal of foreign files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashomon.errors import NotFoundError, StoreError
from rashomon.model import Article, Block, Outlet, Skip
from rashomon.store import ArticleQuery, SQLiteStore, open_store
from rashomon.store.sqlite import migrations


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
def test_store_article_round_trip_is_lossless(store: SQLiteStore, text, title, meta, outlet) -> None:
    key = int(hashlib.sha1(repr((text, title, meta, outlet)).encode()).hexdigest()[:15], 16)
    article = _article(key, text, title=title, outlet=outlet, meta=meta)
    sig = np.arange(64, dtype=np.uint32)
    with store.transaction():
        store.insert_article(article, sig, [1, 2, 3])
    got = store.get_article(article.id)
    assert got == article
    assert np.array_equal(store.signatures([article.id])[article.id], sig)


def test_store_insert_is_idempotent_and_queries_filter(store: SQLiteStore) -> None:
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


def test_store_transaction_rolls_back_on_error(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_article(_article(1), np.zeros(64, dtype=np.uint32), [])
            raise RuntimeError("boom")
    assert store.count_articles() == 0


def test_store_skips_replace_per_input_and_clear(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_skip(Skip("/a.txt", "empty file"))
        store.add_skip(Skip("/a.txt", "empty file"))
        store.add_skip(Skip("/b.jsonl", "malformed JSON", "line 3"))
    assert len(store.skips()) == 2
    with store.transaction():
        store.clear_skips("/a.txt")
    assert [s.path for s in store.skips()] == ["/b.jsonl"]


def test_store_outlets_upsert_keeps_known_facts(store: SQLiteStore) -> None:
    store.upsert_outlets([Outlet("post", "The Post", domains=["post.example"], country="ZZ",
                                 state_affiliated=False, ratings={"r": 1})])
    store.upsert_outlets([Outlet("post", "The Post")])  # met in data: must not erase the facts
    (o,) = store.outlets()
    assert (o.domains, o.country, o.state_affiliated, o.ratings) == (["post.example"], "ZZ", False, {"r": 1})
