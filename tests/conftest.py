"""Shared fixtures. Tests never touch the network or download a model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import pgserver

from rashomon.config import load_config
from rashomon.store import SQLiteStore, Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
EXAMPLE = ROOT / "examples" / "corpus"
TRUTH = ROOT / "examples" / "truth.json"


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(str(tmp_path / "test.db"))
    yield s
    s.close()


@pytest.fixture
def config():
    return load_config()


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return SEEDS


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


# -- PostgreSQL: a throwaway server on loopback, one fresh database per test -----------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server of our own on 127.0.0.1 for the session (bench/pgserver.py):
    the URL of its maintenance database."""
    if pgserver.bindir() is None:
        pytest.skip(
            "PostgreSQL tests skipped: no server binary (initdb) under "
            "/usr/lib/postgresql/*/bin; install the Debian package 'postgresql'"
        )
    pytest.importorskip("psycopg", reason="PostgreSQL tests need: pip install 'rashomon[postgres]'")
    with pgserver.throwaway_server() as url:
        yield url


new_database, drop_database = pgserver.new_database, pgserver.drop_database


def cut_connections(url: str) -> None:
    """Terminate every other backend on ``url``'s database (as an administrator, or a
    server restart, would) and wait until they are gone."""
    import time

    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        others = ("SELECT pid FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [row[0] for row in admin.execute(others)]
        assert pids, "nothing connected to cut"
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 20
        while admin.execute(others).fetchall() and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = new_database(pg_server)
    yield url
    drop_database(pg_server, url)


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store for this test lives, once per backend: an SQLite file, then a fresh
    PostgreSQL database (skipped, with the reason, where no server binary exists)."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_store(store_url: str) -> Iterator[Store]:
    """An empty store of each backend."""
    s = open_store(store_url)
    yield s
    s.close()
