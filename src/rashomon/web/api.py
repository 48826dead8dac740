"""The JSON API under ``/api/``: the same query layer as the pages, described by OpenAPI."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field

from ..errors import NotFoundError
from ..report import views
from ..store.sqlite import SQLiteStore
from .jobs import Jobs
from .query import MAX_LIMIT
from .query import Query as StoreQuery

T = TypeVar("T")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a list; ask for the next with ``offset=next_offset``."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class StoryOut(_Open):
    id: str
    title: str
    start: str | None = None
    end: str | None = None
    storyline: str | None = None
    articles: list[str]
    outlets: list[str] = []
    facts: int | None = None
    conflicts: int | None = None


class ArticleOut(_Open):
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    language: str | None = None
    url: str | None = None
    story: str | None = None


class ArticleFull(ArticleOut):
    text: dict[str, Any]


class StoryDetail(BaseModel):
    story: dict[str, Any]
    comparison: dict[str, Any] | None
    articles: list[ArticleOut]
    quotes: list[dict[str, Any]]


class StorylineOut(_Open):
    id: str
    title: str
    stories: list[str]


class StorylineDetail(BaseModel):
    storyline: dict[str, Any]
    stories: list[dict[str, Any]]
    stances: dict[str, Any] | None


class EntityOut(_Open):
    id: str
    name: str
    type: str
    aliases: list[str]
    alias_counts: dict[str, dict[str, int]]


class EntityDetail(EntityOut):
    articles: int
    stories: list[dict[str, Any]]
    quotes_by: list[dict[str, Any]]
    quotes_about: list[dict[str, Any]]
    stances: list[dict[str, Any]]


class OutletOut(_Open):
    name: str
    articles: int
    stories: int


class OutletDetail(OutletOut):
    framing: dict[str, dict[str, int]]
    per_story: list[dict[str, Any]]


class SearchHit(BaseModel):
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    story: str | None
    snippet: str
    snippet_html: str


class EntityRule(BaseModel):
    """Names (as written in articles, any spelling an entity has) a merge or split is about."""

    names: list[str] = Field(..., min_length=2, max_length=20)


class JobOut(_Open):
    id: str
    state: str
    stage: str
    progress: float
    message: str
    files: list[str]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad request"},
    404: {"model": ErrorBody, "description": "Not found"},
    422: {"model": ErrorBody, "description": "Invalid parameters"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": ErrorBody, "description": "Missing or wrong token"},
    403: {"model": ErrorBody, "description": "The server is read-only (no --token)"},
    413: {"model": ErrorBody, "description": "Upload too large"},
}

LIMIT = Query(50, ge=1, le=MAX_LIMIT, description="Items per page.")
OFFSET = Query(0, ge=0, description="Items to skip.")


def snippet_html(snippet: str) -> Markup:
    """A search snippet escaped, with the store's match marks turned into ``<mark>``."""
    return Markup(
        str(escape(snippet))
        .replace(SQLiteStore.MATCH_START, "<mark>")
        .replace(SQLiteStore.MATCH_END, "</mark>")
    )


def snippet_text(snippet: str) -> str:
    return snippet.replace(SQLiteStore.MATCH_START, "").replace(SQLiteStore.MATCH_END, "")


def story_out(q: StoreQuery, s: dict[str, Any], compare: bool = False) -> dict[str, Any]:
    out = {k: s.get(k) for k in ("id", "title", "start", "end", "storyline", "articles")}
    out["outlets"] = s.get("outlets", [])
    out["entities"] = s.get("entities", [])
    if compare:
        row = views.story_row(s, q.comparison(s))
        out["facts"], out["conflicts"] = row["facts"], row["conflicts"]
    return out


def router(q: StoreQuery, jobs: Jobs) -> APIRouter:
    api = APIRouter(prefix="/api", responses=ERRORS)

    @api.get("/stories", response_model=Page[StoryOut], tags=["stories"])
    def list_stories(
        since: str | None = Query(None, description="Stories ending on or after (YYYY-MM-DD)."),
        until: str | None = Query(None, description="Stories starting on or before."),
        outlet: str | None = Query(None, description="Only stories this outlet covers."),
        entity: str | None = Query(
            None, description="Only stories naming this entity (id or name)."
        ),
        min_articles: int = Query(1, ge=1),
        limit: int = LIMIT,
        offset: int = OFFSET,
    ) -> dict[str, Any]:
        """Stories, newest first."""
        page = q.stories(
            since=since,
            until=until,
            outlet=outlet,
            entity=entity,
            min_articles=min_articles,
            limit=limit,
            offset=offset,
        )
        page.items = [story_out(q, s) for s in page.items]
        return page.as_dict()

    @api.get("/stories/{story_id}", response_model=StoryDetail, tags=["stories"])
    def get_story(story_id: str) -> Any:
        """One story with its comparison: the fact matrix, conflicts, quote drift, framing."""

        def make() -> bytes:
            b = q.story_bundle(story_id)
            keep = ("story", "comparison", "articles", "quotes")
            return bytes(JSONResponse({k: b[k] for k in keep}).body)

        # Built once per store version and sent as it is: validating a big comparison
        # against the response model on every request costs more than building it.
        return Response(q.cached(("story_api", story_id), make), media_type="application/json")

    @api.get("/storylines", response_model=Page[StorylineOut], tags=["stories"])
    def list_storylines(limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        """Storylines: stories that follow one another up."""
        from .query import _page

        return _page(q.storylines(), limit, offset).as_dict()

    @api.get("/storylines/{line_id}", response_model=StorylineDetail, tags=["stories"])
    def get_storyline(line_id: str) -> dict[str, Any]:
        """A storyline's stories and its actors' stances over time."""
        found = q.storyline(line_id)
        return {k: found[k] for k in ("storyline", "stories", "stances")}

    @api.get("/articles", response_model=Page[ArticleOut], tags=["articles"])
    def list_articles(
        outlet: str | None = None,
        since: str | None = Query(None, description="Published on or after (YYYY-MM-DD)."),
        until: str | None = Query(None, description="Published on or before (YYYY-MM-DD)."),
        language: str | None = None,
        limit: int = LIMIT,
        offset: int = OFFSET,
    ) -> dict[str, Any]:
        """Stored articles, oldest first."""
        return q.articles(
            outlet=outlet, since=since, until=until, language=language, limit=limit, offset=offset
        ).as_dict()

    @api.get("/articles/{article_id}", response_model=ArticleFull, tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        """One article with its cleaned text and paragraph kinds (the offsets' reference)."""
        return q.article(article_id)

    @api.get("/search", response_model=Page[SearchHit], tags=["articles"])
    def search(
        q_: str = Query(
            ...,
            alias="q",
            min_length=1,
            max_length=500,
            description='Words, "a phrase", or a prefix*.',
        ),
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
        offset: int = OFFSET,
    ) -> dict[str, Any]:
        """Full-text search over article titles and text, best match first."""
        page = q.search(q_, outlet=outlet, since=since, until=until, limit=limit, offset=offset)
        page.items = [
            {
                **r,
                "snippet": snippet_text(r["snippet"] or ""),
                "snippet_html": str(snippet_html(r["snippet"] or "")),
            }
            for r in page.items
        ]
        return page.as_dict()

    @api.get("/entities", response_model=Page[EntityOut], tags=["entities"])
    def list_entities(
        name: str | None = Query(None, description="Name or alias (any spelling)."),
        type: str | None = Query(None, description="PERSON, ORG, PLACE, NORP..."),
        limit: int = LIMIT,
        offset: int = OFFSET,
    ) -> dict[str, Any]:
        """Entities, most mentioned first."""
        return q.entities(name=name, type_=type, limit=limit, offset=offset).as_dict()

    @api.get("/entities/{entity_id}", response_model=EntityDetail, tags=["entities"])
    def get_entity(entity_id: str) -> dict[str, Any]:
        """An entity: naming by outlet, stories, quotes by and about it, stances over time."""
        return q.entity(entity_id)

    @api.get("/outlets", response_model=Page[OutletOut], tags=["outlets"])
    def list_outlets(limit: int = LIMIT, offset: int = OFFSET) -> dict[str, Any]:
        """Outlets with their numbers of articles and stories."""
        from .query import _page

        return _page(q.outlets(), limit, offset).as_dict()

    @api.get("/outlets/{name}", response_model=OutletDetail, tags=["outlets"])
    def get_outlet(name: str) -> dict[str, Any]:
        """An outlet's framing (quotes, sources, hedges, loaded words) across its stories,
        beside the other outlets of the same stories."""
        found = q.outlet(name)
        found["stories"] = len(found["stories"])
        found["framing"] = {k: dict(v) for k, v in found["framing"].items()}
        found["per_story"] = [
            {"story": x["story"]["id"], "profile": x["profile"]} for x in found["per_story"]
        ]
        return found

    @api.post(
        "/uploads",
        response_model=JobOut,
        status_code=202,
        tags=["write"],
        responses=WRITE_ERRORS,
    )
    def upload(
        files: list[UploadFile] = File(..., description="Article files (any readable format)."),
        outlet: str | None = Form(None, description="Every uploaded article is from this outlet."),
    ) -> dict[str, Any]:
        """Add articles (needs ``Authorization: Bearer TOKEN``): they are ingested,
        annotated, resolved and clustered in the background; poll the returned job."""
        job = jobs.submit([(f.filename or "upload", f.file.read()) for f in files], outlet)
        return job.as_dict()

    @api.post(
        "/entities/merge",
        response_model=JobOut,
        status_code=202,
        tags=["write"],
        responses=WRITE_ERRORS,
    )
    def merge_entities(rule: EntityRule) -> dict[str, Any]:
        """Make these names one entity (needs ``Authorization: Bearer TOKEN``): the rule is
        stored, and entities and stories are recomputed in the background; poll the job."""
        return jobs.submit_rule("merge", rule.names).as_dict()

    @api.post(
        "/entities/split",
        response_model=JobOut,
        status_code=202,
        tags=["write"],
        responses=WRITE_ERRORS,
    )
    def split_entities(rule: EntityRule) -> dict[str, Any]:
        """Keep these names apart (needs ``Authorization: Bearer TOKEN``): the rule is
        stored, and entities and stories are recomputed in the background; poll the job."""
        return jobs.submit_rule("split", rule.names).as_dict()

    @api.get("/jobs/{job_id}", response_model=JobOut, tags=["write"])
    def get_job(job_id: str) -> dict[str, Any]:
        """Progress of an upload's analysis."""
        job = jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job '{job_id}'")
        return job.as_dict()

    return api


def json_error(status: int, code: str, message: str) -> JSONResponse:
    from .guard import error_body

    return JSONResponse(error_body(status, code, message), status_code=status)
