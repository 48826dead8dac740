"""The end-of-run summary of ``rashomon analyze`` (text and ``--json``)."""

from __future__ import annotations

from typing import Any

from .views import CONFLICT_LABEL, plural


def analysis_summary(data: dict[str, Any], **paths: str) -> dict[str, Any]:
    """Counts a reader wants first, with the paths of what was written (``paths``)."""
    comparisons = data.get("comparisons", [])
    kinds = [c["kind"] for comp in comparisons for c in comp.get("conflicts", [])]
    outlets = sorted({a["outlet"] for a in data.get("articles", []) if a.get("outlet")})
    unknown = sum(1 for a in data.get("articles", []) if not a.get("outlet"))
    undated = sum(1 for a in data.get("articles", []) if not a.get("published"))
    out: dict[str, Any] = {
        "articles": len(data.get("articles", [])),
        "outlets": len(outlets),
        "outlet_unknown": unknown,
        "undated": undated,
        "stories": len(data.get("stories", [])),
        "storylines": len(data.get("storylines", [])),
        "compared": len(comparisons),
        "facts": sum(len(c.get("facts", [])) for c in comparisons),
        "conflicts": sum(1 for k in kinds if k in CONFLICT_LABEL),
        "quote_drift": kinds.count("quote_drift"),
        "attribution_dropped": kinds.count("attribution_dropped"),
        "compared_in_part": sum(1 for c in comparisons if c.get("notes")),
        "seconds": data.get("seconds"),
        **paths,
    }
    # No known outlet: say nothing of them here; the sentence on unknown outlets follows.
    source = f" from {plural(out['outlets'], 'outlet')}" if out["outlets"] else ""
    out["text"] = (
        f"{plural(out['articles'], 'article')}{source}, "
        f"{plural(out['stories'], 'story', 'stories')} ({out['compared']} covered by more than "
        f"one article): {plural(out['conflicts'], 'contradiction')}, "
        f"{plural(out['quote_drift'], 'quote')} rendered differently, "
        f"{plural(out['attribution_dropped'], 'claim')} attributed by some outlets and stated "
        "as fact by others."
    )
    if out["compared_in_part"]:
        out["text"] += (
            f" {plural(out['compared_in_part'], 'story', 'stories')} too large to compare in "
            "full (an article's first claims, or a story's closest pairs of claims, only): "
            "the comparison's notes say what was left out and which setting to raise."
        )
    if unknown:
        out["text"] += (
            f" The outlet of {plural(unknown, 'article')} is unknown: name it with --outlet, "
            "a folder per outlet, or a sources.toml."
        )
    if undated:
        verb = (
            "carries no date, so its story rests"
            if undated == 1
            else "carry no date, so their stories rest"
        )
        out["text"] += (
            f" {plural(undated, 'article')} {verb} on content alone (two events of one kind "
            "may share one): give a date in a dateline or as 'published:' front matter."
        )
    return out
