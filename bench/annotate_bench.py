"""Annotation speed: words per second of the whole annotation stage, as a ratio to
spaCy's small pipeline alone on the same text, in the same run.

``python -m bench annotate [--docs 300] [--repeat 2]``

The corpus is real news: the first ``--docs`` PolNeAR articles (train and dev) from
``../shared/bench-data/polnear``, read from there and never copied. Both sides parse the
same body paragraphs: spaCy alone is ``nlp.pipe`` over them; the annotation stage is
:class:`rashomon.annotate.Annotator` (the same ``nlp.pipe`` plus every component), first
in memory, then end to end through the store (ingest excluded). Each measurement is
repeated and the best run kept, so a busy moment on the machine does not decide.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from .ingest_bench import REPO, git_info, machine

POLNEAR = REPO.parent / "shared" / "bench-data" / "polnear" / "docs.jsonl"


def _articles(docs: int) -> list[Any]:
    from rashomon.ingest.extract import ExtractOptions, extract
    from rashomon.ingest.outlets import OutletRegistry
    from rashomon.model import RawRecord

    options = ExtractOptions(registry=OutletRegistry())
    out = []
    with open(POLNEAR, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["split"] not in ("train", "dev"):
                continue
            record = RawRecord("polnear", doc["doc_id"], "text", doc["text"],
                               {"published": doc.get("publication_date"), "outlet": doc["publisher"]})
            result = extract(record, options)
            if hasattr(result, "article"):
                out.append(result.article)
            if len(out) >= docs:
                break
    return out


def run(docs: int = 300, repeat: int = 2) -> dict[str, Any]:
    from rashomon.annotate import Annotator, annotate
    from rashomon.config import load_config
    from rashomon.store import open_store

    articles = _articles(docs)
    config = load_config()
    annotator = Annotator(config)
    nlp = annotator.nlp
    texts = [text for a in articles for _, _, text in annotator._pieces(a)[0]]
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:20]))  # warm up: first calls allocate

    def best(fn: Any) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return min(times)

    spacy_s = best(lambda: list(nlp.pipe(texts, batch_size=64)))
    memory_s = best(lambda: list(annotator.annotate(articles)))

    def through_store() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(str(Path(tmp) / "a.db"))
            from rashomon.execution import batched

            for chunk in batched(articles, 200):
                import numpy as np

                with store.transaction():
                    for a in chunk:
                        store.insert_article(a, np.zeros(60, dtype=np.uint32), [])
            started = time.perf_counter()
            annotate(store, config, annotator=annotator)
            through_store.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
            store.close()

    store_times = []
    for _ in range(repeat):
        through_store()
        store_times.append(through_store.seconds)  # type: ignore[attr-defined]
    store_s = min(store_times)
    return {
        "benchmark": "annotate",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": f"python -m bench annotate --docs {docs} --repeat {repeat}",
        "git": git_info(),
        "machine": machine(),
        "corpus": {"source": "PolNeAR train+dev (first articles)", "articles": len(articles),
                   "paragraphs": len(texts), "words": words},
        "pipeline": annotator.describe,
        "spacy_alone": {"seconds": round(spacy_s, 2), "words_per_second": round(words / spacy_s)},
        "annotate_in_memory": {"seconds": round(memory_s, 2),
                               "words_per_second": round(words / memory_s),
                               "ratio_to_spacy": round(spacy_s / memory_s, 3)},
        "annotate_with_store": {"seconds": round(store_s, 2),
                                "words_per_second": round(words / store_s),
                                "ratio_to_spacy": round(spacy_s / store_s, 3)},
    }


def markdown(result: dict[str, Any]) -> str:
    c = result["corpus"]
    rows = [
        "| run | seconds | words/s | ratio to spaCy alone |",
        "|---|---:|---:|---:|",
        f"| spaCy `en_core_web_sm` alone (`nlp.pipe`) | {result['spacy_alone']['seconds']} | "
        f"{result['spacy_alone']['words_per_second']:,} | 1.00 |",
    ]
    for key, label in (("annotate_in_memory", "annotation stage, in memory"),
                       ("annotate_with_store", "annotation stage, store to store")):
        r = result[key]
        rows.append(f"| {label} | {r['seconds']} | {r['words_per_second']:,} | "
                    f"{r['ratio_to_spacy']:.2f} |")
    return (f"{c['articles']} articles, {c['paragraphs']} paragraphs, {c['words']:,} words "
            f"({c['source']}); pipeline: {', '.join(result['pipeline'][1:-2])}\n\n" + "\n".join(rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench annotate")
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default="bench/results")
    a = ap.parse_args(argv)
    if not POLNEAR.exists():
        print(f"PolNeAR not found at {POLNEAR}")
        return 2
    result = run(a.docs, a.repeat)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"annotate-{result['date'][:10]}.json").write_text(json.dumps(result, indent=2))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
