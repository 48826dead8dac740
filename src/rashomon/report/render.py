"""Templates (Jinja2, autoescaped) and the one-file HTML report."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from . import views

#: Stories shown in full in the report; the others are listed in the overview only, so a
#: report of a large corpus stays a file a browser can open.
MAX_STORIES = 200


@cache
def asset(name: str) -> str:
    """A file shipped beside the templates (the stylesheet, the optional script)."""
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


def environment(*packages: str) -> jinja2.Environment:
    """A template environment whose templates come from ``packages`` (first wins), then
    from this package. Autoescaping is on for every template, whatever its name."""
    loaders = [jinja2.PackageLoader(p, "templates") for p in (*packages, __package__)]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["generator"] = f"rashomon {__version__}"
    return env


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def report_csp(css: str, js: str) -> str:
    """The report's Content-Security-Policy: nothing loads, nothing runs but our own
    stylesheet and script (by hash); no forms, no frames, no base URL."""
    return (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_report(data: dict[str, Any]) -> str:
    """The whole report as one HTML document (see :func:`write_report`)."""
    comparisons = {c["story"]: c for c in data.get("comparisons", [])}
    stories = sorted(
        data.get("stories", []),
        key=lambda s: (
            s["id"] not in comparisons,
            -len(s.get("outlets") or []),
            -len(s["articles"]),
            s.get("start") or "",
            s["id"],
        ),
    )
    shown = stories[:MAX_STORIES]
    stances = {x["storyline"]: x for x in data.get("stances", [])}
    by_id = {s["id"]: s for s in data.get("stories", [])}
    lines_shown = [
        line
        for line in data.get("storylines", [])
        if len(line["stories"]) > 1 or line["id"] in stances
    ]
    urls = views.Urls(stories={s["id"] for s in shown}, lines={line["id"] for line in lines_shown})
    ov = views.overview(data, urls)
    story_views = [views.story_view(views.bundle_from_analysis(data, s), urls) for s in shown]
    lines = [
        views.storyline_view(
            line,
            [by_id[s] for s in line["stories"] if s in by_id],
            comparisons,
            stances.get(line["id"]),
            urls,
        )
        for line in lines_shown
    ]
    css, js = asset("style.css"), asset("report.js")
    template = environment().get_template("report.html")
    return template.render(
        ov=ov,
        stories=story_views,
        lines=lines,
        omitted_stories=len(stories) - len(shown),
        urls=urls,
        csp_meta=report_csp(css, js),
        # Our own files, not user input: inserted as they are so that their hashes hold.
        inline_css=Markup(css),
        inline_js=Markup(js),
        made=datetime.now(UTC).strftime("%d %b %Y %H:%M UTC"),
    )


def write_report(data: dict[str, Any], out_dir: str | Path) -> Path:
    """Write ``out_dir/report.html``: one self-contained file (inline CSS, inline SVG, an
    optional inline script; nothing fetched) from an analysis document."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_report(data), encoding="utf-8")
    tmp.replace(path)
    return path
