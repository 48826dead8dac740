"""The HTML report written by ``rashomon analyze``: self-contained, complete, escaped."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from shared_example import LONG, example, example_data, hostile

from rashomon.cli import main
from rashomon.report import render_report, views
from rashomon.report.render import asset

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "analysis.schema.json"


class Page(HTMLParser):
    """Ids, links, elements and text of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def report() -> tuple[str, Page, dict]:
    out, _ = example()
    html = (out / "report.html").read_text("utf-8")
    return html, Page(html), example_data()


def test_report_is_one_self_contained_file(report) -> None:
    html, page, _ = report
    for tag, a in page.tags:
        assert not (tag == "script" and a.get("src")), "no external script"
        assert not (tag == "link" and a.get("rel") == "stylesheet"), "no external stylesheet"
        assert not (tag == "img" and a.get("src", "").startswith("http")), "no remote image"
    assert "@import" not in html and "url(http" not in html


def test_report_csp_allows_only_its_own_inline_style_and_script(report) -> None:
    html, page, _ = report
    csp = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    for name, directive in (("style.css", "style-src"), ("report.js", "script-src")):
        digest = base64.b64encode(hashlib.sha256(asset(name).encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
        assert asset(name) in html  # the hashed text is exactly what is inlined


def test_report_lists_every_story_and_outlet(report) -> None:
    html, page, data = report
    text = " ".join(page.text)
    for s in data["stories"]:
        assert f"#story-{s['id']}" in page.hrefs
        assert s["title"] in text
    for a in data["articles"]:
        assert a["outlet"] in text


def test_every_fact_cell_links_to_its_sentence(report) -> None:
    _, page, data = report
    cells = 0
    for comp in data["comparisons"]:
        assert f"story-{comp['story']}" in page.ids
        for fact in comp["facts"]:
            for aid, cell in fact["cells"].items():
                if cell["sentence"]:
                    target = views.anchor(aid, cell["start"])
                    assert f"#{target}" in page.hrefs
                    assert target in page.ids, f"no sentence anchor {target}"
                    cells += 1
    assert cells > 20
    dangling = [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids]
    assert not dangling, dangling[:5]


def test_contradictions_come_before_the_matrix_and_the_texts(report) -> None:
    html, _, data = report
    comp = max(data["comparisons"], key=lambda c: len(c["articles"]))
    sid = comp["story"]
    order = [html.index(f'id="story-{sid}-{part}"') for part in ("conflicts", "matrix", "texts")]
    assert order == sorted(order)


def test_aligned_facts_share_a_colour_across_articles(report) -> None:
    _, page, data = report
    comp = max(data["comparisons"], key=lambda c: len(c["articles"]))
    shared = next(f for f in comp["facts"] if f["reported_by"] >= 3)
    spans = [
        a
        for t, a in page.tags
        if t == "span"
        and a.get("id")
        in {views.anchor(aid, c["start"]) for aid, c in shared["cells"].items() if c["sentence"]}
    ]
    assert len(spans) == shared["reported_by"]
    colours = {c for a in spans for c in a["class"].split() if re.fullmatch(r"hl\d", c)}
    rows = {a["data-row"] for a in spans}
    assert len(colours) == 1 and len(rows) == 1


def test_naming_fingerprint_shows_each_outlets_spelling(report) -> None:
    html, _, data = report
    dolvitsa = next(e for e in data["entities"] if "Dolvica" in e["aliases"])
    section = html[html.index("Who calls whom what") :]
    assert "Dolvica" in section[:20000] and "Dolvitsa" in section[:20000]
    assert dolvitsa["alias_counts"]


def test_framing_and_timelines_are_svg_with_text_alternatives(report) -> None:
    html, page, _ = report
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", html, flags=re.S)
    assert len(charts) >= 6
    for svg in charts:
        assert "<title>" in svg and "<desc>" in svg
    assert "Stories of this storyline over time" in html
    assert "Quotes" in html and "Anonymous sources" in html


def test_quotes_table_has_speakers_and_kinds(report) -> None:
    html, _, data = report
    section = html[html.index("<th>What was said</th>") :]
    quoted = {q["speaker_name"] for q in data["quotes"] if q.get("speaker_name")}
    assert any(name in section for name in quoted)
    assert "direct" in section and "reported" in section


def test_analysis_json_carries_the_texts_and_follows_its_schema(report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, _, data = report
    jsonschema.validate(data, json.loads(SCHEMA.read_text("utf-8")))
    for a in data["articles"]:
        text = data["texts"][a["id"]]
        assert text["blocks"] and text["blocks"][-1][1] <= len(text["text"])
    q = data["quotes"][0]
    assert q["text"] in data["texts"][q["article"]]["text"][q["start"] - 5 : q["end"] + 5]


def test_analyze_summary(tmp_path) -> None:
    _, summary = example()
    assert summary["articles"] == 8 and summary["stories"] >= 2 and summary["compared"] >= 1
    assert summary["conflicts"] >= 1
    assert Path(summary["report"]).name == "report.html" and Path(summary["report"]).is_file()
    assert "contradiction" in summary["text"]


def test_open_prints_the_report_when_asked_or_without_a_browser(capsys) -> None:
    out, _ = example()
    assert main(["open", str(out), "--no-browser"]) == 0
    assert capsys.readouterr().out.strip() == str((out / "report.html").resolve())


def test_open_without_a_report_fails_in_one_line(tmp_path, capsys) -> None:
    assert main(["open", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error: no report at") and err.count("\n") == 1


def test_hostile_text_is_escaped_everywhere() -> None:
    out, _ = hostile()
    html = (out / "report.html").read_text("utf-8")
    page = Page(html)
    scripts = [a for t, a in page.tags if t == "script"]
    assert len(scripts) == 1 and not scripts[0]  # ours, inline, no attributes
    assert "window.__pwned" in html  # shown as text...
    for t, a in page.tags:  # ...never as markup
        assert not any(k.startswith("on") for k in a), (t, a)
        assert not str(a.get("href", "")).lower().startswith("javascript:"), (t, a)
    assert "&lt;script&gt;" in html and LONG in html


def test_views_escape_and_refuse_unsafe_links() -> None:
    blocks = views.text_blocks(
        {"text": "a <b>bold</b> & <script>x</script>", "blocks": [[0, 34, "body"]]},
        "art",
        [{"start": 2, "end": 13, "row": 1, "colour": 0, "status": "reported"}],
    )
    assert str(blocks[0]["html"]).count("<span") == 1
    assert "&lt;b&gt;bold&lt;/b&gt;" in str(blocks[0]["html"])
    assert "&lt;script&gt;" in str(blocks[0]["html"])
    assert views._web_link("javascript:alert(1)") is None
    assert views._web_link("https://example.org/a") == "https://example.org/a"


def test_render_report_of_an_empty_analysis() -> None:
    html = render_report(
        {"articles": [], "stories": [], "storylines": [], "comparisons": [], "entities": []}
    )
    assert "0 articles" in html


def test_summary_says_when_outlets_are_unknown_and_how_to_name_them() -> None:
    from rashomon.report.summary import analysis_summary

    articles = [{"id": "a", "outlet": "Outlet A"}, {"id": "b", "outlet": None}, {"id": "c"}]
    out = analysis_summary({"articles": articles})
    assert (out["articles"], out["outlets"], out["outlet_unknown"]) == (3, 1, 2)
    assert "The outlet of 2 articles is unknown: name it with --outlet" in out["text"]
    assert out["undated"] == 3 and "3 articles carry no date" in out["text"]
    dated = [{"id": "a", "outlet": "Outlet A", "published": "2026-03-15"}]
    known = analysis_summary({"articles": dated})
    assert (known["outlet_unknown"], known["undated"]) == (0, 0)
    one = analysis_summary({"articles": [{"id": "a", "outlet": "Outlet A"}]})
    assert "1 article carries no date, so its story rests on content alone" in one["text"]
    assert one["compared_in_part"] == 0 and "too large" not in one["text"]
    big = analysis_summary({"comparisons": [{"notes": ["x"], "conflicts": []}, {"notes": []}]})
    assert big["compared_in_part"] == 1
    assert "1 story too large to compare in full" in big["text"]
    assert "unknown" not in known["text"] and "no date" not in known["text"]
    nameless = analysis_summary({"articles": [{"id": "a"}, {"id": "b"}]})
    assert nameless["text"].startswith("2 articles, ") and "0 outlets" not in nameless["text"]
    assert "The outlet of 2 articles is unknown" in nameless["text"]


def test_naming_view_lists_spellings_not_short_forms_capitals_or_adjectives() -> None:
    class Urls:
        def entity(self, entity_id: str) -> str:
            return f"#{entity_id}"

    def entity(eid: str, name: str, counts: dict[str, dict[str, int]]) -> dict:
        return {"id": eid, "name": name, "type": "GPE", "alias_counts": counts}

    entities = [
        entity("e1", "Dolvitsa", {"A": {"Dolvitsa": 3, "DOLVITSA": 2}, "B": {"Dolvica": 2}}),
        entity(
            "e2", "Oksana Pirin", {"A": {"Oksana Pirin": 1}, "B": {"Oksana Pirin": 1, "Pirin": 1}}
        ),
        entity("e3", "Poland", {"A": {"Poland": 2}, "B": {"Poland": 1, "Polish": 3}}),
        entity("e4", "Kyiv", {"A": {"Kyiv": 2}, "B": {"Kiev": 1}}),
    ]
    columns = [{"id": "a1", "outlet": "A"}, {"id": "b1", "outlet": "B"}]
    view = views.naming_view(entities, {"entities": []}, columns, Urls())
    rows = {r["id"]: r for r in view["rows"]}
    assert set(rows) == {"e1", "e4"}
    a_cell, b_cell = rows["e1"]["cells"]
    assert a_cell == [{"alias": "Dolvitsa", "count": 5, "main": True}]
    assert b_cell == [{"alias": "Dolvica", "count": 2, "main": True}]
