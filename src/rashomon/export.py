"""The analysis as partitioned Parquet tables, for DuckDB, pandas, Polars or Spark.

One directory per table, Hive-partitioned by month (``month=2024-02/part-0.parquet``;
``month=unknown`` for undated rows), so a reader that filters on a month opens only
that month's files:

============== ======================================================= ================
table          one row per                                             partitioned by
============== ======================================================= ================
articles       article (with its story)                                publication month
entities       canonical entity                                        (none)
mentions       entity mention in an article, with its entity id        article's month
stories        story                                                   first day's month
facts          fact of a story's matrix                                story's month
cells          (fact, article) cell of a matrix: status and sentence   story's month
quotes         quote, with its speaker entity                          article's month
quantities     number with its unit and qualifier                      article's month
============== ======================================================= ================

Nested values that vary in shape (alias counts, roles, summaries) are JSON text
columns; lists of ids are list columns. Writing replaces the tables already there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .errors import InputError, MissingDependency

TABLES = ("articles", "entities", "mentions", "stories", "facts", "cells", "quotes", "quantities")


def _month(value: str | None) -> str:
    return value[:7] if value and len(value) >= 7 and value[4] == "-" else "unknown"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def tables(data: dict[str, Any], store: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table, from an analysis (see :func:`build_analysis`) and its store."""
    from .annotate import load as load_annotations

    story_of = {a: s["id"] for s in data["stories"] for a in s["articles"]}
    month_of = {a["id"]: _month(a["published"]) for a in data["articles"]}
    story_month = {s["id"]: _month(s.get("start")) for s in data["stories"]}
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for a in data["articles"]:
        out["articles"].append({**a, "story": story_of.get(a["id"]), "month": month_of[a["id"]]})
    for e in data["entities"]:
        out["entities"].append(
            {
                "id": e["id"],
                "name": e["name"],
                "type": e["type"],
                "country": e.get("country"),
                "mentions": e["mentions"],
                "aliases": list(e["aliases"]),
                "alias_counts": _json(e["alias_counts"]),
                "roles": _json(e.get("roles", {})),
            }
        )
    ids = [a["id"] for a in data["articles"]]
    assigned = store.entity_ids_by_article(ids)
    for aid in ids:
        ann = load_annotations(store, aid)
        if ann is None:
            continue
        entity_ids = assigned.get(aid, {})
        for k, m in enumerate(ann.mentions):
            out["mentions"].append(
                {
                    "article": aid,
                    "index": k,
                    "text": m.text,
                    "label": m.label,
                    "start": m.start,
                    "end": m.end,
                    "entity": entity_ids.get(k),
                    "month": month_of[aid],
                }
            )
    for s in data["stories"]:
        out["stories"].append(
            {
                "id": s["id"],
                "title": s["title"],
                "start": s.get("start"),
                "end": s.get("end"),
                "storyline": s.get("storyline"),
                "articles": list(s["articles"]),
                "outlets": list(s.get("outlets", [])),
                "entities": _json(s.get("entities", [])),
                "summary": _json(s.get("summary", [])),
                "month": story_month[s["id"]],
            }
        )
    for c in data["comparisons"]:
        month = story_month.get(c["story"], "unknown")
        for f in c["facts"]:
            out["facts"].append(
                {
                    "story": c["story"],
                    "id": f["id"],
                    "text": f["text"],
                    "article": f.get("article"),
                    "reported_by": f.get("reported_by"),
                    "prominence": f.get("prominence"),
                    "omission_weight": f.get("omission_weight"),
                    "month": month,
                }
            )
            for aid, cell in f["cells"].items():
                out["cells"].append(
                    {
                        "story": c["story"],
                        "fact": f["id"],
                        "article": aid,
                        "status": cell["status"],
                        "sentence": cell.get("sentence"),
                        "start": cell.get("start"),
                        "end": cell.get("end"),
                        "attributed": cell.get("attributed"),
                        "hedged": cell.get("hedged"),
                        "month": month,
                    }
                )
    for q in data["quotes"]:
        out["quotes"].append({**q, "month": month_of.get(q["article"], "unknown")})
    for q in data["quantities"]:
        out["quantities"].append({**q, "month": month_of.get(q["article"], "unknown")})
    return out


def write_parquet(data: dict[str, Any], store: Any, out_dir: str | Path) -> dict[str, int]:
    """Write every table under ``out_dir`` (replacing them); rows written per table."""
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError as exc:
        hint = "pip install 'rashomon[parquet]'"
        raise MissingDependency("pyarrow (Parquet output)", hint) from exc
    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} exists and is not a directory")
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, rows in tables(data, store).items():
        target = root / name
        if target.exists():
            shutil.rmtree(target)  # a re-export replaces the table, months and all
        counts[name] = len(rows)
        if not rows:
            continue
        table = pa.Table.from_pylist(rows)
        partitioned = "month" in table.column_names
        ds.write_dataset(
            table,
            target,
            format="parquet",
            partitioning=["month"] if partitioned else None,
            partitioning_flavor="hive" if partitioned else None,
            basename_template="part-{i}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
    return counts
