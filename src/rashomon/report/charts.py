"""Small SVG charts drawn by hand: bars, shares, a storyline timeline, stances over time.

Each chart is inline SVG markup with a ``<title>`` and a ``<desc>`` that says in words
what it shows (the text alternative), classes instead of colours (the stylesheet picks
colours for light, dark and print), and every label escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

ROW = 22  # px per bar or timeline row
LABEL_W = 170  # px for labels on the left
WIDTH = 460


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _number(v: float) -> str:
    return f"{v:g}" if v != int(v) else f"{int(v)}"


def _svg(width: int, height: int, title: str, desc: str, body: list[Markup | str]) -> Markup:
    head = Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'xmlns="http://www.w3.org/2000/svg"><title>{t}</title><desc>{d}</desc>'
    ).format(w=width, h=height, t=title, d=desc)
    return head + Markup("").join(body) + Markup("</svg>")


def bars(
    labels: Sequence[str], values: Sequence[float], *, title: str, highlight: int | None = None
) -> Markup:
    """Horizontal bars, one per label, scaled to the largest value; the ``highlight``-th
    in the second colour."""
    top = max([float(v) for v in values] + [0.0])
    scale = (WIDTH - LABEL_W - 50) / top if top else 0.0
    body: list[Markup | str] = []
    for k, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = k * ROW
        w = max(float(v) * scale, 0.0)
        body.append(
            Markup(
                "<g><title>{full}: {v}</title>"
                '<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="{cls}" x="{x}" y="{by}" width="{w:.1f}" height="{h}"></rect>'
                '<text class="value" x="{vx:.1f}" y="{ty}">{v}</text></g>'
            ).format(
                cls="bar alt" if k == highlight else "bar",
                full=label,
                v=_number(float(v)),
                lx=LABEL_W - 6,
                ty=y + 15,
                label=_short(label, 24),
                x=LABEL_W,
                by=y + 4,
                w=w,
                h=ROW - 8,
                vx=LABEL_W + w + 4,
            )
        )
    desc = f"{title}: " + "; ".join(
        f"{label} {_number(float(v))}" for label, v in zip(labels, values, strict=True)
    )
    return _svg(WIDTH, max(len(labels), 1) * ROW + 4, title, desc, body)


def shares(labels: Sequence[str], values: Sequence[float], *, title: str) -> Markup:
    """Bars of shares (0..1) on a fixed 0-100 % scale, labelled with the percentage."""
    span = WIDTH - LABEL_W - 50
    body: list[Markup | str] = []
    for k, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = k * ROW
        pct = round(100 * float(v))
        body.append(
            Markup(
                "<g><title>{full}: {p} %</title>"
                '<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="track" x="{x}" y="{by}" width="{span}" height="{h}"></rect>'
                '<rect class="bar alt" x="{x}" y="{by}" width="{w:.1f}" height="{h}"></rect>'
                '<text class="value" x="{vx}" y="{ty}">{p} %</text></g>'
            ).format(
                full=label,
                p=pct,
                lx=LABEL_W - 6,
                ty=y + 15,
                label=_short(label, 24),
                x=LABEL_W,
                by=y + 4,
                span=span,
                w=span * float(v),
                h=ROW - 8,
                vx=LABEL_W + span + 4,
            )
        )
    desc = f"{title}: " + "; ".join(
        f"{label} {round(100 * float(v))} %" for label, v in zip(labels, values, strict=True)
    )
    return _svg(WIDTH, max(len(labels), 1) * ROW + 4, title, desc, body)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _axis(days: list[date]) -> tuple[date, int]:
    first, last = min(days), max(days)
    return first, max((last - first).days, 1)


def timeline(stories: Sequence[dict[str, Any]], urls: Any = None, limit: int = 40) -> Markup:
    """A storyline's stories as rows on one time axis (a dot or a bar per story, its size
    the number of articles), each row linking to the story."""
    rows = [s for s in stories if _day(s.get("start"))][:limit]
    if not rows:
        return Markup("")
    days = [_day(s["start"]) for s in rows] + [_day(s.get("end")) or _day(s["start"]) for s in rows]
    first, span = _axis([d for d in days if d])
    left, right = 130, WIDTH + 260
    scale = (right - left - 20) / span
    height = len(rows) * ROW + 30
    body: list[Markup | str] = [
        Markup('<line class="axis" x1="{l}" y1="{y}" x2="{r}" y2="{y}"></line>').format(
            l=left, r=right - 10, y=height - 22
        ),
        Markup('<text class="tick" x="{x}" y="{y}">{t}</text>').format(
            x=left, y=height - 6, t=f"{first.day} {first:%b %Y}"
        ),
    ]
    last = date.fromordinal(first.toordinal() + span)
    if span > 1:
        body.append(
            Markup('<text class="tick" x="{x}" y="{y}" text-anchor="end">{t}</text>').format(
                x=right - 10, y=height - 6, t=f"{last.day} {last:%b %Y}"
            )
        )
    for k, s in enumerate(rows):
        a = _day(s["start"])
        b = _day(s.get("end")) or a
        x1 = left + (a - first).days * scale
        x2 = left + (b - first).days * scale
        y = k * ROW + 11
        r = min(4 + s.get("articles", 1), 10)
        mark = (
            Markup('<circle class="dot" cx="{x:.1f}" cy="{y}" r="{r}"></circle>').format(
                x=x1, y=y, r=r
            )
            if x2 - x1 < 2
            else Markup(
                '<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{h}" rx="4"></rect>'
            ).format(x=x1, y=y - 5, w=x2 - x1, h=10)
        )
        label = Markup('<text class="label" x="{x}" y="{y}" text-anchor="end">{t}</text>').format(
            x=left - 16, y=y + 4, t=f"{a.day} {a:%b %Y}"
        )
        title = _short(s.get("title", ""), 60)
        if x2 + r + 6 + 6.5 * len(title) <= right:  # room on the right of the mark
            text = Markup('<text class="title" x="{x:.1f}" y="{y}">{t}</text>').format(
                x=x2 + r + 6, y=y + 4, t=title
            )
        else:
            text = Markup(
                '<text class="title" x="{x:.1f}" y="{y}" text-anchor="end">{t}</text>'
            ).format(x=x1 - r - 6, y=y + 4, t=title)
        tip = Markup("<title>{t} ({d}; {n} articles, {o} outlets)</title>").format(
            t=s.get("title", ""),
            d=s.get("dates", ""),
            n=s.get("articles", 0),
            o=len(s.get("outlets", [])),
        )
        href = urls.story(s["id"]) if urls is not None else f"#story-{s['id']}"
        row = Markup("{tip}{mark}{label}{text}").format(tip=tip, mark=mark, label=label, text=text)
        body.append(Markup('<a href="{h}">{row}</a>').format(h=href, row=row) if href else row)
    desc = "Timeline: " + "; ".join(
        f"{s.get('dates') or s.get('start')}: {s.get('title', '')} "
        f"({s.get('articles', 0)} articles)"
        for s in rows
    )
    return _svg(right, height, "Stories of this storyline over time", desc, body)


def stances(
    actors: Sequence[tuple[str, Sequence[tuple[str | None, str]]]],
    *,
    title: str,
    axis: tuple[str | None, str | None] | None = None,
) -> Markup:
    """Each actor's positions (for / against) on one issue, as marks on a time axis
    (``axis``: its first and last dates, e.g. the storyline's; else the positions')."""
    dated = [_day(d) for _, ps in actors for d, _ in ps if _day(d)]
    dated += [_day(d) for d in axis or () if _day(d)]
    if not actors:
        return Markup("")
    first, span = _axis(dated) if dated else (date.today(), 1)
    left, right = LABEL_W, WIDTH
    scale = (right - left - 20) / span
    body: list[Markup | str] = []
    for k, (name, positions) in enumerate(actors):
        y = k * ROW + 12
        body.append(
            Markup('<text class="label" x="{x}" y="{y}" text-anchor="end">{t}</text>').format(
                x=left - 14, y=y + 4, t=_short(name, 24)
            )
        )
        body.append(
            Markup('<line class="track-line" x1="{a}" y1="{y}" x2="{b}" y2="{y}"></line>').format(
                a=left, b=right - 10, y=y
            )
        )
        for d, position in positions:
            when = _day(d)
            x = left + ((when - first).days * scale if when else 0)
            sign = "+" if position == "for" else "−"
            body.append(
                Markup(
                    '<g class="stance {p}"><title>{n}: {p} ({d})</title>'
                    '<circle cx="{x:.1f}" cy="{y}" r="7"></circle>'
                    '<text x="{x:.1f}" y="{ty}" text-anchor="middle">{s}</text></g>'
                ).format(p=position, n=name, d=d or "date unknown", x=x, y=y, ty=y + 4, s=sign)
            )
    last = date.fromordinal(first.toordinal() + span)
    y = len(actors) * ROW + 14
    body.append(
        Markup(
            '<text class="tick" x="{a}" y="{y}">{t1}</text>'
            '<text class="tick" x="{b}" y="{y}" text-anchor="end">{t2}</text>'
        ).format(
            a=left,
            b=right - 10,
            y=y,
            t1=f"{first.day} {first:%b %Y}",
            t2=f"{last.day} {last:%b %Y}",
        )
    )
    desc = f"{title}. " + "; ".join(
        f"{name}: " + ", ".join(f"{p} ({d or 'date unknown'})" for d, p in ps)
        for name, ps in actors
    )
    return _svg(right, len(actors) * ROW + 20, title, desc, body)
