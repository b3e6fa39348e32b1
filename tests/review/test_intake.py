"""Which notes enter the review queue (core.review.intake) and the feedback path that feeds it."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.db.engine import init_db, session_scope
from core.db.models import ReviewItem
from core.review import intake

H = hashlib.sha256(b"x").hexdigest()


@pytest.mark.parametrize(("output", "verdict", "why"), [
    ({"uncertain": False}, "wrong", "flagged"),
    ({"uncertain": True}, "partially_correct", "flagged"),
    ({"uncertain": True}, "correct", "uncertain"),
    ({"entities": [{"score": 0.95}, {"score": 0.41}]}, "correct", "low_confidence"),
    ({"mentions": [{"score": 0.95}]}, "correct", None),  # confident and confirmed: only the QC share
])
def test_reason(output, verdict, why):
    assert intake.reason("drugs", output, verdict, H, qc_share=0.0) == why


def test_quality_control_share_is_independent_of_the_overlap_share():
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(4000)]
    qc = [h for h in hashes if intake.reason("triage", {}, "correct", h, qc_share=0.1) == "qc_sample"]
    assert 0.08 < len(qc) / len(hashes) < 0.12
    from core.review.queue import doubled

    both = sum(doubled(h, 0.2) for h in qc) / len(qc)
    assert 0.14 < both < 0.26  # about the overlap share, not 0 or 1: the two draws do not coincide


def test_feedback_with_kept_text_feeds_the_queue(auth_db_url):
    from core.db.store import hash_text, record_prediction
    from core.tasks import get_task
    from core.tasks import workflows as wf

    init_db(auth_db_url)
    text = "Chest pain radiating to the left arm."
    output = {"outcome": "uncertain", "service": "cardiology_pulmonology", "uncertain": True, "confidence": 0.31}
    pid = record_prediction("triage", "triage-v1", text, output)
    wrong = SimpleNamespace(verdict="wrong", payload="orthopedics")
    wf.record_feedback(get_task("triage"), pid, wrong, user_name="dr.a", user_role="clinician", note_text=text)
    other = record_prediction("triage", "triage-v1", "Knee pain.", {"uncertain": False, "confidence": 0.99})
    fine = SimpleNamespace(verdict="correct", payload=None)
    wf.record_feedback(get_task("triage"), other, fine, user_name="dr.a", user_role="clinician")  # no text kept
    with session_scope() as s:
        items = s.scalars(select(ReviewItem)).all()
        assert [(i.source, i.prediction_id, i.prefill, i.note_text, i.note_hash, i.created_by) for i in items] == [
            ("flagged", pid, output, text, hash_text(text), "dr.a")]


def test_batch_files_are_read_and_refused_clearly(tmp_path):
    (tmp_path / "one.txt").write_text("Chest pain.\r\n", encoding="utf-8")
    assert intake.read_batch(tmp_path / "one.txt") == ["Chest pain.\n"]
    (tmp_path / "b.csv").write_text('id,text\n1,"Knee pain, swelling"\n2,"Rash, itching"\n', encoding="utf-8")
    assert intake.read_batch(tmp_path / "b.csv") == ["Knee pain, swelling", "Rash, itching"]
    (tmp_path / "b.jsonl").write_text('{"text": "Cough \\u2028 fever"}\n\n{"text": "Headache"}\n', encoding="utf-8")
    assert intake.read_batch(tmp_path / "b.jsonl") == ["Cough \n fever", "Headache"]
    (tmp_path / "bad.csv").write_text("id,note\n1,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'text' column"):
        intake.read_batch(tmp_path / "bad.csv")
    (tmp_path / "empty.csv").write_text('text\n"Fine"\n"   "\n', encoding="utf-8")
    with pytest.raises(ValueError, match="row 3"):
        intake.read_batch(tmp_path / "empty.csv")
    (tmp_path / "bad.jsonl").write_text('{"text": "a"}\n[1]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        intake.read_batch(tmp_path / "bad.jsonl")
    with pytest.raises(ValueError, match=".txt, .csv"):
        intake.read_batch(tmp_path / "notes.docx")


def test_review_load_command_prefills_with_the_model(auth_db_url, tmp_path, tiny_triage_artifact):
    import json

    from typer.testing import CliRunner

    from core.cli import app
    from tests.conftest import CARDIO, ORTHO

    init_db(auth_db_url)
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps({"text": t}) for t in (CARDIO, ORTHO, CARDIO)), encoding="utf-8")
    res = CliRunner().invoke(app, ["review", "load", "triage", str(path), "--actor", "admin"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1]) == {"task": "triage", "notes": 3, "items": 2,
                                                               "prefilled": True}
    with session_scope() as s:
        items = s.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
        assert [i.source for i in items] == ["batch", "batch"]
        assert all(i.prefill["service"] and i.model_version == tiny_triage_artifact.name for i in items)
        assert all(i.note_text not in json.dumps(i.prefill) for i in items)
