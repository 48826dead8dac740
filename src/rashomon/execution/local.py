"""Where per-item stage functions run: in this process or in a local process pool.

Stage functions are pure and picklable (``fn(item, options) -> result``), so the same
function runs under any executor; a distributed engine is another implementation of
:class:`Executor`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from ..errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

_FN: Callable[[Any, Any], Any] | None = None
_OPTIONS: Any = None


class Executor(Protocol):
    def map(self, fn: Callable[[T, Any], R], items: list[T], options: Any) -> Iterator[R]: ...
    def close(self) -> None: ...


class SerialExecutor:
    """Runs everything in this process: the trivial executor tests use."""

    def map(self, fn: Callable[[T, Any], R], items: list[T], options: Any) -> Iterator[R]:
        return (fn(item, options) for item in items)

    def close(self) -> None:
        pass


def _init(fn: Callable[[Any, Any], Any], options: Any) -> None:
    global _FN, _OPTIONS
    _FN, _OPTIONS = fn, options


def _call(item: Any) -> Any:
    assert _FN is not None
    return _FN(item, _OPTIONS)


class PoolExecutor:
    """A process pool, started on first use; options are sent once per worker."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Any = None
        self._key: tuple[int, int] | None = None

    def map(self, fn: Callable[[T, Any], R], items: list[T], options: Any) -> Iterator[R]:
        key = (id(fn), id(options))
        if self._pool is None or self._key != key:
            self.close()
            # fork shares the parent's loaded modules; workers load models once each.
            ctx = multiprocessing.get_context("fork")
            self._pool = ctx.Pool(self.workers, initializer=_init, initargs=(fn, options))
            self._key = key
        chunk = max(1, len(items) // (self.workers * 4))
        return self._pool.imap(_call, items, chunksize=chunk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def make_executor(workers: int) -> Executor:
    """``workers`` 1 runs in-process; 0 means one worker per CPU."""
    if workers < 0:
        raise ConfigError(f"workers must be 0 (one per CPU) or more, got {workers}")
    n = workers or os.cpu_count() or 1
    return SerialExecutor() if n == 1 else PoolExecutor(n)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
