"""Retention: purge clears the note's words from old feedback only, forget deletes one note's rows only; both are
audited (counts, never text) and leave the hash chain valid; the old text is gone from the database file too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.audit import list_events, verify
from core.config import Settings, get_settings
from core.db.engine import session_scope, write_session
from core.db.models import Feedback, Prediction
from core.db.retention import check_note_hash, forget, purge, scrub_correction
from core.db.store import count_rows, hash_text, list_feedback, record_feedback, record_prediction

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OLD_NOTE = "Pt on warfarin 5 mg daily, INR 3.1. MARKER-OLD-51c2"
NEW_NOTE = "Pt on apixaban 5 mg BID. MARKER-NEW-9e04"
SPAN = {"kind": "missed_drug", "start": 6, "end": 14, "text": "warfarin"}


def _feedback(engine, note: str, *, days_ago: float, task: str = "drugs", correction=SPAN, comment="quoting it",
              user: str = "ann") -> tuple[int, int]:
    """(prediction id, feedback id) with the feedback's created_at set ``days_ago`` days before NOW."""
    pid = record_prediction(task, "v1", note, {"entities": []}, engine=engine)
    fid = record_feedback(pid, user_name=user, user_role="annotator", verdict="wrong", correction=correction,
                          comment=comment, note_text=note, engine=engine)
    with write_session(engine) as s:
        s.execute(update(Feedback).where(Feedback.id == fid).values(created_at=NOW - timedelta(days=days_ago)))
    return pid, fid


def _row(engine, fid: int) -> Feedback:
    with session_scope(engine) as s:
        return s.get(Feedback, fid)


def _db_bytes(db_path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())


def test_purge_clears_only_feedback_older_than_the_cutoff(engine, db_path):
    _, old = _feedback(engine, OLD_NOTE, days_ago=400)
    _, new = _feedback(engine, NEW_NOTE, days_ago=10, correction={**SPAN, "text": "apixaban"})
    _, triage = _feedback(engine, OLD_NOTE + " triage", days_ago=500, task="triage", correction="cardiology",
                          comment=None)
    assert b"MARKER-OLD-51c2" in _db_bytes(db_path)

    report = purge(365, actor="system", engine=engine, now=NOW)

    assert (report.rows, report.note_texts, report.comments, report.corrections) == (2, 2, 1, 1)
    assert report.cutoff == NOW - timedelta(days=365) and not report.dry_run
    o, n, t = _row(engine, old), _row(engine, new), _row(engine, triage)
    assert (o.note_text, o.comment, o.dedupe_key) == (None, None, None)
    assert o.correction == {"kind": "missed_drug", "start": 6, "end": 14, "text": ""}  # structure kept, words gone
    assert (o.verdict, o.user_name) == ("wrong", "ann")
    assert (n.note_text, n.comment, n.correction["text"]) == (NEW_NOTE, "quoting it", "apixaban")
    assert n.dedupe_key is not None
    # A triage correction is a service label, not the note: kept, and so is the row's dedupe key.
    assert (t.note_text, t.correction) == (None, "cardiology") and t.dedupe_key is not None
    assert count_rows(engine=engine) == {"predictions": 3, "feedback": 3}
    # Gone from the file and its write-ahead log, not only from queries (secure_delete + checkpoint).
    blob = _db_bytes(db_path)
    assert b"MARKER-OLD-51c2" not in blob and b"warfarin" not in blob
    assert b"MARKER-NEW-9e04" in blob


def test_purge_is_audited_once_without_text_and_is_idempotent(engine):
    _feedback(engine, OLD_NOTE, days_ago=30)
    first = purge(7, actor="cli:alice", engine=engine, now=NOW)
    again = purge(7, actor="cli:alice", engine=engine, now=NOW)
    assert (first.rows, again.rows) == (1, 0)
    events = list_events(10, action="notes_purged", engine=engine)
    assert [e.details["rows"] for e in events] == [0, 1]  # newest first; a purge that found nothing is recorded too
    assert events[1].actor == "cli:alice" and events[1].target == "feedback"
    assert events[1].details == {"older_than_days": 7, "cutoff": (NOW - timedelta(days=7)).isoformat(), "rows": 1,
                                 "note_texts": 1, "comments": 1, "corrections": 1, "review_texts": 0}
    assert "warfarin" not in str([e.details for e in list_events(50, engine=engine)])
    assert verify(engine=engine).ok


def test_purge_defaults_to_the_retention_setting(engine, monkeypatch):
    _, fid = _feedback(engine, OLD_NOTE, days_ago=40)
    monkeypatch.setenv("NOTELENS_RETENTION_DAYS", "60")
    get_settings.cache_clear()
    assert purge(actor="system", engine=engine, now=NOW).older_than_days == 60
    assert _row(engine, fid).note_text == OLD_NOTE
    monkeypatch.setenv("NOTELENS_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    assert purge(actor="system", engine=engine, now=NOW).rows == 1
    assert _row(engine, fid).note_text is None


@pytest.mark.parametrize("value", ["0", "-5", "a year"])
def test_retention_setting_refuses_zero_negative_and_words(monkeypatch, value):
    with monkeypatch.context() as m, pytest.raises(ValueError, match="NOTELENS_RETENTION_DAYS must be a whole "
                                                    "number of at least 1"):
        m.setenv("NOTELENS_RETENTION_DAYS", value)
        Settings.from_env()


def test_purge_zero_days_clears_everything_stored_before_now(engine):
    _, fid = _feedback(engine, NEW_NOTE, days_ago=0.01)
    assert purge(0, actor="system", engine=engine, now=NOW).rows == 1
    assert _row(engine, fid).note_text is None
    with pytest.raises(ValueError, match="0 or more"):
        purge(-1, actor="system", engine=engine, now=NOW)


def test_purge_dry_run_counts_and_changes_nothing(engine):
    _, fid = _feedback(engine, OLD_NOTE, days_ago=400)
    before = len(list_events(100, engine=engine))
    report = purge(365, actor="system", engine=engine, now=NOW, dry_run=True)
    assert (report.rows, report.note_texts, report.comments, report.corrections, report.dry_run) == (1, 1, 1, 1, True)
    row = _row(engine, fid)
    assert (row.note_text, row.comment, row.correction) == (OLD_NOTE, "quoting it", SPAN)
    assert len(list_events(100, engine=engine)) == before


def test_purge_with_a_bad_actor_changes_nothing(engine):
    _, fid = _feedback(engine, OLD_NOTE, days_ago=400)
    with pytest.raises(ValueError, match="actor"):
        purge(365, actor=" ", engine=engine, now=NOW)
    assert _row(engine, fid).note_text == OLD_NOTE  # the audit event failed, so the purge rolled back


def test_scrub_correction_clears_note_words_and_free_text_at_any_depth():
    treatment = {"kind": "reject", "condition_id": "c1", "drug": "metformin", "drugbank_id": "DB00331",
                 "reason": "pt said it upset her stomach"}
    assert scrub_correction(treatment) == {**treatment, "reason": None}
    attribute = {"kind": "attribute", "drug": [3, 9], "label": "DOSE", "start": 10, "end": 15, "text": "5 mg"}
    assert scrub_correction([attribute]) == [{**attribute, "text": ""}]
    assert scrub_correction("orthopedics") == "orthopedics" and scrub_correction(None) is None
    assert scrub_correction({"kind": "confirm"}) == {"kind": "confirm"}


def test_forget_deletes_one_notes_predictions_and_feedback_only(engine, db_path):
    p1, _ = _feedback(engine, OLD_NOTE, days_ago=1)
    p2, _ = _feedback(engine, OLD_NOTE, days_ago=2, task="conditions", user="bob")  # same note, other task
    p3, f3 = _feedback(engine, NEW_NOTE, days_ago=1)
    bare = record_prediction("triage", "v1", OLD_NOTE, {"service": "cardiology"}, engine=engine)  # no feedback

    report = forget(hash_text(OLD_NOTE).upper(), actor="cli:alice", engine=engine)

    assert (report.note_hash, report.predictions, report.feedback) == (hash_text(OLD_NOTE), 3, 2)
    with session_scope(engine) as s:
        assert s.scalars(select(Prediction.id)).all() == [p3]
        assert s.scalars(select(Feedback.id)).all() == [f3]
    assert bare and p1 and p2
    assert [r.note_text for r in list_feedback(engine=engine)] == [NEW_NOTE]
    assert b"MARKER-OLD-51c2" not in _db_bytes(db_path)
    (event,) = list_events(5, action="note_forgotten", engine=engine)
    assert (event.actor, event.target, event.details) == ("cli:alice", f"note:{hash_text(OLD_NOTE)}",
                                                          {"predictions": 3, "feedback": 2, "review_items": 0})
    assert verify(engine=engine).ok


def test_forget_also_finds_the_text_kept_on_another_predictions_feedback(engine):
    pid = record_prediction("drugs", "v1", "another note", {}, engine=engine)
    record_feedback(pid, user_name="ann", user_role="annotator", verdict="correct", note_text=OLD_NOTE, engine=engine)
    report = forget(hash_text(OLD_NOTE), actor="system", engine=engine)
    assert (report.predictions, report.feedback) == (0, 1)
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 0}


def test_forget_of_an_unknown_hash_is_audited_and_reports_zero(engine):
    _feedback(engine, NEW_NOTE, days_ago=1)
    report = forget("ab" * 32, actor="system", engine=engine)
    assert (report.predictions, report.feedback) == (0, 0)
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 1}
    assert list_events(5, action="note_forgotten", engine=engine)[0].details == {"predictions": 0, "feedback": 0,
                                                                                "review_items": 0}
    assert verify(engine=engine).ok


@pytest.mark.parametrize("bad", ["", "abc", "g" * 64, "a" * 63, "a" * 65, OLD_NOTE, None, 12])
def test_bad_hash_is_refused_before_anything_is_written(engine, bad):
    with pytest.raises(ValueError, match="64 hexadecimal characters"):
        forget(bad, actor="system", engine=engine)
    assert list_events(5, action="note_forgotten", engine=engine) == []


def test_check_note_hash_normalises_case_and_blanks():
    assert check_note_hash(f"  {'AB' * 32}\n") == "ab" * 32
