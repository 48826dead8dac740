"""Store backends side by side: SQLite and PostgreSQL, ingest and query throughput.

``python -m bench store [--n 100000] [--queries 300] [--pg URL] [--out bench/results]``

1. generates ``n`` articles in memory (deterministic: Zipf-distributed words from a
   synthetic vocabulary, names from bench/vocab.py, 12 outlets, dates over ten months,
   3% undated, 1% exact and 5% near copies of earlier articles) and their MinHash
   signatures, as the ingest stage computes them;
2. for each backend, stores them as the ingest stage does (``insert_article`` then
   ``link_duplicates``, one transaction per batch of 200) and times it: articles/s;
3. stores a synthetic entity resolution (one entity per 20 articles, 5 mentions an
   article) with ``replace_entities``;
4. times the queries the CLI and the web app make: listing pages (anywhere in the
   store, and filtered by outlet), counting, getting an article by id, full-text search,
   an entity's page (``entities_by_ids`` + ``entity_mentions``) and an entity by name;
5. times deep listing pages without the listing index (migration 0008) and with it.

PostgreSQL: ``--pg URL`` (a server database the benchmark may fill; use an empty one),
else a throwaway server started from the Debian package's binaries (bench/pgserver.py)
with its default durability (fsync and synchronous commit on). SQLite runs as the store
opens it (WAL, synchronous NORMAL). Results are printed as Markdown and written as JSON.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from . import vocab as V
from .ingest_bench import REPO, git_info, machine

BATCH = 200


# --- the articles ---------------------------------------------------------------------


def _vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    syllables = ["ka", "lo", "ver", "an", "dis", "tor", "mel", "ri", "sen", "pa", "gu", "ol",
                 "tra", "ne", "bor", "il", "cas", "um", "fen", "do", "zi", "har", "wel", "ost"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_articles(n: int, seed: int = 0) -> tuple[list[Any], dict[str, Any]]:
    """(articles with their signature and band keys, what was made)."""
    from rashomon.config import load_config
    from rashomon.ingest import dedupe
    from rashomon.model import Article, Block

    dd = load_config()["dedupe"]
    shingle, num_perm, bands = int(dd["shingle"]), int(dd["num_perm"]), int(dd["bands"])
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    words = _vocabulary(rng)
    names = [f"{f} {last}" for f in V.FIRST_F + V.FIRST_M for last in V.LAST]
    outlets = [o[0] for o in V.OUTLETS]
    start = datetime(2026, 1, 1, 6, 0)
    # Zipf-like word frequencies: a few very common words, a long tail of rare ones.
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    out: list[Any] = []
    kinds = {"original": 0, "exact": 0, "near": 0}
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.01:
            kind, text, title = "exact", out[rng.randrange(len(out))][0].text, None
        elif out and roll < 0.06:
            kind = "near"
            body = out[rng.randrange(len(out))][0].text.split(" ")
            for j in rng.sample(range(len(body)), max(1, len(body) // 12)):
                body[j] = words[int(nprng.integers(len(words)))]
            text, title = " ".join(body), None
        else:
            kind = "original"
            count = int(nprng.integers(150, 400))
            picked = nprng.choice(len(words), size=count, p=weights)
            body = [words[k] for k in picked]
            for _ in range(rng.randint(2, 6)):
                body.insert(rng.randrange(len(body)), rng.choice(names))
            text = " ".join(body).capitalize() + "."
            title = " ".join(words[k] for k in nprng.choice(len(words), size=7, p=weights))
        kinds[kind] += 1
        published = None
        if rng.random() >= 0.03:
            published = (start + timedelta(minutes=rng.randrange(300 * 24 * 60))).isoformat()
        aid = hashlib.blake2b(f"bench-{seed}-{i}".encode(), digest_size=8).hexdigest()
        chash = hashlib.blake2b(text.lower().encode(), digest_size=16).hexdigest()
        article = Article(
            id=aid, text=text, blocks=[Block(0, len(text), "body")], content_hash=chash,
            outlet=rng.choice(outlets), title=title or text[:60], published=published,
            language="en", language_score=0.99, path=f"/bench/{i // 100:05d}.jsonl",
            locator=f"line {i % 100 + 1}", meta={"words": text.count(" ") + 1},
        )
        sig = dedupe.minhash(text, shingle, num_perm)
        out.append((article, sig, dedupe.band_keys(sig, bands)))
    made = {"articles": n, **kinds, "words": len(words), "names": len(names),
            "text_mb": round(sum(len(a.text) for a, _, _ in out) / 2**20, 1)}
    return out, made


def make_entities(articles: list[Any], seed: int = 0) -> tuple[list[dict], list[tuple]]:
    rng = random.Random(seed + 1)
    ids = [a.id for a, _, _ in articles]
    count = max(1, len(ids) // 20)
    names = [f"{f} {last}" for f in V.FIRST_F + V.FIRST_M for last in V.LAST]
    entities = []
    for k in range(count):
        name = f"{names[k % len(names)]} {k // len(names)}" if k >= len(names) else names[k]
        entities.append({"id": f"e{k:08x}", "name": name, "type": rng.choice(["PERSON", "ORG", "PLACE"]),
                         "mentions": 0, "aliases": [name, name.split()[-1]], "country": None})
    assignment = []
    for aid in ids:
        for m in range(5):
            e = entities[min(int(rng.paretovariate(1.2)) - 1, count - 1) if m == 0 else rng.randrange(count)]
            e["mentions"] += 1
            assignment.append((aid, m, e["id"], "bench", 1.0))
    return entities, assignment


# --- timing ---------------------------------------------------------------------------


def _timed(fn: Callable[[], Any], repeat: int, budget: float = 60.0) -> dict[str, Any]:
    """Run ``fn`` up to ``repeat`` times (or ``budget`` seconds): per-call ms and calls/s."""
    times = []
    started = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - started > budget:
            break
    times.sort()
    total = sum(times)
    return {
        "calls": len(times),
        "per_second": round(len(times) / total, 1) if total else None,
        "mean_ms": round(1000 * total / len(times), 3),
        "p50_ms": round(1000 * times[len(times) // 2], 3),
        "p95_ms": round(1000 * times[min(len(times) - 1, int(len(times) * 0.95))], 3),
    }


def ingest_into(store: Any, articles: list[Any], threshold: float) -> dict[str, Any]:
    from rashomon.ingest.pipeline import link_duplicates

    marks = []
    started = time.perf_counter()
    for i in range(0, len(articles), BATCH):
        with store.transaction():
            for article, sig, keys in articles[i : i + BATCH]:
                if store.insert_article(article, sig, keys):
                    link_duplicates(store, article, sig, keys, threshold)
        marks.append((i + BATCH, time.perf_counter() - started))
    wall = marks[-1][1]
    # The last tenth alone: does storing slow down as the store fills?
    tenth = next(t for k, t in marks if k >= 0.9 * len(articles))
    last = len(articles) - next(k for k, t in marks if k >= 0.9 * len(articles))
    return {"wall_seconds": round(wall, 2), "articles_per_second": round(len(articles) / wall, 1),
            "last_tenth_articles_per_second": round(last / (wall - tenth), 1) if wall > tenth else None}


def query_suite(store: Any, articles: list[Any], entities: list[dict], repeat: int,
                rng: random.Random) -> dict[str, Any]:
    from rashomon.store import ArticleQuery

    n = len(articles)
    ids = [a.id for a, _, _ in articles]
    outlets = sorted({a.outlet for a, _, _ in articles})
    words = [w for w in articles[0][0].text.lower().rstrip(".").split() if len(w) > 5][:50]
    popular = sorted(entities, key=lambda e: -e["mentions"])
    out = {}
    out["list_page_50_anywhere"] = _timed(
        lambda: list(store.articles(ArticleQuery(limit=50, offset=rng.randrange(max(1, n - 50))))),
        repeat)
    out["list_page_50_first"] = _timed(lambda: list(store.articles(ArticleQuery(limit=50))), repeat)
    out["list_page_50_outlet"] = _timed(
        lambda: list(store.articles(ArticleQuery(outlet=rng.choice(outlets), limit=50,
                                                 offset=rng.randrange(200)))), repeat)
    out["count_articles"] = _timed(lambda: store.count_articles(), max(10, repeat // 10))
    out["get_article"] = _timed(lambda: store.get_article(rng.choice(ids)), repeat)
    out["search_word"] = _timed(lambda: store.search_articles(rng.choice(words), limit=20), repeat)
    out["search_phrase"] = _timed(
        lambda: store.search_articles(" ".join(_phrase(rng, articles)), limit=20), repeat)
    out["entity_page"] = _timed(
        lambda: (store.entities_by_ids([e := rng.choice(popular[:1000])["id"]]),
                 store.entity_mentions(e)), repeat)
    out["entity_by_name"] = _timed(
        lambda: store.find_entities(rng.choice(popular[:1000])["name"]), max(5, repeat // 30))
    out["entities_page_50"] = _timed(lambda: store.entities(limit=50, offset=rng.randrange(500)),
                                     repeat)
    return out


def _phrase(rng: random.Random, articles: list[Any]) -> list[str]:
    words = rng.choice(articles)[0].text.rstrip(".").split()
    k = rng.randrange(max(1, len(words) - 3))
    return ['"' + " ".join(words[k : k + 3]) + '"']


def listing_index(store: Any, n: int, repeat: int, rng: random.Random) -> dict[str, Any]:
    """Deep listing pages without the listing index (the schema before migration 0008)
    and with it."""
    from rashomon.store import ArticleQuery

    pg = "://" in store.path

    def page() -> None:
        list(store.articles(ArticleQuery(limit=50, offset=rng.randrange(max(1, n - 50)))))

    with store.transaction():
        store.conn.execute("DROP INDEX articles_listing")
        if pg:
            store.conn.execute("CREATE INDEX articles_published ON articles (published)")
    if pg:
        store.conn.execute("VACUUM ANALYZE articles")
    before = _timed(page, max(5, repeat // 10), budget=60)
    with store.transaction():
        if pg:
            store.conn.execute("DROP INDEX articles_published")
            store.conn.execute("CREATE INDEX articles_listing ON articles (published, id)")
        else:
            store.conn.execute(
                "CREATE INDEX articles_listing ON articles (published IS NULL, published, id)")
    if pg:
        store.conn.execute("VACUUM ANALYZE articles")
    after = _timed(page, repeat)
    return {"without_index": before, "with_index": after}


# --- the run --------------------------------------------------------------------------


@contextmanager
def _backends(tmp: Path, pg: str | None) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """(name, URL, settings) of each backend's fresh store."""
    with ExitStack() as stack:
        out = [("sqlite", str(tmp / "bench.db"), {"journal_mode": "wal", "synchronous": "normal"})]
        from . import pgserver

        if pg is None:
            server = stack.enter_context(pgserver.throwaway_server(durable=True))
            url = pgserver.new_database(server, icu=None)
            settings = {"server": "throwaway (bench/pgserver.py)", "fsync": "on",
                        "synchronous_commit": "on"}
        else:
            url, settings = pg, {"server": "given by --pg"}
        import psycopg

        with psycopg.connect(url) as conn:
            settings["version"] = conn.execute("SHOW server_version").fetchone()[0]
            settings["shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
        out.append(("postgresql", url, settings))
        yield out


def run(n: int, repeat: int, pg: str | None, out: str | None, seed: int = 0) -> dict[str, Any]:
    from rashomon.config import load_config
    from rashomon.store import ArticleQuery, open_store

    threshold = float(load_config()["dedupe"]["threshold"])
    t = time.perf_counter()
    articles, made = make_articles(n, seed)
    made["seconds"] = round(time.perf_counter() - t, 1)
    entities, assignment = make_entities(articles, seed)
    print(f"made {n} articles in {made['seconds']} s ({made['text_mb']} MB of text), "
          f"{len(entities)} entities, {len(assignment)} mentions", flush=True)
    result: dict[str, Any] = {"benchmark": "store", "n": n, "repeat": repeat, "seed": seed,
                              "made": made, "backends": {},
                              "date": datetime.now().isoformat(timespec="seconds"),
                              "machine": machine(), "git": git_info(),
                              "loadavg_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="rashomon-store-bench-") as tmp:
        with _backends(Path(tmp), pg) as backends:
            for name, url, settings in backends:
                gc.collect()
                store = open_store(url)
                row: dict[str, Any] = {"settings": settings}
                print(f"{name}: storing...", flush=True)
                row["ingest"] = ingest_into(store, articles, threshold)
                t = time.perf_counter()
                with store.transaction():
                    store.replace_entities(entities, assignment)
                row["entities_seconds"] = round(time.perf_counter() - t, 2)
                # Fresh planner statistics on both; PostgreSQL's VACUUM also sets the
                # visibility map (as autovacuum soon would), which index-only scans need.
                store.conn.execute("VACUUM ANALYZE" if name == "postgresql" else "ANALYZE")
                row["articles_stored"] = store.count_articles()
                row["duplicates_linked"] = row["articles_stored"] - store.count_articles(
                    ArticleQuery(duplicates=False))
                print(f"{name}: querying...", flush=True)
                row["queries"] = query_suite(store, articles, entities, repeat, random.Random(seed))
                row["listing_index"] = listing_index(store, n, repeat, random.Random(seed))
                row["size_mb"] = _size_mb(store, url)
                store.close()
                result["backends"][name] = row
                print(json.dumps({name: {"ingest": row["ingest"]}}), flush=True)
    result["loadavg_end"] = os.getloadavg()
    print(markdown(result))
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"store-{n}-{datetime.now():%Y%m%d-%H%M%S}.json"
        path.write_text(json.dumps(result, indent=2))
        print(f"\nresults: {path}")
    return result


def _size_mb(store: Any, url: str) -> float:
    if "://" in url:
        size = store.conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    else:
        size = sum(os.path.getsize(p) for p in (url, url + "-wal") if os.path.exists(p))
    return round(size / 2**20, 1)


LABELS = {
    "list_page_50_anywhere": "listing page (50, random offset)",
    "list_page_50_first": "listing first page (50)",
    "list_page_50_outlet": "listing page by outlet (50, offset < 200)",
    "count_articles": "count articles",
    "get_article": "get article by id",
    "search_word": "search one word (20 hits)",
    "search_phrase": 'search "3-word phrase" (20 hits)',
    "entity_page": "entity page (entity + its mentions)",
    "entity_by_name": "entity by name (find_entities)",
    "entities_page_50": "entities page (50)",
}


def markdown(result: dict[str, Any]) -> str:
    b = result["backends"]
    names = list(b)
    lines = [f"n = {result['n']:,} articles ({result['made']['exact']} exact, "
             f"{result['made']['near']} near copies; {result['made']['text_mb']} MB of text)", ""]
    lines += ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines.append("| store: articles/s (batches of 200, duplicate linking) | "
                 + " | ".join(f"{b[x]['ingest']['articles_per_second']:,.0f}" for x in names) + " |")
    lines.append("| store: articles/s over the last tenth | "
                 + " | ".join(f"{b[x]['ingest']['last_tenth_articles_per_second']:,.0f}" for x in names) + " |")
    lines.append("| store: wall s | " + " | ".join(f"{b[x]['ingest']['wall_seconds']}" for x in names) + " |")
    lines.append("| entities: replace_entities s | " + " | ".join(f"{b[x]['entities_seconds']}" for x in names) + " |")
    lines.append("| size on disk MB | " + " | ".join(f"{b[x]['size_mb']}" for x in names) + " |")
    lines += ["", "| query: calls/s (p50 ms, p95 ms) | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]
    for key, label in LABELS.items():
        cells = []
        for x in names:
            q = b[x]["queries"][key]
            cells.append(f"{q['per_second']:,} ({q['p50_ms']}, {q['p95_ms']})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for when in ("without_index", "with_index"):
        cells = []
        for x in names:
            q = b[x]["listing_index"][when]
            cells.append(f"{q['per_second']:,} ({q['p50_ms']}, {q['p95_ms']})")
        lines.append(f"| listing page, random offset, {when.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench store", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100000, help="articles to generate and store")
    ap.add_argument("--queries", type=int, default=300, help="calls per query kind")
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (default: a throwaway server)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(REPO / "bench" / "results"), help="folder for the JSON")
    a = ap.parse_args(argv)
    try:
        run(a.n, a.queries, a.pg, a.out, a.seed)
    except (FileNotFoundError, ImportError) as exc:
        print(f"store benchmark: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
