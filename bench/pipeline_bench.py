"""End to end: every stage of ``rashomon analyze`` on a generated corpus, timed.

``python -m bench pipeline [--n 2000] [--workers 2] [--profile]`` generates a corpus
(bench/generate.py: storylines of stories told by several outlets, wire copies, name
variants), then runs ingest, annotate, resolve, cluster and compare in one process,
recording per stage the wall time, articles per second and the process's peak memory
so far, plus spaCy's small pipeline alone over the same article texts in the same run
(the reference the annotation stage is compared with) and the story clustering's
B-cubed F1 against the generator's truth. ``--profile`` adds where the time goes: the
top functions of each stage by cumulative time (spaCy alone is then not timed: the
profiler slows the annotation stage's Python parts far more than spaCy's compiled ones,
so the ratio would be meaningless). ``--sizes 250,500,1000,2000`` runs each size in turn
and prints the scaling curve of each stage: milliseconds per article at each size and the
log-log slope between the smallest and the largest (1.0 is linear). Before the curve a
small warm-up run (``--warmup``, 50 articles; 0 for none) loads the models and the
gazetteer, so the smallest size does not carry the process's one-off loads.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import math
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from collections.abc import Callable
from typing import Any

from .ingest_bench import REPO, git_info, machine

RESULTS = REPO / "bench" / "results"


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _bcubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    from collections import defaultdict

    keys = [k for k in gold if k in pred]
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = r = 0.0
    for k in keys:
        same = len(by_pred[pred[k]] & by_gold[gold[k]])
        p += same / len(by_pred[pred[k]])
        r += same / len(by_gold[gold[k]])
    p, r = p / max(len(keys), 1), r / max(len(keys), 1)
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "articles": len(keys),
    }


def _key(article: Any, corpus: Path) -> str:
    key = Path(article.path).resolve().relative_to(corpus.resolve()).as_posix()
    if article.locator:
        key += "#" + article.locator.split(" ", 1)[-1]
    return key


STAGES = ("ingest", "annotate", "resolve", "cluster", "compare")


def run_stages(
    corpus: Path,
    store: Any,
    config: Any,
    timed: Callable[[str, Callable[[], Any]], Any],
    *,
    engine: Any = None,
    workers: int = 1,
    compare: Callable[[], Callable[[], Any]] | None = None,
) -> dict[str, Any]:
    """The stages of ``rashomon analyze`` in order (see :data:`STAGES`), each run as
    ``timed(name, fn)``, which times ``fn()`` as it likes and returns its result: the
    results by stage. The compare stage is ``build_analysis`` unless ``compare`` is given:
    it is called after clustering, outside the clock, and returns the stage to time.
    Shared by this benchmark and bench/ray_bench.py."""
    from rashomon.annotate import annotate
    from rashomon.compare.analysis import build_analysis
    from rashomon.entities import resolve_store
    from rashomon.ingest import ingest
    from rashomon.stories import cluster_store

    out: dict[str, Any] = {}
    out["ingest"] = timed(
        "ingest", lambda: ingest([str(corpus)], store, config, workers=workers, engine=engine)
    )
    out["annotate"] = timed("annotate", lambda: annotate(store, config, engine=engine))
    out["resolve"] = timed("resolve", lambda: resolve_store(store))
    out["cluster"] = timed("cluster", lambda: cluster_store(store, config, engine=engine))
    fn = compare() if compare else (lambda: build_analysis(store, engine=engine))
    out["compare"] = timed("compare", fn)
    return out


def run(
    n: int, workers: int, seed: int, profile: bool, compare_limit: int | None
) -> dict[str, Any]:
    from rashomon.annotate.nlp import load as load_nlp
    from rashomon.compare.align import Aligner
    from rashomon.compare.analysis import compare_stored_story
    from rashomon.config import load_config
    from rashomon.store import open_store

    from .generate import generate

    tmp = Path(tempfile.mkdtemp(prefix="rashomon-pipeline-"))
    started = time.perf_counter()
    truth = generate(str(tmp), n, seed)
    generation = time.perf_counter() - started
    corpus = tmp / "corpus"
    config = load_config()
    store = open_store(str(tmp / "bench.db"))
    stages: list[dict[str, Any]] = []
    profiles: dict[str, str] = {}
    stories: list[dict[str, Any]] = []
    counted: dict[str, int] = {}

    def articles_stored() -> int:
        if "articles" not in counted:  # counted once, after ingest, off the clock
            counted["articles"] = store.count_articles()
        return counted["articles"]

    counts: dict[str, Callable[[Any], int]] = {
        "ingest": lambda r: r.articles_added,
        "annotate": lambda _: articles_stored(),
        "resolve": lambda _: articles_stored(),
        "cluster": lambda _: articles_stored(),
        "compare": lambda _: sum(len(s["articles"]) for s in stories),
    }

    def stage(name: str, fn: Any) -> Any:
        prof = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        result = fn()
        if prof:
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(12)
            profiles[name] = buf.getvalue()
        seconds = time.perf_counter() - t0
        items = counts[name](result)
        stages.append(
            {
                "stage": name,
                "seconds": round(seconds, 2),
                "items": items,
                "per_second": round(items / seconds, 1) if seconds else None,
                "peak_mb_so_far": _peak_mb(),
            }
        )
        print(f"{name}: {seconds:.1f}s, {items} items, peak {_peak_mb()} MB", flush=True)
        return result

    def compare_stage() -> Callable[[], int]:
        stories.extend(s for s in store.stories() if len(s["articles"]) > 1)
        if compare_limit is not None:
            del stories[compare_limit:]
        aligner = Aligner()

        def compare_all() -> int:
            facts = 0
            for s in stories:
                facts += len(compare_stored_story(store, s, aligner)["facts"])
            return facts

        return compare_all

    results = run_stages(corpus, store, config, stage, workers=workers, compare=compare_stage)
    ingest_report, facts = results["ingest"], results["compare"]
    articles = articles_stored()
    total = sum(s["seconds"] for s in stages)

    # spaCy's small pipeline alone over the same texts (the annotation reference).
    spacy_seconds = None
    if not profile:
        texts = [a.text for a in store.articles()]
        nlp = load_nlp(config["annotate"]["model"])
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=config["annotate"]["batch_size"]):
            pass
        spacy_seconds = time.perf_counter() - t0

    # Story quality against the generator's truth (wire copies carry their original's story).
    gold = {k: v["story"] for k, v in truth["articles"].items()}
    pred = {}
    for s in store.stories():
        for a in store.articles_by_ids(s["articles"]):
            pred[_key(a, corpus)] = s["id"]
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    annotate_seconds = next(s["seconds"] for s in stages if s["stage"] == "annotate")
    return {
        "benchmark": "pipeline",
        "date": date.today().isoformat(),
        "machine": machine(),
        "git": git_info(),
        "n": n,
        "workers": workers,
        "seed": seed,
        "generation_seconds": round(generation, 1),
        "articles": articles,
        "ingest_skipped": ingest_report.skipped,
        "stages": stages,
        "total_seconds": round(total, 1),
        "articles_per_second": round(articles / total, 2),
        "spacy_alone_seconds": round(spacy_seconds, 1) if spacy_seconds else None,
        "annotate_vs_spacy": round(spacy_seconds / annotate_seconds, 3) if spacy_seconds else None,
        "end_to_end_vs_spacy": round(spacy_seconds / total, 3) if spacy_seconds else None,
        "stories_compared": len(stories),
        "facts": facts,
        "story_bcubed": _bcubed(pred, gold),
        "stories_found": len(set(pred.values())),
        "stories_true": len(set(gold.values())),
        "profiles": profiles,
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"{r['n']} generated articles ({r['articles']} stored), {r['workers']} ingest workers, "
        f"{r['date']}, {r['machine']['cpu_count']} CPUs ({r['machine']['cpu_model']}), "
        f"commit {str(r['git']['commit'])[:10]}",
        "",
        "| stage | seconds | items | items/s | peak MB so far |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in r["stages"]:
        lines.append(
            f"| {s['stage']} | {s['seconds']} | {s['items']} | {s['per_second']} | "
            f"{s['peak_mb_so_far']} |"
        )
    if r["spacy_alone_seconds"] is None:
        spacy = "- spaCy alone: not timed under --profile"
    else:
        spacy = (
            f"- spaCy small pipeline alone on the same texts: {r['spacy_alone_seconds']} s; "
            f"annotate stage / spaCy alone speed ratio {r['annotate_vs_spacy']}x, "
            f"whole pipeline {r['end_to_end_vs_spacy']}x"
        )
    lines += [
        f"| **total** | {r['total_seconds']} | {r['articles']} | {r['articles_per_second']} | |",
        "",
        spacy,
        f"- stories: {r['stories_found']} found / {r['stories_true']} true, B-cubed "
        f"P {r['story_bcubed']['precision']} R {r['story_bcubed']['recall']} "
        f"F1 {r['story_bcubed']['f1']}; {r['stories_compared']} multi-article stories compared, "
        f"{r['facts']} facts",
    ]
    return "\n".join(lines)


def scaling(results: list[dict[str, Any]]) -> str:
    """Per stage: milliseconds per article at each size, and the log-log slope of the
    stage's time between the smallest and the largest size (1.0 = linear)."""
    results = sorted(results, key=lambda r: r["articles"])
    sizes = [r["articles"] for r in results]
    names = [s["stage"] for s in results[0]["stages"]] + ["total"]
    head = " | ".join(f"ms/article at {n:,}" for n in sizes)
    lines = [f"| stage | {head} | slope |", "|---|" + "---:|" * (len(sizes) + 1)]
    for name in names:
        secs = [
            r["total_seconds"] if name == "total"
            else next(s["seconds"] for s in r["stages"] if s["stage"] == name)
            for r in results
        ]
        per = " | ".join(f"{1000 * t / n:.1f}" for t, n in zip(secs, sizes, strict=True))
        slope = (
            math.log(secs[-1] / secs[0]) / math.log(sizes[-1] / sizes[0])
            if len(sizes) > 1 and secs[0] > 0 and secs[-1] > 0 and sizes[-1] > sizes[0]
            else float("nan")
        )
        lines.append(f"| {name} | {per} | {slope:.2f} |")
    peaks = " | ".join(f"{r['stages'][-1]['peak_mb_so_far']:.0f}" for r in results)
    lines.append(f"| peak MB | {peaks} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench pipeline", description=__doc__)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--compare-limit",
        type=int,
        default=None,
        help="compare only the first N multi-article stories",
    )
    ap.add_argument(
        "--sizes",
        default=None,
        help="comma-separated corpus sizes: run each and print the scaling curve",
    )
    ap.add_argument(
        "--warmup",
        type=int,
        default=50,
        help="with --sizes: articles of a discarded first run that loads the models (0: none)",
    )
    a = ap.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if a.sizes:
        try:
            sizes = sorted({int(s) for s in a.sizes.split(",") if s.strip()})
        except ValueError:
            ap.error(f"--sizes takes comma-separated whole numbers, got {a.sizes!r}")
        if a.warmup < 0:
            ap.error("--warmup takes a whole number of articles, 0 or more")
        warmup_seconds = None
        if a.warmup:
            print(f"\n## warm-up: {a.warmup} articles (not part of the curve)", flush=True)
            started = time.perf_counter()
            run(a.warmup, a.workers, a.seed + 1, False, a.compare_limit)
            warmup_seconds = round(time.perf_counter() - started, 1)
            print(f"warm-up took {warmup_seconds} s", flush=True)
        runs = []
        for n in sizes:
            print(f"\n## {n} articles", flush=True)
            runs.append(run(n, a.workers, a.seed, False, a.compare_limit))
            runs[-1]["warmup"] = {"articles": a.warmup, "seconds": warmup_seconds}
            print(markdown(runs[-1]), flush=True)
        out = RESULTS / f"pipeline-scaling-{runs[0]['date']}.json"
        out.write_text(json.dumps(runs, indent=1))
        print("\n" + scaling(runs))
        print(f"\nresults: {out}")
        return 0
    result = run(a.n, a.workers, a.seed, a.profile, a.compare_limit)
    out = RESULTS / f"pipeline-{result['date']}-n{a.n}.json"
    out.write_text(json.dumps(result, indent=1))
    print(markdown(result))
    for name, text in result["profiles"].items():
        print(f"\n### profile: {name}\n```\n{text[:3000]}\n```")
    print(f"\nresults: {out}")
    return 0
