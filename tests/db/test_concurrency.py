"""Many threads writing at once: nothing lost, no 'database is locked' errors, on SQLite and on PostgreSQL
(``db_engine``: tests/pg.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import text

from core.db.store import atomic, count_rows, list_feedback, record_feedback, record_prediction

THREADS = 8
PER_THREAD = 100


def _run_threads(target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def wrapper(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_feedback_writes_lose_nothing(db_engine):
    engine = db_engine
    pid = record_prediction("triage", "v1", "note", {"label": "x"}, engine=engine)

    def write(i: int) -> None:
        for j in range(PER_THREAD):
            record_feedback(
                pid, user_name=f"user{i}", user_role="annotator", verdict="correct",
                comment=f"{i}-{j}", engine=engine,
            )

    assert _run_threads(write) == []
    assert count_rows(engine=engine)["feedback"] == THREADS * PER_THREAD
    comments = {r.comment for r in list_feedback(limit=10_000, engine=engine)}
    assert comments == {f"{i}-{j}" for i in range(THREADS) for j in range(PER_THREAD)}


def test_read_then_write_counter_is_exact(db_engine):
    engine = db_engine
    """8 threads x 100 read-modify-write increments of one row end at exactly 800."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE test_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO test_counter (id, value) VALUES (1, 0)"))

    def increment(session) -> int:
        value = session.execute(text("SELECT value FROM test_counter WHERE id = 1")).scalar_one()
        session.execute(text("UPDATE test_counter SET value = :v WHERE id = 1"), {"v": value + 1})
        return value + 1

    def work(_: int) -> None:
        for _ in range(PER_THREAD):
            atomic(increment, engine=engine)

    assert _run_threads(work) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM test_counter")).scalar_one() == THREADS * PER_THREAD
