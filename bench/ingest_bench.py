"""Ingestion benchmark: throughput, memory, idempotency and duplicate-detection quality.

``python -m bench ingest [--n 10000] [--workers N] [--out bench/results]``

1. generates a synthetic corpus (:mod:`bench.generate`) into a temporary directory;
2. ingests it into a fresh SQLite store (phase ``fresh``);
3. ingests the same paths again (``reingest``: unchanged files are not re-read);
4. clears the store's ``inputs`` table and ingests again (``cleared``: every file is
   re-read and every article id collides; measures the idempotency path);
5. scores duplicate links and metadata against the generator's truth.

Each phase runs in its own child process, so its wall clock and peak memory
(``ru_maxrss`` of the ingest process, and of its pool workers via ``RUSAGE_CHILDREN``)
are its own. Results are printed as Markdown and written as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FORMAT_OF = {"txt": "txt", "md": "md", "html": "html", "jsonl": "jsonl", "rss": "rss", "xml": "rss",
             "gz": "warc"}


# --- one phase, in a child process ----------------------------------------------------


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (all processes), from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _phase(corpus: str, db: str, workers: int | None) -> dict[str, Any]:
    from rashomon.config import load_config
    from rashomon.ingest import ingest
    from rashomon.store import open_store

    config = load_config()
    load_start = os.getloadavg()[0]
    store = open_store(db)
    rows_before = store.count_articles()
    busy0, own0 = _busy_seconds(), _own_cpu()
    started = time.perf_counter()
    report = ingest([corpus], store, config, workers=workers)
    wall = time.perf_counter() - started
    busy1, own1 = _busy_seconds(), _own_cpu()
    rows_after = store.count_articles()
    skips = store.skips("ingest")
    store.close()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_seconds": round(wall, 3),
        # CPU time (process + pool workers, imports included) is steadier than wall time
        # when the machine is shared; the load average says how shared it was.
        "cpu_seconds": round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 2),
        "loadavg_1min_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        # CPU seconds used by *other* processes during the ingest: near 0 means the timing
        # is clean; on a 2-CPU machine, 30 s of it can stretch a 45 s run well past 60 s.
        "other_cpu_seconds": round((busy1 - busy0) - (own1 - own0), 1) if busy0 is not None else None,
        "report": {k: getattr(report, k) for k in (
            "files", "unchanged_files", "articles_added", "articles_existing", "exact_duplicates",
            "near_duplicates", "skipped", "seconds")},
        "rows_before": rows_before,
        "rows_after": rows_after,
        "skips_stored": len(skips),
        "peak_rss_mb": round(me.ru_maxrss / 1024, 1),
        "peak_rss_workers_mb": round(kids.ru_maxrss / 1024, 1),
    }


def _run_phase(corpus: Path, db: Path, workers: int | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.ingest_bench", "--phase", "--corpus", str(corpus),
           "--db", str(db)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest phase failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- scoring against the truth --------------------------------------------------------


def _key(path: str, locator: str, corpus: Path) -> str:
    rel = os.path.relpath(path, corpus)
    return f"{rel}#{locator}" if locator else rel


def _snapshot(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        links = dict(con.execute("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL"))
        inputs = {p: (a, s) for p, a, s in con.execute("SELECT path, articles, skipped FROM inputs")}
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("articles", "article_sources", "lsh_bands", "skips", "inputs", "outlets")}
    finally:
        con.close()
    return {"links": links, "counts": counts, "inputs": inputs}


def _inputs_mismatches(inputs: dict[str, tuple[int, int]], corpus: Path, truth: dict[str, Any]) -> list[str]:
    """Rows of the ``inputs`` table whose article/skip counts disagree with the truth."""
    want: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key in truth["articles"]:
        want[key.split("#")[0]][0] += 1
    for skip in truth["expected_skips"]:
        want[skip["key"].split("#")[0]][1] += 1
    bad = []
    for path, got in sorted(inputs.items()):
        rel = os.path.relpath(path, corpus)
        if list(got) != want[rel]:
            bad.append(f"{rel}: (articles, skipped) = {tuple(got)}, expected {tuple(want[rel])}")
    return bad


def _published_ok(stored: str | None, truth: str) -> str:
    if not stored:
        return "missing"
    want = datetime.fromisoformat(truth)
    try:
        got = datetime.fromisoformat(stored)
    except ValueError:
        return "wrong"
    if len(stored) == 10:  # a date without a time
        return "date-only" if stored == want.date().isoformat() else "wrong"
    if got.tzinfo is None:
        return "local-naive" if got == want.replace(tzinfo=None) else "wrong"
    return "exact" if got == want else "wrong"


def score(db: Path, corpus: Path, truth: dict[str, Any], shingle: int, threshold: float) -> dict[str, Any]:
    """Duplicate links, metadata and skips, compared with the generator's truth."""
    arts = truth["articles"]
    con = sqlite3.connect(db)
    try:
        id_key: dict[str, str] = {}
        for aid, path, locator in con.execute("SELECT article_id, path, locator FROM article_sources"):
            key = _key(path, locator, corpus)
            if key in arts or aid not in id_key:
                id_key[aid] = key
        rows = con.execute(
            "SELECT id, outlet, title, published, url, language, content_hash, duplicate_of, "
            "duplicate_kind, duplicate_score FROM articles").fetchall()
        skips = con.execute("SELECT path, locator, reason FROM skips WHERE stage = 'ingest'").fetchall()
    finally:
        con.close()

    # Duplicate links: directed (copy -> original) and as same-group pairs.
    predicted: dict[tuple[str, str], tuple[str, float]] = {}
    for aid, _o, _t, _p, _u, _l, _h, dup, kind, dscore in rows:
        if dup:
            predicted[(id_key.get(aid, aid), id_key.get(dup, dup))] = (kind, dscore)
    expected = {(k, a["duplicate_of"]): a for k, a in arts.items() if a["duplicate_of"]}
    tp = set(predicted) & set(expected)
    reversed_ = {(c, o) for (c, o) in set(predicted) - tp if (o, c) in expected}

    def pairs(links: Any) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = defaultdict(set)
        for child, parent in links:
            groups[parent].update((child, parent))
        return {frozenset(p) for g in groups.values() for p in combinations(sorted(g), 2)}

    ppairs, tpairs = pairs(predicted), pairs(expected)
    fp_pairs = ppairs - tpairs
    fp_same_story = sum(1 for p in fp_pairs if len({arts.get(k, {}).get("story") for k in p}) == 1)
    fp_scores = sorted(predicted[k][1] for k in set(predicted) - tp - reversed_)
    sk = str(shingle)
    by_kind: dict[str, dict[str, int]] = {}
    for link, a in expected.items():
        bucket = a["kind"] if a["kind"] == "exact" else (
            f"near, J{shingle}>={threshold}" if a["jaccard"][sk] >= threshold else f"near, J{shingle}<{threshold}")
        d = by_kind.setdefault(bucket, {"truth": 0, "found": 0, "found_as_pair": 0})
        d["truth"] += 1
        d["found"] += link in tp
        d["found_as_pair"] += frozenset(link) in ppairs
    kind_ok = sum(1 for link in tp if predicted[link][0] == expected[link]["kind"])

    # Metadata and body recovery, per format.
    meta: dict[str, Counter[str]] = defaultdict(Counter)
    unmatched = 0
    for aid, outlet, title, published, url, language, chash, *_ in rows:
        key = id_key.get(aid)
        a = arts.get(key) if key else None
        if a is None:
            unmatched += 1
            continue
        m = meta[a["format"]]
        m["articles"] += 1
        m["outlet"] += outlet == a["outlet"]
        m["title"] += title == a["title"]
        m["url"] += url == a["url"]
        m["body"] += chash == a["body_hash"]
        m["language_en"] += language == "en"
        m["published_" + _published_ok(published, a["published"])] += 1
    missing = sorted(set(arts) - set(id_key.values()))

    expected_skips = {s["key"] for s in truth["expected_skips"]}
    got_skips = {_key(p, loc, corpus): reason for p, loc, reason in skips}
    return {
        "duplicates": {
            "truth_links": len(expected), "predicted_links": len(predicted), "correct_links": len(tp),
            "link_precision": _ratio(len(tp), len(predicted)), "link_recall": _ratio(len(tp), len(expected)),
            "reversed_links": len(reversed_),
            "truth_pairs": len(tpairs), "predicted_pairs": len(ppairs),
            "pair_precision": _ratio(len(ppairs & tpairs), len(ppairs)),
            "pair_recall": _ratio(len(ppairs & tpairs), len(tpairs)),
            "false_pairs_same_story": fp_same_story, "false_pairs_other_story": len(fp_pairs) - fp_same_story,
            "false_link_scores": fp_scores[:20],
            "kind_correct": _ratio(kind_ok, len(tp)),
            "recall_by_kind": by_kind,
            "threshold": threshold, "shingle": shingle,
        },
        "metadata_by_format": {f: dict(c) for f, c in sorted(meta.items())},
        "truth_articles_not_stored": len(missing),
        "missing_examples": missing[:10],
        "rows_not_in_truth": unmatched,
        "skips": {
            "expected": len(expected_skips), "got": len(got_skips),
            "unexpected": sorted(f"{k}: {r}" for k, r in got_skips.items() if k not in expected_skips)[:20],
            "expected_but_not_skipped": sorted(expected_skips - set(got_skips))[:20],
        },
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


# --- environment ----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = None
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu_count": os.cpu_count(), "cpu_model": cpu, "ram_gb": ram, "platform": platform.platform(),
            "python": platform.python_version()}


BENCH_DATA = REPO.parent / "shared" / "bench-data"


def data_digests(root: Path = BENCH_DATA) -> dict[str, str]:
    """SHA-256 (first 16 hex digits) of each evaluation data set under ``root``, over its
    files' relative paths and bytes, so a result says exactly which data it was measured on."""
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        out[folder.name] = digest.hexdigest()[:16]
    return out


def git_info() -> dict[str, Any]:
    """Provenance of a result: the commit, whether src/ was dirty, the digest of the
    ingestion code and of each evaluation data set (every benchmark records this)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  timeout=10).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    # What ingestion runs on, so runs can be compared while the rest of src/ moves on.
    digest = hashlib.sha256()
    src = REPO / "src" / "rashomon"
    for path in sorted([*src.glob("ingest/*.py"), *src.glob("store/*.py"), *src.glob("store/migrations/*.sql"),
                        src / "execution.py", src / "config.py", src / "model.py", src / "defaults.toml"]):
        if path.is_file():
            digest.update(path.relative_to(src).as_posix().encode() + b"\0" + path.read_bytes())
    return {"commit": git("rev-parse", "HEAD").strip() or None, "src_dirty": bool(changed),
            "src_changed": changed, "ingest_code_sha256": digest.hexdigest()[:16],
            "bench_data_sha256": data_digests()}


# --- the benchmark --------------------------------------------------------------------


def run(n: int = 10000, workers: int | None = None, out: str | None = "bench/results", seed: int = 0,
        keep: str | None = None) -> dict[str, Any]:
    from rashomon.config import load_config

    from .generate import generate

    config = load_config()
    dd = config["dedupe"]
    tmp = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="rashomon-bench-"))
    if keep and tmp.exists() and any(tmp.iterdir()):
        raise SystemExit(f"--keep directory {tmp} is not empty")
    try:
        t0 = time.perf_counter()
        truth = generate(tmp / "gen", n, seed)
        gen_seconds = time.perf_counter() - t0
        corpus = tmp / "gen" / "corpus"
        files = [p for p in corpus.rglob("*") if p.is_file()]
        corpus_bytes = sum(p.stat().st_size for p in files)
        by_type = Counter(FORMAT_OF.get(p.name.rsplit(".", 1)[-1], p.suffix) for p in files)
        db = tmp / "bench.db"

        phases: dict[str, Any] = {}
        phases["fresh"] = _run_phase(corpus, db, workers)
        after_fresh = _snapshot(db)
        quality = score(db, corpus, truth, int(dd["shingle"]), float(dd["threshold"]))
        phases["reingest"] = _run_phase(corpus, db, workers)
        con = sqlite3.connect(db)
        con.execute("DELETE FROM inputs")
        con.commit()
        con.close()
        phases["cleared"] = _run_phase(corpus, db, workers)
        after_cleared = _snapshot(db)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)

    for name, p in phases.items():
        r = p["report"]
        processed = r["articles_added"] + r["articles_existing"]
        # The reingest phase re-reads only files with skips: a rate there means nothing.
        whole = name != "reingest" and p["wall_seconds"] > 0
        p["articles_per_second"] = round(processed / p["wall_seconds"], 1) if whole else None
        p["mb_per_second"] = round(corpus_bytes / 1e6 / p["wall_seconds"], 2) if whole else None
        p["rows_added"] = p["rows_after"] - p["rows_before"]

    fresh, re_, cl = phases["fresh"], phases["reingest"], phases["cleared"]
    bad_inputs = _inputs_mismatches(after_fresh["inputs"], corpus, truth)
    n_skips = len(truth["expected_skips"])
    files_with_skips = len({s["key"].split("#")[0] for s in truth["expected_skips"]})
    checks = [
        ("fresh: one row per generated article", fresh["rows_after"] == n, f"{fresh['rows_after']} rows, {n} articles"),
        ("fresh: report.articles_added == rows", fresh["report"]["articles_added"] == fresh["rows_added"],
         f"{fresh['report']['articles_added']} vs {fresh['rows_added']}"),
        ("fresh: skipped == expected bad inputs", fresh["report"]["skipped"] == n_skips,
         f"{fresh['report']['skipped']} vs {n_skips}"),
        ("fresh: inputs table counts match the files", not bad_inputs,
         f"{len(bad_inputs)} of {len(after_fresh['inputs'])} rows wrong" + (f", e.g. {bad_inputs[0]}" if bad_inputs else "")),
        ("reingest: 0 rows added", re_["rows_added"] == 0 and re_["report"]["articles_added"] == 0,
         f"{re_['rows_added']} rows, report says {re_['report']['articles_added']}"),
        ("reingest: every file without skips unchanged",
         re_["report"]["unchanged_files"] == re_["report"]["files"] - files_with_skips,
         f"{re_['report']['unchanged_files']} of {re_['report']['files']} unchanged, expected "
         f"{re_['report']['files'] - files_with_skips} ({files_with_skips} files with skips are re-read by design)"),
        ("cleared: 0 rows added", cl["rows_added"] == 0 and cl["report"]["articles_added"] == 0,
         f"{cl['rows_added']} rows, report says {cl['report']['articles_added']}"),
        ("cleared: every article collides", cl["report"]["articles_existing"] == fresh["rows_after"],
         f"{cl['report']['articles_existing']} vs {fresh['rows_after']}"),
        ("cleared: duplicate links unchanged", after_cleared["links"] == after_fresh["links"],
         f"{len(after_fresh['links'])} -> {len(after_cleared['links'])} links"),
        ("cleared: table sizes unchanged (but inputs)",
         {k: v for k, v in after_cleared["counts"].items() if k != "inputs"}
         == {k: v for k, v in after_fresh["counts"].items() if k != "inputs"},
         f"{after_fresh['counts']} -> {after_cleared['counts']}"),
    ]
    result = {
        "benchmark": "ingest",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": f"python -m bench ingest --n {n}" + (f" --workers {workers}" if workers is not None else "")
        + (f" --seed {seed}" if seed else ""),
        "git": git_info(),
        "machine": machine(),
        "params": {"n": n, "seed": seed, "workers": workers,
                   "effective_workers": (workers if workers is not None else int(config["ingest"]["workers"]))
                   or os.cpu_count(),
                   "batch_size": int(config["ingest"]["batch_size"]), "dedupe": dict(dd),
                   "config_file": config.source},
        "corpus": {"articles": n, "files": len(files), "bytes": corpus_bytes, "files_by_type": dict(by_type),
                   "stories": len(truth["stories"]), "generation_seconds": round(gen_seconds, 2),
                   "expected_skips": n_skips},
        "phases": phases,
        "quality": quality,
        "table_sizes_after_fresh": after_fresh["counts"],
        "inputs_mismatches": bad_inputs[:50],
        "checks": [{"check": c, "ok": ok, "detail": d} for c, ok, d in checks],
    }
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        w = result["params"]["effective_workers"]
        path = folder / f"ingest-{datetime.now():%Y-%m-%dT%H%M%S}-n{n}-w{w}.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        result["written_to"] = str(path)
    return result


def markdown(result: dict[str, Any]) -> str:
    p, c, q = result["params"], result["corpus"], result["quality"]
    lines = [
        f"Ingestion of {c['articles']:,} synthetic articles in {c['files']:,} files "
        f"({c['bytes'] / 1e6:.1f} MB), workers={p['workers'] if p['workers'] is not None else 'default'} "
        f"(effective {p['effective_workers']}), batch {p['batch_size']}",
        "",
        "| phase | files read | unchanged | rows before | rows after | added | already stored | "
        "exact dup | near dup | skipped | wall s | articles/s | MB/s | CPU s | other procs' CPU s | peak RSS main MB | peak RSS workers MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ph in result["phases"].items():
        r = ph["report"]
        lines.append(
            f"| {name} | {r['files'] - r['unchanged_files']:,} | {r['unchanged_files']:,} | {ph['rows_before']:,} | "
            f"{ph['rows_after']:,} | {r['articles_added']:,} | {r['articles_existing']:,} | "
            f"{r['exact_duplicates']} | {r['near_duplicates']} | {r['skipped']} | {ph['wall_seconds']:.1f} | "
            f"{_num(ph['articles_per_second'])} | {ph['mb_per_second'] or '-'} | {ph['cpu_seconds']:.1f} | "
            f"{ph['other_cpu_seconds'] if ph['other_cpu_seconds'] is not None else '-'} | "
            f"{ph['peak_rss_mb']:.0f} | {ph['peak_rss_workers_mb']:.0f} |")
    d = q["duplicates"]
    lines += [
        "",
        f"Duplicate links (threshold {d['threshold']}, {d['shingle']}-word shingles): "
        f"{d['predicted_links']} predicted, {d['truth_links']} true, {d['correct_links']} correct, "
        f"{d['reversed_links']} reversed; link precision {d['link_precision']}, recall {d['link_recall']}; "
        f"pair precision {d['pair_precision']}, recall {d['pair_recall']}; "
        f"false pairs: {d['false_pairs_same_story']} same story, {d['false_pairs_other_story']} other story; "
        f"kind (exact/near) right for {d['kind_correct']} of correct links.",
        "",
        "| truth links | count | found (directed) | found (as pair) |",
        "|---|---:|---:|---:|",
    ]
    for bucket, v in sorted(q["duplicates"]["recall_by_kind"].items()):
        lines.append(f"| {bucket} | {v['truth']} | {v['found']} | {v['found_as_pair']} |")
    lines += ["", "| format | articles | outlet | title | url | body exact | published exact | "
              "published date only | published naive local | published wrong/missing | language en |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for fmt, m in q["metadata_by_format"].items():
        a = m["articles"]
        pct = lambda k: f"{100 * m.get(k, 0) / a:.1f}%"  # noqa: E731
        wrong = m.get("published_wrong", 0) + m.get("published_missing", 0)
        lines.append(f"| {fmt} | {a} | {pct('outlet')} | {pct('title')} | {pct('url')} | {pct('body')} | "
                     f"{pct('published_exact')} | {pct('published_date-only')} | {pct('published_local-naive')} | "
                     f"{100 * wrong / a:.1f}% | "
                     f"{pct('language_en')} |")
    lines += ["", "| check | ok | detail |", "|---|---|---|"]
    for ch in result["checks"]:
        lines.append(f"| {ch['check']} | {'PASS' if ch['ok'] else '**FAIL**'} | {ch['detail']} |")
    s = q["skips"]
    if s["unexpected"] or s["expected_but_not_skipped"]:
        lines += ["", f"Unexpected skips: {s['unexpected']}", f"Expected but not skipped: {s['expected_but_not_skipped']}"]
    if q["truth_articles_not_stored"]:
        lines += ["", f"{q['truth_articles_not_stored']} generated articles not stored, e.g. {q['missing_examples'][:5]}"]
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def profile(n: int = 2000, workers: int = 1, top: int = 15, seed: int = 0, out: str | None = None) -> str:
    """cProfile of one fresh ingest, in this process; returns the report text."""
    import cProfile
    import io
    import pstats

    from rashomon.config import load_config
    from rashomon.ingest import ingest
    from rashomon.store import open_store

    from .generate import generate

    tmp = Path(tempfile.mkdtemp(prefix="rashomon-profile-"))
    try:
        generate(tmp / "gen", n, seed)
        store = open_store(str(tmp / "p.db"))
        prof = cProfile.Profile()
        prof.enable()
        report = ingest([str(tmp / "gen" / "corpus")], store, load_config(), workers=workers)
        prof.disable()
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    buf = io.StringIO()
    buf.write(f"{report.summary()}\n")
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    text = buf.getvalue()
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        stats.dump_stats(str(Path(out) / f"ingest-profile-{datetime.now():%Y-%m-%d}-n{n}-w{workers}.prof"))
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench ingest", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="articles to generate (default 10000)")
    ap.add_argument("--workers", type=int, default=None,
                    help="extraction workers (default: the config's, 0 = one per CPU)")
    ap.add_argument("--out", default=str(REPO / "bench" / "results"), help="folder for the JSON results")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep corpus and store there")
    args = ap.parse_args(argv)
    result = run(args.n, args.workers, args.out, args.seed, args.keep)
    print(markdown(result))
    if result.get("written_to"):
        print(f"\nResults: {result['written_to']}")
    return 0 if all(c["ok"] for c in result["checks"]) else 1


def _child() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase", action="store_true")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    print(json.dumps(_phase(args.corpus, args.db, args.workers)))


if __name__ == "__main__":
    _child()
