"""The report and the web app in a real browser: Debian's Chromium, driven by Playwright.

Servers run on loopback (uvicorn in a thread, a free port). Screenshots of the main views
go to ``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shared_example import example, example_data, hostile, store_copy

from rashomon.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home on a closed network.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TOKEN = "browser-t0ken"

if not CHROMIUM.exists():
    pytest.skip(
        f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


class Server:
    """uvicorn serving ``app`` on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The analysed example, writable with the token (a private copy of the store)."""
    db = store_copy(tmp_path_factory.mktemp("browser-store"))
    app = create_app(str(db), token=TOKEN, analysis=example_data())
    with Server(app) as s:
        yield s


class Watched:
    """A page whose console messages, page errors and dialogs are recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.events: list[str] = []
        page.on("console", lambda m: self.events.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.events.append(f"page error: {e}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.events.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    w = Watched(context.new_page())
    yield w
    context.close()


def shot(page: Any, name: str, selector: str | None = None, height: int = 2200) -> None:
    """Save a screenshot of the page (or of one element, cut at ``height`` pixels)."""
    path = ARTIFACTS / f"{name}.png"
    if selector is None:
        page.screenshot(path=str(path))
        return
    top, h = page.locator(selector).first.evaluate(
        "e => [e.getBoundingClientRect().top + window.scrollY, e.getBoundingClientRect().height]"
    )
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(path),
        full_page=True,
        clip={"x": 0, "y": top, "width": width, "height": min(h, height)},
    )


def lands_on_target(page: Any, href: str) -> None:
    """The URL's fragment is ``href``'s and the element it names is on screen."""
    fragment = href.split("#", 1)[1]
    page.wait_for_function("f => location.hash === '#' + f", arg=fragment)
    assert page.evaluate(
        """f => {
            const e = document.getElementById(f);
            if (!e || !e.matches(':target')) return false;
            const r = e.getBoundingClientRect();
            return r.bottom > 0 && r.top < window.innerHeight;
        }""",
        fragment,
    ), f"#{fragment} is not on screen"


def layout_holds(page: Any) -> None:
    sizes = page.evaluate(
        """() => {
            const m = document.querySelector('main');
            return [m.scrollWidth, m.clientWidth, document.documentElement.scrollWidth,
                    window.innerWidth];
        }"""
    )
    assert sizes[0] <= sizes[1] + 1, f"main overflows: {sizes}"
    assert sizes[2] <= sizes[3] + 1, f"page overflows: {sizes}"


# -- the report --------------------------------------------------------------------------


def test_report_fact_cell_lands_on_its_sentence(watched) -> None:
    page = watched.page
    out, _ = example()
    page.goto((out / "report.html").resolve().as_uri())
    shot(page, "report-overview")
    cell = page.locator("table.matrix td.cell a").nth(3)
    href = cell.get_attribute("href")
    cell.click()
    lands_on_target(page, href)
    # the optional script outlines the other outlets' sentences of the same fact
    assert page.locator(".sent.focus").count() >= 1
    shot(page, "report-sentence-target")
    story = page.locator("section.story").first.get_attribute("id")
    shot(page, "report-story-top", f"#{story}", 1800)
    shot(page, "report-matrix", f"#{story} .matrix-wrap", 1600)
    shot(page, "report-side-by-side", f"#{story} .sbs", 1400)
    shot(page, "report-framing", f"#{story}-framing ~ .charts", 900)
    layout_holds(page)
    assert not watched.events, watched.events


def test_report_in_dark_mode_and_print(browser) -> None:
    out, _ = example()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto((out / "report.html").resolve().as_uri())
    story = page.locator("section.story").first.get_attribute("id")
    shot(page, "report-dark-side-by-side", f"#{story} .sbs", 900)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(251, 250, 247)"  # the dark palette applies
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "none"
    page.pdf(path=str(ARTIFACTS / "report.pdf"))
    context.close()


# -- the web app ---------------------------------------------------------------------------


def test_web_open_a_story_and_click_a_fact_cell(watched, server) -> None:
    page = watched.page
    page.goto(server.url + "/")
    shot(page, "web-stories")
    page.get_by_role("link", name="Dam collapse floods Veldera town, dozens feared dead").click()
    expect(page).to_have_url(re.compile(r"/stories/"))
    expect(page.locator("h1").first).to_contain_text("Dam collapse")
    cell = page.locator("table.matrix td.cell a").nth(5)
    href = cell.get_attribute("href")
    cell.click()
    lands_on_target(page, href)
    shot(page, "web-story-sentence")
    page.goto(page.url.split("#")[0])
    shot(page, "web-story-top")
    layout_holds(page)
    assert not watched.events, watched.events


def test_web_search(watched, server) -> None:
    page = watched.page
    page.goto(server.url + "/")
    box = page.get_by_role("searchbox", name="Search the articles")
    box.fill("dam collapse")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=dam\+collapse"))
    expect(page.locator(".result mark").first).to_be_visible()
    shot(page, "web-search")
    page.locator(".result a b").first.click()
    expect(page).to_have_url(re.compile(r"/articles/"))
    expect(page.locator("article h1")).to_be_visible()
    assert not watched.events, watched.events


def test_web_entity_page(watched, server) -> None:
    page = watched.page
    page.goto(server.url + "/entities")
    page.get_by_label("Name (any spelling)").fill("Železov")
    page.get_by_role("button", name="Filter").click()
    page.locator("table.list a").first.click()
    expect(page.locator("h1")).to_have_text("Radomir Zhelezov")
    expect(page.get_by_text("How each outlet writes the name")).to_be_visible()
    expect(page.locator("table.list").first).to_contain_text("Železov")
    shot(page, "web-entity")
    page.goto(server.url + "/outlets/Voice%20of%20Veldera")
    expect(page.locator("svg.chart").first).to_be_visible()
    shot(page, "web-outlet")
    assert not watched.events, watched.events


def test_web_upload_as_token_holder_and_refused_without(watched, server, tmp_path) -> None:
    page = watched.page
    article = tmp_path / "ferry.md"
    article.write_text(
        "---\ntitle: Ferry capsizes off Nerevo harbour\npublished: 2026-05-20\n"
        "outlet: Harbour Herald\n---\n"
        "A passenger ferry capsized off Nerevo harbour on Tuesday, the coast guard said.\n\n"
        "Twenty-two people were rescued by fishing boats.\n",
        encoding="utf-8",
    )
    page.goto(server.url + "/upload")
    page.get_by_label("Files", exact=True).set_input_files(str(article))
    page.get_by_label("Token").fill("not the token")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("wrong or missing token")).to_be_visible()
    page.goto(server.url + "/upload")
    page.get_by_label("Files", exact=True).set_input_files(str(article))
    page.get_by_label("Token").fill(TOKEN)
    page.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(re.compile(r"/jobs/"))
    expect(page.locator("#job-state")).to_have_attribute("data-state", "done", timeout=120_000)
    shot(page, "web-upload-done")
    page.goto(server.url + "/search?q=ferry")
    expect(page.locator(".result")).to_have_count(1)
    # the refused attempt is an expected 401 in the console; nothing else
    assert all("401" in e for e in watched.events), watched.events


# -- hostile articles -------------------------------------------------------------------


def assert_inert(w: Watched) -> None:
    assert w.page.evaluate("typeof window.__pwned") == "undefined", "injected script ran"
    assert not w.events, w.events
    layout_holds(w.page)


def test_injected_markup_never_runs_and_layouts_hold(watched) -> None:
    out, _ = hostile()
    page = watched.page
    page.goto((out / "report.html").resolve().as_uri())
    for link in page.locator("a").all():  # hovering and following links runs nothing
        if link.is_visible():
            link.hover()
    assert_inert(watched)
    shot(page, "hostile-report", "section.story", 1800)
    with Server(create_app(str(out / "rashomon.db"))) as s:
        story = page.request.get(s.url + "/api/stories").json()["items"][0]["id"]
        article = page.request.get(s.url + "/api/articles").json()["items"][0]["id"]
        for path in (
            f"/stories/{story}",
            "/search?q=flood",
            f"/articles/{article}",
            "/",
            "/outlets",
            "/entities",
        ):
            page.goto(s.url + path)
            assert_inert(watched)
        page.goto(s.url + f"/stories/{story}")
        shot(page, "hostile-web-story", "main", 1800)
