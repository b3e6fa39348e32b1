"""Engine caching, SQLite pragmas on every connection, BEGIN IMMEDIATE for writes, settings."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text

from core.config import Settings, get_settings
from core.db.engine import (
    BUSY_TIMEOUT_S,
    dispose_engine,
    get_engine,
    init_db,
    session_scope,
    write_connection,
    write_session,
)
from core.db.models import Prediction
from core.db.store import count_rows, record_prediction


def test_one_engine_per_url(db_url, tmp_path):
    assert get_engine(db_url) is get_engine(db_url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    try:
        assert get_engine(other) is not get_engine(db_url)
    finally:
        dispose_engine(other)


def test_parent_folder_created(db_url, db_path):
    assert not db_path.parent.exists()
    get_engine(db_url)
    assert db_path.parent.is_dir()


def test_pragmas_on_every_connection(engine):
    # Hold several connections at once so the pool must open distinct DBAPI connections.
    conns = [engine.connect() for _ in range(4)]
    try:
        raw_ids = {id(c.connection.dbapi_connection) for c in conns}
        assert len(raw_ids) == 4
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(BUSY_TIMEOUT_S * 1000)
    finally:
        for conn in conns:
            conn.close()


def _capture_begins(engine):
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        if statement.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement.upper())

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def test_writes_use_begin_immediate_reads_do_not(engine):
    seen, stop = _capture_begins(engine)
    try:
        record_prediction("triage", "v1", "some note", {"label": "x"}, engine=engine)
        assert seen == ["BEGIN IMMEDIATE"]
        seen.clear()
        with session_scope(engine) as session:
            session.get(Prediction, 1)
        assert seen == ["BEGIN DEFERRED"]
        seen.clear()
        with write_connection(engine) as conn:
            conn.execute(text("SELECT 1"))
        assert seen == ["BEGIN IMMEDIATE"]
    finally:
        stop()


def test_begin_immediate_takes_the_write_lock(engine, db_path):
    """While a write session is open, another writer cannot start (it would wait)."""
    with write_session(engine) as session:
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # ...but readers are not blocked (WAL).
            assert other.execute("SELECT count(*) FROM predictions").fetchone() == (0,)
        finally:
            other.close()


def test_write_session_rolls_back_on_error(engine):
    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(Prediction(task="t", model_version="v", input_hash="0" * 64, output={}))
        session.flush()
        raise RuntimeError("boom")
    assert count_rows(engine=engine)["predictions"] == 0


def test_env_override_respected(tmp_path, monkeypatch):
    db = tmp_path / "env" / "from_env.db"
    url = f"sqlite:///{db}"
    monkeypatch.setenv("NOTELENS_DB_URL", url)
    get_settings.cache_clear()
    assert get_settings().database_url == url
    try:
        engine = init_db()
        assert engine is get_engine(url)
        assert str(engine.url) == url
        assert db.is_file()
        record_prediction("triage", "v1", "n", {"a": 1})  # default engine = settings' database
        assert count_rows(engine=get_engine(url))["predictions"] == 1
    finally:
        dispose_engine(url)


def test_settings_built_directly(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'notelens.db'}"
    try:
        init_db(settings.database_url)
        assert (tmp_path / "data" / "notelens.db").is_file()
    finally:
        dispose_engine(settings.database_url)


def test_in_memory_database_works_across_calls():
    url = "sqlite://"
    try:
        engine = init_db(url)
        record_prediction("triage", "v1", "n", {"a": 1}, engine=engine)
        assert count_rows(engine=engine)["predictions"] == 1
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        dispose_engine(url)
