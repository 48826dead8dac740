"""The HTML report: ``rashomon analyze ... --out DIR`` writes ``DIR/report.html``.

One self-contained file (inline CSS and SVG, a strict Content-Security-Policy, nothing
fetched) rendered from the analysis document by autoescaped Jinja2 templates. The views
in :mod:`.views` are shared with the web app, which renders the same templates.
"""

from __future__ import annotations

from .data import article_texts
from .render import render_report, write_report

__all__ = ["article_texts", "render_report", "write_report"]
