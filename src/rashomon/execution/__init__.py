"""Where stage functions run: in this process, in a local process pool, or on Ray.

Stage code is engine-agnostic. A stage hands an :class:`Engine` either

* a pure function ``fn(item, options) -> result`` (:meth:`Engine.map`: extraction,
  story-clustering blocks, per-story comparison), or
* a *worker factory* ``factory(spec) -> worker`` whose worker loads its models once and
  turns a batch of article ids into results (:meth:`Engine.map_batches`: annotation,
  features and embeddings).

The local engine runs them here (or in a process pool); the Ray engine runs the first
as Ray tasks and the second as a Ray Data actor pool, one model per actor. Results
come back in input order either way, so the stores they are written to end up the same.
"""

from __future__ import annotations

from .engine import Engine, LocalEngine, make_engine
from .local import Executor, PoolExecutor, SerialExecutor, batched, make_executor

__all__ = [
    "Engine",
    "Executor",
    "LocalEngine",
    "PoolExecutor",
    "SerialExecutor",
    "batched",
    "make_engine",
    "make_executor",
]
