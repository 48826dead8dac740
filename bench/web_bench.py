"""Web app load test on loopback: requests per second and latency percentiles.

``python -m bench web [--requests 400] [--concurrency 4] [--seconds 60] [--out bench/results]``

1. analyses the bundled example corpus into a temporary directory (``rashomon analyze``),
   without keeping its analysis.json beside the store, so the server computes the
   story's comparison on first view (that first view is timed on its own);
2. starts ``rashomon serve`` in a child process on a free port of 127.0.0.1;
3. for each target (the biggest story's page, ``/api/search?q=...``, and the story's JSON),
   sends ``--requests`` requests from ``--concurrency`` threads, each with its own
   keep-alive connection, stopping early after ``--seconds``; records every latency;
4. prints requests/s, p50, p90, p99 and max latency per target, writes the JSON to
   ``--out``, and stops the server.

Every request goes to 127.0.0.1 only; counts and time are bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from .ingest_bench import REPO, git_info, machine

EXAMPLE = REPO / "examples" / "corpus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _get(conn, "/api/stories?limit=1")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def load(port: int, path: str, requests: int, concurrency: int, seconds: float) -> dict[str, Any]:
    """``requests`` GETs of ``path`` from ``concurrency`` threads, for at most ``seconds``."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            try:
                status, _ = _get(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(str(status))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ms = [x * 1000 for x in latencies]
    return {
        "path": path,
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(wall, 2),
        "requests_per_second": round(len(latencies) / wall, 1) if wall else None,
        "p50_ms": round(percentile(ms, 50), 1),
        "p90_ms": round(percentile(ms, 90), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


def run(
    requests: int = 400,
    concurrency: int = 4,
    seconds: float = 60.0,
    query: str = "dam",
    out: str | None = "bench/results",
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="rashomon-web-bench-"))
    server = None
    try:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rashomon",
                "-q",
                "analyze",
                str(EXAMPLE),
                "--out",
                str(work / "out"),
            ],
            check=True,
            cwd=REPO,
        )
        analyse_s = time.perf_counter() - started
        # The store alone: no fresh analysis.json beside it, so comparisons are on demand.
        db = work / "store" / "rashomon.db"
        db.parent.mkdir()
        shutil.copyfile(work / "out" / "rashomon.db", db)
        stories = json.loads((work / "out" / "analysis.json").read_text("utf-8"))["stories"]
        story = max(stories, key=lambda s: (len(s["articles"]), s["id"]))["id"]
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "rashomon", "-q", "serve", "--db", str(db), "--port", str(port)],
            cwd=REPO,
        )
        _wait_ready(port, time.monotonic() + 60)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        t = time.perf_counter()
        status, size = _get(conn, f"/stories/{story}")
        first_view = {"status": status, "bytes": size, "seconds": round(time.perf_counter() - t, 2)}
        conn.close()
        targets = {
            "story page": f"/stories/{story}",
            "search API": f"/api/search?q={query}",
            "story API": f"/api/stories/{story}",
        }
        results = {
            name: load(port, path, requests, concurrency, seconds) for name, path in targets.items()
        }
        return _save(
            {
                "benchmark": "web",
                "date": datetime.now().isoformat(timespec="seconds"),
                "machine": machine(),
                "code": git_info(),
                "settings": {
                    "requests": requests,
                    "concurrency": concurrency,
                    "seconds": seconds,
                    "query": query,
                },
                "analyse_seconds": round(analyse_s, 1),
                "first_story_view": first_view,
                "results": results,
            },
            out,
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


def _save(result: dict[str, Any], out: str | None) -> dict[str, Any]:
    if out:
        folder = REPO / out
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (folder / f"web-{stamp}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        f"{s['requests']} requests per target from {s['concurrency']} threads (keep-alive), "
        f"at most {s['seconds']:g} s each, on 127.0.0.1.",
        "",
        f"First view of the story page (comparison computed on demand): "
        f"{result['first_story_view']['seconds']} s.",
        "",
        "| target | requests | errors | requests/s | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in result["results"].items():
        lines.append(
            f"| {name} (`{r['path']}`) | {r['requests']} | {r['errors']} | "
            f"{r['requests_per_second']} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | "
            f"{r['max_ms']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench web", description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=400, help="requests per target")
    ap.add_argument("--concurrency", type=int, default=4, help="client threads")
    ap.add_argument("--seconds", type=float, default=60.0, help="time limit per target")
    ap.add_argument("--query", default="dam", help="search words for /api/search")
    ap.add_argument("--out", default="bench/results", help="results folder ('' for none)")
    a = ap.parse_args(argv)
    result = run(a.requests, a.concurrency, a.seconds, a.query, a.out or None)
    print(markdown(result))
    bad = sum(r["errors"] for r in result["results"].values())
    return 1 if bad or result["first_story_view"]["status"] != 200 else 0


if __name__ == "__main__":
    sys.exit(main())
