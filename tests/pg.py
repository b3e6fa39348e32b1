"""A throwaway PostgreSQL server for the store's tests (Debian's ``postgresql`` package), and a database per test.

``pg_server`` (session): ``initdb`` + ``pg_ctl start`` from ``/usr/lib/postgresql/<newest>/bin`` into a temporary
folder, on a free localhost port, trust authentication, durability off (a test server). PostgreSQL refuses to run as
root, so when the tests run as root the server commands run as the ``postgres`` user (``runuser``) and the data
folder is theirs. Skipped, saying why, only where the binaries (or, as root, the ``postgres`` user) are missing;
a server that is installed but fails to start fails the tests.

``pg_url``: a fresh database on that server per test (pytest-postgresql's ``DatabaseJanitor`` creates and drops it).
``db_engine``: a migrated engine, parametrized over ``sqlite`` and ``postgresql``, for the tests that must hold on
both (concurrent writers). Registered for every test folder by ``tests/conftest.py``.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
INSTALL_HINT = "apt-get install -y postgresql (scripts/install_system_deps.sh does it for `make test`)"
_counter = itertools.count()


@dataclass(frozen=True)
class PgServer:
    """Where the test server listens; ``user`` connects without a password from localhost."""

    host: str
    port: int
    user: str
    version: str

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"


def pg_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder with ``initdb`` and ``pg_ctl``, or ``None``."""
    found = [Path(p) for p in glob.glob(PG_BIN_GLOB)
             if (Path(p) / "pg_ctl").is_file() and (Path(p) / "initdb").is_file()]
    return max(found, key=lambda p: float(p.parent.name), default=None)


def _skip_reason() -> str | None:
    try:
        import psycopg  # noqa: F401
        import pytest_postgresql  # noqa: F401
    except ImportError as exc:
        return f"psycopg or pytest-postgresql is not installed ({exc}): pip install -r requirements-dev.txt"
    if pg_bin_dir() is None:
        return f"PostgreSQL server binaries not found under {PG_BIN_GLOB}: {INSTALL_HINT}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as: " + INSTALL_HINT
        if shutil.which("runuser") is None:
            return "running as root without runuser to run the server as the 'postgres' user"
    return None


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    import port_for

    return int(port_for.select_random())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the test session (see the module docstring)."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    bindir = pg_bin_dir()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="notelens-pg-"))
    data, sockets, log = root / "data", root / "run", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
        os.chown(sockets, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                        "-E", "UTF8", "--locale=C", "--no-sync"]),
                       check=True, capture_output=True, timeout=120, cwd=root)
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                                        "-w", "-t", "60", "start"]), check=True, capture_output=True, timeout=90,
                       cwd=root)
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL from {bindir} did not start: {exc.stderr.decode(errors='replace')}\n{server_log}")
    try:
        yield PgServer("127.0.0.1", port, "postgres", bindir.parent.name)
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, timeout=60, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """An empty database of its own on the session's server (created and dropped around the test)."""
    from pytest_postgresql.janitor import DatabaseJanitor

    from core.db.engine import dispose_engine

    dbname = f"notelens_{os.getpid()}_{next(_counter)}"
    janitor = DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=dbname)
    janitor.init()
    url = pg_server.url(dbname)
    try:
        yield url
    finally:
        dispose_engine(url)
        janitor.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path):
    """A migrated database on SQLite (a temp file) and then on PostgreSQL (the throwaway server)."""
    from core.db.engine import dispose_engine, init_db

    if request.param == "postgresql":
        yield init_db(request.getfixturevalue("pg_url"))
        return
    url = f"sqlite:///{tmp_path / 'any' / 'notelens.db'}"
    try:
        yield init_db(url)
    finally:
        dispose_engine(url)
