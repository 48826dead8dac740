"""Story clustering at scale: 10k, 100k and 1M already-annotated articles.

``python -m bench stories_scale [--sizes 10000,100000,1000000] [--seed 0]``

The articles come from :mod:`bench.story_generator` (clustering features with a known
story for each: terms, canonical entities and a day; no MiniLM vector, which would cost
about 30 ms an article on this machine, eight hours for a million). Each size runs in a
fresh child process, which:

1. generates the corpus (timed apart: not clustering time) and reports the resident
   memory it occupies (the input every later figure includes);
2. builds :class:`rashomon.stories.cluster.FeatureTable` (time, CPU time, peak RSS);
3. runs :func:`rashomon.stories.cluster.cluster_all` (time, CPU time, peak RSS; the time
   split between candidate pairs and the per-block average link);
4. scores the stories against the truth: B-cubed precision, recall and F1, ARI, stories
   found and true.

Parts (``--parts``, default all of them):

* ``scale``: the sizes above;
* ``features``: the same clustering on one size (``--features-size``, default 100,000)
  with each set of features a store could give it: entities and dates only; terms and
  dates only; terms, entities and dates; and the same with at most 60 terms an article;
* ``checks``: incremental and stability checks at ``--check-sizes`` (default 10,000 and
  100,000): 90% clustered, then 10% added the way ``rashomon stories`` adds articles
  (only the blocks new articles touch are re-clustered), against clustering everything
  at once; the same with the 10% newest articles; the same with the corpus IDF fixed,
  which isolates the effect of IDF drift; shuffled input; and an unrelated batch a
  month later. Nothing is asserted: the figures are recorded.

Timings: wall and CPU seconds, the 1-minute load average, and the CPU seconds other
processes used during each phase (on a shared 2-CPU machine, wall time stretches when
they are not near 0). Results go to ``bench/results/stories-scale-<date>.json``.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent

#: Feature sets of the ``features`` part: name -> generator settings.
FEATURE_SETS = {
    "entities + dates": {"terms": False},
    "terms + dates": {"entities": False},
    "terms + entities + dates": {},
    "60 terms + entities + dates": {"article_terms": 60},
}


# --- measuring ----------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:  # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM)
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _trim() -> None:
    """Give freed memory back to the system, so the next RSS reading is what is held."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Phase:
    """Wall and CPU time, peak RSS and machine load of a block of code."""

    def __init__(self) -> None:
        from .ingest_bench import _busy_seconds, _own_cpu

        self._busy, self._own = _busy_seconds, _own_cpu
        self.result: dict[str, Any] = {}

    def __enter__(self) -> Phase:
        # From what is held, not what the last phase freed but the allocator kept.
        _trim()
        self.rss_start = _status_mb("VmRSS")
        self.reset = _reset_peak()
        self.load = os.getloadavg()[0]
        self.busy0, self.own0 = self._busy(), self._own()
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        busy, own = self._busy(), self._own()
        self.result = {
            "seconds": round(wall, 2),
            "cpu_seconds": round(time.process_time() - self.cpu0, 2),
            "rss_start_mb": self.rss_start,
            "peak_rss_mb": _status_mb("VmHWM") if self.reset else None,
            "loadavg_start_end": [round(self.load, 2), round(os.getloadavg()[0], 2)],
            "other_cpu_seconds": (
                round((busy - self.busy0) - (own - self.own0), 1)
                if busy is not None and self.busy0 is not None
                else None
            ),
        }


class _Timers:
    """Time spent in the clusterer's stages during one call, by wrapping its functions."""

    NAMES = ("candidate_edges", "dense_scores", "average_link")

    def __init__(self) -> None:
        from rashomon.stories import cluster

        self.module = cluster
        self.seconds = dict.fromkeys(self.NAMES, 0.0)
        self.calls = dict.fromkeys(self.NAMES, 0)
        self.saved = {name: getattr(cluster, name) for name in self.NAMES}

    def __enter__(self) -> _Timers:
        for name, fn in self.saved.items():
            setattr(self.module, name, self._wrap(name, fn))
        return self

    def _wrap(self, name: str, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def __exit__(self, *exc: object) -> None:
        for name, fn in self.saved.items():
            setattr(self.module, name, fn)


def _quality(truth: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    from .story_generator import adjusted_rand, b_cubed

    b3 = b_cubed(truth, pred)
    return {
        "b3_precision": round(b3["precision"], 4),
        "b3_recall": round(b3["recall"], 4),
        "b3_f1": round(b3["f1"], 4),
        "ari": round(adjusted_rand(truth, pred), 4),
        "stories_found": int(len(np.unique(pred))),
        "stories_true": int(len(np.unique(truth))),
    }


# --- one size, in a child process -----------------------------------------------------


def scale_child(n: int, seed: int, settings: dict[str, Any]) -> dict[str, Any]:
    """Generate, build, cluster and score one corpus; every figure of one table row."""
    from rashomon.stories.cluster import FeatureTable, Params, cluster_all, labels_of

    from .story_generator import Settings, generate_features

    rss_start = _status_mb("VmRSS")
    with Phase() as gen:
        corpus = generate_features(n, seed, Settings(**settings))
    _trim()
    input_mb = _status_mb("VmRSS")
    features = corpus.features
    truth_by_id = {f.id: int(s) for f, s in zip(features, corpus.story, strict=True)}
    del corpus.features
    params = Params()
    with Phase() as build:
        table = FeatureTable(features, params)
    del features
    with Phase() as clustering, _Timers() as timers:
        stories = cluster_all(table)
    pred = labels_of(stories, len(table))
    truth = np.array([truth_by_id[a] for a in table.ids])
    sizes = np.bincount(pred)
    return {
        "articles": n,
        "seed": seed,
        "settings": settings,
        "corpus": {**corpus.stats, "generation": gen.result},
        "rss_before_generation_mb": rss_start,
        "input_rss_mb": input_mb,
        "params": {k: getattr(params, k) for k in params.__dataclass_fields__},
        "build": {
            **build.result,
            "nonzeros": int(table.matrix.nnz),
            "vocabulary": len(table.vocab),
        },
        "cluster": {
            **clustering.result,
            "stage_seconds": {k: round(v, 2) for k, v in timers.seconds.items()},
            "stage_calls": timers.calls,
            "largest_story_found": int(sizes.max()),
        },
        "quality": _quality(truth, pred),
    }


# --- incremental and stability checks ---------------------------------------------------


def _partition(table: Any, clusters: Iterable[np.ndarray]) -> set[frozenset[str]]:
    return {frozenset(table.ids[r] for r in rows) for rows in clusters}


def _compare(a: set[frozenset[str]], b: set[frozenset[str]]) -> dict[str, Any]:
    """How far two partitions of the same articles are apart."""
    from .story_generator import adjusted_rand

    same = a & b
    ids = sorted({x for s in a for x in s})
    label_a = {x: k for k, s in enumerate(a) for x in s}
    label_b = {x: k for k, s in enumerate(b) for x in s}
    la = np.array([label_a[x] for x in ids])
    lb = np.array([label_b[x] for x in ids])
    # Articles outside the best-matching story of the other partition: how many would
    # have to move (a story of 250 that differs by one article counts 1, not 250).
    codes = la.astype(np.int64) * (lb.max() + 1) + lb
    cells, counts = np.unique(codes, return_counts=True)
    best = np.zeros(la.max() + 1, dtype=np.int64)
    np.maximum.at(best, cells // (lb.max() + 1), counts)
    return {
        "identical": a == b,
        "stories": [len(a), len(b)],
        "stories_identical": len(same),
        "articles_in_differing_stories": sum(len(s) for s in a - b),
        "articles_moved": int(len(ids) - best.sum()),
        "ari": round(adjusted_rand(la, lb), 5),
        "pair_agreement": round(_pair_jaccard(la, lb), 5),
    }


def _pair_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Pairs together in both partitions / pairs together in either (1.0 if none)."""
    codes = a.astype(np.int64) * (b.max() + 1) + b
    both = _pairs(np.unique(codes, return_counts=True)[1])
    pa = _pairs(np.unique(a, return_counts=True)[1])
    pb = _pairs(np.unique(b, return_counts=True)[1])
    either = pa + pb - both
    return both / either if either else 1.0


def _pairs(counts: np.ndarray) -> float:
    c = counts.astype(np.float64)
    return float((c * (c - 1) / 2).sum())


def _members(table: Any, clusters: list[tuple[np.ndarray, int]]) -> dict[str, tuple[str, str]]:
    """article id -> (story id, block id), as ``rashomon stories`` stores them."""
    out = {}
    for rows, block in clusters:
        story = "s" + table.ids[int(rows.min())]
        for r in rows:
            out[table.ids[r]] = (story, table.ids[block])
    return out


def add_incrementally(
    table: Any, members: dict[str, tuple[str, str]]
) -> tuple[dict[str, tuple[str, str]], dict[str, int]]:
    """The articles of ``table`` missing from ``members`` added as
    :func:`rashomon.stories.cluster_store` adds them: new articles' candidate pairs, the
    blocks they touch, and only those re-clustered."""
    from rashomon.stories.cluster import candidate_edges, cluster_rows

    new_rows = np.array(
        sorted(table.index[a] for a in table.ids if a not in members), dtype=np.int64
    )
    i, j, _ = candidate_edges(table, new_rows)
    touched_rows = set(new_rows.tolist()) | set(i.tolist()) | set(j.tolist())
    touched_blocks = {members[table.ids[r]][1] for r in touched_rows if table.ids[r] in members}
    affected = set(touched_rows)
    for a, (_, block) in members.items():
        if block in touched_blocks and a in table.index:
            affected.add(table.index[a])
    rows = np.array(sorted(affected), dtype=np.int64)
    within = np.zeros(len(table), dtype=bool)
    within[rows] = True
    clusters = cluster_rows(table, rows, candidate_edges(table, rows, within))
    out = {a: m for a, m in members.items() if a in table.index and table.index[a] not in affected}
    out.update(_members(table, clusters))
    touched = {members[table.ids[r]][0] for r in rows if table.ids[r] in members}
    return out, {
        "new_articles": len(new_rows),
        "reclustered_articles": len(rows),
        "old_stories": len({s for s, _ in members.values()}),
        "old_stories_reclustered": len(touched),
    }


def _as_partition(members: dict[str, tuple[str, str]]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a, (s, _) in members.items():
        groups.setdefault(s, set()).add(a)
    return {frozenset(g) for g in groups.values()}


def _cluster_members(table: Any, rows: np.ndarray | None = None) -> dict[str, tuple[str, str]]:
    from rashomon.stories.cluster import candidate_edges, cluster_rows

    if rows is None:
        rows = np.arange(len(table))
        within = None
    else:
        within = np.zeros(len(table), dtype=bool)
        within[rows] = True
    return _members(table, cluster_rows(table, rows, candidate_edges(table, rows, within)))


def checks_child(n: int, seed: int, settings: dict[str, Any]) -> dict[str, Any]:
    from rashomon.stories.cluster import FeatureTable, Params

    from .story_generator import FIRST_DAY, Settings, generate_features

    started = time.perf_counter()
    params = Params()
    corpus = generate_features(n, seed, Settings(**settings))
    features = corpus.features
    truth_by_id = {f.id: int(s) for f, s in zip(features, corpus.story, strict=True)}
    full = FeatureTable(features, params)
    one_shot = _cluster_members(full)
    reference = _as_partition(one_shot)
    out: dict[str, Any] = {"articles": n, "seed": seed, "settings": settings}

    rng = np.random.default_rng(seed + 7)
    held_out = {
        "random 10% added": rng.random(n) < 0.1,
        "newest 10% added": np.argsort(np.argsort([f.day for f in features], kind="stable"))
        >= round(0.9 * n),
    }
    for name, late in held_out.items():
        early = [f for f, x in zip(features, late, strict=True) if not x]
        members = _cluster_members(FeatureTable(early, params))
        merged, stats = add_incrementally(full, members)
        out[name] = {**stats, "vs_one_shot": _compare(_as_partition(merged), reference)}
        # The same, but the 90% clustered with the whole corpus's IDF: what is left of
        # the difference is not IDF drift.
        rows = np.array(sorted(full.index[f.id] for f in early), dtype=np.int64)
        merged, stats = add_incrementally(full, _cluster_members(full, rows))
        out[name + ", IDF fixed"] = {
            **stats,
            "vs_one_shot": _compare(_as_partition(merged), reference),
        }

    order = np.random.default_rng(seed + 11).permutation(n)
    shuffled = FeatureTable([features[k] for k in order], params)
    out["shuffled input"] = _compare(_as_partition(_cluster_members(shuffled)), reference)

    # An unrelated batch: 10% more articles from another world, a month after the corpus.
    batch = generate_features(max(n // 10, 1), seed + 1000, Settings(**settings)).features
    shift = max(f.day for f in features) + 30 - FIRST_DAY
    for f in batch:
        f.id = "u" + f.id
        f.day = None if f.day is None else f.day + shift
    both = FeatureTable(features + batch, params)
    merged, stats = add_incrementally(both, one_shot)
    rebuilt = _as_partition(_cluster_members(both))
    ids_kept = sum(1 for a, (s, _) in merged.items() if a in one_shot and one_shot[a][0] == s)
    out["unrelated batch a month later"] = {
        **stats,
        "old_stories_unchanged_incremental": len(reference & _as_partition(merged)),
        "old_article_story_ids_kept": ids_kept,
        "old_stories_unchanged_if_rebuilt": len(reference & rebuilt),
    }
    out["quality_one_shot"] = _quality(
        np.array([truth_by_id[a] for a in full.ids]),
        _labels(full, reference),
    )
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def _labels(table: Any, partition: set[frozenset[str]]) -> np.ndarray:
    label = {a: k for k, s in enumerate(sorted(partition, key=min)) for a in s}
    return np.array([label[a] for a in table.ids])


# --- running children -------------------------------------------------------------------


def _child(kind: str, n: int, seed: int, settings: dict[str, Any], timeout: float):
    cmd = [
        sys.executable,
        "-m",
        "bench.stories_scale_bench",
        "--child",
        kind,
        "--n",
        str(n),
        "--seed",
        str(seed),
        "--settings",
        json.dumps(settings),
    ]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    started = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"articles": n, "status": f"killed after {timeout:.0f}s"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        return {"articles": n, "status": "error: " + " | ".join(tail)}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["child_seconds"] = round(time.perf_counter() - started, 1)
    return {**result, "status": "ok"}


def run(
    parts: Iterable[str] = ("scale", "features", "checks"),
    sizes: Iterable[int] = (10_000, 100_000, 1_000_000),
    check_sizes: Iterable[int] = (10_000, 100_000),
    features_size: int = 100_000,
    seed: int = 0,
    per_day: float | None = None,
    article_terms: int = 0,
    timeout: float = 3 * 3600,
    out: str | None = "bench/results",
    log: Any = None,
) -> dict[str, Any]:
    from .ingest_bench import git_info, machine

    parts = set(parts)
    settings: dict[str, Any] = {} if per_day is None else {"per_day": per_day}
    if article_terms:
        settings["article_terms"] = article_terms
    result: dict[str, Any] = {
        "date": date.today().isoformat(),
        "git": {k: v for k, v in git_info().items() if k != "ingest_code_sha256"},
        "machine": machine(),
        "seed": seed,
        "settings": settings,
    }

    def say(msg: str) -> None:
        if log:
            print(msg, file=log, flush=True)

    def save() -> None:
        if out:
            tag = "".join(f"-{k}={v}" for k, v in sorted(settings.items()))
            path = REPO / out / f"stories-scale-{result['date']}{tag}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2, default=str), "utf-8")
            result["written"] = os.path.relpath(path, REPO)

    if "scale" in parts:
        result["scale"] = []
        for n in sorted(sizes):
            say(f"scale: {n:,} articles ...")
            row = _child("scale", n, seed, settings, timeout)
            result["scale"].append(row)
            say(json.dumps(_row_summary(row)))
            save()
        ok = [r for r in result["scale"] if r["status"] == "ok"]
        for a, b in zip(ok, ok[1:], strict=False):
            b["exponent_vs_previous"] = round(
                math.log(_total(b) / _total(a)) / math.log(b["articles"] / a["articles"]), 3
            )
    if "features" in parts:
        result["features"] = {}
        for name, extra in FEATURE_SETS.items():
            say(f"features: {name} at {features_size:,} ...")
            row = _child("scale", features_size, seed, {**settings, **extra}, timeout)
            result["features"][name] = row
            say(json.dumps(_row_summary(row)))
            save()
    if "checks" in parts:
        result["checks"] = []
        for n in sorted(check_sizes):
            say(f"checks: {n:,} articles ...")
            result["checks"].append(_child("checks", n, seed, settings, timeout))
            save()
    save()
    return result


def _total(row: dict[str, Any]) -> float:
    return row["build"]["seconds"] + row["cluster"]["seconds"]


def _row_summary(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("status") != "ok":
        return row
    return {
        "articles": row["articles"],
        "build_s": row["build"]["seconds"],
        "cluster_s": row["cluster"]["seconds"],
        "cpu_s": round(row["build"]["cpu_seconds"] + row["cluster"]["cpu_seconds"], 1),
        "peak_mb": max(row["build"]["peak_rss_mb"] or 0, row["cluster"]["peak_rss_mb"] or 0),
        "input_mb": row["input_rss_mb"],
        **row["quality"],
    }


# --- report -----------------------------------------------------------------------------


def _mib(x: float | None) -> str:
    return "?" if x is None else f"{x:,.0f}"


def markdown(result: dict[str, Any]) -> str:
    lines: list[str] = []
    if result.get("scale"):
        lines += [
            "| articles | days | build s | cluster s | total s (CPU s) | peak MiB (input) "
            "| stories found / true | B-cubed P / R / F1 | ARI | other CPU s |",
            "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for r in result["scale"]:
            if r["status"] != "ok":
                lines.append(f"| {r['articles']:,} | | | | {r['status']} | | | | | |")
                continue
            b, c, q = r["build"], r["cluster"], r["quality"]
            peak = max(b["peak_rss_mb"] or 0, c["peak_rss_mb"] or 0)
            lines.append(
                f"| {r['articles']:,} | {r['corpus']['days']} | {b['seconds']:.1f} "
                f"| {c['seconds']:.1f} | {b['seconds'] + c['seconds']:.1f} "
                f"({b['cpu_seconds'] + c['cpu_seconds']:.1f}) "
                f"| {_mib(peak)} ({_mib(r['input_rss_mb'])}) "
                f"| {q['stories_found']:,} / {q['stories_true']:,} "
                f"| {q['b3_precision']:.3f} / {q['b3_recall']:.3f} / {q['b3_f1']:.3f} "
                f"| {q['ari']:.3f} "
                f"| {(b['other_cpu_seconds'] or 0) + (c['other_cpu_seconds'] or 0):.0f} |"
            )
        ok = [r for r in result["scale"] if r["status"] == "ok"]
        for a, b in zip(ok, ok[1:], strict=False):
            lines.append(
                f"\ntime({b['articles']:,}) / time({a['articles']:,}) = "
                f"{_total(b) / _total(a):.2f} for {b['articles'] / a['articles']:.0f}x the "
                f"articles (exponent {b.get('exponent_vs_previous')})"
            )
    if result.get("features"):
        lines += [
            "",
            "| features | keys / article | build s | cluster s | peak MiB (input) "
            "| B-cubed F1 | ARI | stories found / true |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in result["features"].items():
            if r["status"] != "ok":
                lines.append(f"| {name} | {r['status']} | | | | | | |")
                continue
            b, c, q = r["build"], r["cluster"], r["quality"]
            peak = max(b["peak_rss_mb"] or 0, c["peak_rss_mb"] or 0)
            lines.append(
                f"| {name} | {r['corpus']['keys_per_article']} | {b['seconds']:.1f} "
                f"| {c['seconds']:.1f} | {_mib(peak)} ({_mib(r['input_rss_mb'])}) "
                f"| {q['b3_f1']:.3f} | {q['ari']:.3f} "
                f"| {q['stories_found']:,} / {q['stories_true']:,} |"
            )
    for r in result.get("checks", []):
        if r.get("status") != "ok":
            lines.append(f"\nchecks at {r['articles']:,}: {r.get('status')}")
            continue
        lines += [
            "",
            f"Checks at {r['articles']:,} articles:",
            "",
            "| check | re-clustered | stories identical | articles in differing stories "
            "| articles moved | ARI | pair agreement |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, v in r.items():
            if isinstance(v, dict) and "vs_one_shot" in v:
                cmp_ = v["vs_one_shot"]
                lines.append(
                    f"| {name} | {v['reclustered_articles']:,} "
                    f"| {cmp_['stories_identical']:,} / {cmp_['stories'][1]:,} "
                    f"| {cmp_['articles_in_differing_stories']:,} "
                    f"| {cmp_.get('articles_moved', '?')} | {cmp_['ari']} "
                    f"| {cmp_['pair_agreement']} |"
                )
        s = r["shuffled input"]
        lines.append(
            f"| shuffled input | all | {s['stories_identical']:,} / {s['stories'][1]:,} "
            f"| {s['articles_in_differing_stories']:,} | {s.get('articles_moved', '?')} "
            f"| {s['ari']} | {s['pair_agreement']} |"
        )
        u = r["unrelated batch a month later"]
        lines.append(
            f"\nUnrelated batch ({u['new_articles']:,} articles a month later): "
            f"{u['old_stories_reclustered']} of {u['old_stories']:,} old stories re-clustered, "
            f"{u['old_stories_unchanged_incremental']:,} unchanged, "
            f"{u['old_article_story_ids_kept']:,} articles keep their story id; rebuilt from "
            f"scratch, {u['old_stories_unchanged_if_rebuilt']:,} old stories unchanged."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench stories_scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--parts", default="scale,features,checks")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="articles per scale run")
    ap.add_argument("--check-sizes", default="10000,100000")
    ap.add_argument("--features-size", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--per-day", type=float, default=None, help="articles a day (default 2,740: 1M a year)"
    )
    ap.add_argument(
        "--article-terms",
        type=int,
        default=0,
        help="keep at most this many terms an article, highest weights first (0: all)",
    )
    ap.add_argument("--timeout", type=float, default=3 * 3600, help="seconds per child run")
    ap.add_argument("--out", default="bench/results", help="directory for the JSON ('' for none)")
    ap.add_argument("--child", choices=("scale", "checks"), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--settings", default="{}", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        fn = scale_child if a.child == "scale" else checks_child
        print(json.dumps(fn(a.n, a.seed, json.loads(a.settings)), default=str))
        return 0
    parts = [p.strip() for p in a.parts.split(",") if p.strip()]
    unknown = set(parts) - {"scale", "features", "checks"}
    if unknown:
        ap.error(f"unknown part(s) {sorted(unknown)}; choose from scale, features, checks")
    result = run(
        parts,
        [int(x) for x in a.sizes.split(",") if x],
        [int(x) for x in a.check_sizes.split(",") if x],
        a.features_size,
        a.seed,
        a.per_day,
        a.article_terms,
        a.timeout,
        a.out or None,
        log=sys.stderr,
    )
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
