"""One SQLAlchemy engine per (process, URL), SQLite set up for concurrent use, and migrations.

SQLite settings (applied to every new DBAPI connection in a ``connect`` listener):

- ``PRAGMA busy_timeout`` (30 s): wait for a lock instead of failing at once;
- ``PRAGMA journal_mode=WAL`` (file databases): readers never block the writer;
- ``PRAGMA foreign_keys=ON``: SQLite enforces foreign keys only when asked, per connection;
- ``PRAGMA synchronous=NORMAL``: the usual, durable-enough setting with WAL.

Transactions: the sqlite3 driver's own transaction handling is switched off
(``isolation_level = None``, which works on every Python version; the ``autocommit`` attribute
only exists from Python 3.12) and SQLAlchemy emits ``BEGIN`` itself in a ``begin`` listener.
Reads use a plain (deferred) ``BEGIN``; writes made through :func:`write_session` /
:func:`write_connection` use ``BEGIN IMMEDIATE``, which takes the write lock up front, so a
read-then-write in one of them can neither lose an update nor fail half-way with
"database is locked" (it waits up to ``busy_timeout`` instead).

PostgreSQL (``postgresql+psycopg://``, for deployments with many users): none of the above applies; the same
write transactions instead start by taking a transaction-level advisory lock (``pg_advisory_xact_lock``, one key
per database, released at commit or rollback). So the read-then-write code written once for SQLite (the review
queue handing out the next item, the audit chain reading its last hash, feedback idempotency) stays correct with
one code path: writers take turns as under ``BEGIN IMMEDIATE``, readers are never blocked (MVCC), and under
READ COMMITTED each statement after the lock sees every earlier writer's commit.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from core.config import get_settings

#: Seconds a SQLite connection waits for a lock before failing.
BUSY_TIMEOUT_S = 30.0

_REPO_ROOT = Path(__file__).resolve().parent.parent.parent
ALEMBIC_INI = _REPO_ROOT / "alembic.ini"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_BEGIN_OPTION = "notelens_sqlite_begin"
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
#: The advisory lock key PostgreSQL write transactions take (any fixed bigint; "NoteLens" in ASCII).
PG_WRITE_LOCK_KEY = 0x4E6F74654C656E73

_lock = threading.RLock()
_engines: dict[tuple[int, str], Engine] = {}
_immediate: dict[int, tuple[Engine, Engine]] = {}  # id(engine) -> (engine, its IMMEDIATE view)
_initialized: set[tuple[int, str]] = set()


def _resolve_url(url: str | None) -> str:
    return url or get_settings().database_url


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _sqlite_is_memory(database: str | None, query: dict[str, Any]) -> bool:
    if not database or database == ":memory:":
        return True
    return database.startswith("file:") and "memory" in str(query.get("mode", ""))


def _enable_wal(cursor: Any, timeout_s: float = BUSY_TIMEOUT_S) -> None:
    """Switch the database file to WAL (a persistent setting: a no-op once any connection has done it).

    Changing the journal mode needs an exclusive lock, and SQLite can answer "database is locked" at once,
    without waiting on ``busy_timeout``, when several processes open a new database together; so retry,
    with backoff, until the file is in WAL mode or ``timeout_s`` has passed.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _create_postgresql_engine(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    memory = _sqlite_is_memory(parsed.database, dict(parsed.query))
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S}}
    if memory:
        # One shared connection, so every thread sees the same in-memory database
        # (no concurrency: fine for quick experiments, use a file for real work).
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        database = parsed.database or ""
        if not database.startswith("file:"):
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        kwargs.update(pool_size=10, max_overflow=20, pool_timeout=BUSY_TIMEOUT_S)

    engine = create_engine(url, **kwargs)
    busy_ms = int(BUSY_TIMEOUT_S * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 driver, emit BEGIN (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            if not memory:
                _enable_wal(cursor)
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = str(conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _create_postgresql_engine(url: str) -> Engine:
    """A PostgreSQL engine whose write transactions (see :func:`immediate_engine`) take the advisory write lock."""
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=BUSY_TIMEOUT_S)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = str(conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown BEGIN mode {mode!r}")
        if mode != "DEFERRED":
            # The driver opens the transaction with this statement; the lock lasts until commit or rollback.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK_KEY})")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: ``get_settings().database_url``).

    One engine is created per (process id, URL) and reused; a forked child gets its own.
    For a SQLite file, the parent folder is created.
    """
    url = _resolve_url(url)
    key = (os.getpid(), url)
    engine = _engines.get(key)
    if engine is not None:
        return engine
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _create_engine(url)
            _engines[key] = engine
        return engine


def immediate_engine(engine: Engine | None = None) -> Engine:
    """A view of ``engine`` (same pool) whose transactions are write transactions, serialised with each other.

    SQLite: they start with ``BEGIN IMMEDIATE``. PostgreSQL: they first take the advisory write lock. Other
    databases: an ordinary engine.
    """
    engine = engine if engine is not None else get_engine()
    found = _immediate.get(id(engine))
    if found is not None and found[0] is engine:
        return found[1]
    with _lock:
        view = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        # Holding ``engine`` in the value keeps its id from being reused while cached.
        _immediate[id(engine)] = (engine, view)
        return view


def dispose_engine(url: str | None = None) -> None:
    """Close the pooled connections of this process's engine for ``url`` and forget it."""
    url = _resolve_url(url)
    key = (os.getpid(), url)
    with _lock:
        engine = _engines.pop(key, None)
        _initialized.discard(key)
        if engine is not None:
            _immediate.pop(id(engine), None)
            engine.dispose()


@contextmanager
def session_scope(engine: Engine | None = None, *, immediate: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception.

    Args:
        engine: the engine to use (default: :func:`get_engine`).
        immediate: a write transaction (``BEGIN IMMEDIATE`` on SQLite, the advisory write lock on PostgreSQL).

    Objects are not expired on commit, so they can be read after the block.
    """
    engine = engine if engine is not None else get_engine()
    bind = immediate_engine(engine) if immediate else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for writes (``BEGIN IMMEDIATE``; PostgreSQL: the advisory write lock), commit or rollback."""
    with session_scope(engine, immediate=True) as session:
        yield session


@contextmanager
def write_connection(engine: Engine | None = None) -> Iterator[Connection]:
    """A Core connection in a write transaction (``BEGIN IMMEDIATE`` or the advisory lock; commit on success)."""
    with immediate_engine(engine).begin() as conn:
        yield conn


def alembic_config(url: str | None = None) -> Any:
    """An Alembic ``Config`` with absolute paths (usable from any working directory).

    Args:
        url: database URL (default: the settings' URL).
    """
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.is_file() else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser interpolates "%": escape it (URL-encoded passwords contain it).
    cfg.set_main_option("sqlalchemy.url", _resolve_url(url).replace("%", "%%"))
    return cfg


def init_db(url: str | None = None, *, force: bool = False) -> Engine:
    """Bring the database at ``url`` to the latest migration (``alembic upgrade head``).

    Safe to call from several threads (a process lock) and several processes at once (the whole
    upgrade runs in one write transaction, ``BEGIN IMMEDIATE`` on SQLite, the advisory write lock on
    PostgreSQL, whose DDL is transactional too, so a second process waits, then finds the schema at
    head and does nothing). After the first success in this
    process the call returns at once unless ``force`` is true.

    Returns:
        The process-wide engine for ``url``.
    """
    from alembic import command

    url = _resolve_url(url)
    engine = get_engine(url)
    key = (os.getpid(), url)
    if key in _initialized and not force:
        return engine
    with _lock:
        if key in _initialized and not force:
            return engine
        cfg = alembic_config(url)
        cfg.attributes["configure_logger"] = False
        with write_connection(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        _initialized.add(key)
    return engine


def current_revision(engine: Engine | None = None) -> str | None:
    """The Alembic revision the database is at (``None`` before any migration)."""
    from alembic.runtime.migration import MigrationContext

    engine = engine if engine is not None else get_engine()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The latest revision among the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
