"""Re-running adds nothing; a run killed with SIGKILL is completed by a re-run (on every
store backend: see conftest's ``store_url``)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import write

from rashomon.errors import RashomonError
from rashomon.ingest import ingest
from rashomon.store import open_store

WORDS = ("river council harbour minister budget storm election court strike border bridge "
         "school hospital police rail market festival museum factory airport").split()


def _make_corpus(root: Path, files: int, records: int) -> int:
    rng = random.Random(7)
    for i in range(files):
        words = " ".join(rng.choice(WORDS) for _ in range(30))
        write(root / f"outlet{i % 4}" / f"a{i:05d}.txt",
              f"Report number {i} says the {words} story continues today.")
    lines = [json.dumps({"title": f"Record {j}", "text": f"Record {j} of the export: "
                         + " ".join(rng.choice(WORDS) for _ in range(25))})
             for j in range(records)]
    write(root / "export" / "big.jsonl", "\n".join(lines))
    return files + records


def _ids(db: Path | str) -> list[str]:
    if "://" in str(db):
        with open_store(str(db), create=False) as store:  # type: ignore[attr-defined]
            return store.article_ids()
    # A plain connection: opening the store while the writer creates it would migrate it too.
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    finally:
        conn.close()


def test_resume_reingest_adds_nothing(tmp_path: Path, any_store) -> None:
    store = any_store
    total = _make_corpus(tmp_path / "in", 30, 20)
    first = ingest([str(tmp_path / "in")], store)
    assert first.articles_added == total
    again = ingest([str(tmp_path / "in")], store)
    assert (again.articles_added, again.unchanged_files) == (0, again.files)
    # Even when every file is re-read (the inputs table lost), ids collide and nothing doubles.
    with store.transaction():
        store.conn.execute("DELETE FROM inputs")
    third = ingest([str(tmp_path / "in")], store)
    assert (third.articles_added, third.articles_existing) == (0, total)
    assert store.count_articles() == total


def test_resume_after_kill_9_completes_with_nothing_lost_or_doubled(
    tmp_path: Path, store_url: str
) -> None:
    total = _make_corpus(tmp_path / "in", 1500, 600)
    config = write(tmp_path / "small-batches.toml", "[ingest]\nbatch_size = 10\n")
    db = store_url
    cmd = [sys.executable, "-m", "rashomon", "--config", str(config), "-q", "ingest",
           str(tmp_path / "in"), "--db", str(db), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            seen = len(_ids(db)) if "://" in db or Path(db).exists() else 0
        except (RashomonError, sqlite3.OperationalError):
            seen = 0  # not created, or not migrated, yet
        if seen >= 100:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "ingestion finished before it could be killed; make the corpus bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _ids(db)
    assert 0 < len(partial) < total

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    ids = _ids(db)
    assert len(ids) == len(set(ids)) == total
    assert set(partial) <= set(ids)

    clean = open_store(str(tmp_path / "clean.db"))
    ingest([str(tmp_path / "in")], clean)
    clean.close()
    assert _ids(tmp_path / "clean.db") == ids
    with open_store(db) as store:  # type: ignore[attr-defined]
        assert store.conn.execute("SELECT count(*) FROM inputs").fetchone()[0] == 1501
    if "://" not in db:
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_resume_inputs_count_files_whose_records_span_batches(tmp_path: Path, any_store) -> None:
    store = any_store
    from rashomon.config import load_config

    rows = [json.dumps({"text": f"Record {j} says " + " ".join(WORDS[(j + k) % len(WORDS)]
                                                                for k in range(12))})
            for j in range(25)]
    rows[20] = "{broken json"
    write(tmp_path / "in" / "big.jsonl", "\n".join(rows))
    config = load_config().with_overrides({"ingest": {"batch_size": 10}})
    ingest([str(tmp_path / "in")], store, config)
    # The file had a skip: it is not marked done, so the next run reads it again.
    assert store.conn.execute("SELECT count(*) FROM inputs").fetchone()[0] == 0
    again = ingest([str(tmp_path / "in")], store, config)
    assert (again.unchanged_files, again.articles_existing) == (0, 24)
