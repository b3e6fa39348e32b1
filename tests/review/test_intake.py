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
