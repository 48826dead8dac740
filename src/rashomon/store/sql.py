"""What the SQL backends share: the queries that read the same in SQLite and PostgreSQL.

Shared queries are written with ``?`` placeholders; a backend turns them into its own
(:meth:`SQLStore._sql`) and passes text through :meth:`SQLStore._text` (PostgreSQL text
cannot hold NUL). A query that differs between the two (array parameters, upserts of
several keys, full-text search) stays in its backend's module.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Self

from ..model import Outlet, Skip
from .base import ArticleQuery


def now() -> str:
    """The time a row is written, as stored (ISO 8601, UTC, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLStore:
    """The queries both SQL backends run alike. A backend sets ``conn`` (a DB-API
    connection whose ``execute`` returns a cursor) and defines ``transaction`` and
    ``_where``."""

    conn: Any

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _where(self, q: ArticleQuery) -> tuple[str, list[Any]]:
        raise NotImplementedError

    # -- the dialect --------------------------------------------------------------------

    @staticmethod
    def _sql(sql: str) -> str:
        """The query in this backend's placeholder style (``?`` as written)."""
        return sql

    @staticmethod
    def _text(value: str | None) -> str | None:
        """A text value as this backend can store it."""
        return value

    def _exec(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(self._sql(sql), params)

    def _rows(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return self._exec(sql, params).fetchall()

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.conn.cursor().executemany(self._sql(sql), rows)

    # -- the connection -----------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- outlets ------------------------------------------------------------------------

    def upsert_outlets(self, outlets: list[Outlet]) -> None:
        t = self._text
        with self.transaction():
            self._many(
                """INSERT INTO outlets (id, name, domains, aliases, country, language, owner,
                                        state_affiliated, ratings)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET
                     name = excluded.name,
                     domains = CASE WHEN excluded.domains = '[]' THEN outlets.domains
                                    ELSE excluded.domains END,
                     aliases = CASE WHEN excluded.aliases = '[]' THEN outlets.aliases
                                    ELSE excluded.aliases END,
                     country = coalesce(excluded.country, outlets.country),
                     language = coalesce(excluded.language, outlets.language),
                     owner = coalesce(excluded.owner, outlets.owner),
                     state_affiliated = coalesce(excluded.state_affiliated,
                                                 outlets.state_affiliated),
                     ratings = CASE WHEN excluded.ratings = '{}' THEN outlets.ratings
                                    ELSE excluded.ratings END""",
                [
                    (
                        t(o.id),
                        t(o.name),
                        json.dumps(o.domains),
                        json.dumps(o.aliases),
                        t(o.country),
                        t(o.language),
                        t(o.owner),
                        None if o.state_affiliated is None else int(o.state_affiliated),
                        json.dumps(o.ratings, sort_keys=True),
                    )
                    for o in outlets
                ],
            )

    def outlets(self) -> list[Outlet]:
        rows = self._rows(
            "SELECT id, name, domains, aliases, country, language, owner, state_affiliated, "
            "ratings FROM outlets ORDER BY name"
        )
        return [
            Outlet(
                id=r[0],
                name=r[1],
                domains=json.loads(r[2]),
                aliases=json.loads(r[3]),
                country=r[4],
                language=r[5],
                owner=r[6],
                state_affiliated=None if r[7] is None else bool(r[7]),
                ratings=json.loads(r[8]),
            )
            for r in rows
        ]

    # -- articles -----------------------------------------------------------------------

    def add_source(self, article_id: str, path: str, locator: str) -> None:
        path, locator = self._text(path), self._text(locator)  # type: ignore[assignment]
        self._exec(
            "INSERT INTO article_sources (article_id, path, locator) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (article_id, path, locator),
        )
        self._exec(
            "DELETE FROM skips WHERE path = ? AND locator = ? AND stage = 'ingest'",
            (path, locator),
        )

    def article_ids_by_hash(self, content_hash: str) -> list[str]:
        rows = self._rows(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id", (content_hash,)
        )
        return [r[0] for r in rows]

    def members_of(self, original: str) -> list[str]:
        rows = self._rows("SELECT id FROM articles WHERE duplicate_of = ?", (original,))
        return [r[0] for r in rows]

    def set_duplicate(
        self, article_id: str, of: str | None, kind: str | None, score: float | None
    ) -> None:
        self._exec(
            "UPDATE articles SET duplicate_of = ?, duplicate_kind = ?, duplicate_score = ? "
            "WHERE id = ?",
            (of, kind, score, article_id),
        )

    def count_articles(self, query: ArticleQuery = ArticleQuery()) -> int:
        where, params = self._where(query)
        return int(self._rows(f"SELECT count(*) FROM articles{where}", params)[0][0])

    def sources_of(self, article_id: str) -> list[tuple[str, str]]:
        rows = self._rows(
            "SELECT path, locator FROM article_sources WHERE article_id = ? "
            "ORDER BY path, locator",
            (article_id,),
        )
        return [(r[0], r[1]) for r in rows]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM articles ORDER BY id")]

    # -- entities -----------------------------------------------------------------------

    def entities(
        self, type_: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        sql = "SELECT data FROM entities"
        params: list[Any] = []
        if type_:
            sql += " WHERE type = ?"
            params.append(type_.upper())
        sql += " ORDER BY mentions DESC, name, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [json.loads(r[0]) for r in self._rows(sql, params)]

    def count_entities(self, type_: str | None = None) -> int:
        sql, params = "SELECT count(*) FROM entities", []
        if type_:
            sql, params = sql + " WHERE type = ?", [type_.upper()]
        return int(self._rows(sql, params)[0][0])

    def find_entities(self, name: str) -> list[dict[str, Any]]:
        """By id, name or alias (case-insensitive), else by the words of an alias."""
        from ..entities.keys import fold, skeleton

        rows = [
            json.loads(r[0])
            for r in self._rows("SELECT data FROM entities ORDER BY mentions DESC, name, id")
        ]
        want = fold(name)
        exact = [
            e
            for e in rows
            if e["id"] == name or any(fold(a) == want for a in [e["name"], *e["aliases"]])
        ]
        if exact:
            return exact
        words = {skeleton(w) for w in want.split()}
        return [
            e
            for e in rows
            if any(words <= {skeleton(w) for w in fold(a).split()} for a in e["aliases"])
        ]

    def entity_mentions(self, entity_id: str) -> list[tuple[str, int, str, float]]:
        rows = self._rows(
            "SELECT article_id, mention, why, confidence FROM entity_mentions "
            "WHERE entity_id = ? ORDER BY article_id, mention",
            (entity_id,),
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def add_entity_rule(self, kind: str, names: list[str]) -> None:
        self._exec(
            "INSERT INTO entity_rules (kind, names, created_at) VALUES (?, ?, ?)",
            (kind, json.dumps(names, ensure_ascii=False), now()),
        )

    def entity_state(self) -> dict[str, str]:
        return dict(self._rows("SELECT name, value FROM entity_state"))

    def clear_entity_resolution(self) -> None:
        """Forget every entity and the state that produced them (call inside a transaction)."""
        for table in ("entities", "entity_mentions", "entity_nodes", "entity_node_keys",
                      "entity_clusters", "entity_articles", "entity_state"):
            self._exec(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    def entity_pending(self) -> tuple[list[str], list[str]]:
        """(annotated articles not yet resolved, resolved articles whose annotations changed
        or went)."""
        new = self._rows(
            "SELECT a.article_id FROM annotations a LEFT JOIN entity_articles e "
            "ON e.article_id = a.article_id WHERE e.article_id IS NULL ORDER BY a.article_id"
        )
        stale = self._rows(
            "SELECT e.article_id FROM entity_articles e LEFT JOIN annotations a "
            "ON a.article_id = e.article_id WHERE a.article_id IS NULL "
            "OR e.version != a.signature || ' ' || a.annotated_at ORDER BY e.article_id"
        )
        return [r[0] for r in new], [r[0] for r in stale]

    def insert_entities(
        self, entities: list[dict[str, Any]], clusters: list[tuple[str, str, str, int]]
    ) -> None:
        """Add entities and their (entity id, base id, first article, first mention)."""
        self._many(
            "INSERT INTO entities (id, name, type, country, mentions, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (e["id"], self._text(e["name"]), e["type"], self._text(e.get("country")),
                 e["mentions"], json.dumps(e, ensure_ascii=False, sort_keys=True))
                for e in entities
            ],
        )
        self._many(
            "INSERT INTO entity_clusters (entity_id, base, first_article, first_mention) "
            "VALUES (?, ?, ?, ?)",
            clusters,
        )

    def reassign_entity_mentions(self, rows: list[tuple[int, str, str, float]]) -> None:
        """(node, entity id, why, confidence): every mention of the node gets them."""
        self._many(
            "UPDATE entity_mentions SET entity_id = ?, why = ?, confidence = ? WHERE node = ?",
            [(e, w, c, n) for n, e, w, c in rows],
        )

    # -- stories ------------------------------------------------------------------------

    def story_feature_basis(self) -> dict[str, str]:
        """article id -> what its stored story features were computed from."""
        return dict(self._rows("SELECT article_id, basis FROM story_features"))

    def current_basis(self) -> dict[str, str]:
        """article id -> what story features could be computed from now ("", "a", "ae")."""
        out = {r[0]: "" for r in self._rows("SELECT id FROM articles")}
        for (a,) in self._rows("SELECT article_id FROM annotations"):
            out[a] = "a"
        for (a,) in self._rows("SELECT DISTINCT article_id FROM entity_mentions"):
            if a in out:
                out[a] = "ae"
        return out

    def clear_stories(self, features: bool = False) -> None:
        for table in ("story_members", "stories", "storylines"):
            self._exec(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        if features:
            self._exec("DELETE FROM story_features")

    def story_members(self) -> dict[str, tuple[str, str]]:
        """article id -> (story id, block id)."""
        return {
            a: (s, b)
            for a, s, b in self._rows("SELECT article_id, story_id, block FROM story_members")
        }

    def stories(self) -> list[dict[str, Any]]:
        out = []
        # NULLS FIRST is SQLite's default; PostgreSQL needs it said.
        for data, line in self._rows(
            "SELECT data, storyline FROM stories ORDER BY start NULLS FIRST, id"
        ):
            story = json.loads(data)
            story["storyline"] = line
            out.append(story)
        return out

    def storylines(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self._rows("SELECT data FROM storylines ORDER BY id")]

    # -- inputs and skips ---------------------------------------------------------------

    def input_done(self, path: str, size: int, mtime_ns: int) -> bool:
        rows = self._rows(
            "SELECT 1 FROM inputs WHERE path = ? AND size = ? AND mtime_ns = ?",
            (self._text(path), size, mtime_ns),
        )
        return bool(rows)

    def clear_skips(self, path: str, stage: str = "ingest") -> None:
        self._exec("DELETE FROM skips WHERE path = ? AND stage = ?", (self._text(path), stage))

    def skips(self, stage: str | None = None) -> list[Skip]:
        sql = "SELECT path, reason, locator, stage, detail FROM skips"
        params: tuple[str, ...] = ()
        if stage:
            sql += " WHERE stage = ?"
            params = (stage,)
        rows = self._rows(sql + " ORDER BY path, locator", params)
        return [Skip(path=r[0], reason=r[1], locator=r[2], stage=r[3], detail=r[4]) for r in rows]

