"""Engines by name, the local engine's contract, and Ray's install hint when missing."""

from __future__ import annotations

import sys

import pytest

from rashomon.cli import main
from rashomon.config import load_config
from rashomon.errors import ConfigError, MissingDependency
from rashomon.execution import LocalEngine, make_engine
from rashomon.store import open_store


def test_execution_engine_by_name_and_config() -> None:
    assert make_engine(load_config()).name == "local"
    with pytest.raises(ConfigError, match="unknown engine 'spark'"):
        make_engine(load_config(), engine="spark")
    with pytest.raises(ConfigError, match="--ray-address needs --engine ray"):
        make_engine(load_config(), address="127.0.0.1:6379")
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")
    config = load_config().with_overrides({"execution": {"engine": "ray"}})
    engine = make_engine(config, address="127.0.0.1:1", workers=3)
    assert engine.name == "ray" and engine.address == "127.0.0.1:1" and engine.workers == 3


def test_execution_local_engine_keeps_order_and_builds_workers_lazily() -> None:
    built: list[str] = []

    def factory(spec: str):
        built.append(spec)
        return lambda batch: [f"{spec}{x}" for x in batch]

    engine = LocalEngine()
    results = engine.map_batches(factory, "w", [[1, 2], [3]])
    assert built == []  # nothing loaded before the first batch is asked for
    assert list(results) == [["w1", "w2"], ["w3"]] and built == ["w"]
    assert list(engine.map(pow, [1, 2, 3], 2)) == [1, 4, 9]


def test_execution_ray_missing_gives_install_hint(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(MissingDependency, match=r"pip install 'rashomon\[ray\]'"):
        make_engine(load_config(), engine="ray")
    open_store(str(tmp_path / "x.db")).close()
    code = main(["annotate", "--db", str(tmp_path / "x.db"), "--engine", "ray"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "rashomon[ray]" in err


def test_execution_store_address_is_absolute(tmp_path, monkeypatch) -> None:
    from rashomon.execution.engine import store_address

    monkeypatch.chdir(tmp_path)
    store = open_store("here.db")
    try:
        assert store_address(store) == str(tmp_path / "here.db")
    finally:
        store.close()


def test_execution_ray_address_with_no_cluster_is_one_line_quickly(capsys, tmp_path) -> None:
    import socket
    import time

    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")
    from conftest import EXAMPLE

    if ray.is_initialized():
        pytest.skip("a Ray session is open in this process: the engine would use it")
    with socket.socket() as s:  # a port nothing listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    code = main(["analyze", str(EXAMPLE), "--out", str(tmp_path / "out"), "--engine", "ray",
                 "--ray-address", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: no Ray cluster at 127.0.0.1:{port} (Connection refused)")
    assert time.monotonic() - started < 30
    assert not ray.is_initialized()


def test_execution_ray_address_of_another_server_is_one_line_quickly(capsys, tmp_path) -> None:
    import socket
    import threading
    import time

    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")
    from conftest import EXAMPLE

    if ray.is_initialized():
        pytest.skip("a Ray session is open in this process: the engine would use it")
    # A server that is not Ray's: it answers like an HTTP/1 server would, then hangs up
    # (Ray itself would keep retrying for minutes).
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    started = time.monotonic()
    try:
        code = main(["analyze", str(EXAMPLE), "--out", str(tmp_path / "out"), "--engine",
                     "ray", "--ray-address", f"127.0.0.1:{port}"])
    finally:
        server.close()
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: something listens at 127.0.0.1:{port}, but not a Ray cluster")
    assert time.monotonic() - started < 30


class _Cluster:
    """What :func:`_watched` asks of Ray: the nodes, ``alive`` of them up."""

    def __init__(self, alive: list[bool]) -> None:
        self.alive = alive

    def nodes(self) -> list[dict[str, bool]]:
        return [{"Alive": a} for a in self.alive]


def test_execution_ray_stream_stops_in_one_line_when_a_node_is_lost_and_nothing_comes() -> None:
    """A stream that stalls after a node was lost (Ray waiting to restart its actor where
    there is no room) ends with one line after ``stall`` seconds; a stall with every node
    up is only a slow stage, and a stream that keeps coming is left alone."""
    import threading
    import time

    from rashomon.errors import WorkerError
    from rashomon.execution.distributed import _watched

    never = threading.Event()

    def stream(cluster: _Cluster, lose_after: int):
        for k in range(4):
            if k == lose_after:
                cluster.alive[1] = False
                never.wait(3.0)  # no answer from here on (bounded for the other case)
            yield k

    cluster = _Cluster([True, True])
    got: list[int] = []
    started = time.monotonic()
    with pytest.raises(WorkerError, match=r"^a Ray node was lost \(1 of 2 alive\)"):
        for item in _watched(stream(cluster, 2), cluster, 0.4):
            got.append(item)
    assert got == [0, 1] and time.monotonic() - started < 2.5  # stopped, not waited out
    # Every node up: a long wait is a slow stage, and the stream is read to its end.
    slow = _Cluster([True, True])

    def slow_stream():
        yield 0
        time.sleep(1.0)
        yield 1

    assert list(_watched(slow_stream(), slow, 0.3)) == [0, 1]
    # Errors of the stream reach the caller as they are.
    def broken():
        yield 0
        raise KeyError("x")

    with pytest.raises(KeyError):
        list(_watched(broken(), slow, 5.0))
