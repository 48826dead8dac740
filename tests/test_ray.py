"""The Ray engine gives exactly the local results, and an interrupted run resumes.

One Ray session (a private local cluster of three CPUs: two actors and the driver's
tasks) is shared by every test of this module: starting Ray costs seconds on two cores.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")

from conftest import EXAMPLE  # noqa: E402
from shared_example import analysis_content, assert_same_analysis  # noqa: E402

from rashomon.cli import main  # noqa: E402
from rashomon.config import load_config  # noqa: E402
from rashomon.execution.distributed import RayEngine  # noqa: E402
from rashomon.store import open_store  # noqa: E402


@pytest.fixture(scope="module")
def engine():
    if ray.is_initialized():
        pytest.skip("a Ray session is already open in this process")
    eng = RayEngine({"workers": 2, "object_store_mb": 256})
    eng.connect()
    yield eng
    eng.close()
    assert not ray.is_initialized()


def _analyze(corpus: Path, out: Path, *extra: str) -> dict[str, Any]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["analyze", str(corpus), "--out", str(out), "--json", *extra])
    assert code == 0, buffer.getvalue()
    return _result(out)


_result, _same = analysis_content, assert_same_analysis


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small generated corpus and its local analysis."""
    from bench.generate import generate

    root = tmp_path_factory.mktemp("generated")
    generate(root, 40, seed=11)
    return root / "corpus", _analyze(root / "corpus", root / "local", "--engine", "local")


def test_ray_example_corpus_same_as_local(engine: RayEngine, tmp_path: Path) -> None:
    from shared_example import example

    local = _result(example()[0])
    ray_out = tmp_path / "ray"
    _same(local, _analyze(EXAMPLE, ray_out, "--engine", "ray", "--workers", "2",
                          "--parquet", str(tmp_path / "pq")))
    assert ray.is_initialized()  # the CLI joined the session; it did not stop it
    assert {p.name for p in (tmp_path / "pq").iterdir()} >= {"articles", "cells", "stories"}


def test_ray_generated_corpus_same_as_local(engine: RayEngine, generated, tmp_path: Path) -> None:
    corpus, local = generated
    _same(local, _analyze(corpus, tmp_path / "ray", "--engine", "ray", "--workers", "2"))


def test_ray_interrupted_run_keeps_finished_work_and_resumes(
    engine: RayEngine, generated, tmp_path: Path
) -> None:
    from rashomon.annotate import annotate
    from rashomon.ingest import ingest

    corpus, local = generated
    db = tmp_path / "resume" / "rashomon.db"
    db.parent.mkdir()
    config = load_config().with_overrides({"ray": {"batch_articles": 5}})

    class Killed(Exception):
        pass

    def die_after_two(report: Any) -> None:
        if report.annotated >= 10:
            raise Killed  # the driver dies after two batches were committed

    with open_store(str(db)) as store:  # type: ignore[attr-defined]
        total = ingest([str(corpus)], store, config, engine=engine).articles_added
        with pytest.raises(Killed):
            annotate(store, config, engine=engine, progress=die_after_two)
        kept = total - len(store.ids_to_annotate(_signature(config)))
        assert 10 <= kept < total  # finished batches are stored, the rest is not
        again = annotate(store, config, engine=engine)
        assert again.annotated == total - kept and again.unchanged == kept
    # The rest of the pipeline on the resumed store: exactly the uninterrupted result.
    _same(local, _analyze(corpus, tmp_path / "resume", "--engine", "ray", "--db", str(db)))


def _signature(config: Any) -> str:
    from rashomon.annotate import Annotator

    return Annotator(config).signature


def test_ray_killed_worker_loses_nothing(engine: RayEngine, tmp_path: Path) -> None:
    class DiesOnce:
        """A worker whose process dies (as a killed worker does) on the batch holding 7,
        the first time it sees it. (Defined here: workers cannot import test modules, so
        Ray ships a local class by value.)"""

        def __init__(self, marker: str) -> None:
            self.marker = marker

        def __call__(self, batch: list[int]) -> list[int]:
            if 7 in batch and not os.path.exists(self.marker):
                Path(self.marker).write_text("died")
                os._exit(1)
            return [x * x for x in batch]

    marker = str(tmp_path / "died")
    batches = [[k, k + 1] for k in range(0, 20, 2)]
    out = list(engine.map_batches(DiesOnce, marker, batches))
    assert Path(marker).exists()  # a worker process did die
    assert out == [[x * x for x in b] for b in batches]


# -- failures on workers: what the local engine does, in one line -------------------------
#
# Stage functions and workers are defined inside the tests: Ray workers cannot import
# test modules, so Ray ships functions and classes defined there by value.


def test_ray_worker_raising_a_rashomon_error_raises_it_as_the_local_engine_does(
    engine: RayEngine,
) -> None:
    from rashomon.errors import ConfigError, MissingDependency, StoreError
    from rashomon.execution import LocalEngine

    def fails_on_three(x: int, options: str) -> int:
        if x == 3:
            raise ConfigError(f"{options} for item {x}")
        return x

    class Worker:
        def __init__(self, spec: str) -> None:
            if spec == "no model":
                raise MissingDependency("the model 'xx'", "pip install xx")
            self.spec = spec

        def __call__(self, batch: list[int]) -> list[int]:
            if 5 in batch:
                raise StoreError(f"store gone while reading {batch}")
            return batch

    for runner in (LocalEngine(), engine):
        with pytest.raises(ConfigError) as info:
            list(runner.map(fails_on_three, list(range(8)), "bad setting"))
        assert str(info.value) == "bad setting for item 3"  # itself, not Ray's dump
        with pytest.raises(StoreError) as info:
            list(runner.map_batches(Worker, "ok", [[1, 2], [5, 6], [7]]))
        assert str(info.value) == "store gone while reading [5, 6]"
        with pytest.raises(MissingDependency) as info:
            list(runner.map_batches(Worker, "no model", [[1, 2]]))
        assert info.value.install == "pip install xx" and "the model 'xx'" in str(info.value)
    assert list(engine.map(fails_on_three, [1, 2], "fine")) == [1, 2]  # the engine goes on


def test_ray_worker_bug_is_one_line_with_the_traceback_kept(engine: RayEngine) -> None:
    from rashomon.errors import WorkerError

    def buggy(x: int, options: None) -> int:
        return {}[f"key {x}\nsecond line"]

    class Buggy:
        def __init__(self, spec: None) -> None:
            pass

        def __call__(self, batch: list[int]) -> list[int]:
            raise ValueError("bad batch\nmore detail")

    with pytest.raises(WorkerError) as info:
        list(engine.map(buggy, [1], None))
    message = str(info.value)
    assert "\n" not in message and "buggy" in message and "KeyError" in message
    assert "Traceback" in info.value.remote_traceback
    with pytest.raises(WorkerError) as info:
        list(engine.map_batches(Buggy, None, [[1]]))
    assert str(info.value).endswith("ValueError: bad batch") and "Buggy" in str(info.value)


def test_ray_article_failing_in_annotation_is_a_skip_as_locally(
    engine: RayEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from shared_example import store_copy

    from rashomon.annotate import pipeline

    class Boom:
        """A component that fails on the one article about the observatory."""

        name, version, requires, assigns = "boom", "1", (), ()

        def __call__(self, doc: Any) -> None:
            if "observatory" in doc.text.lower():
                raise ValueError("cannot cope with this article")

    class FlakyAnnotator(pipeline.Annotator):  # the local engine's annotator
        def __init__(self, config: Any = None) -> None:
            super().__init__(config)
            self.components.append(Boom())

    class FlakyWorker:  # each Ray actor's worker
        def __init__(self, spec: Any) -> None:
            # Imported on the worker, where the module is not patched: the real one.
            from rashomon.annotate.pipeline import AnnotateWorker

            self.inner = AnnotateWorker(spec)
            self.inner.annotator.components.append(Boom())

        def __call__(self, ids: list[str]) -> Any:
            return self.inner(ids)

    skips, annotated = {}, {}
    for name, patch in (("local", ("Annotator", FlakyAnnotator)),
                        ("ray", ("AnnotateWorker", FlakyWorker))):
        db = store_copy(tmp_path / name)
        with monkeypatch.context() as m:
            m.setattr(pipeline, *patch)
            assert main(["annotate", "--db", str(db), "--force", "--engine", name]) == 0
        assert "1 skipped" in capsys.readouterr().out
        with open_store(str(db)) as store:  # type: ignore[attr-defined]
            skips[name] = [(s.path, s.reason, s.detail) for s in store.skips("annotate")]
            annotated[name] = {i: store.load_annotations(i) for i in store.article_ids()}
    assert skips["ray"] == skips["local"]
    assert len(skips["local"]) == 1 and skips["local"][0][1:] == (
        "could not annotate (ValueError in component 'boom')", "cannot cope with this article")
    assert annotated["ray"] == annotated["local"]


def test_ray_worker_failure_ends_analyze_with_one_line(
    engine: RayEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from rashomon.annotate import pipeline

    class LostStore:
        def __init__(self, spec: Any) -> None:
            pass

        def __call__(self, ids: list[str]) -> Any:
            from rashomon.errors import StoreError

            raise StoreError("lost the connection to the store")

    class Crashing:
        def __init__(self, spec: Any) -> None:
            pass

        def __call__(self, ids: list[str]) -> Any:
            raise RuntimeError("unexpected\nstate")

    for worker, expected in (
        (LostStore, "error: lost the connection to the store\n"),
        (Crashing, "error: Crashing failed on a Ray worker: RuntimeError: unexpected\n"),
    ):
        monkeypatch.setattr(pipeline, "AnnotateWorker", worker)
        out = tmp_path / worker.__name__
        assert main(["analyze", str(EXAMPLE), "--out", str(out), "--engine", "ray"]) == 1
        assert capsys.readouterr().err == expected
