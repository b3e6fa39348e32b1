"""record_prediction / record_feedback / list_feedback / feedback_for_training."""

from __future__ import annotations

import hashlib
from datetime import UTC

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from core.db.engine import session_scope, write_session
from core.db.models import Feedback, Prediction
from core.db.store import (
    count_rows,
    get_prediction,
    hash_text,
    iter_feedback,
    list_feedback,
    record_feedback,
    record_prediction,
)

NOTE = "Pt is a 67 y/o M w/ CHF, started metoprolol tartrate 25 mg PO BID. MARKER-7f3a9c"


def _fb(pid, engine, **kw):
    args = {"user_name": "Dr Who", "user_role": "clinician", "verdict": "correct"}
    args.update(kw)
    return record_feedback(pid, engine=engine, **args)


def test_record_prediction_stores_hash_not_text(engine, db_path):
    pid = record_prediction("drugs", "drugs-v3", NOTE, {"drugs": ["metoprolol"]}, engine=engine)
    pred = get_prediction(pid, engine=engine)
    assert pred is not None
    assert pred.input_hash == hashlib.sha256(NOTE.encode()).hexdigest() == hash_text(NOTE)
    assert pred.output == {"drugs": ["metoprolol"]}
    assert pred.created_at.tzinfo is UTC
    # The note is nowhere in the database: no column, and not in the file bytes (db + WAL).
    assert "note_text" not in Prediction.__table__.columns
    with engine.connect() as conn:
        for table in ("predictions", "feedback"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert all("MARKER-7f3a9c" not in str(v) for v in row)
    blob = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert b"MARKER-7f3a9c" not in blob
    assert b"metoprolol tartrate" not in blob

    # The scan does find the text once feedback stores it on purpose.
    _fb(pid, engine, note_text=NOTE)
    blob = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert b"MARKER-7f3a9c" in blob


def test_feedback_roundtrip_and_list(engine):
    p1 = record_prediction("triage", "tri-v1", "note one", {"label": "Cardiology"}, engine=engine)
    p2 = record_prediction("drugs", "drugs-v1", "note two", {"drugs": ["aspirin"]}, engine=engine)
    f1 = _fb(p1, engine, verdict="wrong", correction={"label": "Neurology"}, comment="  not cardio ",
             note_text="note one")
    f2 = _fb(p2, engine, user_role="annotator", verdict="partially_correct", comment="   ")
    f3 = _fb(p1, engine, user_role="reviewer", verdict="correct")

    rows = list_feedback(engine=engine)
    assert [r.id for r in rows] == [f3, f2, f1]  # newest first
    triage = list_feedback("triage", engine=engine)
    assert [r.id for r in triage] == [f3, f1]
    r1 = triage[1]
    assert (r1.task, r1.model_version, r1.output) == ("triage", "tri-v1", {"label": "Cardiology"})
    assert r1.correction == {"label": "Neurology"}
    assert r1.comment == "not cardio"
    assert r1.note_text == "note one"
    assert r1.created_at.tzinfo is UTC
    d = r1.as_dict()
    assert d["verdict"] == "wrong" and d["prediction_id"] == p1
    assert list_feedback(verdict="partially_correct", engine=engine)[0].comment is None
    assert [r.id for r in list_feedback(limit=1, offset=1, engine=engine)] == [f2]
    with session_scope(engine) as s:  # correction=None is SQL NULL, not JSON 'null'
        assert s.scalar(select(Feedback.id).where(Feedback.correction.is_(None)).order_by(Feedback.id)) == f2
        pred = s.get(Prediction, p1)
        assert [f.id for f in pred.feedback] == [f1, f3]
    assert count_rows(engine=engine) == {"predictions": 2, "feedback": 3}


def test_iter_feedback_reads_every_row_of_a_task_oldest_first_in_pages(engine):
    p = record_prediction("triage", "v1", "a", {"label": "Cardiology"}, engine=engine)
    ids = [_fb(p, engine, verdict="correct", comment=f"c{i}", note_text=f"text {i}") for i in range(7)]
    q = record_prediction("drugs", "v1", "b", {"drugs": []}, engine=engine)
    _fb(q, engine, verdict="correct", note_text="other task")
    rows = list(iter_feedback("triage", engine=engine, page=3))   # three pages, the last one short
    assert [r.id for r in rows] == ids
    assert [r.note_text for r in rows] == [f"text {i}" for i in range(7)]
    assert {r.task for r in rows} == {"triage"} and rows[0].output == {"label": "Cardiology"}
    assert [r.id for r in iter_feedback("triage", engine=engine, page=7)] == ids   # a full last page


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"user_name": ""}, "user_name"),
        ({"user_name": "   "}, "user_name"),
        ({"user_name": None}, "user_name"),
        ({"user_role": "patient"}, "user_role"),
        ({"verdict": "maybe"}, "verdict"),
        ({"correction": {"x": object()}}, "correction"),
        ({"comment": 3}, "comment"),
    ],
)
def test_record_feedback_validation(engine, kwargs, match):
    pid = record_prediction("triage", "v1", "n", {}, engine=engine)
    with pytest.raises(ValueError, match=match):
        _fb(pid, engine, **kwargs)
    assert count_rows(engine=engine)["feedback"] == 0


def test_record_feedback_unknown_prediction(engine):
    with pytest.raises(ValueError, match="unknown prediction id 999"):
        _fb(999, engine)
    for bad in (0, -1, "1", True, None):
        with pytest.raises(ValueError, match="prediction_id"):
            _fb(bad, engine)


def test_record_prediction_validation(engine):
    with pytest.raises(ValueError, match="task"):
        record_prediction("", "v1", "n", {}, engine=engine)
    with pytest.raises(ValueError, match="model_version"):
        record_prediction("triage", " ", "n", {}, engine=engine)
    with pytest.raises(ValueError, match="text"):
        record_prediction("triage", "v1", None, {}, engine=engine)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="output"):
        record_prediction("triage", "v1", "n", ["a"], engine=engine)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="output"):
        record_prediction("triage", "v1", "n", {"p": float("nan")}, engine=engine)
    assert count_rows(engine=engine)["predictions"] == 0


def test_foreign_key_enforced_by_database(engine):
    """Bypassing the store's check, SQLite itself refuses feedback on a missing prediction."""
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), write_session(engine) as s:
        s.add(Feedback(prediction_id=12345, user_name="x", user_role="clinician", verdict="wrong"))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO feedback (prediction_id, user_name, user_role, verdict, created_at)"
                " VALUES (777, 'x', 'clinician', 'wrong', '2026-01-01')"
            )
        )
    assert count_rows(engine=engine)["feedback"] == 0


def test_delete_prediction_cascades(engine):
    pid = record_prediction("triage", "v1", "n", {}, engine=engine)
    keep = record_prediction("triage", "v1", "m", {}, engine=engine)
    _fb(pid, engine)
    _fb(pid, engine)
    _fb(keep, engine)
    with write_session(engine) as s:  # Core delete: the database's ON DELETE CASCADE does it
        s.execute(delete(Prediction).where(Prediction.id == pid))
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 1}
    with write_session(engine) as s:  # ORM delete (passive_deletes) also works
        s.delete(s.get(Prediction, keep))
    assert count_rows(engine=engine) == {"predictions": 0, "feedback": 0}
