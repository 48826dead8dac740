"""The engine protocol, the local engine, and the factory that picks one by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from ..errors import ConfigError
from .local import Executor, SerialExecutor, make_executor

T = TypeVar("T")
R = TypeVar("R")

#: ``factory(spec)`` builds a worker (models loaded once); ``worker(batch)`` -> results.
WorkerFactory = Callable[[Any], Callable[[list[Any]], list[Any]]]

ENGINES = ("local", "ray")


class Engine(Protocol):
    """Runs stage functions; every method yields results in input order."""

    name: str

    def map(self, fn: Callable[[T, Any], R], items: list[T], options: Any) -> Iterator[R]:
        """``fn(item, options)`` for each item (``options`` is shipped once)."""
        ...

    def map_batches(
        self, factory: WorkerFactory, spec: Any, batches: list[list[Any]]
    ) -> Iterator[list[Any]]:
        """``worker(batch)`` for each batch, with one ``factory(spec)`` worker per process."""
        ...

    def executor(self) -> Executor:
        """An :class:`Executor` for stages written against that older protocol (ingest)."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """This process (and, for extraction, a local process pool): the default."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def map(self, fn: Callable[[T, Any], R], items: list[T], options: Any) -> Iterator[R]:
        return (fn(item, options) for item in items)

    def map_batches(
        self, factory: WorkerFactory, spec: Any, batches: list[list[Any]]
    ) -> Iterator[list[Any]]:
        worker = None
        for batch in batches:
            if worker is None:  # no model loaded when there is nothing to do
                worker = factory(spec)
            yield worker(batch)

    def executor(self) -> Executor:
        return SerialExecutor() if self.workers in (None, 1) else make_executor(self.workers)

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_engine(
    config: Any = None,
    *,
    engine: str | None = None,
    address: str | None = None,
    workers: int | None = None,
) -> Any:
    """The engine named by ``engine`` or else by the config's ``[execution]`` section.

    ``address`` and ``workers`` override the config's ``[ray]`` section. A Ray engine
    checks that Ray is installed here and connects on the first stage that needs it.
    """
    from ..config import load_config

    config = config or load_config()
    name = engine or str(config["execution"]["engine"])
    if name not in ENGINES:
        raise ConfigError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")
    if name == "local":
        if address:
            raise ConfigError("--ray-address needs --engine ray")
        return LocalEngine(workers)
    from .distributed import RayEngine, _ray

    _ray()  # not installed: say so now, not after the first stage's work
    section = dict(config["ray"])
    if address is not None:
        section["address"] = address
    if workers is not None:
        section["workers"] = workers
    return RayEngine(section)


def chunks(items: Iterable[T], size: int) -> list[list[T]]:
    out: list[list[T]] = []
    for item in items:
        if not out or len(out[-1]) >= size:
            out.append([])
        out[-1].append(item)
    return out


def store_address(store: Any) -> str:
    """What a worker passes to ``open_store`` to read the same store as the driver."""
    import os

    address = getattr(store, "url", None) or getattr(store, "path", None)
    if not address:
        raise ConfigError(f"a {type(store).__name__} cannot be shared with workers")
    address = str(address)
    if "://" not in address:
        # Workers do not run in the driver's directory: a relative path would miss.
        address = os.path.abspath(address)
    return address


def is_local(engine: Any) -> bool:
    return engine is None or getattr(engine, "name", "local") == "local"
