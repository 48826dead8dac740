"""Rashomon on a real two-node Ray cluster: a head and a second node started with
``ray start`` on loopback, one CPU each, and ``rashomon analyze --ray-address`` run as a
separate process, as a user runs it on a cluster. Its analysis must equal the local one,
and both nodes must have hosted the stages' actors.

Other sessions may run Ray on this machine at the same time: the cluster gets free ports
and its own temporary directory, and teardown stops only the processes this test
started (their process groups, then anything left that names the temporary directory),
never ``ray stop``, which stops every Ray of the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")

from conftest import EXAMPLE, ROOT  # noqa: E402
from shared_example import analysis_content, assert_same_analysis, example  # noqa: E402

RAY_CLI = Path(sys.executable).with_name("ray")
PACKAGE_ROOT = ROOT / "src"
STARTED = "Ray runtime started"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ports(*flags: str) -> list[str]:
    """Free ports for the listeners Ray would otherwise put on fixed defaults
    (52365...), where another session's Ray may already be."""
    return [part for flag in flags for part in (flag, str(_free_port()))]


def _env() -> dict[str, str]:
    # The nodes' workers must import this checkout's rashomon, not an installed one.
    path = os.pathsep.join(p for p in (str(PACKAGE_ROOT), str(ROOT)) if p)
    # Authentication is set, not left to Ray: with RAY_AUTH_MODE unset, a head that finds
    # a token in ~/.ray (another session's) requires it, and a joining node sends none.
    return {**os.environ, "PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "disabled"}


def _start(args: list[str], log: Path, procs: list[subprocess.Popen]) -> None:
    """``ray start ... --block`` in a process group of its own, waited for until up."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(RAY_CLI), "start", "--block", "--disable-usage-stats", *args],
            stdout=out, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
        )
    procs.append(proc)
    deadline = time.monotonic() + 60
    while STARTED not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"ray start did not come up:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def _stop(procs: list[subprocess.Popen], root: Path) -> None:
    """Stop what this test started, and only that."""
    for proc in reversed(procs):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the node's own processes are in its group
    # A little grace only: 'ray start --block' itself was still there 30 s after SIGTERM.
    deadline = time.monotonic() + 3
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # Anything that left the groups but still names our temporary directory is ours too.
    mark = str(root).encode()
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            if mark in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)


@pytest.fixture
def cluster() -> Iterator[tuple[str, Path, list[subprocess.Popen]]]:
    """(address, temporary directory, the head's and the second node's ``ray start``
    processes) of a two-node cluster, one CPU per node."""
    if not RAY_CLI.exists():
        pytest.skip(f"the 'ray' command is not beside {sys.executable}")
    # Short, not under tmp_path: Ray's socket paths in it must stay under 107 bytes.
    root = Path(tempfile.mkdtemp(prefix="rr-", dir="/tmp"))
    port = _free_port()
    address = f"127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    node = ["--num-cpus", "1", "--node-ip-address", "127.0.0.1", "--object-store-memory",
            str(200 * 2**20)]
    agents = ("--node-manager-port", "--object-manager-port", "--metrics-export-port",
              "--dashboard-agent-listen-port", "--dashboard-agent-grpc-port",
              "--runtime-env-agent-port")
    try:
        _start(["--head", "--port", str(port), "--include-dashboard", "false",
                "--temp-dir", str(root / "head"), *node,
                *_ports(*agents)], root / "head.log", procs)
        _start(["--address", address, "--temp-dir", str(root / "node2"), *node,
                *_ports(*agents)], root / "node2.log", procs)
        yield address, root, procs
    finally:
        _stop(procs, root)
        shutil.rmtree(root, ignore_errors=True)


# Run in a process of its own: joining the cluster from the test process would leave
# that process attached to a cluster the teardown kills.
PROBE = """
import json, logging, sys
import ray
ray.init(address=sys.argv[1], logging_level=logging.ERROR, log_to_driver=False)
from ray._private.state import actors
alive = sorted(n["NodeID"] for n in ray.nodes() if n["Alive"])
hosts = sorted({a["Address"]["NodeID"] for a in actors().values()
                if a.get("Address", {}).get("NodeID") and "MapWorker" in a["ActorClassName"]})
print(json.dumps({"alive": alive, "actor_nodes": hosts}))
"""


def test_ray_cluster_two_nodes_same_as_local(cluster, tmp_path: Path) -> None:
    address, _, _ = cluster
    local = analysis_content(example()[0])
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "rashomon", "analyze", str(EXAMPLE), "--out", str(out),
         "--json", "--engine", "ray", "--ray-address", address, "--workers", "2"],
        capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert_same_analysis(local, analysis_content(out))

    probe = subprocess.run([sys.executable, "-c", PROBE, address], capture_output=True,
                           text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert probe.returncode == 0, probe.stderr[-3000:]
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert len(seen["alive"]) == 2
    # Two actors of one CPU each on nodes of one CPU each: one on every node.
    assert seen["actor_nodes"] == seen["alive"]


def _analyze(corpus: Path, out: Path, cwd: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rashomon", "analyze", str(corpus), "--out", str(out), "--json",
         *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=cwd,
    )


def _annotated(db: Path) -> int:
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM annotations").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def test_ray_node_killed_mid_run_loses_nothing(cluster, tmp_path: Path) -> None:
    """The second node dies (SIGKILL to all its processes) while its actor annotates.
    The run must not hang: either Ray finishes on the head alone, or the command ends
    with one line, and a re-run on what is left finishes; both give the local analysis,
    and what was committed before the loss is kept."""
    from bench.generate import generate

    address, _, procs = cluster
    generate(tmp_path / "gen", 60, seed=5)
    corpus = tmp_path / "gen" / "corpus"
    local = _analyze(corpus, tmp_path / "local", tmp_path, "--engine", "local")
    assert local.wait(timeout=600) == 0, local.stderr.read()[-3000:]
    # Small batches, so each actor has several to do and the loss falls mid-stage; a
    # short wait before a stall after the loss is called one.
    (tmp_path / "rashomon.toml").write_text("[ray]\nbatch_articles = 4\nstall_seconds = 20\n")
    out, db = tmp_path / "ray", tmp_path / "ray" / "rashomon.db"
    run = _analyze(corpus, out, tmp_path, "--engine", "ray", "--ray-address", address,
                   "--workers", "2")
    deadline = time.monotonic() + 300
    while _annotated(db) < 8:  # two batches stored: both actors are at work
        assert run.poll() is None, run.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "annotation did not start"
        time.sleep(0.2)
    os.killpg(procs[1].pid, signal.SIGKILL)  # the second node, all its processes
    kept = _annotated(db)
    try:
        _, err = run.communicate(timeout=420)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("the run hung after a node was lost")
    if run.returncode != 0:
        # Our one line, and no Python traceback of the driver's. Ray's own C++ log of the
        # dead actor (a timestamped line and a native stack) is written to the same
        # stderr by a thread of its own, before or after our line: which line comes last
        # varies from run to run, so the last line is not the test.
        lines = err.strip().splitlines()
        assert [x for x in lines if x.startswith("error: ")], err[-3000:]
        assert not [x for x in lines if x.startswith("Traceback ")], err[-3000:]
        assert _annotated(db) >= kept  # nothing committed was lost
        again = _analyze(corpus, out, tmp_path, "--engine", "ray", "--ray-address", address,
                         "--workers", "1")
        _, err = again.communicate(timeout=600)
        assert again.returncode == 0, err[-3000:]
    assert_same_analysis(analysis_content(tmp_path / "local"), analysis_content(out))
