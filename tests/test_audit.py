"""The audit trail: a verifiable hash chain that finds the first edited or deleted row, stays linear under
concurrent writers, and holds no note text."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from core.audit import GENESIS, list_events, record, verify
from core.config import get_settings
from core.db.audit import chain_hash
from core.db.engine import dispose_engine, init_db
from core.db.store import record_feedback, record_prediction


@pytest.fixture
def engine(tmp_path, monkeypatch):
    """A migrated temporary database, also the settings' default (what callers without an engine use)."""
    url = f"sqlite:///{tmp_path / 'notelens.db'}"
    monkeypatch.setenv("NOTELENS_DB_URL", url)
    get_settings.cache_clear()
    yield init_db(url)
    dispose_engine(url)
    get_settings.cache_clear()


def test_an_empty_trail_verifies(engine):
    assert verify(engine=engine).as_dict() == {"ok": True, "rows": 0}


def test_rows_chain_from_genesis(engine):
    first = record("alice", "sign_in", "user:alice", engine=engine)
    second = record("alice", "note_text_viewed", "feedback:3", {"task": "drugs"}, engine=engine)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert second.hash == chain_hash(first.hash, second.at, "alice", "note_text_viewed", "feedback:3",
                                     {"task": "drugs"})
    assert verify(engine=engine).ok and verify(engine=engine).rows == 2
    assert [e.action for e in list_events(engine=engine)] == ["note_text_viewed", "sign_in"]
    assert [e.id for e in list_events(1, engine=engine)] == [second.id]
    assert [e.id for e in list_events(actor="alice", action="sign_in", engine=engine)] == [first.id]


def _five(engine):
    return [record("bob", "export", f"prediction:{i}", {"n": i}, engine=engine).id for i in range(5)]


def test_an_edited_details_field_is_found_at_its_row(engine):
    ids = _five(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET details = :d WHERE id = :id"), {"d": '{"n": 99}', "id": ids[2]})
    result = verify(engine=engine)
    assert result.as_dict() == {"ok": False, "rows": 5, "first_broken": ids[2]}


def test_an_edited_actor_is_found_at_its_row(engine):
    ids = _five(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": ids[3]})
    assert verify(engine=engine).first_broken_id == ids[3]


def test_a_deleted_middle_row_is_found_at_the_next_row(engine):
    ids = _five(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    result = verify(engine=engine)
    assert not result.ok and result.rows == 4
    assert result.first_broken_id == ids[3]


def test_two_threads_writing_50_rows_each_keep_one_linear_chain(engine):
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(actor: str) -> None:
        try:
            barrier.wait()
            for i in range(50):
                record(actor, "note_text_viewed", f"feedback:{i}", engine=engine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("t1", "t2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert verify(engine=engine).as_dict() == {"ok": True, "rows": 100}
    with engine.connect() as conn:
        forks = conn.execute(text("SELECT count(*) - count(DISTINCT prev_hash) FROM audit_events")).scalar()
    assert forks == 0


def test_feedback_writes_its_own_audit_event_without_the_note(engine):
    note = "Patient with chest pain on metoprolol 25 mg daily."
    pid = record_prediction("drugs", "v1", note, {"mentions": []}, engine=engine)
    fid = record_feedback(pid, user_name="carol", user_role="annotator", verdict="wrong", correction=[],
                          note_text=note, engine=engine)
    (event,) = list_events(engine=engine)
    assert (event.actor, event.action, event.target) == ("carol", "feedback_written", f"feedback:{fid}")
    assert event.details["prediction_id"] == pid and event.details["note_text_kept"] is True
    assert note not in str(event.as_dict())
    assert verify(engine=engine).ok


def test_a_failed_feedback_write_leaves_no_audit_event(engine):
    with pytest.raises(ValueError, match="unknown prediction"):
        record_feedback(999, user_name="carol", user_role="annotator", verdict="wrong", engine=engine)
    assert verify(engine=engine).rows == 0


@pytest.mark.parametrize("bad", [
    {"action": "looked_around"},
    {"actor": "  "},
    {"target": "x" * 257},
    {"details": {"text": "word " * 100}},
    {"details": {"bad": object()}},
])
def test_bad_events_are_refused_and_write_nothing(engine, bad):
    args = {"actor": "alice", "action": "export", "target": "", "details": None, **bad}
    with pytest.raises(ValueError):
        record(args["actor"], args["action"], args["target"], args["details"], engine=engine)
    assert verify(engine=engine).rows == 0
