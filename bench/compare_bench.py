"""How comparing one story scales with its size.

``python -m bench compare [--copies 1,2,4,10] [--exact]`` builds stories of 5, 10, 20
and 50 articles from the example corpus's dam-collapse story: each copy of the corpus
goes in under another outlet's name with its sentences unchanged, so every claim finds
its match in every copy (the worst case for alignment: nothing is filtered out early).
Text and Markdown copies get a closing paragraph of their own, which makes them near
copies, aligned in full; ``--exact`` leaves them exact copies, which take the
original's cells without being aligned again.
It times the comparison of the story (claims, MiniLM, pair scoring, facts, relations,
framing) after the store is built, and reports seconds and scored pairs by story size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from .ingest_bench import REPO, git_info, machine

EXAMPLE = REPO / "examples" / "corpus"
RESULTS = REPO / "bench" / "results"


def _copy(root: Path, k: int, edited: bool) -> Path:
    """The example corpus again; ``edited``: text and Markdown articles get a closing
    paragraph of their own, so they are near copies (aligned in full), not exact ones."""
    corpus = root / f"copy-{k}"
    shutil.copytree(EXAMPLE, corpus)
    if edited:
        for path in [*corpus.rglob("*.md"), *corpus.rglob("*.txt")]:
            with path.open("a", encoding="utf-8") as f:
                f.write(f"\n\nThis report was compiled by copy desk number {k} from wire copy.\n")
    return corpus


def run(copies: list[int], edited: bool) -> dict[str, Any]:
    from rashomon.annotate import annotate
    from rashomon.compare.align import Aligner
    from rashomon.compare.analysis import compare_stored_story
    from rashomon.entities import resolve_store
    from rashomon.ingest import ingest
    from rashomon.store import open_store
    from rashomon.stories import cluster_store

    aligner = Aligner()
    rows = []
    for k in copies:
        tmp = Path(tempfile.mkdtemp(prefix="rashomon-compare-"))
        store = open_store(str(tmp / "c.db"))
        ingest([str(EXAMPLE)], store, workers=1)
        for c in range(1, k):  # the same articles again, as other outlets' articles
            ingest([str(_copy(tmp, c, edited))], store, workers=1, outlet=f"Copy desk {c}")
        annotate(store)
        resolve_store(store)
        cluster_store(store)
        story = max(store.stories(), key=lambda s: len(s["articles"]))
        compare_stored_story(store, story, aligner)  # warm: model load, caches
        t0 = time.perf_counter()
        result = compare_stored_story(store, story, aligner)
        seconds = time.perf_counter() - t0
        rows.append(
            {
                "copies": k,
                "edited": edited,
                "articles": len(story["articles"]),
                "claims": result["claims"],
                "scored_pairs": result["scored_pairs"],
                "facts": len(result["facts"]),
                "seconds": round(seconds, 2),
            }
        )
        print(rows[-1], flush=True)
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "benchmark": "compare",
        "date": date.today().isoformat(),
        "machine": machine(),
        "git": git_info(),
        "rows": rows,
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "| copies | kind | articles | claims aligned | scored pairs | facts | seconds |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in r["rows"]:
        kind = "edited" if row["edited"] else "exact"
        lines.append(
            f"| {row['copies']} | {kind} | {row['articles']} | {row['claims']} | {row['scored_pairs']} | "
            f"{row['facts']} | {row['seconds']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench compare", description=__doc__)
    ap.add_argument("--copies", default="1,2,4,10")
    ap.add_argument(
        "--exact", action="store_true", help="exact copies (they take the original's cells)"
    )
    a = ap.parse_args(argv)
    result = run([int(x) for x in a.copies.split(",")], edited=not a.exact)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"compare-{result['date']}.json"
    out.write_text(json.dumps(result, indent=1))
    print(markdown(result))
    print(f"\nresults: {out}")
    return 0
