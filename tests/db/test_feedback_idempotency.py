"""The same feedback act is stored once: repeated, concurrent, or retried after losing a race on the unique key."""

from __future__ import annotations

import importlib.util
import threading

import pytest

from core.audit import list_events
from core.db import store
from core.db.engine import MIGRATIONS_DIR
from core.db.store import count_rows, feedback_dedupe_key, list_feedback, record_feedback, record_prediction


def _fb(pid, engine, **kw):
    args = {"user_name": "Dr Who", "user_role": "clinician", "verdict": "correct"}
    args.update(kw)
    return record_feedback(pid, engine=engine, **args)


def _feedback_events(engine):
    return [e for e in list_events(100, engine=engine) if e.action == "feedback_written"]


def test_the_same_act_twice_is_one_row_with_one_audit_event(engine):
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    first = _fb(pid, engine, verdict="wrong", correction="orthopedics", comment="knee")
    again = _fb(pid, engine, verdict="wrong", correction="orthopedics", comment="  knee ")  # same once stripped
    assert again == first
    assert count_rows(engine=engine)["feedback"] == 1
    assert [e.target for e in _feedback_events(engine)] == [f"feedback:{first}"]


def test_role_and_note_text_are_not_part_of_the_act(engine):
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    first = _fb(pid, engine, user_role="clinician", note_text="the note")
    assert _fb(pid, engine, user_role="annotator", note_text=None) == first
    (row,) = list_feedback(engine=engine)
    assert (row.user_role, row.note_text) == ("clinician", "the note")  # the first row is left as it was


@pytest.mark.parametrize("change", [{"comment": "another"}, {"verdict": "wrong"}, {"correction": {"a": 1}},
                                    {"user_name": "Dr No"}, {"other_prediction": True}])
def test_a_different_act_is_a_new_row(engine, change):
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    first = _fb(pid, engine, comment="one")
    if change.pop("other_prediction", False):
        pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    second = _fb(pid, engine, **{"comment": "one", **change})
    assert second != first
    assert count_rows(engine=engine)["feedback"] == 2
    assert len(_feedback_events(engine)) == 2


def test_the_key_is_canonical():
    base = feedback_dedupe_key(1, "ann", "wrong", {"b": 1, "a": [1, 2]}, None)
    assert base == feedback_dedupe_key(1, " ann ", "wrong", {"a": [1, 2], "b": 1}, "  ")
    assert len(base) == 64 and int(base, 16) >= 0
    assert base != feedback_dedupe_key(1, "ann", "wrong", {"b": 1, "a": [2, 1]}, None)
    assert base != feedback_dedupe_key(2, "ann", "wrong", {"b": 1, "a": [1, 2]}, None)


def test_migration_0003_keys_rows_as_the_store_does():
    """Migration 0003 keeps a frozen copy of the key function; existing rows must be keyed the same way."""
    path = next((MIGRATIONS_DIR / "versions").glob("0003_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for args in [(1, "ann", "correct", None, None), (7, "Dr Who", "wrong", "orthopedics", " knee "),
                 (3, "bo", "partially_correct", {"kind": "missed", "text": "é"}, "ü")]:
        assert module._dedupe_key(*args) == feedback_dedupe_key(*args)


def test_eight_threads_sending_the_same_act_store_one_row(db_engine):
    engine = db_engine
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    barrier = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            ids.append(_fb(pid, engine, verdict="wrong", correction="orthopedics", comment="double click"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(ids) == 8 and len(set(ids)) == 1
    assert count_rows(engine=engine)["feedback"] == 1
    assert len(_feedback_events(engine)) == 1


def test_losing_the_race_on_the_unique_key_reads_back_the_stored_row(db_engine, monkeypatch):
    """Where the look-up misses a row another writer has just stored (no BEGIN IMMEDIATE elsewhere than SQLite),
    the insert fails on the unique key and the existing id is returned, with nothing written."""
    engine = db_engine
    pid = record_prediction("triage", "v1", "note", {"service": "x"}, engine=engine)
    first = _fb(pid, engine, comment="raced")
    real = store._feedback_id_by_key
    calls: list[str] = []

    def miss_first_lookup(session, key):
        calls.append(key)
        return None if len(calls) == 1 else real(session, key)

    monkeypatch.setattr(store, "_feedback_id_by_key", miss_first_lookup)
    assert _fb(pid, engine, comment="raced") == first
    assert len(calls) == 2  # the look-up, then the read-back after the IntegrityError
    assert count_rows(engine=engine)["feedback"] == 1
    assert len(_feedback_events(engine)) == 1
    # the session is still usable after the failed savepoint: a new act is stored normally
    assert _fb(pid, engine, comment="after the race") != first
    assert count_rows(engine=engine)["feedback"] == 2
