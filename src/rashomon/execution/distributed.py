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

import logging
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, MissingDependency
from .local import Executor

INSTALL_HINT = "pip install 'rashomon[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the per-article stages need it)
    except ImportError as exc:
        raise MissingDependency("Ray (engine 'ray')", INSTALL_HINT) from exc
    return ray


def _run_chunk(fn: Callable[[Any, Any], Any], chunk: list[Any], options: Any) -> list[Any]:
    return [fn(item, options) for item in chunk]


class _StageActor:
    """One Ray Data actor: builds its worker (loads its models) once, then serves batches."""

    def __init__(self, factory: Callable[[Any], Any], spec: Any) -> None:
        self.worker = factory(spec)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        outs = [pickle.dumps(self.worker(pickle.loads(blob))) for blob in batch["items"]]
        return {"k": np.asarray(batch["k"]), "out": np.array(outs, dtype=object)}


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
            try:
                ray.init(address=self.address, logging_level=logging.ERROR,
                         log_to_driver=False, include_dashboard=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"cannot join the Ray cluster at {self.address}: {exc}") from exc
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
        for part in parts:
            pending.append(remote.remote(fn, part, shared))
            if len(pending) >= self.workers:
                yield from ray.get(pending.popleft())
        while pending:
            yield from ray.get(pending.popleft())

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
        for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
            for k, blob in zip(batch["k"].tolist(), batch["out"], strict=True):
                waiting[int(k)] = blob
            while want in waiting:
                yield pickle.loads(waiting.pop(want))
                want += 1
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
