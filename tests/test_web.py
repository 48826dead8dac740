"""The web app and its JSON API, through FastAPI's test client."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from shared_example import example, example_data, hostile, store_copy

from rashomon.store import open_store
from rashomon.store.sqlite import SQLiteStore
from rashomon.web import create_app
from rashomon.web.guard import CSP

TOKEN = "t0k3n-for-tests"
#: The API paths (as OpenAPI names them) that the tests below call.
EXERCISED: set[str] = set()


def call(client: TestClient, method: str, template: str, path: str | None = None, **kw):
    EXERCISED.add(template)
    return client.request(method, path or template, **kw)


@pytest.fixture(scope="module")
def db() -> str:
    return str(example()[0] / "rashomon.db")


@pytest.fixture(scope="module")
def client(db) -> TestClient:
    """Read-only (no token), with the comparisons of analysis.json (the on-demand path
    is taken by the hostile store's test)."""
    return TestClient(create_app(db, analysis=example_data()))


@pytest.fixture(scope="module")
def ids(db) -> dict[str, str]:
    with open_store(db) as store:  # type: ignore[attr-defined]
        stories = store.stories()
        big = max(stories, key=lambda s: len(s["articles"]))
        line = next(x for x in store.storylines() if big["id"] in x["stories"])
        person = store.find_entities("Zhelezov")[0]
        return {
            "story": big["id"],
            "line": line["id"],
            "article": big["articles"][0],
            "entity": person["id"],
        }


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    return body["error"]["message"]


# -- the API ---------------------------------------------------------------------------


def test_api_stories_paginate(client) -> None:
    whole = call(client, "GET", "/api/stories").json()
    assert whole["total"] == len(whole["items"]) >= 3 and whole["next_offset"] is None
    first = call(client, "GET", "/api/stories", params={"limit": 1}).json()
    second = call(client, "GET", "/api/stories", params={"limit": 1, "offset": 1}).json()
    assert first["next_offset"] == 1 and first["total"] == whole["total"]
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [
        s["id"] for s in whole["items"][:2]
    ]
    starts = [s["start"] for s in whole["items"]]
    assert starts == sorted(starts, reverse=True)  # newest first


def test_api_stories_filters(client, ids) -> None:
    by_outlet = call(client, "GET", "/api/stories", params={"outlet": "voice of veldera"}).json()
    assert by_outlet["items"] and all(
        "Voice of Veldera" in s["outlets"] for s in by_outlet["items"]
    )
    by_entity = call(client, "GET", "/api/stories", params={"entity": "Zhelezov"}).json()
    assert ids["story"] in {s["id"] for s in by_entity["items"]}
    late = call(client, "GET", "/api/stories", params={"since": "2026-04-01"}).json()
    assert late["items"] and all(s["start"] >= "2026-04-01" for s in late["items"])
    none = call(client, "GET", "/api/stories", params={"until": "2000-01-01"}).json()
    assert none["total"] == 0
    nobody = call(client, "GET", "/api/stories", params={"entity": "No Such Person"}).json()
    assert nobody["total"] == 0


def test_api_story_has_its_comparison(client, ids) -> None:
    body = call(client, "GET", "/api/stories/{story_id}", f"/api/stories/{ids['story']}").json()
    assert body["story"]["id"] == ids["story"]
    comp = body["comparison"]
    assert comp["facts"] and set(comp["articles"]) == set(body["story"]["articles"])
    assert {a["id"] for a in body["articles"]} == set(body["story"]["articles"])
    assert body["quotes"]


def test_on_demand_comparisons_keep_the_settings_bounds(db, ids, tmp_path) -> None:
    """Without an analysis document the app compares a story when it is asked for, within
    the [compare] bounds of the settings it was started with."""
    from rashomon.config import load_config

    settings = tmp_path / "rashomon.toml"
    settings.write_text("[compare]\nmax_claims = 3\n", "utf-8")
    c = TestClient(create_app(db, config=load_config(settings)))
    comp = c.get(f"/api/stories/{ids['story']}").json()["comparison"]
    assert comp["notes"] and all("only its first 3 claims compared" in n for n in comp["notes"])


def test_api_storylines(client, ids) -> None:
    page = call(client, "GET", "/api/storylines").json()
    assert ids["line"] in {x["id"] for x in page["items"]}
    body = call(client, "GET", "/api/storylines/{line_id}", f"/api/storylines/{ids['line']}")
    body = body.json()
    assert ids["story"] in {s["id"] for s in body["stories"]}
    assert body["stances"] is None or body["stances"]["issues"]


def test_api_articles(client, ids) -> None:
    page = call(client, "GET", "/api/articles", params={"limit": 3}).json()
    assert len(page["items"]) == 3 and page["total"] == 8 and page["next_offset"] == 3
    rest = call(client, "GET", "/api/articles", params={"limit": 3, "offset": 6}).json()
    assert len(rest["items"]) == 2 and rest["next_offset"] is None
    one = call(client, "GET", "/api/articles/{article_id}", f"/api/articles/{ids['article']}")
    one = one.json()
    assert one["story"] == ids["story"] and one["text"]["text"] and one["text"]["blocks"]
    filtered = call(client, "GET", "/api/articles", params={"outlet": "Meridian Wire"}).json()
    assert filtered["items"] and {a["outlet"] for a in filtered["items"]} == {"Meridian Wire"}


def test_api_search(client) -> None:
    body = call(client, "GET", "/api/search", params={"q": "dam"}).json()
    assert body["total"] >= 4
    hit = body["items"][0]
    assert "<mark>" in hit["snippet_html"] and "<mark>" not in hit["snippet"] and hit["story"]
    accents = call(client, "GET", "/api/search", params={"q": "Zelezov"}).json()
    assert accents["total"] >= 1  # finds "Železov"
    phrase = call(client, "GET", "/api/search", params={"q": '"state of emergency"'}).json()
    assert phrase["total"] >= 1
    # FTS syntax from a user is taken as words, never as operators or column filters
    for q in ("NEAR(dam", "title:dam", "dam OR", '"unbalanced', "*", "a)b(c"):
        r = call(client, "GET", "/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    page = call(client, "GET", "/api/search", params={"q": "dam", "limit": 1, "offset": 1})
    assert page.json()["offset"] == 1 and len(page.json()["items"]) == 1


def test_api_entities(client, ids) -> None:
    page = call(client, "GET", "/api/entities", params={"limit": 5}).json()
    assert len(page["items"]) == 5 and page["total"] > 5 and page["next_offset"] == 5
    people = call(client, "GET", "/api/entities", params={"type": "PERSON"}).json()
    assert people["items"] and {e["type"] for e in people["items"]} == {"PERSON"}
    found = call(client, "GET", "/api/entities", params={"name": "Železov"}).json()
    assert found["items"][0]["id"] == ids["entity"]
    e = call(client, "GET", "/api/entities/{entity_id}", f"/api/entities/{ids['entity']}").json()
    assert len(e["aliases"]) > 1 and len(e["alias_counts"]) >= 3
    assert e["quotes_by"] and all(q["speaker"] == ids["entity"] for q in e["quotes_by"])
    assert ids["story"] in {s["id"] for s in e["stories"]}


def test_api_outlets(client) -> None:
    page = call(client, "GET", "/api/outlets").json()
    names = {o["name"] for o in page["items"]}
    assert {"Meridian Wire", "Voice of Veldera"} <= names and page["total"] == len(names)
    o = call(client, "GET", "/api/outlets/{name}", "/api/outlets/Voice of Veldera").json()
    assert o["name"] == "Voice of Veldera" and o["per_story"]
    assert o["framing"]["Voice of Veldera"]["words"] > 0 and len(o["framing"]) > 1


def test_api_errors_have_one_shape(client) -> None:
    error_of(call(client, "GET", "/api/stories/{story_id}", "/api/stories/nope"), 404, "not_found")
    error_of(client.get("/api/articles/zzzz"), 404, "not_found")
    error_of(client.get("/api/entities/nobody-at-all"), 404, "not_found")
    error_of(client.get("/api/outlets/Nobody"), 404, "not_found")
    error_of(call(client, "GET", "/api/jobs/{job_id}", "/api/jobs/nope"), 404, "not_found")
    error_of(client.get("/api/nothing-here"), 404, "not_found")
    assert "limit" in error_of(client.get("/api/stories?limit=0"), 422, "invalid_request")
    error_of(client.get("/api/articles?limit=1000"), 422, "invalid_request")
    error_of(client.get("/api/search"), 422, "invalid_request")
    error_of(client.post("/api/stories"), 405, "method_not_allowed")


def test_openapi_documents_every_endpoint(client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/entities",
        "/api/search",
        "/api/uploads",
    } <= paths
    for path, methods in spec["paths"].items():
        assert path.startswith("/api/")
        for op in methods.values():
            assert op.get("summary") and op.get("description"), path
    docs = client.get("/api-docs")
    assert docs.status_code == 200 and "/api/search" in docs.text


# -- writing: token holders only -----------------------------------------------------------

ARTICLE = (
    "---\ntitle: Ferry capsizes off Nerevo harbour\npublished: 2026-05-20\n---\n"
    "A passenger ferry capsized off Nerevo harbour on Tuesday, the coast guard said.\n\n"
    "Twenty-two people were rescued by fishing boats, officials said.\n"
)


def test_uploads_refused_without_the_token(client, tmp_path) -> None:
    files = {"files": ("a.md", ARTICLE.encode(), "text/markdown")}
    r = call(client, "POST", "/api/uploads", files=files)
    assert "read-only" in error_of(r, 403, "read_only")
    writable = TestClient(create_app(str(store_copy(tmp_path)), token=TOKEN))
    error_of(writable.post("/api/uploads", files=files), 401, "unauthorized")
    r = writable.post("/api/uploads", files=files, headers={"Authorization": "Bearer wrong"})
    error_of(r, 401, "unauthorized")
    page = writable.post("/upload", data={"token": "wrong"}, files=files)
    assert page.status_code == 401 and "wrong or missing token" in page.text
    assert client.post("/upload", files=files).status_code == 403


def test_upload_as_token_holder_is_analysed_and_searchable(tmp_path) -> None:
    app = create_app(str(store_copy(tmp_path)), token=TOKEN, upload_dir=tmp_path / "up")
    writable = TestClient(app)
    r = call(
        writable,
        "POST",
        "/api/uploads",
        files=[("files", ("../../evil name.md", ARTICLE.encode(), "text/markdown"))],
        data={"outlet": "Harbour Herald"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["files"] == ["evil_name.md"]  # no path from the client is kept
    assert (tmp_path / "up" / job["id"] / "evil_name.md").is_file()
    deadline = time.monotonic() + 120
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = call(writable, "GET", "/api/jobs/{job_id}", f"/api/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    assert job["progress"] == 1.0 and "1 article(s) added" in job["message"]
    hits = writable.get("/api/search", params={"q": "ferry capsized"}).json()
    assert hits["total"] == 1 and hits["items"][0]["outlet"] == "Harbour Herald"
    assert hits["items"][0]["story"]  # clustered into a story
    page = writable.get(f"/jobs/{job['id']}")
    assert page.status_code == 200 and "Done" in page.text


def test_uploads_are_bounded(tmp_path) -> None:
    writable = TestClient(create_app(str(store_copy(tmp_path)), token=TOKEN, max_upload=1024))
    big = {"files": ("big.md", b"x" * 3_000_000, "text/markdown")}
    r = writable.post("/api/uploads", files=big, headers={"Authorization": f"Bearer {TOKEN}"})
    error_of(r, 413, "too_large")
    odd = {"files": ("tool.exe", b"MZ", "application/octet-stream")}
    r = writable.post("/api/uploads", files=odd, headers={"Authorization": f"Bearer {TOKEN}"})
    assert "cannot read" in error_of(r, 400, "bad_request")
    r = writable.post("/api/search", content=b"x" * 100_000)
    assert r.status_code == 413


# -- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?outlet=Meridian+Wire&since=2026-01-01",
        "/?entity=Zhelezov",
        "/stories/{story}",
        "/storylines/{line}",
        "/articles/{article}",
        "/search?q=dam",
        "/search",
        "/entities",
        "/entities?name=Kiev",
        "/entities/{entity}",
        "/outlets",
        "/outlets/Meridian%20Wire",
        "/upload",
        "/api-docs",
    ],
)
def test_pages_render_with_strict_headers(client, ids, path) -> None:
    r = client.get(path.format(**ids))
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-type"].startswith("text/html")
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", r.text), "no inline event handler"
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), "no inline script"
    assert not re.search(r"\sstyle=", r.text), "no inline style"


def test_story_page_links_every_cell_to_a_sentence_on_the_page(client, ids) -> None:
    html = client.get(f"/stories/{ids['story']}").text
    targets = re.findall(r'href="#(s-[0-9a-f]+-\d+)"', html)
    assert len(targets) > 20
    for t in set(targets):
        assert f'id="{t}"' in html


def test_page_errors(client) -> None:
    r = client.get("/stories/nope")
    assert (
        r.status_code == 404 and "no story" in r.text and "text/html" in r.headers["content-type"]
    )
    r = client.get("/?limit=abc")
    assert r.status_code == 400


def test_unknown_hosts_are_refused(db) -> None:
    local = TestClient(
        create_app(db, allowed_hosts={"127.0.0.1", "localhost"}), base_url="http://attacker.example"
    )
    error_of(local.get("/api/stories"), 400, "bad_host")
    ok = TestClient(create_app(db, allowed_hosts={"127.0.0.1"}), base_url="http://127.0.0.1:8000")
    assert ok.get("/api/stories").status_code == 200


def test_hostile_store_is_served_escaped() -> None:
    out, _ = hostile()
    c = TestClient(create_app(str(out / "rashomon.db")))
    story = c.get("/api/stories").json()["items"][0]["id"]
    for path in (f"/stories/{story}", "/search?q=flood", "/", "/outlets"):
        html = c.get(path).text
        assert "<script>window" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
        assert 'href="javascript:' not in html.lower()


def test_fts_query_quotes_every_term() -> None:
    assert SQLiteStore.fts_query('dam "state of emergency" commiss*') == (
        '"dam" "state of emergency" "commiss"*'
    )
    # a token's words stay together as a phrase; operators become plain words
    assert SQLiteStore.fts_query("title:x OR NEAR(y") == '"title x" "OR" "NEAR y"'
    assert SQLiteStore.fts_query("  ") == ""


def test_job_page_while_running(db) -> None:
    """A job seen half-way (some stages reported, not all) renders and refreshes itself."""
    from rashomon.web.jobs import Job

    app = create_app(db, token=TOKEN)
    job = Job("half0000", ["a.md"], state="running", stage="annotate", done=1)
    job.result = {"ingest": "1 file(s): 1 article(s) added"}
    app.state.jobs._jobs[job.id] = job
    r = TestClient(app).get(f"/jobs/{job.id}")
    assert r.status_code == 200, r.text
    assert 'http-equiv="refresh"' in r.text and "ingest: 1 file(s)" in r.text
    assert 'data-state="running"' in r.text


def test_entity_merge_and_split_as_token_holder(client, tmp_path) -> None:
    body = {"names": ["Radomir Zhelezov", "Vesna Rudik"]}
    assert "read-only" in error_of(
        call(client, "POST", "/api/entities/merge", json=body), 403, "read_only"
    )
    db = store_copy(tmp_path)
    writable = TestClient(create_app(str(db), token=TOKEN))
    error_of(writable.post("/api/entities/split", json=body), 401, "unauthorized")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writable.post("/api/entities/merge", json={"names": ["alone"]}, headers=auth)
    error_of(r, 422, "invalid_request")

    def run(path: str) -> dict:
        r = call(writable, "POST", path, json=body, headers=auth)
        assert r.status_code == 202, r.text
        job = r.json()
        deadline = time.monotonic() + 120
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.3)
            job = writable.get(f"/api/jobs/{job['id']}").json()
        assert job["state"] == "done", job
        return job

    def one_entity() -> bool:
        from rashomon.store import open_store

        with open_store(str(db)) as store:
            found = store.find_entities("Vesna Rudik")
            return bool(found) and "Radomir Zhelezov" in found[0]["aliases"]

    assert not one_entity()
    run("/api/entities/merge")
    assert one_entity()  # two people made one, as asked
    run("/api/entities/split")
    assert not one_entity()  # and apart again: the later rule wins


@pytest.fixture(scope="module")
def pg_example(pg_server):
    """The example corpus analysed into a PostgreSQL store: (URL, output folder)."""
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    from conftest import EXAMPLE, drop_database, new_database

    from rashomon.cli import main

    url = new_database(pg_server)
    with tempfile.TemporaryDirectory(prefix="rashomon-pg-example-") as out:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            code = main(["analyze", str(EXAMPLE), "--out", out, "--db", url, "--json"])
        assert code == 0, printed.getvalue()
        yield url, Path(out)
    drop_database(pg_server, url)


def test_postgresql_store_analyses_and_serves_what_sqlite_does(client, ids, pg_example) -> None:
    import json

    url, out = pg_example
    mine = json.loads((out / "analysis.json").read_text("utf-8"))
    theirs = example_data()
    for key in theirs.keys() - {"seconds"}:
        assert mine[key] == theirs[key], key  # stories, entities, comparisons, texts...
    pg = TestClient(create_app(url, analysis=mine))
    paths = [
        "/api/stories", f"/api/stories/{ids['story']}", "/api/storylines",
        f"/api/storylines/{ids['line']}", "/api/articles?limit=7&offset=3",
        "/api/articles?outlet=the%20northwind%20post", f"/api/articles/{ids['article']}",
        "/api/entities", f"/api/entities/{ids['entity']}", "/api/entities?name=zelezov",
        "/api/outlets", "/api/stories?entity=Zhelezov",
    ]
    for path in paths:
        got, want = pg.get(path), client.get(path)
        assert (got.status_code, got.json()) == (want.status_code, want.json()), path
    # Search ranks by another formula (ts_rank, not bm25): the same hits, maybe reordered.
    for words in ("Zhelezov", '"prime minister"', "minist*", "Dolvica"):
        got = pg.get("/api/search", params={"q": words, "limit": 200}).json()
        want = client.get("/api/search", params={"q": words, "limit": 200}).json()
        assert got["total"] == want["total"] > 0, words
        assert {r["id"] for r in got["items"]} == {r["id"] for r in want["items"]}, words
    assert pg.get(f"/stories/{ids['story']}").status_code == 200


def test_postgresql_outage_is_503_then_served_again(pg_example) -> None:
    """The server restarts under a running app: each thread's connection is lost. The
    first request after it is served on new connections (not answered 503); while the
    database refuses connections, requests get the store's one-line 503."""
    import psycopg
    from conftest import cut_connections

    url, _ = pg_example
    app = TestClient(create_app(url))
    before = {p: app.get(p).json() for p in ("/api/stories", "/api/entities")}
    cut_connections(url)  # as a restart does
    for path, want in before.items():
        got = app.get(path)
        assert (got.status_code, got.json()) == (200, want), path

    def allow(yes: bool) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(yes).lower()}')

    cut_connections(url)
    allow(False)
    try:
        message = error_of(app.get("/api/stories"), 503, "store_unavailable")
        assert "\n" not in message and "PostgreSQL" in message, message
    finally:
        allow(True)
    got = app.get("/api/stories")
    assert (got.status_code, got.json()) == (200, before["/api/stories"])


def test_every_api_endpoint_was_exercised(client) -> None:
    """Runs last in this module: every path of the OpenAPI description was called above."""
    spec = client.get("/api/openapi.json").json()
    assert set(spec["paths"]) <= EXERCISED, set(spec["paths"]) - EXERCISED


def test_comparisons_of_another_encoder_are_not_served(db, ids) -> None:
    """An analysis made with MiniLM is not served by an app configured for MPNet: the story
    is compared again, with the aligner of the configured encoder."""
    from rashomon.compare.matrix import CompareSettings
    from rashomon.web.query import Query

    class Refusing:
        def prepare(self, texts):
            raise AssertionError("compared again")

    data = example_data()
    assert {c["encoder"] for c in data["comparisons"]} == {"minilm"}
    with open_store(db) as store:  # type: ignore[attr-defined]
        story = store.story(ids["story"])
    same = Query(db, analysis=data, aligner=Refusing(), limits=CompareSettings())
    assert same.comparison(story)["encoder"] == "minilm"  # served from the document
    other = Query(db, analysis=data, aligner=Refusing(), limits=CompareSettings(encoder="mpnet"))
    with pytest.raises(AssertionError, match="compared again"):
        other.comparison(story)
