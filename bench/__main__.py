"""``python -m bench <benchmark> [options]``; with no benchmark, runs ``ingest``.

Benchmarks: every ``bench/<name>_bench.py`` with a ``main(argv)`` runs as
``python -m bench <name>`` (``ingest``: throughput, memory, idempotency and duplicate
quality of ingestion; ``store``: SQLite against PostgreSQL; see BENCHMARKS.md). Tools:

  all        every benchmark of BENCHMARKS.md, one after another, each in its own
             process (under 30 minutes; "stories" without its train-topic grid);
             --full adds the larger runs (stories at a million articles, the store
             at 100,000, Ray, the train-topic grid): hours
  profile    cProfile of one ingest (default 2,000 articles, --workers 1)
  generate   write the synthetic corpus and its truth.json to a directory
"""

from __future__ import annotations

import argparse
import importlib
import sys


def main(argv: list[str]) -> int:
    name, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("ingest", argv)
    if name in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if name == "profile":
        from .ingest_bench import profile

        ap = argparse.ArgumentParser(prog="python -m bench profile")
        ap.add_argument("--n", type=int, default=2000)
        ap.add_argument("--workers", type=int, default=1)
        ap.add_argument("--top", type=int, default=15)
        ap.add_argument("--seed", type=int, default=0)
        ap.add_argument("--out", default=None, help="also save the .prof file here")
        a = ap.parse_args(rest)
        print(profile(a.n, a.workers, a.top, a.seed, a.out))
        return 0
    if name == "generate":
        from .generate import generate

        ap = argparse.ArgumentParser(prog="python -m bench generate")
        ap.add_argument("out", help="directory to create (corpus/ and truth.json go inside)")
        ap.add_argument("--n", type=int, default=10000)
        ap.add_argument("--seed", type=int, default=0)
        a = ap.parse_args(rest)
        truth = generate(a.out, a.n, a.seed)
        print(f"{len(truth['articles'])} articles, {len(truth['stories'])} stories, "
              f"{len(truth['entities'])} entities in {truth['generation_seconds']}s -> {a.out}")
        return 0
    if name == "all":
        return run_all(rest)
    module_name = f"{__package__ or 'bench'}.{name}_bench"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"unknown benchmark '{name}'\n{__doc__}", file=sys.stderr)
        return 2
    return int(module.main(rest) or 0)


#: Every benchmark in BENCHMARKS.md, in order, with the arguments its figures come from:
#: ``python -m bench all`` (about 25 minutes on 2 cores).
ALL = (
    ("ingest", ["--n", "10000"]),
    ("ingest", ["--n", "10000", "--workers", "1"]),
    ("profile", ["--n", "2000", "--workers", "1"]),
    ("annotate", ["--docs", "150", "--repeat", "2"]),
    ("quotes", ["--split", "dev"]),
    ("quantities", []),
    ("entities", []),
    ("align", ["--ablations"]),
    ("stories", ["--grid", "none"]),
    ("compare", ["--copies", "1,2,4,10"]),
    ("compare", ["--copies", "10", "--exact"]),
    ("pipeline", ["--sizes", "250,500,1000"]),
    ("pipeline", ["--n", "200", "--profile"]),
    ("web", ["--requests", "1000"]),
    ("store", ["--n", "10000"]),
)

#: The larger runs whose figures BENCHMARKS.md also shows, added by ``all --full``
#: (hours, not minutes: the million-article clustering alone takes about 20 minutes,
#: Ray on 1,000 articles about as long, the store at 100,000 about 25).
FULL = (
    ("entities", ["--parts", "incremental", "--incremental", "100000:1000"]),
    ("stories", []),
    ("stories_scale", []),
    ("store", ["--n", "100000"]),
    ("ray", ["--n", "200", "--multinode"]),
    ("ray", ["--n", "1000", "--workers", "2"]),
)

def run_all(argv: list[str]) -> int:
    """Run every benchmark of BENCHMARKS.md one after another, each in a process of its
    own (its peak memory is its own, and one benchmark's crash does not stop the rest);
    report the time and exit code of each."""
    import subprocess
    import time

    ap = argparse.ArgumentParser(prog="python -m bench all")
    ap.add_argument("--skip", action="append", default=[], help="a benchmark to leave out")
    ap.add_argument("--full", action="store_true", help="also the larger runs (hours)")
    a = ap.parse_args(argv)
    times = []
    for name, args in ALL + FULL if a.full else ALL:
        if name in a.skip:
            continue
        print(f"\n## python -m bench {name} {' '.join(args)}\n", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", __package__ or "bench", name, *args])
        times.append((name, " ".join(args), time.perf_counter() - started, code))
    print("\n| benchmark | arguments | minutes | exit |\n|---|---|---:|---:|")
    for name, args, seconds, code in times:
        print(f"| {name} | {args} | {seconds / 60:.1f} | {code} |")
    print(f"| **all** | | {sum(t[2] for t in times) / 60:.1f} | |")
    return 1 if any(t[3] for t in times) else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
