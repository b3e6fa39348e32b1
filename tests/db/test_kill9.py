"""``kill -9`` of a process while it writes feedback: the database stays whole and keeps every acknowledged row.

A child process writes predictions and feedback through :mod:`core.db.store` (the code the server uses), from two
threads, and prints each feedback id only after ``record_feedback`` has returned (the acknowledgement a user sees).
The test kills it with SIGKILL at a random moment, several rounds on the same file, then checks SQLite's
``PRAGMA integrity_check``, that every acknowledged id is stored with its user, and that the audit chain verifies
with one ``feedback_written`` event per feedback row (row and event are one transaction).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.db.engine import dispose_engine, init_db

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4

WRITER = """
import sys, threading
from core.db.engine import init_db
from core.db.store import record_feedback, record_prediction

init_db()
out = threading.Lock()
tag = sys.argv[1]


def write(worker):
    for i in range(1_000_000):
        user = f"k9-{tag}-{worker}"
        pid = record_prediction("triage", "v-kill9", f"note {tag} {worker} {i}", {"service": "orthopedics"})
        fid = record_feedback(pid, user_name=user, user_role="clinician", verdict="correct",
                              comment=f"{tag}-{worker}-{i}", note_text=f"note {tag} {worker} {i}")
        with out:
            sys.stdout.write(f"{fid} {pid} {user}\\n")
            sys.stdout.flush()


with out:
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def _kill_while_writing(url: str, tag: str, delay_s: float) -> list[tuple[int, int, str]]:
    """Start a writer, SIGKILL it ``delay_s`` after it is ready; the (feedback id, prediction id, user) it acked."""
    env = {**os.environ, "NOTELENS_DB_URL": url}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, tag], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:  # a line counts only once its newline arrived: the child wrote it whole
            if line == "ready\n":
                ready.set()
            elif line.endswith("\n"):
                lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(120), proc.stderr.read() if proc.poll() is not None else "writer not ready"
        time.sleep(delay_s)
        assert proc.poll() is None, proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)
    acked = []
    for line in lines:
        fid, pid, user = line.split()
        acked.append((int(fid), int(pid), user))
    return acked


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_while_writing_feedback_loses_no_acknowledged_row(tmp_path):
    from core.audit import verify

    db = tmp_path / "kill9.db"
    url = f"sqlite:///{db}"
    init_db(url)  # the schema exists before the first writer starts (the server migrates at start-up too)
    dispose_engine(url)
    rng = random.Random(9)
    acked: list[tuple[int, int, str]] = []
    for rnd in range(ROUNDS):
        got = _kill_while_writing(url, f"r{rnd}", rng.uniform(0.3, 2.0))
        assert got, f"round {rnd}: the writer acknowledged nothing before it was killed"
        acked += got

        con = sqlite3.connect(db)  # a fresh connection recovers the WAL the killed process left behind
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            stored = {fid: (pid, user) for fid, pid, user in
                      con.execute("SELECT id, prediction_id, user_name FROM feedback")}
            events = con.execute("SELECT count(*) FROM audit_events WHERE action = 'feedback_written'").fetchone()[0]
        finally:
            con.close()
        missing = [a for a in acked if stored.get(a[0]) != (a[1], a[2])]
        assert missing == [], f"round {rnd}: {len(missing)} acknowledged rows missing or changed: {missing[:5]}"
        # Stored but never acknowledged: at most the rows whose ack a kill cut off (one per writer thread a round).
        assert 0 <= len(stored) - len(acked) <= 2 * (rnd + 1)
        assert events == len(stored), "a feedback row without its audit event (or the reverse)"

    engine = init_db(url)  # the app starts again on the same file: migrations see it at head
    try:
        result = verify(engine=engine)
        assert result.ok, f"audit chain broken at event {result.first_broken_id}"
        assert result.rows >= len(acked)
    finally:
        dispose_engine(url)
    print(f"kill -9: {ROUNDS} rounds, {len(acked)} acknowledged rows, all found; {len(stored)} stored")
