"""The Ray engine: Ray Data actor pools for per-article stages, Ray tasks for the rest.

Ray is an optional extra, imported on first use. Without an address the engine starts
a private local Ray (no dashboard, a small object store, quiet) and shuts it down on
:meth:`RayEngine.close`; with one it joins that cluster and leaves it running.

Workers import the same ``rashomon`` as the driver: a local Ray started here gets the
driver's package directory on its ``PYTHONPATH``; on a real cluster the package must be
installed on every node (``pip install 'rashomon[ray]'``), and the store must be
reachable from every node (a PostgreSQL URL, or a path on a shared file system), since
actors read their articles from it rather than through the driver.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import socket
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, MissingDependency, RashomonError, WorkerError
from .local import Executor

INSTALL_HINT = "pip install 'rashomon[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the per-article stages need it)
        import ray.exceptions  # noqa: F401  (what the driver catches)
    except ImportError as exc:
        raise MissingDependency("Ray (engine 'ray')", INSTALL_HINT) from exc
    return ray


class _Raised:
    """What a stage function raised on a worker, sent back as its result.

    Ray would hand the driver a ``RayTaskError`` (or, from an actor pool, a Ray Data
    exception) whose text is the worker's whole traceback wrapped in Ray's own: caught
    on the worker instead, the driver re-raises a Rashomon error as itself, so the CLI
    prints its one line as it does with the local engine, and anything else as a
    one-line :class:`WorkerError` that keeps the traceback.
    """

    def __init__(self, exc: Exception, where: str) -> None:
        self.where = where
        self.kind = type(exc).__name__
        self.message = str(exc)
        self.traceback = traceback.format_exc()
        self.error: RashomonError | None = None
        if isinstance(exc, RashomonError):
            try:
                self.error = pickle.loads(pickle.dumps(exc))
            except Exception:  # noqa: BLE001 - a subclass that cannot travel: say it in words
                self.error = None

    def exception(self) -> RashomonError:
        if self.error is not None:
            return self.error
        first = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return WorkerError(
            f"{self.where} failed on a Ray worker: {self.kind}" + (f": {first}" if first else ""),
            self.traceback,
        )


def _name(fn: Any) -> str:
    """A stage function's or a worker's name, for messages."""
    return getattr(fn, "__name__", None) or type(fn).__name__


def _run_chunk(fn: Callable[[Any, Any], Any], chunk: list[Any], options: Any) -> Any:
    """A Ray task: ``fn`` over a chunk, or the first exception as a :class:`_Raised`
    (the local engine also stops at the first)."""
    try:
        return [fn(item, options) for item in chunk]
    except Exception as exc:  # noqa: BLE001 - sent back whole, re-raised on the driver
        return _Raised(exc, _name(fn))


class _StageActor:
    """One Ray Data actor: builds its worker (loads its models) once, then serves batches.

    A worker that cannot be built (a model missing on this node, a store it cannot
    open) answers every batch with that error, rather than failing the actor's start,
    which Ray reports as a dump of the actor's traceback."""

    def __init__(self, factory: Callable[[Any], Any], spec: Any) -> None:
        self.worker: Any = None
        self.failed: _Raised | None = None
        try:
            self.worker = factory(spec)
        except Exception as exc:  # noqa: BLE001 - sent back with the first batch
            self.failed = _Raised(exc, _name(factory))

    def _run(self, blob: bytes) -> Any:
        if self.failed is not None:
            return self.failed
        try:
            return self.worker(pickle.loads(blob))
        except Exception as exc:  # noqa: BLE001 - sent back whole, re-raised on the driver
            return _Raised(exc, _name(self.worker))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        outs = [pickle.dumps(self._run(blob)) for blob in batch["items"]]
        return {"k": np.asarray(batch["k"]), "out": np.array(outs, dtype=object)}


def _checked(result: Any) -> Any:
    if isinstance(result, _Raised):
        raise result.exception()
    return result


def _ray_failure(exc: BaseException, address: str) -> RashomonError:
    """One line for what Ray itself raised (a worker or node lost for good, a function
    a node could not load): Ray's own messages run to many lines."""
    cause = getattr(exc, "cause", None)  # RayTaskError: what the task raised
    if isinstance(cause, BaseException) and not isinstance(cause, type(exc)):
        if isinstance(cause, RashomonError):
            return cause
        exc = cause
    text = str(exc).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    message = f"Ray failed: {type(exc).__name__}" + (f": {first}" if first else "")
    if isinstance(exc, ModuleNotFoundError) and "rashomon" in text:
        message += " (install rashomon on every node of the cluster)"
    elif address and "died" in text.lower():
        message += f" (is every node of the cluster at {address} still up?)"
    return WorkerError(message, text)


def _alive_nodes(ray: Any, before: int) -> int:
    try:
        return sum(1 for node in ray.nodes() if node.get("Alive"))
    except Exception:  # noqa: BLE001 - the GCS busy or gone: judge again at the next look
        return before


def _watched(items: Iterator[Any], ray: Any, stall: float) -> Iterator[Any]:
    """``items`` (a Ray Data stream), stopped with one line when a node of the cluster is
    lost and nothing has come for ``stall`` seconds.

    Ray restarts a lost actor, and retries its batches on it, only where the cluster has
    room for it: in a pool that fills what is left, the restart waits forever, and the
    stream with it (ray-project/ray#26991). The batches already handed on are committed
    by the caller, so a re-run does only the rest. The stream is read on a thread of its
    own, so that the driver can look at the cluster while it waits.
    """
    results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=8)
    stop = threading.Event()
    end = object()

    def put(item: tuple[bool, Any]) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                results.put(item, timeout=1.0)
                return

    def pump() -> None:
        try:
            for item in items:
                put((True, item))
                if stop.is_set():
                    return
            put((True, end))
        except BaseException as exc:  # noqa: BLE001 - handed to the driver's thread
            put((False, exc))

    nodes = _alive_nodes(ray, 0)
    threading.Thread(target=pump, name="rashomon-ray-stream", daemon=True).start()
    last = time.monotonic()
    try:
        while True:
            try:
                ok, item = results.get(timeout=min(5.0, stall))
            except queue.Empty:
                if time.monotonic() - last < stall:
                    continue
                alive = _alive_nodes(ray, nodes)
                if alive < nodes:
                    raise WorkerError(
                        f"a Ray node was lost ({alive} of {nodes} alive) and its work could "
                        f"not move to the others in {stall:g} s; what was finished is kept: "
                        "run the command again (on the nodes left, or once the node is back)"
                    ) from None
                continue
            if not ok:
                raise item
            if item is end:
                return
            last = time.monotonic()
            yield item
    finally:
        stop.set()


#: An HTTP/2 client's first bytes (the preface, then an empty SETTINGS frame): a gRPC
#: server, as Ray's GCS is, answers with a SETTINGS frame of its own.
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def _probe(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds, with one line, when no Ray cluster listens at ``address``: Ray
    itself retries for minutes (measured: over 3 minutes, then still waiting), whether
    nothing listens there or another kind of server does (a dashboard's port, say)."""
    target = address.split("://", 1)[-1]
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto", or a form only Ray knows: leave it to Ray
    hint = (f"start one there with 'ray start --head --port {port}', or leave out "
            "--ray-address for a private local Ray")
    try:
        sock = socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError(f"no Ray cluster at {address} ({reason}); {hint}") from exc
    with sock:
        if os.environ.get("RAY_USE_TLS", "0") not in ("", "0"):
            return  # TLS first: the plain preface would go unanswered
        head = b""
        try:
            sock.sendall(_HTTP2_PREFACE)
            while len(head) < 9:
                chunk = sock.recv(9 - len(head))
                if not chunk:
                    break
                head += chunk
        except OSError:
            pass  # an answer that never came is judged below
    if len(head) < 9 or head[3] != 4:  # byte 3 of a frame header: its type, 4 = SETTINGS
        raise ConfigError(
            f"something listens at {address}, but not a Ray cluster (no gRPC answer); "
            "give the port 'ray start --head' printed (6379 unless --port said otherwise)"
        )


class RayEngine:
    name = "ray"

    def __init__(self, section: dict[str, Any]) -> None:
        self.address = str(section.get("address") or "")
        self.requested = int(section.get("workers", 0))
        if self.requested < 0:
            raise ConfigError(
                f"ray workers must be 0 (all CPUs but one) or more, got {self.requested}"
            )
        self.object_store_mb = int(section.get("object_store_mb", 512))
        self.chunk = max(1, int(section.get("task_chunk", 16)))
        self.stall_seconds = float(section.get("stall_seconds", 60))
        if self.stall_seconds <= 0:
            raise ConfigError(f"ray stall_seconds must be more than 0, got {self.stall_seconds}")
        self._ray: Any = None
        self._started_here = False
        self.workers = self.requested or 1
        self.startup_seconds = 0.0

    # --- connection -------------------------------------------------------------------

    def connect(self) -> Any:
        if self._ray is not None:
            return self._ray
        import time

        ray = _ray()
        # Nothing leaves the machine: no usage statistics, no dashboard.
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        started = time.perf_counter()
        if ray.is_initialized():
            pass  # a session the caller opened (tests share one)
        elif self.address:
            _probe(self.address)
            try:
                ray.init(address=self.address, logging_level=logging.ERROR,
                         log_to_driver=False, include_dashboard=False)
            except (ConnectionError, RuntimeError, ValueError, TimeoutError,
                    ray.exceptions.RayError) as exc:  # RayError: a token refused, say
                text = str(exc).strip()
                first = text.splitlines()[0] if text else type(exc).__name__
                raise ConfigError(f"cannot join the Ray cluster at {self.address}: {first}") from exc
        else:
            package_root = str(Path(__file__).resolve().parents[2])
            path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
            ray.init(
                num_cpus=(self.requested or os.cpu_count() or 1) + 1,
                include_dashboard=False,
                object_store_memory=self.object_store_mb * 2**20,
                logging_level=logging.ERROR,
                log_to_driver=False,
                runtime_env={"env_vars": {"PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0"}},
            )
            self._started_here = True
        self.startup_seconds = time.perf_counter() - started
        if not self.requested:
            # All the cluster's CPUs but one: an actor pool that claims every CPU can
            # starve the tasks that feed it.
            cpus = int(ray.cluster_resources().get("CPU", 2))
            self.workers = max(1, cpus - 1)
        # Ray Data logs every dataset's start and end at INFO: one run has several.
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ctx.verbose_stats_logs = False
        self._ray = ray
        return ray

    def close(self) -> None:
        if self._ray is not None and self._started_here:
            self._ray.shutdown()
        self._ray = None
        self._started_here = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- stages -----------------------------------------------------------------------

    def map(self, fn: Callable[[Any, Any], Any], items: list[Any], options: Any) -> Iterator[Any]:
        """Ray tasks over chunks of items; at most ``workers`` tasks in flight, so the
        worker count means the same for tasks as for actor pools."""
        if not items:
            return iter(())
        return self._map(fn, items, options)

    def _map(self, fn: Callable[[Any, Any], Any], items: list[Any], options: Any) -> Iterator[Any]:
        ray = self.connect()
        size = max(1, min(self.chunk, -(-len(items) // (self.workers * 2))))
        remote = ray.remote(num_cpus=1, max_retries=3)(_run_chunk)
        shared = ray.put(options)
        pending: deque[Any] = deque()
        parts = (items[i : i + size] for i in range(0, len(items), size))
        try:
            for part in parts:
                pending.append(remote.remote(fn, part, shared))
                if len(pending) >= self.workers:
                    yield from _checked(ray.get(pending.popleft()))
            while pending:
                yield from _checked(ray.get(pending.popleft()))
        except ray.exceptions.RayError as exc:
            raise _ray_failure(exc, self.address) from exc
        finally:
            for ref in pending:  # a failed run: the tasks still queued are not wanted
                with contextlib.suppress(Exception):
                    ray.cancel(ref)

    def map_batches(
        self, factory: Callable[[Any], Any], spec: Any, batches: list[list[Any]]
    ) -> Iterator[list[Any]]:
        """A Ray Data actor pool of ``workers`` actors, each with its own models."""
        if not batches:
            return iter(())
        return self._map_batches(factory, spec, batches)

    def _map_batches(
        self, factory: Callable[[Any], Any], spec: Any, batches: list[list[Any]]
    ) -> Iterator[list[Any]]:
        ray = self.connect()
        ds = ray.data.from_items(
            [{"k": k, "items": pickle.dumps(batch)} for k, batch in enumerate(batches)],
            override_num_blocks=min(len(batches), max(1, self.workers * 4)),
        )
        out = ds.map_batches(
            _StageActor,
            fn_constructor_kwargs={"factory": factory, "spec": spec},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(batches))),
            num_cpus=1,
            batch_format="numpy",
        )
        # Results come as they are done; they are handed on in input order.
        waiting: dict[int, bytes] = {}
        want = 0
        batches_out = out.iter_batches(batch_size=None, batch_format="numpy")
        try:
            for batch in _watched(batches_out, ray, self.stall_seconds):
                for k, blob in zip(batch["k"].tolist(), batch["out"], strict=True):
                    waiting[int(k)] = blob
                while want in waiting:
                    yield _checked(pickle.loads(waiting.pop(want)))
                    want += 1
        except ray.exceptions.RayError as exc:
            raise _ray_failure(exc, self.address) from exc
        if waiting or want != len(batches):
            raise RuntimeError(f"Ray returned {want} of {len(batches)} batches")

    def executor(self) -> Executor:
        return _RayExecutor(self)


class _RayExecutor:
    """The :class:`Executor` protocol over Ray tasks (extraction in ingest)."""

    def __init__(self, engine: RayEngine) -> None:
        self.engine = engine

    def map(self, fn: Callable[[Any, Any], Any], items: list[Any], options: Any) -> Iterator[Any]:
        return self.engine.map(fn, items, options)

    def close(self) -> None:
        pass  # the engine's owner closes it
