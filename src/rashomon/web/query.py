"""The one query layer of the web app: every page and every API endpoint reads here.

Results are plain dicts shaped like ``analysis.json`` (and, for lists, a :class:`Page`),
so the pages render them through the same views as the HTML report and the API returns
them as they are. Comparisons and storyline stances are computed on demand and kept in
memory until the store changes (another connection commits: the store's ``watch()``).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..compare.analysis import article_row
from ..errors import InputError, NotFoundError, StoreError
from ..store import ArticleQuery, Store, open_store
from ..store.base import Watch

MAX_LIMIT = 200


@dataclass
class Page:
    """One page of a list: its items and where it sits in the whole."""

    items: list[Any]
    total: int
    limit: int
    offset: int
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def prev_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.next_offset,
        }


def check_page(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise InputError(f"offset must be 0 or more, got {offset}")
    return limit, offset


def _page(items: list[Any], limit: int, offset: int, **filters: Any) -> Page:
    limit, offset = check_page(limit, offset)
    return Page(items[offset : offset + limit], len(items), limit, offset, filters)


F = TypeVar("F", bound=Callable[..., Any])


def _reconnecting(fn: F) -> F:
    """``fn`` run once more, on new connections, when it failed because a connection was
    lost (a PostgreSQL server restarted while the app ran): the first request after the
    server is back is served, not answered 503. A read is safe to repeat. Only the
    outermost call of a request retries (methods call each other)."""

    @functools.wraps(fn)
    def call(self: Query, *args: Any, **kwargs: Any) -> Any:
        local = self._local
        if getattr(local, "busy", False):
            return fn(self, *args, **kwargs)
        local.busy = True
        try:
            try:
                return fn(self, *args, **kwargs)
            except StoreError:
                if not self._forget_lost():
                    raise
            return fn(self, *args, **kwargs)
        finally:
            local.busy = False

    return call  # type: ignore[return-value]


C = TypeVar("C", bound=type)


def _reconnects(cls: C) -> C:
    """Every public method of ``cls`` but :meth:`Query.store` and :meth:`Query.aligner`
    made :func:`_reconnecting`."""
    for name, value in list(vars(cls).items()):
        if name.startswith("_") or name in ("store", "aligner") or not inspect.isfunction(value):
            continue
        setattr(cls, name, _reconnecting(value))
    return cls


@_reconnects
class Query:
    """Read access to one store for many threads (one connection per thread)."""

    def __init__(
        self,
        db: str,
        *,
        aligner: Any = None,
        stances: Callable[[Store, list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
        cache_size: int = 256,
        analysis: dict[str, Any] | None = None,
        limits: Any = None,
    ) -> None:
        """``analysis``: an analysis document of this very store (``analyze`` writes one
        beside it): its comparisons and stances are used until the store changes.
        ``limits``: the comparisons' settings (:class:`rashomon.compare.matrix.CompareSettings`):
        their bounds and the aligner's encoder."""
        self.db = db
        self._limits = limits
        self._aligner = aligner
        self._stances = stances
        self._local = threading.local()
        self._lock = threading.Lock()
        self._compute_lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_size = cache_size
        self._watch: Watch | None = self._open_watch()  # fails early, migrates once
        self._version = self._watch.version()
        self._generation = 0
        if analysis:
            self._seed(analysis)

    def _seed(self, analysis: dict[str, Any]) -> None:
        stories = {s["id"]: s for s in self.all_stories()}
        encoder = self._limits.encoder if self._limits is not None else "minilm"
        for c in analysis.get("comparisons", []):
            s = stories.get(c["story"])
            if c.get("encoder", "minilm") != encoder:
                continue  # made with the other encoder: compared again when viewed
            if s is not None and sorted(s["articles"]) == sorted(c.get("articles", [])):
                self._cache[(0, "comparison", s["id"], tuple(sorted(s["articles"])))] = c
        for x in analysis.get("stances", []):
            self._cache[(0, "stances", x["storyline"])] = x
        known = {x["storyline"] for x in analysis.get("stances", [])}
        for line in self.storylines():  # analysed, and no stance found
            if line["id"] not in known and analysis.get("stances") is not None:
                self._cache[(0, "stances", line["id"])] = None

    # -- plumbing --------------------------------------------------------------------

    def store(self) -> Store:
        """This thread's store, opened again if its connection was lost."""
        s = getattr(self._local, "store", None)
        if s is not None and s.lost:
            self._forget_lost()
            s = None
        if s is None:
            s = self._local.store = open_store(self.db, create=False)
        return s  # type: ignore[return-value]

    def _open_watch(self) -> Watch:
        probe = open_store(self.db, create=False)
        try:
            return probe.watch()
        finally:
            probe.close()

    def _forget_lost(self) -> bool:
        """Closes and forgets this thread's store and the shared watch where their
        connection is lost (they are opened again when next needed): True if any was."""
        found = False
        s = getattr(self._local, "store", None)
        if s is not None and s.lost:
            found = True
            self._local.store = None
            _close_quietly(s)
        with self._lock:
            if self._watch is not None and self._watch.lost:
                found = True
                _close_quietly(self._watch)
                self._watch = None
        return found

    def generation(self) -> int:
        """A number that changes whenever another connection has committed to the store."""
        with self._lock:
            if self._watch is None or self._watch.lost:
                # A new watch: commits made while there was none went unseen, so
                # everything cached is dropped.
                if self._watch is not None:
                    _close_quietly(self._watch)
                    self._watch = None
                self._watch = self._open_watch()
                self._version = self._watch.version()
                self._generation += 1
                self._cache.clear()
            version = self._watch.version()
            if version != self._version:
                self._version = version
                self._generation += 1
                self._cache.clear()
            return self._generation

    def cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        key = (self.generation(), *key)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    def aligner(self) -> Any:
        with self._compute_lock:
            if self._aligner is None:
                from ..compare.align import Aligner

                encoder = self._limits.encoder if self._limits is not None else "minilm"
                self._aligner = Aligner(encoder=encoder)
            return self._aligner

    # -- stories ---------------------------------------------------------------------

    def all_stories(self) -> list[dict[str, Any]]:
        def make() -> list[dict[str, Any]]:
            out = self.store().stories()
            for s in out:
                s.pop("profile", None)
            return out

        return self.cached(("stories",), make)

    def story_of_article(self) -> dict[str, str]:
        return self.cached(
            ("story_of",), lambda: {a: s["id"] for s in self.all_stories() for a in s["articles"]}
        )

    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        min_articles: int = 1,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Stories, newest first, filtered by dates (overlap), outlet and entity."""
        rows = self.all_stories()
        if since:
            rows = [s for s in rows if (s.get("end") or s.get("start") or "") >= since]
        if until:
            rows = [s for s in rows if (s.get("start") or "9999")[:10] <= until]
        if outlet:
            want = outlet.casefold()
            rows = [s for s in rows if any(o.casefold() == want for o in s.get("outlets", []))]
        if entity:
            try:
                e = self.entity_ref(entity)
            except NotFoundError:  # a filter that matches nothing, not a missing page
                rows = []
            else:
                articles = {a for a, *_ in self.store().entity_mentions(e["id"])}
                rows = [s for s in rows if articles & set(s["articles"])]
        rows = [s for s in rows if len(s["articles"]) >= min_articles]
        rows = sorted(rows, key=lambda s: (s.get("start") or "", len(s["articles"])), reverse=True)
        return _page(
            rows,
            limit,
            offset,
            since=since,
            until=until,
            outlet=outlet,
            entity=entity,
            min_articles=min_articles,
        )

    def story(self, story_id: str) -> dict[str, Any]:
        s = self.store().story(story_id)
        if s is None:
            raise NotFoundError(f"no story '{story_id}'")
        s.pop("profile", None)
        return s

    def comparison(self, story: dict[str, Any]) -> dict[str, Any] | None:
        """The story's comparison (None for a one-article story), computed once per store
        version."""
        if len(story["articles"]) < 2:
            return None

        def make() -> dict[str, Any]:
            from ..compare.analysis import compare_stored_story

            aligner = self.aligner()
            with self._compute_lock:  # one comparison at a time: they are CPU-bound
                return compare_stored_story(self.store(), story, aligner, self._limits)

        return self.cached(("comparison", story["id"], tuple(sorted(story["articles"]))), make)

    def story_bundle(self, story_id: str) -> dict[str, Any]:
        """A story with everything its page shows: comparison, articles, texts, quotes,
        the entities its outlets name (shaped as :func:`report.views.bundle_from_analysis`)."""
        from ..compare.analysis import _layers
        from ..report.data import article_texts

        story = self.story(story_id)
        ids = story["articles"]
        store = self.store()
        comparison = self.comparison(story)
        quotes, _ = _layers(store, ids, [story])
        entity_ids = sorted(
            {e for m in store.entity_ids_by_article(ids).values() for e in m.values()}
        )
        line = next((x for x in self.storylines() if x["id"] == story.get("storyline")), None)
        return {
            "story": story,
            "comparison": comparison,
            "articles": [article_row(a) for a in store.articles_by_ids(ids)],
            "texts": article_texts(store, ids),
            "quotes": quotes,
            "entities": store.entities_by_ids(entity_ids),
            "storyline": line,
        }

    # -- storylines --------------------------------------------------------------------

    def storylines(self) -> list[dict[str, Any]]:
        return self.cached(("storylines",), lambda: self.store().storylines())

    def storyline(self, line_id: str) -> dict[str, Any]:
        line = next((x for x in self.storylines() if x["id"] == line_id), None)
        if line is None:
            raise NotFoundError(f"no storyline '{line_id}'")
        by_id = {s["id"]: s for s in self.all_stories()}
        stories = [by_id[s] for s in line["stories"] if s in by_id]
        comparisons = {}
        for s in stories:
            c = self.comparison(s)
            if c is not None:
                comparisons[s["id"]] = c
        return {
            "storyline": line,
            "stories": stories,
            "comparisons": comparisons,
            "stances": self.stances(line_id, stories),
        }

    def stances(self, line_id: str, stories: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Actors' positions along a storyline (computed once per store version)."""

        def make() -> dict[str, Any] | None:
            if self._stances is not None:
                found = self._stances(self.store(), stories)
            else:
                from ..compare.analysis import storyline_stance_list

                with self._compute_lock:
                    found = storyline_stance_list(self.store(), stories)
            return next((x for x in found if x["storyline"] == line_id), None)

        return self.cached(("stances", line_id), make)

    # -- articles --------------------------------------------------------------------

    def articles(
        self,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        limit, offset = check_page(limit, offset)
        store = self.store()
        q = ArticleQuery(outlet=outlet, language=language, since=since, until=until)
        total = store.count_articles(q)
        q = ArticleQuery(
            outlet=outlet, language=language, since=since, until=until, limit=limit, offset=offset
        )
        story_of = self.story_of_article()
        items = [{**article_row(a), "story": story_of.get(a.id)} for a in store.articles(q)]
        return Page(items, total, limit, offset, {"outlet": outlet, "since": since, "until": until})

    def article(self, article_id: str) -> dict[str, Any]:
        from ..report.data import article_texts

        a = self.store().get_article(article_id)
        return {
            **article_row(a),
            "story": self.story_of_article().get(a.id),
            "text": article_texts(self.store(), [a.id])[a.id],
        }

    # -- search ------------------------------------------------------------------------

    def search(
        self,
        q: str,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> Page:
        """Full-text search over titles and text; snippets carry the store's match marks."""
        limit, offset = check_page(limit, offset)
        total, rows = self.store().search_articles(
            q, outlet=outlet, since=since, until=until, limit=limit, offset=offset
        )
        story_of = self.story_of_article()
        for r in rows:
            r["story"] = story_of.get(r["id"])
        return Page(rows, total, limit, offset, {"q": q, "outlet": outlet})

    # -- entities --------------------------------------------------------------------

    def entities(
        self, *, name: str | None = None, type_: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page:
        limit, offset = check_page(limit, offset)
        store = self.store()
        if name:
            found = [
                e for e in store.find_entities(name) if not type_ or e["type"] == type_.upper()
            ]
            return _page(found, limit, offset, name=name, type=type_)
        items = store.entities(type_, limit, offset)
        return Page(items, store.count_entities(type_), limit, offset, {"type": type_})

    def entity_ref(self, ref: str) -> dict[str, Any]:
        """An entity by id, else the best match for a name or alias."""
        found = self.store().entities_by_ids([ref]) or self.store().find_entities(ref)
        if not found:
            raise NotFoundError(f"no entity '{ref}'")
        return found[0]

    def entity(self, ref: str, *, max_articles: int = 300) -> dict[str, Any]:
        """An entity with its naming by outlet, the stories it is in, quotes by and about
        it and, along its storylines, its stances over time."""
        from ..annotate import load as load_annotations
        from ..compare.analysis import _layers

        e = self.entity_ref(ref)
        store = self.store()
        mentions = store.entity_mentions(e["id"])
        articles = sorted({a for a, *_ in mentions})[:max_articles]
        mine: dict[str, list[int]] = {}
        for a, k, *_ in mentions:
            mine.setdefault(a, []).append(k)
        story_of = self.story_of_article()
        story_ids = {story_of[a] for a in articles if a in story_of}
        stories = [s for s in self.all_stories() if s["id"] in story_ids]
        # Quotes by the entity also come from its stories' other articles, where an office
        # it holds speaks unnamed ("Poland's prime minister said").
        others = sorted(
            {a for s in stories if len(s["articles"]) > 1 for a in s["articles"]} - set(articles)
        )[:max_articles]
        quotes, _ = _layers(store, articles + others, stories)
        by = [q for q in quotes if q.get("speaker") == e["id"]]
        about = []
        for aid in articles:
            ann = load_annotations(store, aid)
            if ann is None:
                continue
            spans = [
                (ann.mentions[k].start, ann.mentions[k].end)
                for k in mine.get(aid, [])
                if k < len(ann.mentions)
            ]
            for q in quotes:
                if q["article"] == aid and q.get("speaker") != e["id"]:
                    if any(q["start"] <= s and t <= q["end"] for s, t in spans):
                        about.append(q)
        meta = {a.id: article_row(a) for a in store.articles_by_ids(articles + others)}
        for q in by + about:
            a = meta.get(q["article"], {})
            q["outlet"], q["published"] = a.get("outlet"), a.get("published")
        by.sort(key=lambda q: (q["published"] or "", q["article"], q["start"]))
        about.sort(key=lambda q: (q["published"] or "", q["article"], q["start"]))
        stances = []
        for line_id in sorted({s["storyline"] for s in stories if s.get("storyline")}):
            members = [s for s in self.all_stories() if s.get("storyline") == line_id]
            found = self.stances(line_id, members)
            for issue in (found or {}).get("issues", []):
                for p in issue.get("positions", []):
                    if p["actor"] == e["id"]:
                        stances.append(
                            {
                                **p,
                                "issue": issue["issue"],
                                "storyline": line_id,
                                "story": story_of.get(p["article"]),
                            }
                        )
        stances.sort(key=lambda p: p.get("date") or "")
        return {
            **e,
            "articles": len({a for a, *_ in mentions}),
            "stories": sorted(stories, key=lambda s: s.get("start") or "", reverse=True),
            "quotes_by": by,
            "quotes_about": about,
            "stances": stances,
        }

    # -- outlets ---------------------------------------------------------------------

    def outlets(self) -> list[dict[str, Any]]:
        def make() -> list[dict[str, Any]]:
            counts = Counter(a.outlet for a in self.store().articles())
            known = {o.name: o for o in self.store().outlets()}
            names = sorted({n for n in counts if n} | set(known), key=str.casefold)
            return [
                {
                    "name": n,
                    "articles": counts.get(n, 0),
                    "stories": sum(1 for s in self.all_stories() if n in s.get("outlets", [])),
                    **{
                        k: getattr(known[n], k)
                        for k in ("country", "language", "owner", "state_affiliated", "domains")
                        if n in known
                    },
                }
                for n in names
            ]

        return self.cached(("outlets",), make)

    def outlet(self, name: str, *, max_stories: int = 20) -> dict[str, Any]:
        """An outlet and its framing across the (most recent) stories it covers, beside
        the other outlets of the same stories."""
        found = next((o for o in self.outlets() if o["name"].casefold() == name.casefold()), None)
        if found is None:
            raise NotFoundError(f"no outlet '{name}'")
        name = found["name"]
        stories = [s for s in self.all_stories() if name in s.get("outlets", [])]
        stories.sort(key=lambda s: s.get("start") or "", reverse=True)
        totals: dict[str, Counter] = {}
        per_story = []
        for s in [s for s in stories if len(s["articles"]) > 1][:max_stories]:
            comp = self.comparison(s)
            if comp is None:
                continue
            for profile in comp.get("framing", {}).values():
                o = profile.get("outlet") or "(unknown)"
                t = totals.setdefault(o, Counter())
                t["articles"] += 1
                for key in (
                    "words",
                    "quotes",
                    "direct_quotes",
                    "anonymous_sources",
                    "vague_attributions",
                    "hedges",
                ):
                    t[key] += profile.get(key, 0) or 0
                t["loaded"] += sum(w["count"] for w in profile.get("loaded_words", []))
                if o == name:
                    per_story.append({"story": s, "profile": profile})
        return {**found, "stories": stories, "framing": totals, "per_story": per_story}


def _close_quietly(thing: Any) -> None:
    try:
        thing.close()
    except Exception:  # noqa: BLE001 - closing what is already gone
        pass
