"""The audit trail: a verifiable hash chain that finds the first edited or deleted row, stays linear under
concurrent writers, and holds no note text."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from core import audit
from core.audit import GENESIS, AuditFilter, list_events, record, search_events, verify
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


def test_two_threads_writing_50_rows_each_keep_one_linear_chain(db_engine):
    engine = db_engine  # SQLite, then PostgreSQL (tests/pg.py)
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


# -- the audit page's search and exports ----------------------------------------------------------------------------
def _dated(engine) -> dict[str, int]:
    """Five events over three days (written with their own times, as the chain allows any order of ``at``)."""
    from core.db.audit import append_event
    from core.db.engine import write_session

    plan = [("a1", datetime(2026, 3, 1, 0, 0, tzinfo=UTC), "alice", "sign_in", "user:alice"),
            ("a2", datetime(2026, 3, 1, 23, 59, tzinfo=UTC), "alice", "note_text_viewed", "feedback:Triage"),
            ("b1", datetime(2026, 3, 2, 12, 0, tzinfo=UTC), "bob", "note_text_viewed", "feedback:drugs"),
            ("b2", datetime(2026, 3, 3, 0, 0, tzinfo=UTC), "bob", "user_added", "user:100%_sure"),
            ("c1", datetime(2026, 3, 3, 8, 0, tzinfo=UTC), "=cmd|' /C calc'!A0", "sign_in_failed", "user:x")]
    ids = {}
    for key, at, actor, action, target in plan:
        with write_session(engine) as session:
            ids[key] = append_event(session, actor, action, target, {"n": len(ids)}, at=at).id
    return ids


def _ids(page) -> list[int]:
    return [r.id for r in page.rows]


def test_search_filters_by_actor_actions_dates_and_target(engine):
    ids = _dated(engine)
    everything = search_events(engine=engine)
    assert _ids(everything) == sorted(ids.values(), reverse=True) and everything.total == 5
    assert _ids(search_events(AuditFilter(actor="alice"), engine=engine)) == [ids["a2"], ids["a1"]]
    assert _ids(search_events(AuditFilter(actions=("note_text_viewed", "user_added")), engine=engine)) == [
        ids["b2"], ids["b1"], ids["a2"]]
    # Both ends of the range are whole UTC days, included.
    assert _ids(search_events(AuditFilter(since=date(2026, 3, 2)), engine=engine)) == [ids["c1"], ids["b2"], ids["b1"]]
    assert _ids(search_events(AuditFilter(until=date(2026, 3, 1)), engine=engine)) == [ids["a2"], ids["a1"]]
    assert _ids(search_events(AuditFilter(since=date(2026, 3, 2), until=date(2026, 3, 2)), engine=engine)) == [
        ids["b1"]]
    # Case-insensitive, and % / _ are literal characters, not wildcards.
    assert _ids(search_events(AuditFilter(target_contains="triage"), engine=engine)) == [ids["a2"]]
    assert _ids(search_events(AuditFilter(target_contains="100%_"), engine=engine)) == [ids["b2"]]
    assert _ids(search_events(AuditFilter(target_contains="%"), engine=engine)) == [ids["b2"]]
    assert _ids(search_events(AuditFilter(target_contains="_"), engine=engine)) == [ids["b2"]]
    combined = AuditFilter(actor="bob", actions=("note_text_viewed",), since=date(2026, 3, 1), target_contains="drug")
    assert _ids(search_events(combined, engine=engine)) == [ids["b1"]]
    assert audit.actors(engine=engine) == ["=cmd|' /C calc'!A0", "alice", "bob"]


def test_search_caps_the_rows_and_counts_them_all(engine):
    ids = _dated(engine)
    page = search_events(limit=2, engine=engine)
    assert _ids(page) == [ids["c1"], ids["b2"]] and page.total == 5 and page.truncated
    assert not search_events(AuditFilter(actor="alice"), limit=2, engine=engine).truncated
    with pytest.raises(ValueError, match="limit"):
        search_events(limit=0, engine=engine)


@pytest.mark.parametrize("bad, match", [
    ({"actions": ("looked_around",)}, "unknown audit action"),
    ({"since": date(2026, 3, 2), "until": date(2026, 3, 1)}, "starts"),
    ({"target_contains": "x" * 300}, "target filter"),
])
def test_a_bad_filter_is_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        AuditFilter(**bad)


def test_the_filter_as_audit_details_holds_only_what_is_set():
    assert AuditFilter().as_details() == {}
    flt = AuditFilter(actor="bob", actions=("sign_in",), since=date(2026, 3, 1), target_contains="user:")
    assert flt.as_details() == {"actor": "bob", "actions": ["sign_in"], "since": "2026-03-01",
                                "target_contains": "user:"}


def test_the_csv_export_holds_the_rows_with_their_hashes_and_defuses_formulas(engine):
    ids = _dated(engine)
    rows = search_events(AuditFilter(actions=("sign_in_failed", "sign_in")), engine=engine).rows
    parsed = list(csv.DictReader(io.StringIO(audit.events_csv(rows))))
    assert [int(r["id"]) for r in parsed] == [ids["c1"], ids["a1"]]
    assert list(parsed[0]) == list(audit.EVENT_COLUMNS)
    assert parsed[0]["actor"] == "'=cmd|' /C calc'!A0"  # a spreadsheet shows it as text, never runs it
    assert parsed[1]["actor"] == "alice" and parsed[1]["at"] == "2026-03-01T00:00:00+00:00"
    assert json.loads(parsed[1]["details"]) == {"n": 0} and parsed[1]["hash"] == rows[1].hash
    assert audit.events_csv([]) == ",".join(audit.EVENT_COLUMNS) + "\n"


def test_table_csv_and_jsonl():
    rows = [{"when": datetime(2026, 3, 1, 9, 30), "n": -2, "note": "a, \"quoted\"\nline", "tags": ["x"]},
            {"when": None, "n": 3, "note": "-1 dose", "tags": []}]
    parsed = list(csv.DictReader(io.StringIO(audit.table_csv(rows))))
    assert parsed == [{"when": "2026-03-01T09:30:00", "n": "-2", "note": "a, \"quoted\"\nline", "tags": '["x"]'},
                      {"when": "", "n": "3", "note": "'-1 dose", "tags": "[]"}]
    lines = audit.table_jsonl(rows).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"when": "2026-03-01T09:30:00", "n": -2, "note": "a, \"quoted\"\nline", "tags": ["x"]},
        {"when": None, "n": 3, "note": "-1 dose", "tags": []}]
    assert audit.table_csv([]) == "\n" and audit.table_jsonl([]) == ""


def test_an_export_is_audited_with_its_filter_and_row_count(engine):
    ids = _dated(engine)
    flt = AuditFilter(actions=("note_text_viewed",), target_contains="feedback:")
    done = audit.export_events(flt, "root", engine=engine)
    assert (done.rows, done.total) == (2, 2)
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(done.csv))] == [ids["b1"], ids["a2"]]
    (event,) = list_events(1, engine=engine)
    assert (event.actor, event.action, event.target) == ("root", "audit_exported", "audit_events")
    assert event.details == {"filter": {"actions": ["note_text_viewed"], "target_contains": "feedback:"},
                             "rows": 2, "total": 2}
    capped = audit.export_events(AuditFilter(), "root", limit=3, engine=engine)
    assert (capped.rows, capped.total) == (3, 6)  # the first export's own event is counted, not included twice
    assert list_events(1, engine=engine)[0].details["rows"] == 3
    assert verify(engine=engine).ok
