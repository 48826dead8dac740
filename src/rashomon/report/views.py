"""What the report and the web pages show, computed from analysis-shaped data.

Every function here is pure: it takes dicts shaped like ``analysis.json`` (a story, its
comparison, its articles, their texts, quotes and entities: a *bundle*) and returns the
plain values the templates lay out. The HTML report builds bundles from the analysis
document, the web app from the store (:mod:`rashomon.web.query`), so both show the same
thing. Untrusted text stays plain ``str`` (the templates escape it) except where a view
builds markup itself, and there every piece of text goes through :func:`escape`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from . import charts

#: status -> (symbol, words): the symbol is for the eye, the words for screen readers,
#: print and tooltips.
STATUS = {
    "reported": ("✓", "reports it"),
    "omitted": ("·", "leaves it out"),
    "conflicting": ("✗", "contradicts the others"),
    "more_specific": ("+", "more specific"),
    "less_specific": ("−", "less specific"),
}

CONFLICT_LABEL = {
    "number": ("Figures disagree", "The outlets give different figures for the same thing."),
    "negation": ("Opposite claims", "One outlet states the negation of what another says."),
    "speaker": ("Different speaker", "The same words are credited to different people."),
}

DRIFT_LABEL = {
    "verbatim": "same words",
    "paraphrase": "paraphrased",
    "truncated": "shortened",
    "altered": "words changed",
}

#: How many colours aligned facts cycle through (CSS classes hl0..hl9).
PALETTE = 10
#: Category order of the fact matrix: contradictions first, then what everyone says.
CATEGORY_ORDER = {"conflicting": 0, "all": 1, "partial": 2, "single": 3}
CATEGORY_LABEL = {
    "conflicting": "contradicted",
    "all": "in every article",
    "partial": "in some articles",
    "single": "in one article only",
}
BLOCK_LABEL = {
    "headline": "headline",
    "byline": "byline",
    "dateline": "dateline",
    "subhead": "subhead",
    "caption": "photo caption",
    "boilerplate": "boilerplate",
}


# -- small helpers ----------------------------------------------------------------------


def day(value: str | None) -> date | None:
    """The date part of an ISO date or date-time, or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_label(value: str | None) -> str:
    d = day(value)
    return f"{d.day} {d:%b %Y}" if d else "date unknown"


def span_label(start: str | None, end: str | None) -> str:
    a, b = day(start), day(end)
    if not a:
        return "date unknown"
    if not b or b == a:
        return date_label(start)
    if a.year == b.year and a.month == b.month:
        return f"{a.day}–{b.day} {b:%b %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{date_label(start)} – {date_label(end)}"


def anchor(article_id: str, start: int | None) -> str | None:
    """The element id of an article's sentence starting at ``start``."""
    return None if start is None else f"s-{article_id}-{start}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


@dataclass
class Urls:
    """Where links point: anchors inside the one-file report, or pages of the web app.
    In the report, ``stories`` and ``lines`` (when given) are the sections it holds:
    anything else gets no link."""

    web: bool = False
    stories: set[str] | None = None
    lines: set[str] | None = None

    def story(self, story_id: str) -> str | None:
        if self.web:
            return f"/stories/{story_id}"
        return f"#story-{story_id}" if self.stories is None or story_id in self.stories else None

    def storyline(self, line_id: str) -> str | None:
        if self.web:
            return f"/storylines/{line_id}"
        return f"#line-{line_id}" if self.lines is None or line_id in self.lines else None

    def sentence(self, story_id: str | None, article_id: str, start: int | None) -> str | None:
        target = anchor(article_id, start)
        if target is None:
            return None
        if self.web and story_id:
            return f"/stories/{story_id}#{target}"
        return f"#{target}"

    def entity(self, entity_id: str | None) -> str | None:
        return f"/entities/{entity_id}" if self.web and entity_id else None

    def outlet(self, name: str | None) -> str | None:
        from urllib.parse import quote

        return f"/outlets/{quote(name, safe='')}" if self.web and name else None

    def article(self, article_id: str) -> str | None:
        return f"/articles/{article_id}" if self.web else None


# -- overview ---------------------------------------------------------------------------


def story_row(story: dict[str, Any], comparison: dict[str, Any] | None) -> dict[str, Any]:
    """One line of a stories table."""
    conflicts = [c for c in (comparison or {}).get("conflicts", [])]
    return {
        "id": story["id"],
        "title": story.get("title") or "(untitled)",
        "dates": span_label(story.get("start"), story.get("end")),
        "start": story.get("start"),
        "articles": len(story["articles"]),
        "outlets": list(story.get("outlets") or []),
        "storyline": story.get("storyline"),
        "compared": comparison is not None,
        "facts": len(comparison["facts"]) if comparison else 0,
        "conflicts": sum(1 for c in conflicts if c["kind"] in CONFLICT_LABEL),
        "drift": sum(1 for c in conflicts if c["kind"] == "quote_drift"),
        "attribution": sum(1 for c in conflicts if c["kind"] == "attribution_dropped"),
    }


def overview(data: dict[str, Any], urls: Urls | None = None) -> dict[str, Any]:
    """Totals, storylines with their stories, and stories in no storyline."""
    urls = urls or Urls()
    comparisons = {c["story"]: c for c in data.get("comparisons", [])}
    rows = {s["id"]: story_row(s, comparisons.get(s["id"])) for s in data.get("stories", [])}
    lines = []
    placed: set[str] = set()
    for line in data.get("storylines", []):
        members = [rows[s] for s in line["stories"] if s in rows]
        if not members:
            continue
        placed.update(m["id"] for m in members)
        members.sort(key=lambda r: (r["start"] or "", r["id"]))
        lines.append(
            {
                "id": line["id"],
                "title": line.get("title") or members[0]["title"],
                "dates": span_label(line.get("start"), line.get("end")),
                "stories": members,
                "outlets": sorted({o for m in members for o in m["outlets"]}),
                "timeline": charts.timeline(members, urls) if len(members) > 1 else None,
            }
        )
    lines.sort(key=lambda x: (-sum(m["articles"] for m in x["stories"]), x["id"]))
    loose = sorted(
        (r for k, r in rows.items() if k not in placed), key=lambda r: (r["start"] or "", r["id"])
    )
    articles = data.get("articles", [])
    return {
        "articles": len(articles),
        "outlets": sorted({a["outlet"] for a in articles if a.get("outlet")}),
        "stories": len(rows),
        "compared": len(comparisons),
        "storylines": lines,
        "loose": loose,
        "conflicts": sum(r["conflicts"] for r in rows.values()),
        "drift": sum(r["drift"] for r in rows.values()),
        "attribution": sum(r["attribution"] for r in rows.values()),
    }


# -- one story --------------------------------------------------------------------------


def bundle_from_analysis(data: dict[str, Any], story: dict[str, Any]) -> dict[str, Any]:
    """The parts of an analysis document that one story's view needs."""
    ids = set(story["articles"])
    comparison = next((c for c in data.get("comparisons", []) if c["story"] == story["id"]), None)
    texts = data.get("texts") or {}
    return {
        "story": story,
        "comparison": comparison,
        "articles": [a for a in data.get("articles", []) if a["id"] in ids],
        "texts": {k: v for k, v in texts.items() if k in ids},
        "quotes": [q for q in data.get("quotes", []) if q["article"] in ids],
        "entities": data.get("entities", []),
        "storyline": next(
            (x for x in data.get("storylines", []) if x["id"] == story.get("storyline")), None
        ),
    }


def story_view(bundle: dict[str, Any], urls: Urls | None = None) -> dict[str, Any]:
    """Everything one story's section (or page) shows."""
    urls = urls or Urls()
    story, comp = bundle["story"], bundle.get("comparison")
    by_id = {a["id"]: a for a in bundle["articles"]}
    order = list(comp["articles"]) if comp else []
    order += sorted(
        (a for a in by_id if a not in order), key=lambda a: (by_id[a].get("published") or "", a)
    )
    order = [a for a in order if a in by_id]
    columns = []
    for n, aid in enumerate(order, 1):
        a = by_id[aid]
        columns.append(
            {
                "n": n,
                "id": aid,
                "outlet": a.get("outlet") or "(unknown outlet)",
                "title": a.get("title") or "(no title)",
                "date": date_label(a.get("published")),
                "published": a.get("published"),
                "url": _web_link(a.get("url")) or _web_link(a.get("path")),
                "duplicate_of": a.get("duplicate_of"),
                "href": urls.article(aid),
                "outlet_href": urls.outlet(a.get("outlet")),
            }
        )
    col = {c["id"]: c for c in columns}
    sid = story["id"]
    rows = fact_rows(comp, order, sid, urls) if comp else []
    row_of = {r["id"]: r for r in rows}
    view: dict[str, Any] = {
        "id": sid,
        "title": story.get("title") or "(untitled)",
        "dates": span_label(story.get("start"), story.get("end")),
        "summary": [s["text"] for s in story.get("summary", []) if s.get("text")],
        "storyline": bundle.get("storyline"),
        "columns": columns,
        "compared": comp is not None,
        "rows": rows,
        "outlets": sorted({c["outlet"] for c in columns}),
    }
    conflicts = (comp or {}).get("conflicts", [])
    view["conflicts"] = [
        conflict_view(c, col, row_of, sid, urls) for c in merge_conflicts(conflicts)
    ]
    view["attribution"] = [
        attribution_view(c, col, row_of, sid, urls)
        for c in conflicts
        if c["kind"] == "attribution_dropped" and c.get("fact") in row_of
    ]
    sentences = _sentence_spans(rows, order)
    view["drift"] = [
        drift_view(c, col, sentences, sid, urls) for c in conflicts if c["kind"] == "quote_drift"
    ]
    view["notes"] = list((comp or {}).get("notes", []))
    view["inconsistencies"] = (
        [
            inconsistency_view(x, col, bundle.get("entities", []))
            for x in comp.get("inconsistencies", [])
        ]
        if comp
        else []
    )
    view["quotes"] = quote_rows(bundle.get("quotes", []), col, sentences, sid, urls)
    view["texts"] = [
        {
            "column": c,
            "blocks": text_blocks(
                bundle.get("texts", {}).get(c["id"]),
                c["id"],
                sentences.get(c["id"], []),
                _marks_of(conflicts, c["id"]),
            ),
        }
        for c in columns
    ]
    view["has_texts"] = any(t["blocks"] for t in view["texts"])
    view["naming"] = naming_view(bundle.get("entities", []), story, columns, urls)
    view["framing"] = framing_view(comp, columns, row_of) if comp else None
    counts = Counter(r["category"] for r in rows)
    view["counts"] = {
        "facts": len(rows),
        "all": counts["all"],
        "partial": counts["partial"],
        "single": counts["single"],
        "contradicted": counts["conflicting"],
        "conflicts": len(view["conflicts"]),
        "drift": len(view["drift"]),
        "attribution": len(view["attribution"]),
        "quotes": len(view["quotes"]),
    }
    view["headline"] = _headline(view)
    return view


def _web_link(path: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (a file path, ``javascript:``) is not."""
    if path and path.lower().startswith(("http://", "https://")):
        return path
    return None


def _headline(view: dict[str, Any]) -> str:
    """One sentence saying what the comparison found, for a reader in a hurry."""
    if not view["compared"]:
        return "Only one article covers this story: nothing to compare."
    c = view["counts"]
    parts = [
        f"{plural(len(view['columns']), 'article')} from {plural(len(view['outlets']), 'outlet')}",
        f"{plural(c['facts'], 'fact')} ({c['all']} in every article, {c['single']} in one only)",
    ]
    found = []
    if c["conflicts"]:
        found.append(plural(c["conflicts"], "contradiction"))
    if c["drift"]:
        found.append(
            plural(c["drift"], "quote rendered differently", "quotes rendered differently")
        )
    if c["attribution"]:
        found.append(
            plural(
                c["attribution"], "claim stated as fact by some", "claims stated as fact by some"
            )
            + " and attributed by others"
        )
    return (
        ": ".join(parts[:1]) + "; " + parts[1] + (". Found: " + "; ".join(found) if found else ".")
    )


def fact_rows(
    comp: dict[str, Any], order: list[str], story_id: str, urls: Urls
) -> list[dict[str, Any]]:
    """The fact matrix: one row per fact, contradicted facts first, a cell per article."""
    facts = sorted(
        comp["facts"],
        key=lambda f: (
            CATEGORY_ORDER.get(f.get("category", "partial"), 9),
            -f.get("reported_by", 0),
            -f.get("omission_weight", 0),
            -f.get("prominence", 0),
            _fact_number(f["id"]),
        ),
    )
    rows = []
    colour = 0
    for n, f in enumerate(facts, 1):
        category = f.get("category", "partial")
        aligned = f.get("reported_by", 0) > 1
        cells = []
        for aid in order:
            cell = f["cells"].get(aid) or {"status": "omitted", "start": None, "sentence": None}
            symbol, words = STATUS.get(cell["status"], ("?", cell["status"]))
            cells.append(
                {
                    "article": aid,
                    "status": cell["status"],
                    "symbol": symbol,
                    "words": words,
                    "sentence": cell.get("sentence"),
                    "start": cell.get("start"),
                    "end": cell.get("end"),
                    "href": urls.sentence(None, aid, cell.get("start"))
                    if cell.get("sentence")
                    else None,
                    "attributed": bool(cell.get("attributed")),
                    "hedged": bool(cell.get("hedged")),
                }
            )
        rows.append(
            {
                "n": n,
                "id": f["id"],
                "text": f["text"],
                "category": category,
                "category_label": CATEGORY_LABEL.get(category, category),
                "colour": (colour % PALETTE) if aligned else None,
                "cells": cells,
                "reported_by": f.get("reported_by", 0),
                "attribution_dropped": bool(f.get("attribution_dropped")),
                "specificity": f.get("specificity", []),
            }
        )
        if aligned:
            colour += 1
    return rows


def _fact_number(fid: str) -> int:
    digits = "".join(ch for ch in fid if ch.isdigit())
    return int(digits) if digits else 0


def _side(
    col: dict[str, dict[str, Any]],
    aid: str,
    sentence: str | None,
    start: int | None,
    story_id: str,
    urls: Urls,
    value: dict[str, Any] | None = None,
) -> dict[str, Any]:
    c = col.get(aid, {"n": "?", "outlet": "(article not in this story)"})
    html = escape(sentence or "")
    if value and sentence and start is not None and value.get("start") is not None:
        a, b = value["start"] - start, value["end"] - start
        if 0 <= a < b <= len(sentence):
            html = (
                escape(sentence[:a])
                + Markup('<mark class="value">')
                + escape(sentence[a:b])
                + Markup("</mark>")
                + escape(sentence[b:])
            )
    return {
        "article": aid,
        "n": c["n"],
        "outlet": c["outlet"],
        "sentence": sentence,
        "html": html,
        "href": urls.sentence(story_id, aid, start) if sentence else None,
        "value": value,
    }


def merge_conflicts(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairwise contradictions of one fact (A vs C, B vs C) as one entry over all the
    articles involved; contradictions between sentences of different facts stay pairs."""
    out: list[dict[str, Any]] = []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for c in conflicts:
        if c["kind"] not in CONFLICT_LABEL:
            continue
        if c.get("fact") is None:
            out.append(c)
            continue
        key = (c["kind"], c["fact"])
        if key not in merged:
            merged[key] = {**c, "articles": [], "sentences": [], "spans": [], "values": []}
            out.append(merged[key])
        m = merged[key]
        spans = c.get("spans") or [[None, None]] * len(c["articles"])
        values = c.get("values") or [None] * len(c["articles"])
        for aid, sentence, span, value in zip(
            c["articles"], c.get("sentences", []), spans, values, strict=False
        ):
            if aid not in m["articles"]:
                m["articles"].append(aid)
                m["sentences"].append(sentence)
                m["spans"].append(span)
                m["values"].append(value)
    return out


def conflict_view(
    c: dict[str, Any], col: dict, row_of: dict, story_id: str, urls: Urls
) -> dict[str, Any]:
    label, explain = CONFLICT_LABEL[c["kind"]]
    spans = c.get("spans") or [[None, None]] * len(c.get("articles", []))
    values = c.get("values") or [None] * len(c.get("articles", []))
    sides = sorted(
        (
            _side(col, aid, sentence, span[0], story_id, urls, value)
            for aid, sentence, span, value in zip(
                c.get("articles", []), c.get("sentences", []), spans, values, strict=False
            )
        ),
        key=lambda x: str(x["n"]).zfill(4),
    )
    row = row_of.get(c.get("fact"))
    return {
        "kind": c["kind"],
        "label": label,
        "explain": explain,
        "row": row["n"] if row else None,
        "sides": sides,
        "near": c.get("fact") is None,
        "figures": " vs ".join(dict.fromkeys(v["text"] for v in values if v)) or None,
    }


def attribution_view(
    c: dict[str, Any], col: dict, row_of: dict, story_id: str, urls: Urls
) -> dict[str, Any]:
    row = row_of[c["fact"]]
    cells = {cell["article"]: cell for cell in row["cells"]}

    def sides(ids: Iterable[str]) -> list[dict[str, Any]]:
        return [
            _side(col, a, cells[a]["sentence"], cells[a]["start"], story_id, urls)
            for a in sorted(ids, key=lambda a: col.get(a, {}).get("n", 99))
            if a in cells
        ]

    return {
        "row": row["n"],
        "text": row["text"],
        "attributed": sides(c.get("attributed", [])),
        "stated": sides(c.get("stated_as_fact", [])),
    }


def _containing(sentences: dict[str, list[dict]], aid: str, offset: int | None) -> int | None:
    """The start of the evidence sentence of ``aid`` that holds ``offset``."""
    if offset is None:
        return None
    return next(
        (s["start"] for s in sentences.get(aid, []) if s["start"] <= offset < s["end"]), None
    )


def drift_view(
    c: dict[str, Any], col: dict, sentences: dict[str, list[dict]], story_id: str, urls: Urls
) -> dict[str, Any]:
    renderings = []
    for aid, r in sorted(
        c.get("renderings", {}).items(), key=lambda kv: col.get(kv[0], {}).get("n", 99)
    ):
        side = _side(col, aid, r.get("text"), None, story_id, urls)
        side["href"] = urls.sentence(story_id, aid, _containing(sentences, aid, r.get("start")))
        side["kind"] = DRIFT_LABEL.get(r.get("kind", ""), r.get("kind") or "")
        side["direct"] = bool(r.get("direct"))
        side["speaker_text"] = r.get("speaker_text")
        renderings.append(side)
    return {
        "speaker": c.get("speaker_name") or "(unknown speaker)",
        "speaker_href": urls.entity(c.get("speaker")),
        "renderings": renderings,
    }


def inconsistency_view(x: dict[str, Any], col: dict, entities: list[dict]) -> dict[str, Any]:
    c = col.get(x["article"], {"n": "?", "outlet": "?"})
    if x["kind"] == "spelling":
        names = {e["id"]: e["name"] for e in entities}
        what = f"spells {names.get(x.get('entity'), 'one name')} in different ways: " + ", ".join(
            x.get("forms", [])
        )
    else:
        values = " and ".join(v["text"] for v in x.get("values", []) if v)
        what = f"gives two figures for {x.get('counted') or 'one thing'}: {values}"
    return {"n": c["n"], "outlet": c["outlet"], "what": what, "sentences": x.get("sentences", [])}


def _sentence_spans(rows: list[dict], order: list[str]) -> dict[str, list[dict[str, Any]]]:
    """article id -> its evidence sentences (start, end, fact row), in text order."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        for cell in r["cells"]:
            if cell["start"] is not None and cell["end"] is not None:
                out[cell["article"]].append(
                    {
                        "start": cell["start"],
                        "end": cell["end"],
                        "row": r["n"],
                        "colour": r["colour"],
                        "status": cell["status"],
                    }
                )
    for spans in out.values():
        spans.sort(key=lambda s: (s["start"], s["end"]))
    return out


def _marks_of(conflicts: list[dict[str, Any]], aid: str) -> list[tuple[int, int]]:
    """Spans of disputed figures in one article, to mark inside its text."""
    out = []
    for c in conflicts:
        if c["kind"] != "number":
            continue
        for a, v in zip(c.get("articles", []), c.get("values", []), strict=False):
            if a == aid and v and v.get("start") is not None:
                out.append((v["start"], v["end"]))
    return sorted(set(out))


def text_blocks(
    text: dict[str, Any] | None,
    article_id: str,
    spans: list[dict[str, Any]],
    marks: list[tuple[int, int]] | None = None,
) -> list[dict[str, Any]]:
    """An article's paragraphs as markup: evidence sentences wrapped in anchored spans
    coloured by fact, disputed figures marked. Every piece of text is escaped."""
    if not text:
        return []
    body = text.get("text") or ""
    blocks = text.get("blocks") or [[0, len(body), "body"]]
    marks = marks or []
    out = []
    k = 0
    for start, end, kind, *_ in blocks:
        parts: list[str] = []
        pos = start
        while k < len(spans) and spans[k]["end"] <= start:
            k += 1
        j = k
        while j < len(spans) and spans[j]["start"] < end:
            s = spans[j]
            a, b = max(s["start"], pos), min(s["end"], end)
            if a >= b:
                j += 1
                continue
            parts.append(_marked(body, pos, a, marks))
            cls = "sent" + (f" hl{s['colour']}" if s["colour"] is not None else "")
            if s["status"] == "conflicting":
                cls += " disputed"
            parts.append(
                Markup('<span class="{}" id="{}" data-row="{}">').format(
                    cls, anchor(article_id, s["start"]) if a == s["start"] else "", s["row"]
                )
            )
            if s["colour"] is not None and a == s["start"]:
                parts.append(Markup('<sup class="tag">{}</sup>').format(s["row"]))
            parts.append(_marked(body, a, b, marks))
            parts.append(Markup("</span>"))
            pos = b
            j += 1
        parts.append(_marked(body, pos, end, marks))
        out.append(
            {
                "kind": kind,
                "label": BLOCK_LABEL.get(kind),
                "html": Markup("").join(parts),
            }
        )
    return out


def _marked(body: str, a: int, b: int, marks: list[tuple[int, int]]) -> Markup:
    """``body[a:b]`` escaped, with the disputed figures inside it marked."""
    if a >= b:
        return Markup("")
    out = []
    pos = a
    for ma, mb in marks:
        ma, mb = max(ma, pos), min(mb, b)
        if ma >= mb:
            continue
        out.append(escape(body[pos:ma]))
        out.append(Markup('<mark class="value">') + escape(body[ma:mb]) + Markup("</mark>"))
        pos = mb
    out.append(escape(body[pos:b]))
    return Markup("").join(out)


def quote_rows(
    quotes: list[dict[str, Any]],
    col: dict[str, dict[str, Any]],
    sentences: dict[str, list[dict[str, Any]]],
    story_id: str,
    urls: Urls,
) -> list[dict[str, Any]]:
    """Who said what, in which outlet, in their words or not; linked to the sentence."""
    out = []
    for q in quotes:
        c = col.get(q["article"])
        if c is None:
            continue
        start = _containing(sentences, q["article"], q.get("start"))
        if q.get("anonymous"):
            who = "anonymous source"
        elif q.get("vague"):
            who = q.get("speaker_text") or "vague attribution"
        else:
            who = q.get("speaker_name") or q.get("speaker_text") or "(unknown)"
        out.append(
            {
                "speaker": who,
                "speaker_href": urls.entity(q.get("speaker")),
                "as_written": q.get("speaker_text"),
                "n": c["n"],
                "outlet": c["outlet"],
                "text": q["text"],
                "kind": q.get("kind") or ("direct" if q.get("direct") else "reported"),
                "direct": bool(q.get("direct")),
                "cue": q.get("cue"),
                "anonymous": bool(q.get("anonymous")),
                "vague": bool(q.get("vague")),
                "href": urls.sentence(story_id, q["article"], start),
            }
        )
    out.sort(key=lambda r: (r["speaker"].lower(), r["n"]))
    return out


def naming_view(
    entities: list[dict[str, Any]],
    story: dict[str, Any],
    columns: list[dict[str, Any]],
    urls: Urls,
) -> dict[str, Any]:
    """Who writes which name: entities the story's outlets spell differently.

    Forms that differ only in case or accents are one form in a cell (a dateline's
    "DOLVITSA" counts with "Dolvitsa"). An entity is listed when two outlets use words for
    it that the other does not: "Dolvica" and "Dolvitsa", "Volodymyr" and "Vladimir". One
    outlet's short form of another's name ("Pirin" beside "Oksana Pirin") is not a different
    spelling, nor is a country's adjective ("Polish" for Poland).
    """
    from ..entities.gazetteer import country_of_demonym

    outlets = sorted({c["outlet"] for c in columns})
    wanted = {e["id"] for e in story.get("entities", [])}
    rows = []
    for e in entities:
        counts = e.get("alias_counts") or {}
        used = {}
        for o in outlets:
            forms = _merged_forms(
                {a: n for a, n in (counts.get(o) or {}).items() if country_of_demonym(a) is None}
            )
            if forms:
                used[o] = forms
        if len(used) < 2:
            continue
        words = {o: {w for a, _ in forms for w in _fold(a).split()} for o, forms in used.items()}
        if not any(not (a <= b or b <= a) for a in words.values() for b in words.values()):
            continue
        if wanted and e["id"] not in wanted and len(used) < len(outlets):
            continue
        preferred = {o: forms[0][0] for o, forms in used.items()}
        rows.append(
            {
                "id": e["id"],
                "name": e["name"],
                "type": e.get("type"),
                "href": urls.entity(e["id"]),
                "cells": [
                    [
                        {"alias": alias, "count": n, "main": alias == preferred.get(o)}
                        for alias, n in used.get(o, [])
                    ]
                    for o in outlets
                ],
            }
        )
    rows.sort(key=lambda r: r["name"].lower())
    return {"outlets": outlets, "rows": rows}


def _merged_forms(counts: dict[str, int]) -> list[tuple[str, int]]:
    """One outlet's forms of a name, those equal but for case and accents merged, most
    used first: each shown as its most used spelling, mixed case before capitals."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for alias, n in counts.items():
        if n > 0:
            groups[_fold(alias)][alias] += n
    forms = [
        (min(g, key=lambda a: (-g[a], a.isupper(), -len(a.split()), a)), sum(g.values()))
        for g in groups.values()
    ]
    # Most used first; on a tie the longer (fuller) form, then the alphabet.
    return sorted(forms, key=lambda f: (-f[1], -len(f[0].split()), f[0]))


def _fold(name: str) -> str:
    """Case and accents do not make a different spelling (DOLVITSA is Dolvitsa)."""
    import unicodedata

    return "".join(
        ch for ch in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(ch)
    )


FRAMING_METRICS = (
    ("quotes", "Quotes", "how many statements are attributed to someone"),
    ("direct_quotes", "Direct quotes", "in the speaker's own words, in quotation marks"),
    ("anonymous_sources", "Anonymous sources", "officials who asked not to be named, sources..."),
    ("vague_attributions", "Vague attributions", "'critics say', 'experts believe'..."),
    ("hedges", "Hedges", "may, reportedly, allegedly..."),
    ("loaded_per_1000_words", "Loaded words per 1,000 words", "heroic, reckless, so-called..."),
)


def framing_view(
    comp: dict[str, Any], columns: list[dict[str, Any]], row_of: dict[str, dict]
) -> dict[str, Any]:
    """Each article's framing profile, as small bar charts and the words behind them."""
    profiles = comp.get("framing") or {}
    labels = [f"{c['n']}. {c['outlet']}" for c in columns]
    present = [c for c in columns if c["id"] in profiles]
    charts_out = []
    for key, title, hint in FRAMING_METRICS:
        values = [float(profiles[c["id"]].get(key, 0) or 0) for c in present]
        charts_out.append(
            {
                "title": title,
                "hint": hint,
                "svg": charts.bars(
                    [f"{c['n']}. {c['outlet']}" for c in present], values, title=title
                ),
            }
        )
    articles = []
    for c in present:
        p = profiles[c["id"]]
        articles.append(
            {
                "n": c["n"],
                "outlet": c["outlet"],
                "words": p.get("words", 0),
                "speakers": p.get("speakers", [])[:8],
                "speakers_svg": charts.shares(
                    [s["speaker"] for s in p.get("speakers", [])[:8]],
                    [s["share"] for s in p.get("speakers", [])[:8]],
                    title=f"Who {c['outlet']} quotes",
                ),
                "loaded": [w["word"] for w in p.get("loaded_words", [])],
                "attributed_share": round(100 * float(p.get("attributed_share", 0) or 0)),
                "leads_alone": [row_of[f]["n"] for f in p.get("lead_emphasis", []) if f in row_of],
                "lead_missing": [
                    row_of[f]["n"] for f in p.get("lead_facts_omitted", []) if f in row_of
                ],
                "values": {key: p.get(key, 0) for key, _, _ in FRAMING_METRICS},
            }
        )
    return {"charts": charts_out, "articles": articles, "labels": labels}


# -- storylines -------------------------------------------------------------------------


def storyline_view(
    line: dict[str, Any],
    stories: list[dict[str, Any]],
    comparisons: dict[str, dict[str, Any]],
    stances: dict[str, Any] | None,
    urls: Urls | None = None,
) -> dict[str, Any]:
    """A storyline: its stories on a timeline and how its actors' stances moved."""
    urls = urls or Urls()
    members = [story_row(s, comparisons.get(s["id"])) for s in stories]
    members.sort(key=lambda r: (r["start"] or "", r["id"]))
    story_of = {a: s["id"] for s in stories for a in s["articles"]}
    issues = []
    for issue in (stances or {}).get("issues", []):
        actors: dict[str, dict[str, Any]] = {}
        for p in issue.get("positions", []):
            a = actors.setdefault(
                p["actor"],
                {
                    "id": p["actor"],
                    "name": p.get("actor_name") or p["actor"],
                    "href": urls.entity(p["actor"]),
                    "positions": [],
                },
            )
            a["positions"].append(
                {
                    "position": p["position"],
                    "date": p.get("date"),
                    "date_label": date_label(p.get("date")),
                    "outlet": p.get("outlet") or "(unknown outlet)",
                    "sentence": p.get("sentence"),
                    "href": urls.sentence(story_of.get(p["article"]), p["article"], p.get("start"))
                    if p["article"] in story_of
                    else None,
                }
            )
        for a in actors.values():
            a["positions"].sort(key=lambda x: x["date"] or "")
            kinds = {x["position"] for x in a["positions"]}
            a["changed"] = len(kinds) > 1
        issues.append(
            {
                "id": issue.get("id"),
                "issue": issue.get("issue") or "(issue)",
                "actors": sorted(actors.values(), key=lambda a: a["name"].lower()),
                "svg": charts.stances(
                    [
                        (a["name"], [(x["date"], x["position"]) for x in a["positions"]])
                        for a in sorted(actors.values(), key=lambda a: a["name"].lower())
                    ],
                    title=f"Stances on: {issue.get('issue') or 'this issue'}",
                    axis=(line.get("start"), line.get("end")),
                ),
            }
        )
    return {
        "id": line["id"],
        "title": line.get("title") or (members[0]["title"] if members else "(storyline)"),
        "dates": span_label(line.get("start"), line.get("end")),
        "stories": members,
        "timeline": charts.timeline(members, urls=urls),
        "issues": issues,
    }
