"""The Ray engine gives exactly the local results, and an interrupted run resumes.

One Ray session (a private local cluster of three CPUs: two actors and the driver's
tasks) is shared by every test of this module: starting Ray costs seconds on two cores.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rashomon[ray]')")

from conftest import EXAMPLE  # noqa: E402

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


def _result(out: Path) -> dict[str, Any]:
    data = json.loads((out / "analysis.json").read_text("utf-8"))
    data.pop("seconds")  # timing, the only field allowed to differ
    return data


def _same(local: dict[str, Any], distributed: dict[str, Any]) -> None:
    assert local.keys() == distributed.keys()
    for key in local:  # one key at a time, so a failure names the part that differs
        assert distributed[key] == local[key], key
    assert local["stories"] and local["entities"] and local["comparisons"]


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
