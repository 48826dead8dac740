"""A throwaway PostgreSQL server on loopback, from the Debian ``postgresql`` package's
binaries, for the tests (tests/conftest.py) and the store benchmark.

Runs as the unprivileged ``postgres`` (or ``nobody``) user when started as root, since the
server refuses to run as root; its data directory is a fresh temporary directory that
user owns. Trust authentication, 127.0.0.1 only, a random free port, no Unix socket.
"""

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
from contextlib import contextmanager
from pathlib import Path


def bindir() -> Path | None:
    """Debian's postgresql package puts initdb and pg_ctl in /usr/lib/postgresql/N/bin."""
    found = sorted(Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_server(durable: bool = False) -> Iterator[str]:
    """Start a server, yield the URL of its maintenance database, stop and delete it.
    ``durable``: keep fsync and synchronous commit on (benchmarks), else off (tests)."""
    bin_ = bindir()
    if bin_ is None:
        raise FileNotFoundError(
            "no initdb under /usr/lib/postgresql/*/bin (install the Debian package 'postgresql')"
        )
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
    try:
        subprocess.run(
            [*as_user, str(bin_ / "initdb"), "-D", str(data), "-U", "rashomon", "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            check=True, capture_output=True,
        )
        fast = "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for _ in range(3):  # the free port may be taken between the probe and the start
            port = _free_port()
            options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''{fast}"
            started = subprocess.run(
                [*as_user, str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                 "-t", "60", "-o", options, "start"],
                capture_output=True,
            )
            if started.returncode == 0:
                break
        else:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{tail}")
        try:
            yield f"postgresql://rashomon@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*as_user, str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: str, icu: str | None = "en-US") -> str:
    """A fresh, empty database on ``server``: its URL. With ``icu``, it sorts text by that
    ICU locale where the server has ICU, so anything that relies on the server's own
    collation instead of byte order (as SQLite sorts) shows up."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        try:
            if not icu:
                raise psycopg.errors.FeatureNotSupported("no ICU asked for")
            conn.execute(
                f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE '{icu}' TEMPLATE template0"
            )
        except psycopg.Error:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
