"""PostgreSQL as the store (``NOTELENS_DB_URL=postgresql+psycopg://...``), on a throwaway server (tests/pg.py):
the migrations from an empty database, write transactions that take turns, and several processes writing at once.

The concurrency tests shared with SQLite (feedback, the review queue, the audit chain, idempotency) run on both
databases through the ``db_engine`` fixture in their own files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from core.audit import verify
from core.db.engine import (
    PG_WRITE_LOCK_KEY,
    alembic_config,
    current_revision,
    head_revision,
    init_db,
    session_scope,
    write_session,
)
from core.db.models import Base, Feedback
from core.db.store import count_rows, record_prediction

REPO_ROOT = Path(__file__).resolve().parents[2]


def _diff(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)


def test_upgrade_head_from_an_empty_database_matches_the_models(pg_url):
    engine = init_db(pg_url)
    assert engine.dialect.name == "postgresql"
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    assert _diff(engine) == []


def test_downgrade_to_base_and_upgrade_again(pg_url):
    engine = init_db(pg_url)
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    assert pid == 1
    cfg = alembic_config(pg_url)
    cfg.attributes["configure_logger"] = False
    command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    init_db(pg_url, force=True)
    assert _diff(engine) == [] and current_revision(engine) == head_revision()


def _advisory_locks_held(conn) -> int:
    key = PG_WRITE_LOCK_KEY
    return conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                             "AND pid = pg_backend_pid() AND classid = :hi AND objid = :lo"),
                        {"hi": key >> 32, "lo": key & 0xFFFFFFFF}).scalar_one()


def test_write_transactions_hold_the_advisory_lock_and_take_turns_while_reads_go_on(pg_url):
    engine = init_db(pg_url)
    with session_scope(engine) as s:
        assert _advisory_locks_held(s.connection()) == 0  # a read takes no lock
    holding, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with write_session(engine) as s:
            assert _advisory_locks_held(s.connection()) == 1
            holding.set()
            release.wait(timeout=30)
            order.append("first committed")

    def second() -> None:
        holding.wait(timeout=30)
        with write_session(engine) as s:
            s.connection()  # begins the transaction: waits here for the lock
            order.append("second began")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    holding.wait(timeout=30)
    time.sleep(0.5)
    with session_scope(engine) as s:  # readers are not blocked by a writer
        assert s.scalar(select(Feedback.id).limit(1)) is None
    assert order == []  # the second writer is still waiting
    release.set()
    for t in threads:
        t.join(timeout=60)
    assert order == ["first committed", "second began"]
    with engine.connect() as conn:
        assert _advisory_locks_held(conn) == 0  # released at commit


_WRITER = """
import sys
from core.audit import record
from core.db.engine import init_db
from core.db.store import record_feedback, record_prediction
engine = init_db(sys.argv[1])
pid = record_prediction("triage", "v1", "note " + sys.argv[2], {"service": "x"}, engine=engine)
for j in range(int(sys.argv[3])):
    record_feedback(pid, user_name="user" + sys.argv[2], user_role="annotator", verdict="correct",
                    comment=str(j), engine=engine)
    record("user" + sys.argv[2], "note_text_viewed", f"feedback:{j}", engine=engine)
"""


def test_several_processes_migrating_and_writing_at_once_lose_nothing_and_keep_one_chain(pg_url):
    """Three processes start on an empty database together: one migrates, the others wait and find it at head;
    then each writes feedback (with its audit event) and more audit events, interleaved."""
    procs, per_proc = 3, 30
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    running = [subprocess.Popen([sys.executable, "-c", _WRITER, pg_url, str(i), str(per_proc)], cwd=REPO_ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i in range(procs)]
    for p in running:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    engine = init_db(pg_url)
    assert count_rows(engine=engine) == {"predictions": procs, "feedback": procs * per_proc}
    assert verify(engine=engine).as_dict() == {"ok": True, "rows": 2 * procs * per_proc}
