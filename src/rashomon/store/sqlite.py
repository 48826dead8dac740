"""SQLite backend: one file, WAL journal, versioned migrations."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFoundError, StoreError
from ..model import Article, Block, Skip
from .base import ArticleQuery, NodeRecord, article_clauses, article_filter
from .sql import SQLStore, now

APPLICATION_ID = 0x5241534F  # "RASO": marks the file as a Rashomon store


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (triggers' inner semicolons included)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_sql(buffer):
                yield buffer
            buffer = ""
    # What is left after the last semicolon is whitespace and comments.


def _has_sql(text: str) -> bool:
    lines = (line.split("--", 1)[0].strip() for line in text.splitlines())
    return any(line and line != ";" for line in lines)


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) pairs, in order, from the packaged migrations folder."""
    folder = resources.files("rashomon.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text("utf-8")))
    return sorted(found)


class SQLiteStore(SQLStore):
    """The default store. Not shared across threads; open one per process."""

    lost = False  # a file has no connection to lose

    def __init__(self, path: str, *, create: bool = True) -> None:
        self.path = path
        p = Path(path)
        if not create and not p.exists():
            raise StoreError(f"no store at {path} (run 'rashomon ingest ... --db {path}' first)")
        if p.exists() and p.is_dir():
            raise StoreError(f"{path} is a directory, not a store file")
        if p.parent and not p.parent.exists():
            raise StoreError(f"directory {p.parent} does not exist")
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # Wait for other processes' locks (a new file being migrated) rather than fail.
            self.conn.execute("PRAGMA busy_timeout = 30000")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # Both read in one transaction: read apart, another process migrating the
            # same new file could commit in between (no id yet, then its tables), and the
            # store would look foreign.
            self.conn.execute("BEGIN")
            try:
                app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
                tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            finally:
                self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a Rashomon store ({exc})") from exc
        if tables and app_id != APPLICATION_ID:
            self.conn.close()
            raise StoreError(f"{path} is an SQLite file but not a Rashomon store")
        self._set_wal()
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self._lock = threading.RLock()
        self._depth = 0
        self._migrate()

    def _set_wal(self) -> None:
        # Switching the journal mode needs the file to itself and does not wait on the
        # busy timeout: another process opening the same new file at once makes it fail
        # with "database is locked", so it is retried for up to the same 30 s.
        deadline = time.monotonic() + 30.0
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreError(f"{self.path}: {exc}") from exc
                time.sleep(0.05)

    # -- schema ------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        known = migrations()
        latest = known[-1][0] if known else 0
        if self._check_version(latest) == latest:
            return
        # Under the write lock, read the version again: another process opening the same
        # new file at the same time may have migrated it while this one waited. The whole
        # upgrade is one transaction, so a failure leaves no half schema.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._check_version(latest)
            for version, sql in known:
                if version <= current:
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _check_version(self, latest: int) -> int:
        current = self.schema_version
        if current > latest:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this Rashomon "
                f"({latest}); upgrade Rashomon"
            )
        return current

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def watch(self) -> SQLiteWatch:
        """A counter that moves whenever another connection commits to the store."""
        return SQLiteWatch(self.path)

    # -- outlets ------------------------------------------------------------------------

    # -- articles -----------------------------------------------------------------------

    def insert_article(self, article: Article, signature: np.ndarray, band_keys: list[int]) -> bool:
        """Insert unless the id exists; True when inserted. Call inside a transaction."""
        a = article
        cur = self.conn.execute(
            """INSERT OR IGNORE INTO articles (id, outlet, title, published, author, url,
                 site_name, language, language_score, path, locator, text, blocks, content_hash,
                 duplicate_of, duplicate_kind, duplicate_score, meta, signature, ingested_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                a.id,
                a.outlet,
                a.title,
                a.published,
                a.author,
                a.url,
                a.site_name,
                a.language,
                a.language_score,
                a.path,
                a.locator,
                a.text,
                _blocks_json(a.blocks),
                a.content_hash,
                a.duplicate_of,
                a.duplicate_kind,
                a.duplicate_score,
                json.dumps(a.meta, sort_keys=True, ensure_ascii=False),
                signature.astype("<u4").tobytes(),
                now(),
            ),
        )
        inserted = cur.rowcount == 1
        if inserted:
            self.conn.executemany(
                "INSERT OR IGNORE INTO lsh_bands (band, key, article_id) VALUES (?, ?, ?)",
                [(band, key, a.id) for band, key in enumerate(band_keys)],
            )
        self.add_source(a.id, a.path, a.locator)
        return inserted

    def band_candidates(self, band_keys: list[int]) -> list[str]:
        if not band_keys:
            return []
        # One indexed look-up per band; an OR of (band, key) pairs would scan the table.
        sql = " UNION ".join(
            "SELECT article_id FROM lsh_bands WHERE band = ? AND key = ?" for _ in band_keys
        )
        params: list[int] = []
        for band, key in enumerate(band_keys):
            params.extend((band, key))
        return sorted(r[0] for r in self.conn.execute(sql, params))

    def signatures(self, ids: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for aid, blob in self.conn.execute(
                f"SELECT id, signature FROM articles WHERE id IN ({marks})", chunk
            ):
                if blob is not None:
                    out[aid] = np.frombuffer(blob, dtype="<u4")
        return out

    def duplicate_info(self, ids: list[str]) -> dict[str, tuple[str | None, str | None, str]]:
        """id -> (duplicate_of, published, content_hash) for the given ids."""
        out: dict[str, tuple[str | None, str | None, str]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for aid, dup, published, chash in self.conn.execute(
                "SELECT id, duplicate_of, published, content_hash FROM articles "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                out[aid] = (dup, published, chash)
        return out

    _COLUMNS = (
        "id, outlet, title, published, author, url, site_name, language, language_score, path, "
        "locator, text, blocks, content_hash, duplicate_of, duplicate_kind, duplicate_score, meta"
    )

    def _where(self, q: ArticleQuery) -> tuple[str, list[Any]]:
        return article_filter(q, "outlet = ? COLLATE NOCASE", "?")

    def articles(self, query: ArticleQuery = ArticleQuery()) -> Iterator[Article]:
        where, params = self._where(query)
        sql = (
            f"SELECT {self._COLUMNS} FROM articles{where} ORDER BY published IS NULL, published, id"
        )
        if query.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [query.limit, query.offset]
        for row in self.conn.execute(sql, params):
            yield _article(row)

    def get_article(self, ref: str) -> Article:
        """By id, or by a unique id prefix of at least 4 characters."""
        row = self.conn.execute(
            f"SELECT {self._COLUMNS} FROM articles WHERE id = ?", (ref,)
        ).fetchone()
        if row is None and len(ref) >= 4:
            rows = self.conn.execute(
                f"SELECT {self._COLUMNS} FROM articles WHERE id LIKE ? || '%' LIMIT 2",
                (ref.replace("%", "").replace("_", ""),),
            ).fetchall()
            if len(rows) > 1:
                raise NotFoundError(f"article id prefix '{ref}' is ambiguous; give more characters")
            row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"no article '{ref}' in {self.path} (see 'rashomon articles')")
        return _article(row)

    # -- annotations --------------------------------------------------------------------

    def save_annotations(self, article_id: str, signature: str, data: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO annotations (article_id, signature, data, annotated_at) "
            "VALUES (?, ?, ?, ?)",
            (article_id, signature, data, now()),
        )
        self.conn.execute(
            "DELETE FROM skips WHERE path = ? AND stage = 'annotate'", (f"article:{article_id}",)
        )

    def load_annotations(self, article_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT data FROM annotations WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def ids_to_annotate(self, signature: str, ids: list[str] | None = None) -> list[str]:
        """Articles with no annotations, or annotations from another pipeline signature."""
        sql = (
            "SELECT a.id FROM articles a LEFT JOIN annotations n ON n.article_id = a.id "
            "WHERE (n.signature IS NULL OR n.signature != ?)"
        )
        params: list[Any] = [signature]
        if ids is not None:
            found: list[str] = []
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                found += [
                    r[0] for r in self.conn.execute(f"{sql} AND a.id IN ({marks})", params + chunk)
                ]
            return sorted(found)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY a.id", params)]

    def articles_by_ids(self, ids: list[str]) -> list[Article]:
        out: list[Article] = []
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            out += [
                _article(r)
                for r in self.conn.execute(
                    f"SELECT {self._COLUMNS} FROM articles WHERE id IN ({marks}) ORDER BY id", chunk
                )
            ]
        return out

    # -- entities -----------------------------------------------------------------------

    def replace_entities(
        self, entities: list[dict[str, Any]], assignment: list[tuple[str, int, str, str, float]]
    ) -> None:
        """Store a resolution, replacing the previous one and forgetting the state of
        incremental resolution, so the next one rebuilds (call inside a transaction)."""
        self.clear_entity_resolution()
        self.conn.executemany(
            "INSERT INTO entities (id, name, type, country, mentions, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    e["id"],
                    e["name"],
                    e["type"],
                    e.get("country"),
                    e["mentions"],
                    json.dumps(e, ensure_ascii=False, sort_keys=True),
                )
                for e in entities
            ],
        )
        self.conn.executemany(
            "INSERT INTO entity_mentions (article_id, mention, entity_id, why, confidence) "
            "VALUES (?, ?, ?, ?, ?)",
            assignment,
        )

    def entity_ids_by_article(self, ids: list[str]) -> dict[str, dict[int, str]]:
        """article id -> {mention index: entity id}, for the given articles."""
        out: dict[str, dict[int, str]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for a, m, e in self.conn.execute(
                "SELECT article_id, mention, entity_id FROM entity_mentions "
                f"WHERE article_id IN ({marks})",
                chunk,
            ):
                out.setdefault(a, {})[m] = e
        return out

    def entity_names(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """entity id -> (name, type)."""
        out: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for i, name, type_ in self.conn.execute(
                f"SELECT id, name, type FROM entities WHERE id IN ({marks})", chunk
            ):
                out[i] = (name, type_)
        return out

    def entity_rules(self) -> list[tuple[str, list[str]]]:
        """(kind, names) of every stored merge and split, oldest first."""
        return [
            (k, json.loads(n))
            for k, n in self.conn.execute("SELECT kind, names FROM entity_rules ORDER BY id")
        ]

    # -- entity resolution state (incremental resolution) --------------------------------

    def set_entity_state(self, values: dict[str, str]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO entity_state (name, value) VALUES (?, ?)", values.items()
        )

    def mark_entity_articles(self, ids: list[str]) -> None:
        """Record that the state includes these articles' current annotations."""
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(
                "INSERT OR REPLACE INTO entity_articles (article_id, version) "
                "SELECT article_id, signature || ' ' || annotated_at FROM annotations "
                f"WHERE article_id IN ({marks})",
                chunk,
            )

    _NODE = (
        "n.id, n.kind, n.key, n.first_article, n.first_mention, n.component, n.entity_id, "
        "n.why, n.confidence, n.data"
    )

    def _node_records(self, sql: str, params: list[Any]) -> list[NodeRecord]:
        rows = self.conn.execute(sql, params).fetchall()
        keys: dict[int, list[str]] = {}
        for chunk in _chunks([r[0] for r in rows], 500):
            marks = ",".join("?" * len(chunk))
            for node, key in self.conn.execute(
                f"SELECT node, key FROM entity_node_keys WHERE node IN ({marks})", chunk
            ):
                keys.setdefault(node, []).append(key)
        return [NodeRecord(*r[:9], json.loads(r[9]), keys.get(r[0], [])) for r in rows]

    def entity_nodes(
        self,
        idents: list[tuple[str, str]] | None = None,
        keys: list[str] | None = None,
        components: list[int] | None = None,
    ) -> list[NodeRecord]:
        """Stored nodes by (kind, key), by blocking key, or by group (component)."""
        out: dict[int, NodeRecord] = {}
        for chunk in _chunks(sorted(idents or []), 400):
            where = " OR ".join(["(n.kind = ? AND n.key = ?)"] * len(chunk))
            flat = [x for ident in chunk for x in ident]
            for r in self._node_records(f"SELECT {self._NODE} FROM entity_nodes n WHERE {where}",
                                        flat):
                out[r.id] = r
        for chunk in _chunks(sorted(set(keys or [])), 500):
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT DISTINCT {self._NODE} FROM entity_node_keys k "
                f"JOIN entity_nodes n ON n.id = k.node WHERE k.key IN ({marks})"
            )
            for r in self._node_records(sql, chunk):
                out[r.id] = r
        for chunk in _chunks(sorted(set(components or [])), 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {self._NODE} FROM entity_nodes n WHERE n.component IN ({marks})"
            for r in self._node_records(sql, chunk):
                out[r.id] = r
        return list(out.values())

    def save_entity_nodes(self, nodes: list[NodeRecord]) -> None:
        """Insert or replace nodes, with their blocking keys."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO entity_nodes (id, kind, key, first_article, first_mention, "
            "component, entity_id, why, confidence, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (n.id, n.kind, n.key, n.first_article, n.first_mention, n.component,
                 n.entity_id, n.why, n.confidence, json.dumps(n.data, ensure_ascii=False,
                                                               sort_keys=True))
                for n in nodes
            ],
        )
        for chunk in _chunks([n.id for n in nodes], 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM entity_node_keys WHERE node IN ({marks})", chunk)
        self.conn.executemany(
            "INSERT INTO entity_node_keys (key, node) VALUES (?, ?)",
            [(k, n.id) for n in nodes for k in n.keys],
        )

    def entity_clusters(self, bases: list[str]) -> list[tuple[str, str, str, int]]:
        """(entity id, base id, first article, first mention) of entities with these bases."""
        out: list[tuple[str, str, str, int]] = []
        for chunk in _chunks(sorted(set(bases)), 500):
            marks = ",".join("?" * len(chunk))
            out += self.conn.execute(
                "SELECT entity_id, base, first_article, first_mention FROM entity_clusters "
                f"WHERE base IN ({marks})",
                chunk,
            ).fetchall()
        return out

    def delete_entities(self, ids: list[str]) -> None:
        """Remove entities (not their mentions' rows, which are reassigned)."""
        for chunk in _chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM entities WHERE id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM entity_clusters WHERE entity_id IN ({marks})", chunk)

    def rename_entities(self, renames: list[tuple[str, str]]) -> None:
        """Give entities new ids (old, new), everywhere the id is stored; the new ids may
        be among the old ones (a swap)."""
        steps = [(old, "~" + old) for old, _ in renames]
        steps += [("~" + old, new) for old, new in renames]
        for old, new in steps:
            self.conn.execute(
                "UPDATE entities SET id = ?, data = json_set(data, '$.id', ?) WHERE id = ?",
                (new, new, old),
            )
            self.conn.execute("UPDATE entity_clusters SET entity_id = ? WHERE entity_id = ?",
                              (new, old))
            self.conn.execute("UPDATE entity_nodes SET entity_id = ? WHERE entity_id = ?",
                              (new, old))
            self.conn.execute("UPDATE entity_mentions SET entity_id = ? WHERE entity_id = ?",
                              (new, old))

    def add_entity_mentions(self, rows: list[tuple[str, int, str, str, float, int]]) -> None:
        """(article id, mention, entity id, why, confidence, node) of newly resolved mentions."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO entity_mentions "
            "(article_id, mention, entity_id, why, confidence, node) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    # -- stories ------------------------------------------------------------------------

    def save_story_features(
        self, rows: list[tuple[str, float | None, str, bytes | None, str | None, str]]
    ) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO story_features (article_id, day, data, vector, model, basis) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def story_features(self) -> Iterator[tuple[str, float | None, str, bytes | None, str | None]]:
        yield from self.conn.execute(
            "SELECT article_id, day, data, vector, model FROM story_features ORDER BY article_id"
        )

    def replace_story_members(
        self, article_ids: list[str], rows: list[tuple[str, str, str]]
    ) -> None:
        for chunk in _chunks(article_ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM story_members WHERE article_id IN ({marks})", chunk)
        self.conn.executemany(
            "INSERT INTO story_members (article_id, story_id, block) VALUES (?, ?, ?)", rows
        )

    def replace_stories(self, stale: list[str], stories: list[dict[str, Any]]) -> None:
        """Delete the ``stale`` story ids, then insert or replace ``stories``."""
        for chunk in _chunks(stale, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
        self.conn.executemany(
            "INSERT OR REPLACE INTO stories (id, storyline, title, start, end, size, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s["id"],
                    s.get("storyline"),
                    s["title"],
                    s.get("start"),
                    s.get("end"),
                    len(s["articles"]),
                    json.dumps(s, ensure_ascii=False, sort_keys=True),
                )
                for s in stories
            ],
        )

    def replace_storylines(self, storylines: list[dict[str, Any]]) -> None:
        self.conn.execute("DELETE FROM storylines")
        self.conn.executemany(
            "INSERT INTO storylines (id, title, data) VALUES (?, ?, ?)",
            [
                (s["id"], s["title"], json.dumps(s, ensure_ascii=False, sort_keys=True))
                for s in storylines
            ],
        )
        for line in storylines:
            for chunk in _chunks(line["stories"], 500):
                marks = ",".join("?" * len(chunk))
                self.conn.execute(
                    f"UPDATE stories SET storyline = ? WHERE id IN ({marks})", [line["id"], *chunk]
                )

    def story(self, story_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT data, storyline FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
        if row is None:
            return None
        story = json.loads(row[0])
        story["storyline"] = row[1]
        return story

    # -- full-text search (migration 0005) ------------------------------------------------

    #: Marks around matched words in :meth:`search_articles` snippets (private-use code
    #: points, which article text does not carry), for the caller to escape and replace.
    MATCH_START, MATCH_END = "\ue000", "\ue001"
    _SEARCH_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')

    @classmethod
    def fts_query(cls, text: str) -> str:
        """A user's search words as a safe FTS5 query: every word and "phrase" quoted (so
        no FTS operator or column filter comes from the user), a trailing * kept as a
        prefix search, all terms required."""
        terms = []
        for phrase, word in cls._SEARCH_TERM.findall(text[:500]):
            words = re.findall(r"\w+", phrase or word)
            if words:
                star = "*" if word.endswith("*") else ""
                terms.append('"' + " ".join(words) + '"' + star)
        return " ".join(terms[:20])

    def search_articles(
        self,
        text: str,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[int, list[dict[str, Any]]]:
        """Articles matching ``text`` (words, "quoted phrases", prefix*), best first:
        (total, rows of id, outlet, title, published, snippet)."""
        match = self.fts_query(text)
        if not match:
            return 0, []
        clauses, params = article_clauses(
            ArticleQuery(outlet=outlet, since=since, until=until),
            "a.outlet = ? COLLATE NOCASE", "?", "a.",
        )
        where = ["article_search MATCH ?", *clauses]
        params = [match, *params]
        joins = (
            "FROM article_search JOIN search_rows r ON r.n = article_search.rowid "
            "JOIN articles a ON a.id = r.article_id WHERE " + " AND ".join(where)
        )
        total = int(self.conn.execute(f"SELECT count(*) {joins}", params).fetchone()[0])
        rows = self.conn.execute(
            "SELECT a.id, a.outlet, a.title, a.published, "
            f"snippet(article_search, 1, ?, ?, '…', 24) {joins} "
            "ORDER BY bm25(article_search, 2.0, 1.0), a.id LIMIT ? OFFSET ?",
            [self.MATCH_START, self.MATCH_END, *params, limit, offset],
        )
        keys = ("id", "outlet", "title", "published", "snippet")
        return total, [dict(zip(keys, r, strict=True)) for r in rows]

    # For the web app's entity pages and lists: a page of entities without reading them all.

    def entities_by_ids(self, ids: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT data FROM entities WHERE id IN ({marks})"
            out += [json.loads(r[0]) for r in self.conn.execute(sql, chunk)]
        return sorted(out, key=lambda e: (-e["mentions"], e["name"], e["id"]))

    # -- inputs and skips ---------------------------------------------------------------

    def mark_input(self, path: str, size: int, mtime_ns: int, articles: int, skipped: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO inputs (path, size, mtime_ns, articles, skipped, done_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (path, size, mtime_ns, articles, skipped, now()),
        )

    def add_skip(self, skip: Skip) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO skips (path, locator, stage, reason, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (skip.path, skip.locator, skip.stage, skip.reason, skip.detail, now()),
        )


class SQLiteWatch:
    """Commits by other connections, from ``PRAGMA data_version`` on a connection of its
    own: the web app's cache key."""

    lost = False

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()

    def version(self) -> int:
        with self._lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()


def _blocks_json(blocks: list[Block]) -> str:
    return json.dumps([[b.start, b.end, b.kind, b.why] for b in blocks], separators=(",", ":"))


def _article(row: tuple[Any, ...]) -> Article:
    blocks = [Block(s, e, k, w) for s, e, k, w in json.loads(row[12])]
    return Article(
        id=row[0],
        outlet=row[1],
        title=row[2],
        published=row[3],
        author=row[4],
        url=row[5],
        site_name=row[6],
        language=row[7],
        language_score=row[8],
        path=row[9],
        locator=row[10],
        text=row[11],
        blocks=blocks,
        content_hash=row[13],
        duplicate_of=row[14],
        duplicate_kind=row[15],
        duplicate_score=row[16],
        meta=json.loads(row[17]),
    )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
