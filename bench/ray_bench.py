"""The pipeline on the local executor and on Ray with 1 and 2 workers, stage by stage.

``python -m bench ray [--n 1000] [--workers 1,2] [--multinode] [--seed 0]`` generates a
corpus (bench/generate.py), then for each engine runs ingest, annotate, resolve, cluster
and compare (``build_analysis``) into a fresh store, timing each stage; Ray's start-up
(``ray.init`` of a private local cluster) is timed apart from the stages. Every Ray
run's analysis is checked against the local one (equal but for the timing field).

``--multinode`` adds a run on two Ray nodes started on loopback in this machine
(``ray.cluster_utils.Cluster``: a head and a second raylet, one CPU each, so the two
actors of a stage sit on different nodes), also checked against the local result.

Results go to bench/results/ray-N.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from .ingest_bench import REPO, git_info, machine
from .pipeline_bench import STAGES, run_stages

RESULTS = REPO / "bench" / "results"


def run_pipeline(corpus: Path, db: Path, engine: Any) -> tuple[dict[str, float], dict[str, Any]]:
    """Seconds per stage and the analysis (without its timing field)."""
    from rashomon.config import load_config
    from rashomon.store import open_store

    config = load_config()
    store = open_store(str(db))
    seconds: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        t0, c0 = time.perf_counter(), _cpu()
        out = fn()
        seconds[name] = round(time.perf_counter() - t0, 2)
        # This process's CPU time (and its finished children's): on a shared machine the
        # honest cost of a local stage; Ray workers' CPU is not counted here.
        seconds[f"{name}_cpu"] = round(_cpu() - c0, 2)
        cpu = seconds[f"{name}_cpu"]
        print(f"  {name}: {seconds[name]:.1f}s ({cpu:.1f}s CPU here)", flush=True)
        return out

    try:
        data = run_stages(corpus, store, config, timed, engine=engine, workers=1)["compare"]
    finally:
        store.close()
    data.pop("seconds")
    return seconds, data


def _cpu() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def bench(
    n: int, workers: list[int], multinode: bool, seed: int, out: Path | None = None
) -> dict[str, Any]:
    from rashomon.execution import LocalEngine
    from rashomon.execution.distributed import RayEngine

    from .generate import generate

    tmp = Path(tempfile.mkdtemp(prefix="rashomon-ray-bench-"))
    try:
        t0 = time.perf_counter()
        generate(tmp, n, seed)
        print(f"generated {n} articles in {time.perf_counter() - t0:.0f}s", flush=True)
        corpus = tmp / "corpus"
        runs: list[dict[str, Any]] = []
        print("local executor", flush=True)
        load = os.getloadavg()[0]
        local_seconds, reference = run_pipeline(corpus, tmp / "local.db", LocalEngine())
        head = {
            "benchmark": "ray",
            "date": date.today().isoformat(),
            "machine": machine(),
            "git": git_info(),
            "n": n,
            "seed": seed,
            "articles": len(reference["articles"]),
            "stories": len(reference["stories"]),
            "comparisons": len(reference["comparisons"]),
        }
        runs.append({"engine": "local", "workers": 1, "startup_seconds": 0.0,
                     "stages": local_seconds, "same_as_local": True, "differences": [],
                     "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]})
        _save(out, head, runs)
        for w in workers:
            print(f"ray, {w} worker(s)", flush=True)
            engine = RayEngine({"workers": w, "object_store_mb": 512})
            load = os.getloadavg()[0]
            try:
                t1 = time.perf_counter()
                engine.connect()
                startup = time.perf_counter() - t1
                seconds, data = run_pipeline(corpus, tmp / f"ray{w}.db", engine)
            finally:
                engine.close()
            diff = _differences(reference, data)
            runs.append({"engine": "ray", "workers": w, "startup_seconds": round(startup, 2),
                         "stages": seconds, "same_as_local": not diff, "differences": diff,
                         "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]})
            _save(out, head, runs)
        if multinode:
            runs.append(_multinode(corpus, tmp / "multi.db", reference))
        return {**head, "runs": runs}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _save(out: Path | None, head: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    """Results so far, written after every engine's run: a long run cut short keeps them."""
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({**head, "runs": runs}, indent=1), encoding="utf-8")


def _multinode(corpus: Path, db: Path, reference: dict[str, Any]) -> dict[str, Any]:
    """Two Ray nodes on loopback (two raylets, one CPU each); the driver joins by address."""
    import ray
    from ray.cluster_utils import Cluster

    from rashomon.execution.distributed import RayEngine

    print("ray, two nodes on loopback", flush=True)
    # Nodes are processes of this machine started from here: they import the same
    # rashomon as this driver through PYTHONPATH.
    package_root = str(Path(__file__).resolve().parents[1] / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, os.environ.get("PYTHONPATH")) if p
    )
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    t1 = time.perf_counter()
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False,
                        "object_store_memory": 256 * 2**20},
    )
    cluster.add_node(num_cpus=1, object_store_memory=256 * 2**20)
    engine = RayEngine({"address": cluster.address, "workers": 2})
    try:
        engine.connect()
        startup = time.perf_counter() - t1
        nodes = [node["NodeManagerAddress"] + ":" + str(node["NodeManagerPort"])
                 for node in ray.nodes() if node["Alive"]]
        seconds, data = run_pipeline(corpus, db, engine)
    finally:
        ray.shutdown()
        cluster.shutdown()
    diff = _differences(reference, data)
    return {"engine": "ray-2-nodes", "workers": 2, "nodes": nodes,
            "startup_seconds": round(startup, 2), "stages": seconds,
            "same_as_local": not diff, "differences": diff}


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"{r['n']} generated articles ({r['articles']} stored, {r['stories']} stories, "
        f"{r['comparisons']} compared), {r['date']}, {r['machine']['cpu_count']} CPUs "
        f"({r['machine']['cpu_model']}), commit {str(r['git']['commit'])[:10]}",
        "",
        "| engine | workers | start-up s | " + " | ".join(f"{s} s" for s in STAGES)
        + " | stages total s | ms/article | load average (start, end) | same as local |",
        "|---|---:|---:|" + "---:|" * len(STAGES) + "---:|---:|---|---|",
    ]
    for run in r["runs"]:
        total = sum(run["stages"][s] for s in STAGES)
        lines.append(
            f"| {run['engine']} | {run['workers']} | {run['startup_seconds']} | "
            + " | ".join(str(run["stages"][s]) for s in STAGES)
            + f" | {total:.1f} | {1000 * total / max(r['articles'], 1):.1f} | "
            + ", ".join(str(x) for x in run.get("load_average", [])) + " | "
            + ("yes" if run["same_as_local"] else "NO: " + ", ".join(run["differences"]))
            + " |"
        )
    local = r["runs"][0]["stages"]
    if "ingest_cpu" in local:
        lines += [
            "",
            "CPU time of the local run (this process), ms per stored article: "
            + ", ".join(f"{s} {1000 * local[s + '_cpu'] / max(r['articles'], 1):.1f}"
                        for s in STAGES),
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench ray", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="articles to generate")
    ap.add_argument("--workers", default="1,2",
                    help="Ray worker counts to run, e.g. 1,2 (0: the local run only)")
    ap.add_argument("--multinode", action="store_true", help="also two Ray nodes on loopback")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    workers = [int(w) for w in a.workers.split(",") if w.strip() and w.strip() != "0"]
    out = RESULTS / f"ray-{a.n}.json"
    result = bench(a.n, workers, a.multinode, a.seed, out)
    _save(out, result, result["runs"])
    print()
    print(markdown(result))
    print(f"\nresults: {out}")
    return 0 if all(run["same_as_local"] for run in result["runs"]) else 1
