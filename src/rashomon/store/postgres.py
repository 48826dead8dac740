"""PostgreSQL backend: a shared server, many writers, the same tables as SQLite.

Chosen by URL (``postgresql://user@host:5432/dbname``). The schema comes from
``migrations/postgresql/``, the twins of the SQLite migrations, step by step and with the
same numbers; the versions applied are recorded in ``rashomon_migrations``.

Writers take turns per transaction (an advisory lock, the counterpart of SQLite's
``BEGIN IMMEDIATE``): two processes ingesting into one store at once both extract in
parallel and store batch after batch, so duplicate linking sees every committed article
and no two transactions wait on each other's rows. Reads never wait.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from ..errors import MissingDependency, NotFoundError, StoreError
from ..model import Article, Skip
from .base import ArticleQuery, NodeRecord, article_clauses, article_filter
from .sql import SQLStore, now
from .sqlite import SQLiteStore, _article, _blocks_json

#: Held by every write transaction (pg_advisory_xact_lock): "RASO", as SQLite's application_id.
WRITE_LOCK = 0x5241534F
#: Channel on which every commit that changed a Rashomon table is announced.
CHANNEL = "rashomon_changes"
_TABLES = ("articles", "outlets", "annotations", "entities", "stories")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingDependency(
            "psycopg (needed for PostgreSQL stores)", "pip install 'rashomon[postgres]'"
        ) from exc
    return psycopg


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) triples, in order, from ``migrations/postgresql``."""
    folder = resources.files("rashomon.store").joinpath("migrations", "postgresql")
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name[5:-4], entry.read_text("utf-8")))
    return sorted(found)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _t(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL; ingest removes them from text already, so this
    only matters for values from elsewhere (a NUL carries nothing in news text)."""
    return value.replace("\x00", "") if value and "\x00" in value else value


def _connect(url: str) -> Any:
    psycopg = _psycopg()
    try:
        # No server-side prepared statements (prepare_threshold=None): a generic plan made
        # while a table is small (before autovacuum's first ANALYZE) kept storing at a third
        # of its speed for thousands of articles (bench store), and a connection pooler in
        # transaction mode (pgbouncer) cannot keep prepared statements anyway.
        return psycopg.connect(url, autocommit=True, connect_timeout=10, prepare_threshold=None)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {first}") from exc
    except Exception as exc:  # a malformed URL raises ProgrammingError or ValueError
        raise StoreError(f"bad PostgreSQL URL {redact(url)}: {exc}") from exc


def _lost(conn: Any) -> bool:
    return conn is None or bool(conn.closed or conn.broken)


def _failure(store: Any, exc: Exception) -> StoreError:
    """One line for an error of the server or the connection, never psycopg's traceback."""
    text = str(exc).strip()
    first = text.splitlines()[0].strip() if text else type(exc).__name__
    where = getattr(store, "path", "the server")
    if _lost(getattr(store, "conn", None)):
        return StoreError(
            f"lost the connection to PostgreSQL at {where}: {first}; what was committed "
            "is kept: run the command again once the server is reachable"
        )
    return StoreError(f"PostgreSQL at {where} failed: {first}")


F = TypeVar("F", bound=Callable[..., Any])


def _guard(fn: F) -> F:
    """``fn`` with psycopg's OperationalError (the server shut down or restarted, the
    connection cut, a backend terminated, the disk full) turned into a StoreError."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(self, *args, **kwargs)
            except _psycopg().OperationalError as exc:
                raise _failure(self, exc) from exc

        return stream  # type: ignore[return-value]

    @functools.wraps(fn)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except _psycopg().OperationalError as exc:
            raise _failure(self, exc) from exc

    return call  # type: ignore[return-value]


C = TypeVar("C", bound=type)


def _guarded(cls: C) -> C:
    """Guards every method ``cls`` has, its own and those it inherits from the SQL base
    shared with SQLite (overridden here only, so SQLite's are untouched; see
    :func:`_guard`): the connection can go away during any call, and the store is the
    boundary where driver errors become ours. ``transaction`` guards itself (its commit
    runs when the ``with`` block ends)."""
    seen: set[str] = set()
    for klass in cls.__mro__[:-1]:  # all but object
        for name in vars(klass):
            if name in seen or name.startswith("__") or name in ("transaction", "close", "lost"):
                continue
            seen.add(name)
            value = inspect.getattr_static(cls, name)
            if isinstance(value, property) and value.fget is not None:
                setattr(cls, name, property(_guard(value.fget), doc=value.__doc__))
            elif inspect.isfunction(value):
                setattr(cls, name, _guard(value))
    return cls


@_guarded
class PostgresStore(SQLStore):
    """A store on a PostgreSQL server. Like :class:`SQLiteStore`, one per process (or per
    thread: the web app opens one for each)."""

    MATCH_START, MATCH_END = SQLiteStore.MATCH_START, SQLiteStore.MATCH_END

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.path = redact(url)
        self.conn = _connect(url)
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._migrate(create)
        except BaseException:
            self.conn.close()
            raise

    @property
    def lost(self) -> bool:
        """True once psycopg knows the connection is gone (a call failed on it)."""
        return _lost(self.conn)

    # -- schema ------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM rashomon_migrations").fetchone()
        return int(row[0] or 0)

    def _exists(self, table: str) -> bool:
        # A table of the search path, read from pg_class with the statement's snapshot,
        # not through to_regclass: that consults this backend's catalog cache, which a
        # wait on the migration lock does not refresh, so a table another process
        # committed meanwhile could still look missing (and its store foreign).
        row = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = %s AND n.nspname = ANY (current_schemas(false)))",
            (table,),
        ).fetchone()
        return bool(row[0])

    def _migrate(self, create: bool) -> None:
        psycopg = _psycopg()
        known = migrations()
        latest = known[-1][0] if known else 0
        if self._exists("rashomon_migrations"):
            done = self._applied()
            self._check_not_newer(done, latest)
            if all(version in done for version, _, _ in known):
                return  # the usual case: opening takes no lock, so never waits on a writer
        elif not create:
            self._refuse_foreign()
            raise StoreError(
                f"no store at {self.path} (run 'rashomon ingest ... --db {self.path}' first)"
            )
        with self.conn.transaction():
            # One process migrates at a time; the others find the work done.
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            if not self._exists("rashomon_migrations"):
                # Checked under the lock: another process creating the store commits its
                # tables together with its migrations table, so it is never taken for a
                # foreign schema half-way.
                self._refuse_foreign()
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS rashomon_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            done = self._applied()
            self._check_not_newer(done, latest)
            for version, name, sql in known:
                if version in done:
                    continue
                try:
                    self.conn.execute(sql)
                except psycopg.Error as exc:
                    raise StoreError(
                        f"cannot apply migration {version:04d}_{name} to {self.path}: {exc}"
                    ) from exc
                self.conn.execute(
                    "INSERT INTO rashomon_migrations (version, name) VALUES (%s, %s)",
                    (version, name),
                )

    def _refuse_foreign(self) -> None:
        if any(self._exists(t) for t in _TABLES):
            raise StoreError(
                f"{self.path} holds tables that are not a Rashomon store's; "
                "use another database or schema"
            )

    def _applied(self) -> set[int]:
        return {r[0] for r in self._rows("SELECT version FROM rashomon_migrations")}

    def _check_not_newer(self, done: set[int], latest: int) -> None:
        if done and max(done) > latest:
            raise StoreError(
                f"{self.path} has schema version {max(done)}, newer than this Rashomon "
                f"({latest}); upgrade Rashomon"
            )

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; nested uses join the outer one. Writers take turns."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self.conn.transaction():
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    yield
            except _psycopg().OperationalError as exc:  # the commit too: see _guard
                raise _failure(self, exc) from exc
            finally:
                self._depth = 0

    def watch(self) -> PostgresWatch:
        """A counter that moves whenever a transaction that changed the store commits."""
        return PostgresWatch(self.url)

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    _text = staticmethod(_t)

    def _exec(self, sql: str, params: Any = ()) -> Any:
        # No parameters: None, so that a literal % is not read as a placeholder.
        return self.conn.execute(self._sql(sql), params or None)

    def _stream(self, sql: str, params: Any = None, size: int = 2000) -> Iterator[tuple]:
        """Rows fetched ``size`` at a time through a server-side cursor, so a caller can
        walk a large table while it runs other queries on this connection."""
        with self.conn.cursor(name=f"rashomon_{uuid.uuid4().hex}", withhold=True) as cur:
            cur.itersize = size
            cur.execute(sql, params)
            yield from cur

    # -- outlets ------------------------------------------------------------------------

    # -- articles -----------------------------------------------------------------------

    def insert_article(self, article: Article, signature: np.ndarray, band_keys: list[int]) -> bool:
        """Insert unless the id exists; True when inserted. Call inside a transaction."""
        a = article
        # One round trip: the article and its band keys in one statement (the keys only
        # when the article is new), its source in the same pipeline.
        with self.conn.pipeline():
            cur = self.conn.execute(
                """WITH ins AS (
                     INSERT INTO articles (id, outlet, title, published, author, url, site_name,
                       language, language_score, path, locator, text, blocks, content_hash,
                       duplicate_of, duplicate_kind, duplicate_score, meta, signature, ingested_at)
                     VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                             %s, %s, %s)
                     ON CONFLICT (id) DO NOTHING RETURNING id),
                   bands AS (
                     INSERT INTO lsh_bands (band, key, article_id)
                     SELECT u.b - 1, u.k, ins.id
                     FROM ins, unnest(%s::bigint[]) WITH ORDINALITY AS u(k, b)
                     ON CONFLICT DO NOTHING)
                   SELECT count(*) FROM ins""",
                (
                    a.id,
                    _t(a.outlet),
                    _t(a.title),
                    _t(a.published),
                    _t(a.author),
                    _t(a.url),
                    _t(a.site_name),
                    _t(a.language),
                    a.language_score,
                    _t(a.path),
                    _t(a.locator),
                    _t(a.text),
                    _blocks_json(a.blocks),
                    a.content_hash,
                    a.duplicate_of,
                    a.duplicate_kind,
                    a.duplicate_score,
                    json.dumps(a.meta, sort_keys=True, ensure_ascii=False),
                    signature.astype("<u4").tobytes(),
                    now(),
                    list(band_keys),
                ),
            )
            self.add_source(a.id, a.path, a.locator)
        return bool(cur.fetchone()[0])

    def band_candidates(self, band_keys: list[int]) -> list[str]:
        if not band_keys:
            return []
        rows = self._rows(
            "SELECT DISTINCT l.article_id FROM unnest(%s::bigint[]) WITH ORDINALITY AS u(k, b) "
            "JOIN lsh_bands l ON l.band = u.b - 1 AND l.key = u.k",
            (band_keys,),
        )
        return sorted(r[0] for r in rows)

    def signatures(self, ids: list[str]) -> dict[str, np.ndarray]:
        rows = self._rows("SELECT id, signature FROM articles WHERE id = ANY(%s)", (ids,))
        return {a: np.frombuffer(b, dtype="<u4") for a, b in rows if b is not None}

    def duplicate_info(self, ids: list[str]) -> dict[str, tuple[str | None, str | None, str]]:
        """id -> (duplicate_of, published, content_hash) for the given ids."""
        rows = self._rows(
            "SELECT id, duplicate_of, published, content_hash FROM articles WHERE id = ANY(%s)",
            (ids,),
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    _COLUMNS = SQLiteStore._COLUMNS

    def _where(self, q: ArticleQuery) -> tuple[str, list[Any]]:
        return article_filter(q, "lower(outlet) = lower(%s)", "%s")

    def articles(self, query: ArticleQuery = ArticleQuery()) -> Iterator[Article]:
        where, params = self._where(query)
        # Ascending order puts NULLs last here: SQLite's "published IS NULL, published, id".
        if query.limit is not None:
            # The rows skipped by OFFSET are walked in the listing index alone; only the
            # page's own rows are read from the table.
            sql = (
                f"SELECT {self._COLUMNS} FROM articles JOIN ("
                f"SELECT id AS page_id FROM articles{where} ORDER BY published, id "
                "LIMIT %s OFFSET %s) p ON p.page_id = articles.id ORDER BY published, id"
            )
            rows: Any = self._rows(sql, [*params, query.limit, query.offset])
        else:
            sql = f"SELECT {self._COLUMNS} FROM articles{where} ORDER BY published, id"
            rows = self._stream(sql, params)
        for row in rows:
            yield _article(row)

    def get_article(self, ref: str) -> Article:
        """By id, or by a unique id prefix of at least 4 characters."""
        rows = self._rows(f"SELECT {self._COLUMNS} FROM articles WHERE id = %s", (_t(ref),))
        if not rows and len(ref) >= 4:
            prefix = _t(ref.replace("%", "").replace("_", "").replace("\\", ""))
            rows = self._rows(
                f"SELECT {self._COLUMNS} FROM articles WHERE id LIKE %s || '%%' LIMIT 2",
                (prefix,),
            )
            if len(rows) > 1:
                raise NotFoundError(f"article id prefix '{ref}' is ambiguous; give more characters")
        if not rows:
            raise NotFoundError(f"no article '{ref}' in {self.path} (see 'rashomon articles')")
        return _article(rows[0])

    # -- annotations --------------------------------------------------------------------

    def save_annotations(self, article_id: str, signature: str, data: str) -> None:
        self.conn.execute(
            "INSERT INTO annotations (article_id, signature, data, annotated_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
            "signature = excluded.signature, data = excluded.data, "
            "annotated_at = excluded.annotated_at",
            (article_id, signature, _t(data), now()),
        )
        self.conn.execute(
            "DELETE FROM skips WHERE path = %s AND stage = 'annotate'", (f"article:{article_id}",)
        )

    def load_annotations(self, article_id: str) -> str | None:
        rows = self._rows("SELECT data FROM annotations WHERE article_id = %s", (article_id,))
        return rows[0][0] if rows else None

    def ids_to_annotate(self, signature: str, ids: list[str] | None = None) -> list[str]:
        """Articles with no annotations, or annotations from another pipeline signature."""
        sql = (
            "SELECT a.id FROM articles a LEFT JOIN annotations n ON n.article_id = a.id "
            "WHERE (n.signature IS NULL OR n.signature != %s)"
        )
        if ids is not None:
            sql += " AND a.id = ANY(%s)"
            return [r[0] for r in self._rows(sql + " ORDER BY a.id", (signature, ids))]
        return [r[0] for r in self._rows(sql + " ORDER BY a.id", (signature,))]

    def articles_by_ids(self, ids: list[str]) -> list[Article]:
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM articles WHERE id = ANY(%s) ORDER BY id", (ids,)
        )
        return [_article(r) for r in rows]

    # -- entities -----------------------------------------------------------------------

    def replace_entities(
        self, entities: list[dict[str, Any]], assignment: list[tuple[str, int, str, str, float]]
    ) -> None:
        """Store a resolution, replacing the previous one and forgetting the state of
        incremental resolution, so the next one rebuilds (call inside a transaction)."""
        self.clear_entity_resolution()
        with self.conn.cursor() as cur:
            with cur.copy(
                "COPY entities (id, name, type, country, mentions, data) FROM STDIN"
            ) as cp:
                for e in entities:
                    cp.write_row(
                        (
                            e["id"],
                            _t(e["name"]),
                            e["type"],
                            _t(e.get("country")),
                            e["mentions"],
                            json.dumps(e, ensure_ascii=False, sort_keys=True),
                        )
                    )
            with cur.copy(
                "COPY entity_mentions (article_id, mention, entity_id, why, confidence) FROM STDIN"
            ) as cp:
                for row in assignment:
                    cp.write_row(row)

    def entity_ids_by_article(self, ids: list[str]) -> dict[str, dict[int, str]]:
        """article id -> {mention index: entity id}, for the given articles."""
        out: dict[str, dict[int, str]] = {}
        for a, m, e in self._rows(
            "SELECT article_id, mention, entity_id FROM entity_mentions WHERE article_id = ANY(%s)",
            (ids,),
        ):
            out.setdefault(a, {})[m] = e
        return out

    def entity_names(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """entity id -> (name, type)."""
        rows = self._rows("SELECT id, name, type FROM entities WHERE id = ANY(%s)", (ids,))
        return {i: (name, type_) for i, name, type_ in rows}

    def entity_rules(self) -> list[tuple[str, list[str]]]:
        """(kind, names) of every stored merge and split, oldest first."""
        rows = self._rows("SELECT kind, names FROM entity_rules ORDER BY id")
        return [(k, json.loads(n)) for k, n in rows]

    # -- entity resolution state (incremental resolution, migration 0007) --------------

    def set_entity_state(self, values: dict[str, str]) -> None:
        self.conn.cursor().executemany(
            "INSERT INTO entity_state (name, value) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def mark_entity_articles(self, ids: list[str]) -> None:
        """Record that the state includes these articles' current annotations."""
        self.conn.execute(
            "INSERT INTO entity_articles (article_id, version) "
            "SELECT article_id, signature || ' ' || annotated_at FROM annotations "
            "WHERE article_id = ANY(%s) "
            "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version",
            (ids,),
        )

    _NODE = (
        "n.id, n.kind, n.key, n.first_article, n.first_mention, n.component, n.entity_id, "
        "n.why, n.confidence, n.data"
    )

    def _node_records(self, sql: str, params: Any) -> list[NodeRecord]:
        rows = self._rows(sql, params)
        keys: dict[int, list[str]] = {}
        for node, key in self._rows(
            "SELECT node, key FROM entity_node_keys WHERE node = ANY(%s) ORDER BY node, key",
            ([r[0] for r in rows],),
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
        if idents:
            pairs = sorted(idents)
            sql = (
                f"SELECT {self._NODE} FROM entity_nodes n JOIN unnest(%s::text[], %s::text[]) "
                "AS u(kind, key) ON n.kind = u.kind AND n.key = u.key ORDER BY n.id"
            )
            for r in self._node_records(sql, ([k for k, _ in pairs], [k for _, k in pairs])):
                out[r.id] = r
        if keys:
            sql = (
                f"SELECT {self._NODE} FROM entity_nodes n WHERE n.id IN "
                "(SELECT node FROM entity_node_keys WHERE key = ANY(%s)) ORDER BY n.id"
            )
            for r in self._node_records(sql, (sorted(set(keys)),)):
                out[r.id] = r
        if components:
            sql = (
                f"SELECT {self._NODE} FROM entity_nodes n WHERE n.component = ANY(%s) "
                "ORDER BY n.id"
            )
            for r in self._node_records(sql, (sorted(set(components)),)):
                out[r.id] = r
        return list(out.values())

    def save_entity_nodes(self, nodes: list[NodeRecord]) -> None:
        """Insert or replace nodes, with their blocking keys. A node replaces any stored
        node with its id or its (kind, key), as SQLite's INSERT OR REPLACE does."""
        if not nodes:
            return
        self.conn.execute(
            "DELETE FROM entity_nodes n USING unnest(%s::bigint[], %s::text[], %s::text[]) "
            "AS u(id, kind, key) WHERE n.id = u.id OR (n.kind = u.kind AND n.key = u.key)",
            ([n.id for n in nodes], [n.kind for n in nodes], [n.key for n in nodes]),
        )
        self.conn.cursor().executemany(
            "INSERT INTO entity_nodes (id, kind, key, first_article, first_mention, component, "
            "entity_id, why, confidence, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (n.id, n.kind, n.key, n.first_article, n.first_mention, n.component,
                 n.entity_id, n.why, n.confidence,
                 json.dumps(n.data, ensure_ascii=False, sort_keys=True))
                for n in nodes
            ],
        )
        self.conn.execute(
            "DELETE FROM entity_node_keys WHERE node = ANY(%s)", ([n.id for n in nodes],)
        )
        self.conn.cursor().executemany(
            "INSERT INTO entity_node_keys (key, node) VALUES (%s, %s)",
            [(k, n.id) for n in nodes for k in n.keys],
        )

    def entity_clusters(self, bases: list[str]) -> list[tuple[str, str, str, int]]:
        """(entity id, base id, first article, first mention) of entities with these bases."""
        rows = self._rows(
            "SELECT entity_id, base, first_article, first_mention FROM entity_clusters "
            "WHERE base = ANY(%s) ORDER BY base, entity_id",
            (sorted(set(bases)),),
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def delete_entities(self, ids: list[str]) -> None:
        """Remove entities (not their mentions' rows, which are reassigned)."""
        ids = sorted(set(ids))
        self.conn.execute("DELETE FROM entities WHERE id = ANY(%s)", (ids,))
        self.conn.execute("DELETE FROM entity_clusters WHERE entity_id = ANY(%s)", (ids,))

    def rename_entities(self, renames: list[tuple[str, str]]) -> None:
        """Give entities new ids (old, new), everywhere the id is stored; the new ids may
        be among the old ones (a swap)."""
        steps = [(old, "~" + old) for old, _ in renames]
        steps += [("~" + old, new) for old, new in renames]
        for old, new in steps:
            # The JSON document is rewritten here, not with jsonb_set: jsonb would reorder
            # its keys, and the text must stay what SQLite stores (sorted keys).
            for (data,) in self._rows("SELECT data FROM entities WHERE id = %s", (old,)):
                doc = json.loads(data)
                doc["id"] = new
                self.conn.execute(
                    "UPDATE entities SET id = %s, data = %s WHERE id = %s",
                    (new, json.dumps(doc, ensure_ascii=False, sort_keys=True), old),
                )
            for table in ("entity_clusters", "entity_nodes", "entity_mentions"):
                self.conn.execute(
                    f"UPDATE {table} SET entity_id = %s WHERE entity_id = %s", (new, old)
                )

    def add_entity_mentions(self, rows: list[tuple[str, int, str, str, float, int]]) -> None:
        """(article id, mention, entity id, why, confidence, node) of newly resolved mentions."""
        self.conn.cursor().executemany(
            "INSERT INTO entity_mentions (article_id, mention, entity_id, why, confidence, node) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (article_id, mention) DO UPDATE SET "
            "entity_id = excluded.entity_id, why = excluded.why, "
            "confidence = excluded.confidence, node = excluded.node",
            rows,
        )

    def entities_by_ids(self, ids: list[str]) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM entities WHERE id = ANY(%s)", (ids,))
        out = [json.loads(r[0]) for r in rows]
        return sorted(out, key=lambda e: (-e["mentions"], e["name"], e["id"]))

    # -- stories ------------------------------------------------------------------------

    def save_story_features(
        self, rows: list[tuple[str, float | None, str, bytes | None, str | None, str]]
    ) -> None:
        self.conn.cursor().executemany(
            "INSERT INTO story_features (article_id, day, data, vector, model, basis) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
            "day = excluded.day, data = excluded.data, vector = excluded.vector, "
            "model = excluded.model, basis = excluded.basis",
            [(a, d, _t(x), v, m, b) for a, d, x, v, m, b in rows],
        )

    def story_features(self) -> Iterator[tuple[str, float | None, str, bytes | None, str | None]]:
        for a, day, data, vector, model in self._stream(
            "SELECT article_id, day, data, vector, model FROM story_features ORDER BY article_id"
        ):
            yield a, day, data, None if vector is None else bytes(vector), model

    def replace_story_members(
        self, article_ids: list[str], rows: list[tuple[str, str, str]]
    ) -> None:
        self.conn.execute("DELETE FROM story_members WHERE article_id = ANY(%s)", (article_ids,))
        with self.conn.cursor() as cur:
            with cur.copy("COPY story_members (article_id, story_id, block) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)

    def replace_stories(self, stale: list[str], stories: list[dict[str, Any]]) -> None:
        """Delete the ``stale`` story ids, then insert or replace ``stories``."""
        self.conn.execute("DELETE FROM stories WHERE id = ANY(%s)", (stale,))
        self.conn.cursor().executemany(
            'INSERT INTO stories (id, storyline, title, start, "end", size, data) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            "storyline = excluded.storyline, title = excluded.title, start = excluded.start, "
            '"end" = excluded."end", size = excluded.size, data = excluded.data',
            [
                (
                    s["id"],
                    s.get("storyline"),
                    _t(s["title"]),
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
        self.conn.cursor().executemany(
            "INSERT INTO storylines (id, title, data) VALUES (%s, %s, %s)",
            [
                (s["id"], _t(s["title"]), json.dumps(s, ensure_ascii=False, sort_keys=True))
                for s in storylines
            ],
        )
        self.conn.execute(
            "UPDATE stories s SET storyline = m.line FROM unnest(%s::text[], %s::text[]) "
            "AS m(story, line) WHERE s.id = m.story",
            (
                [story for line in storylines for story in line["stories"]],
                [line["id"] for line in storylines for _ in line["stories"]],
            ),
        )

    def story(self, story_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data, storyline FROM stories WHERE id = %s", (story_id,))
        if not rows:
            return None
        story = json.loads(rows[0][0])
        story["storyline"] = rows[0][1]
        return story

    # -- full-text search (migration 0005) ------------------------------------------------

    _WORD = re.compile(r"[^\W_]+")

    @classmethod
    def ts_query(cls, text: str) -> str:
        """A user's search words as a safe tsquery: the same terms as
        :meth:`SQLiteStore.fts_query` (every word and "phrase" a phrase, a trailing * a
        prefix search, all terms required), each word quoted so no operator comes from
        the user."""
        terms = []
        for phrase, word in SQLiteStore._SEARCH_TERM.findall(text[:500]):
            words = cls._WORD.findall(phrase or word)
            if words:
                star = ":*" if word.endswith("*") else ""
                terms.append(" <-> ".join(f"'{w}'" for w in words) + star)
        return " & ".join(f"({t})" for t in terms[:20])

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
        query = self.ts_query(text)
        if not query:
            return 0, []
        clauses, params = article_clauses(
            ArticleQuery(outlet=outlet, since=since, until=until),
            "lower(a.outlet) = lower(%s)", "%s", "a.",
        )
        where = ["s.document @@ q.q", *clauses]
        joins = (
            "FROM (SELECT to_tsquery('rashomon_search', %s) AS q) q "
            "JOIN article_search s ON s.document @@ q.q "
            "JOIN articles a ON a.id = s.article_id WHERE " + " AND ".join(where)
        )
        total = int(self._rows(f"SELECT count(*) {joins}", [query, *params])[0][0])
        # Title matches weigh twice text ones ({D, C, B, A} weights); rank 1 divides by
        # the log of the length, as BM25 discounts long articles. Snippets only for the page.
        rows = self._rows(
            "SELECT p.id, p.outlet, p.title, p.published, "
            "ts_headline('rashomon_search', p.text, p.q, %s), p.text FROM ("
            "SELECT a.id, a.outlet, a.title, a.published, a.text, q.q, "
            "ts_rank('{0.1, 0.2, 0.5, 1.0}', s.document, q.q, 1) AS rank "
            f"{joins} ORDER BY rank DESC, a.id LIMIT %s OFFSET %s) p ORDER BY p.rank DESC, p.id",
            [_HEADLINE, query, *params, limit, offset],
        )
        keys = ("id", "outlet", "title", "published", "snippet")
        return total, [
            dict(zip(keys, (*r[:4], _ellipsis(r[4], r[5])), strict=True)) for r in rows
        ]

    # -- inputs and skips ---------------------------------------------------------------

    def mark_input(self, path: str, size: int, mtime_ns: int, articles: int, skipped: int) -> None:
        self.conn.execute(
            "INSERT INTO inputs (path, size, mtime_ns, articles, skipped, done_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (path) DO UPDATE SET "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, articles = excluded.articles, "
            "skipped = excluded.skipped, done_at = excluded.done_at",
            (_t(path), size, mtime_ns, articles, skipped, now()),
        )

    def add_skip(self, skip: Skip) -> None:
        self.conn.execute(
            "INSERT INTO skips (path, locator, stage, reason, detail, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (path, locator, stage) DO UPDATE SET "
            "reason = excluded.reason, detail = excluded.detail, created_at = excluded.created_at",
            (_t(skip.path), _t(skip.locator), skip.stage, _t(skip.reason), _t(skip.detail), now()),
        )


# ts_headline's options: about FTS5's snippet(..., 24): one fragment of up to 24 words.
_HEADLINE = (
    f'StartSel="{SQLiteStore.MATCH_START}", StopSel="{SQLiteStore.MATCH_END}", '
    "MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1"
)


def _ellipsis(snippet: str, text: str) -> str:
    """'…' where the snippet cuts the text, as FTS5's snippet marks it."""
    plain = snippet.replace(SQLiteStore.MATCH_START, "").replace(SQLiteStore.MATCH_END, "")
    start = text.find(plain)
    if start < 0:
        return snippet
    head = "…" if start > 0 else ""
    tail = "…" if start + len(plain) < len(text) else ""
    return head + snippet + tail


@_guarded
class PostgresWatch:
    """Counts commits that changed the store, announced by the tables' triggers (see
    migration 0001) on their own connection: the web app's cache key."""

    def __init__(self, url: str) -> None:
        self.path = redact(url)
        self.conn = _connect(url)
        self._count = 0
        self._lock = threading.Lock()
        self.conn.add_notify_handler(self._seen)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def _seen(self, _notify: Any) -> None:
        self._count += 1

    def version(self) -> int:
        with self._lock:
            # Notifications that arrived while idle are read, and handled, with any result.
            self.conn.execute("SELECT 1")
            return self._count

    @property
    def lost(self) -> bool:
        return _lost(self.conn)

    def close(self) -> None:
        self.conn.close()
