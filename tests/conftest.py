"""Shared fixtures. Tests never touch the network or download a model."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _pg_bindir() -> Path | None:
    """Debian's postgresql package puts initdb and pg_ctl in /usr/lib/postgresql/N/bin."""
    found = sorted(
        Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server of our own on 127.0.0.1 (random port), for the session: the
    URL of its maintenance database. Run as the unprivileged 'postgres' (or 'nobody')
    user when the tests run as root, since the server refuses to run as root."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL tests skipped: no server binary (initdb) under "
            "/usr/lib/postgresql/*/bin; install the Debian package 'postgresql'"
        )
    pytest.importorskip("psycopg", reason="PostgreSQL tests need: pip install 'rashomon[postgres]'")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="rashomon-pg-"))
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        as_user = ["runuser", "-u", user, "--"]
        shutil.chown(root, user)
    data, log = root / "data", root / "server.log"
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "rashomon", "-A", "trust",
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
        check=True, capture_output=True,
    )
    for attempt in range(3):
        port = _free_port()
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        started = subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
             "-t", "60", "-o", options, "start"],
            capture_output=True,
        )
        if started.returncode == 0:
            break
    else:
        pytest.fail(f"PostgreSQL did not start: {log.read_text(errors='replace')[-2000:]}")
    try:
        yield f"postgresql://rashomon@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh, empty database on ``server``: its URL. It sorts text by ICU's en-US rules
    where the server has ICU, so anything that relies on the server's own collation
    instead of byte order (as SQLite sorts) shows up as a failure."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        try:
            conn.execute(
                f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'en-US' TEMPLATE template0"
            )
        except psycopg.Error:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


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
