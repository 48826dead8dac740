"""The web app: server-rendered pages over the store, the JSON API, uploads.

``create_app(db)`` builds it; ``rashomon serve`` runs it on uvicorn. Pages render the
report's templates through the same views, reading through :class:`.query.Query`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import Config
from ..errors import InputError, NotFoundError, RashomonError, StoreError
from ..report import views
from ..report.render import asset, environment
from ..store import local_path
from . import api as api_module
from .guard import Guard, token_ok
from .jobs import MAX_FILES, Jobs
from .query import MAX_LIMIT, Query, check_page

log = logging.getLogger("rashomon.web")
URLS = views.Urls(web=True)
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    500: "internal_error",
    503: "store_unavailable",
}


def create_app(
    db: str,
    *,
    token: str | None = None,
    max_upload: int = 20 * 2**20,
    allowed_hosts: set[str] | None = None,
    upload_dir: str | Path | None = None,
    config: Config | None = None,
    aligner: Any = None,
    stances: Any = None,
    analysis: dict[str, Any] | None = None,
) -> FastAPI:
    """The app over the store ``db``. ``token``: allow uploads to holders of it (else
    read-only). ``allowed_hosts``: Host header values accepted (None: any).
    ``analysis``: the store's analysis document, whose comparisons are served until the
    store changes (else each is computed on first view). ``aligner``/``stances``:
    stand-ins for the comparison's models."""
    from ..compare.matrix import CompareSettings

    limits = CompareSettings.of(config) if config is not None else None
    if aligner is None and limits is not None:
        from ..compare.align import Aligner

        # A missing model is said when the server starts, not on each story page.
        aligner = Aligner(encoder=limits.encoder)
    query = Query(db, aligner=aligner, stances=stances, analysis=analysis, limits=limits)
    uploads = Path(upload_dir) if upload_dir else _uploads_beside(db)
    jobs = Jobs(db, uploads, config)
    env = environment(__package__)
    app = FastAPI(
        title="Rashomon",
        version=__version__,
        description="Stories, fact-by-fact comparisons, entities, outlets and full-text "
        "search over a Rashomon store. Lists are paginated with `limit` and `offset`; "
        'every error has the shape `{"error": {"status", "code", "message"}}`.',
        docs_url=None,  # the interactive docs load scripts from a CDN: /api-docs instead
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan(jobs),
    )
    app.state.query, app.state.jobs = query, jobs
    app.add_middleware(
        Guard,
        token=token,
        max_upload=max_upload,
        upload_paths=("/upload", "/api/uploads"),
        api_write_paths=("/api/uploads", "/api/entities/merge", "/api/entities/split"),
        allowed_hosts=allowed_hosts,
    )
    app.include_router(api_module.router(query, jobs))

    def page(request: Request, template: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            urls=URLS,
            q=ctx.pop("q", ""),
            csp_meta=None,
            inline_css=None,
            inline_js=None,
            script_url="/static/app.js",
            writable=token is not None,
            path=request.url.path,
            **ctx,
        )
        return HTMLResponse(html, status_code=code)

    def pager(request: Request, p: Any) -> dict[str, str | None]:
        def at(offset: int | None) -> str | None:
            if offset is None:
                return None
            params = {k: v for k, v in request.query_params.items() if k != "offset"}
            return f"{request.url.path}?{urlencode({**params, 'offset': offset})}"

        return {"next": at(p.next_offset), "prev": at(p.prev_offset)}

    def ints(limit: str | None, offset: str | None, default: int = 50) -> tuple[int, int]:
        try:
            return check_page(int(limit or default), int(offset or 0))
        except ValueError as exc:
            raise InputError("limit and offset must be whole numbers") from exc

    # -- errors: one JSON shape under /api/, an error page elsewhere ---------------------

    def error(request: Request, status: int, code: str, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return api_module.json_error(status, code, message)
        return page(request, "page_error.html", status, status=status, message=message)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error(request, 404, "not_found", str(exc))

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError) -> Response:
        # The store went away (a PostgreSQL server restarting): not the client's fault.
        return error(request, 503, "store_unavailable", str(exc))

    @app.exception_handler(RashomonError)
    async def bad_input(request: Request, exc: RashomonError) -> Response:
        return error(request, 400, "bad_request", str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        return error(request, exc.status_code, CODES.get(exc.status_code, "error"), message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {e.get('msg')}")
        return error(request, 422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "internal_error", "internal error (see the server's log)")

    # -- static files: the report's stylesheet and script --------------------------------

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        return Response(
            asset("style.css"), media_type="text/css", headers={"cache-control": "max-age=3600"}
        )

    @app.get("/static/app.js", include_in_schema=False)
    def script() -> Response:
        return Response(
            asset("report.js"),
            media_type="text/javascript",
            headers={"cache-control": "max-age=3600"},
        )

    # -- pages ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        request: Request,
        since: str | None = None,
        until: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        limit: str | None = None,
        offset: str | None = None,
    ) -> HTMLResponse:
        n, skip = ints(limit, offset)
        p = query.stories(
            since=since or None,
            until=until or None,
            outlet=outlet or None,
            entity=entity or None,
            limit=n,
            offset=skip,
        )
        rows = [views.story_row(s, None) for s in p.items]
        compared = {s["id"] for s in p.items if len(s["articles"]) > 1}
        for r in rows:
            r["compared"] = r["id"] in compared
        return page(
            request,
            "page_stories.html",
            rows=rows,
            page=p,
            pager=pager(request, p),
            outlets=[o["name"] for o in query.outlets()],
            filters={
                "since": since or "",
                "until": until or "",
                "outlet": outlet or "",
                "entity": entity or "",
            },
            lines=len(query.storylines()),
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        # The heaviest page, and a pure function of the store: rendered once per store
        # version (the template alone takes tens of milliseconds for a big matrix).
        def make() -> HTMLResponse:
            v = views.story_view(query.story_bundle(story_id), URLS)
            return page(request, "page_story.html", v=v)

        body = query.cached(("story_page", story_id), lambda: bytes(make().body))
        return HTMLResponse(body)

    @app.get("/storylines/{line_id}", response_class=HTMLResponse, include_in_schema=False)
    def storyline_page(request: Request, line_id: str) -> HTMLResponse:
        found = query.storyline(line_id)
        line = views.storyline_view(
            found["storyline"], found["stories"], found["comparisons"], found["stances"], URLS
        )
        return page(request, "page_storyline.html", line=line)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        a = query.article(article_id)
        blocks = views.text_blocks(a["text"], a["id"], [])
        return page(
            request,
            "page_article.html",
            a=a,
            blocks=blocks,
            date=views.date_label(a.get("published")),
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: str = "",
        outlet: str | None = None,
        limit: str | None = None,
        offset: str | None = None,
    ) -> HTMLResponse:
        n, skip = ints(limit, offset, 20)
        p = query.search(q[:500], outlet=outlet or None, limit=n, offset=skip) if q else None
        hits = []
        for r in p.items if p else []:
            hits.append(
                {
                    **r,
                    "html": api_module.snippet_html(r["snippet"] or ""),
                    "date": views.date_label(r.get("published")),
                }
            )
        return page(
            request,
            "page_search.html",
            q=q,
            page=p,
            hits=hits,
            pager=pager(request, p) if p else None,
            outlet=outlet or "",
            outlets=[o["name"] for o in query.outlets()],
        )

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(
        request: Request,
        name: str | None = None,
        type: str | None = None,
        limit: str | None = None,
        offset: str | None = None,
    ) -> HTMLResponse:
        n, skip = ints(limit, offset)
        p = query.entities(name=name or None, type_=type or None, limit=n, offset=skip)
        return page(
            request,
            "page_entities.html",
            page=p,
            pager=pager(request, p),
            name=name or "",
            type=type or "",
        )

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        e = query.entity(entity_id)
        story_of = query.story_of_article()
        for q_ in e["quotes_by"] + e["quotes_about"]:
            start = q_.get("start")
            q_["href"] = f"/articles/{q_['article']}"
            sid = story_of.get(q_["article"])
            if sid:
                q_["story_href"] = f"/stories/{sid}"
            q_["date"] = views.date_label(q_.get("published"))
            q_["start"] = start
        stances = [
            {
                **s,
                "date_label": views.date_label(s.get("date")),
                "href": URLS.sentence(s.get("story"), s["article"], s.get("start")),
            }
            for s in e["stances"]
        ]
        from ..report import charts

        by_issue: dict[str, list] = {}
        for s in e["stances"]:
            by_issue.setdefault(s["issue"], []).append((s.get("date"), s["position"]))
        svg = (
            charts.stances(
                [(i[:40], ps) for i, ps in by_issue.items()],
                title=f"Stances of {e['name']} over time",
            )
            if by_issue
            else None
        )
        outlets = sorted(e["alias_counts"])
        return page(
            request,
            "page_entity.html",
            e=e,
            stances=stances,
            stance_svg=svg,
            outlets=outlets,
            stories=[views.story_row(s, None) for s in e["stories"]],
        )

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request) -> HTMLResponse:
        return page(request, "page_outlets.html", outlets=query.outlets())

    @app.get("/outlets/{name}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str) -> HTMLResponse:
        from ..report import charts

        o = query.outlet(name)
        names = sorted(o["framing"], key=lambda x: (x != o["name"], x.casefold()))
        rates = []
        for key, title in (
            ("quotes", "Quotes per 1,000 words"),
            ("anonymous_sources", "Anonymous sources per 1,000 words"),
            ("vague_attributions", "Vague attributions per 1,000 words"),
            ("hedges", "Hedges per 1,000 words"),
            ("loaded", "Loaded words per 1,000 words"),
        ):
            values = [
                round(1000 * o["framing"][x][key] / max(o["framing"][x]["words"], 1), 2)
                for x in names
            ]
            rates.append(
                {"title": title, "svg": charts.bars(names, values, title=title, highlight=0)}
            )
        return page(
            request,
            "page_outlet.html",
            o=o,
            rates=rates,
            stories=[views.story_row(s, None) for s in o["stories"][:50]],
        )

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return page(request, "page_upload.html", max_mb=max_upload // 2**20, max_files=MAX_FILES)

    @app.post("/upload", include_in_schema=False)
    async def upload_post(request: Request) -> Response:
        if token is None:
            return error(
                request,
                403,
                "read_only",
                "this server is read-only: start it with --token to allow uploads",
            )
        form = await request.form(max_files=MAX_FILES, max_fields=10)
        given = form.get("token")
        if not token_ok(token, given if isinstance(given, str) else None):
            return error(request, 401, "unauthorized", "wrong or missing token")
        files = []
        for f in form.getlist("files"):
            if hasattr(f, "read") and getattr(f, "filename", None):
                files.append((f.filename, await f.read()))
        outlet = form.get("outlet")
        job = jobs.submit(files, outlet if isinstance(outlet, str) else None)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job '{job_id}'")
        return page(request, "page_job.html", job=job.as_dict())

    @app.get("/api-docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        spec = app.openapi()
        endpoints = []
        for route, methods in spec["paths"].items():
            for method, op in methods.items():
                endpoints.append(
                    {
                        "method": method.upper(),
                        "path": route,
                        "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "params": [
                            {
                                "name": p["name"],
                                "where": p["in"],
                                "description": p.get("description", ""),
                                "required": p.get("required", False),
                            }
                            for p in op.get("parameters", [])
                        ],
                    }
                )
        return page(request, "page_api.html", endpoints=endpoints, max_limit=MAX_LIMIT)

    return app


def _lifespan(jobs: Jobs) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    return lifespan


def serve(
    db: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    max_upload: int = 20 * 2**20,
    config: Config | None = None,
) -> None:
    """Run the app on uvicorn until interrupted."""
    import uvicorn

    local = {"127.0.0.1", "localhost", "::1"}
    hosts = None if host in ("0.0.0.0", "::") else local | {host.lower()}
    app = create_app(
        db,
        token=token,
        max_upload=max_upload,
        allowed_hosts=hosts,
        config=config,
        analysis=fresh_analysis(db),
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def _uploads_beside(db: str) -> Path:
    """Uploaded files go beside an SQLite store; for a store on a server (which has no
    "beside"), in rashomon-uploads under the working directory."""
    store = local_path(db)
    if store is None:
        return Path("rashomon-uploads")
    return store.with_name(store.name + ".uploads")


def fresh_analysis(db: str) -> dict[str, Any] | None:
    """The ``analysis.json`` that ``analyze`` wrote beside ``db``, if the store has not
    changed since (neither the file nor its write-ahead log is newer). A store on a
    server has no file to compare with: its comparisons are computed when first viewed."""
    import json

    store = local_path(db)
    if store is None:
        return None
    path = store.with_name("analysis.json")
    if not path.is_file():
        return None
    written = path.stat().st_mtime
    for f in (store, store.with_name(store.name + "-wal")):
        if f.exists() and f.stat().st_mtime > written:
            return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
