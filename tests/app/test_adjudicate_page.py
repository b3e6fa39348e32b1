"""The Adjudication page through AppTest: an admin sees the note (escaped), the model's output and both answers side
by side, the pre-selected answer (the majority, or the first annotator's when two disagree, said so), records the
final answer as gold with their name, and annotators are refused."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.db.engine import session_scope
from core.db.models import Gold, ReviewItem
from core.explain.render import escape_markdown
from core.review import queue as rq
from tests.app.helpers import button, open_page

NOTE = "Metoprolol 25 mg daily. <b>Aspirin</b> 81 mg."
MODEL = {"entities": [{"start": 0, "end": 10, "label": "DRUG"}]}
ANS_A = {"spans": [{"start": 0, "end": 10, "label": "DRUG", "status": "current", "attributes": []}]}
ANS_B = {"spans": [{"start": 0, "end": 10, "label": "DRUG", "status": "current", "attributes": []},
                   {"start": 27, "end": 34, "label": "DRUG", "status": "current", "attributes": []}]}


pytestmark = pytest.mark.usefixtures("fresh_db")


def disagreement(task: str, text: str, prefill, a, b) -> int:
    """An item answered differently by ann.a then ann.b (overlap 2): waiting for adjudication."""
    item = rq.enqueue(task, note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                      actor="admin", prefill=prefill, overlap_share=1.0)
    for who, answer in (("ann.a", a), ("ann.b", b)):
        assert rq.next_item(task, who).id == item
        rq.submit(item, who, "correct", answer, seconds=3.0)
    return item


def page(user: str = "boss", role: str = "admin", task: str | None = None) -> AppTest:
    return open_page("adjudicate", user, role, **({"adjudicate_task": task} if task is not None else {}))


def gold(item: int) -> tuple[object, str, str] | None:
    with session_scope() as s:
        g = s.scalar(select(Gold).where(Gold.item_id == item))
        return (g.answer, g.method, g.decided_by) if g else None


def test_span_disagreement_side_by_side_first_annotator_preselected_and_recorded():
    item = disagreement("drugs", NOTE, MODEL, ANS_A, ANS_B)
    at = page(task="drugs")
    assert at.title[0].value == "Adjudication" and f"Item #{item}" in [h.value for h in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert "<b>" not in shown and "\\<b\\>" in shown  # the note is escaped
    assert "**Model**" in shown and all(f"**{escape_markdown(f'{who} (correct)')}**" in shown
                                        for who in ("ann.a", "ann.b"))
    assert len(at.dataframe) == 3  # model, ann.a, ann.b
    assert len(at.dataframe[2].value) == 2 and len(at.dataframe[1].value) == 1
    assert "No majority" in "\n".join(c.value for c in at.caption)
    radio = at.radio(key=f"adjudicate_pick_{item}")
    assert radio.value == "ann:ann.a"
    assert len(radio.options) == 2  # the model's spans lack a status: shown, not choosable
    radio.set_value("ann:ann.b")
    at.run()
    button(at, "Record as gold").click()
    at.run()
    assert not at.exception, at.exception
    assert gold(item) == (ANS_B, "adjudicated", "boss")
    assert any(f"Item #{item} settled" in s.value for s in at.success)
    assert any("No disagreement" in i.value for i in at.info)


def test_triage_preselects_first_annotator_and_records_the_chosen_service():
    text = "Knee pain after a fall."
    item = disagreement("triage", text, {"service": "orthopedics"}, {"label": "orthopedics"},
                        {"label": "cardiology_pulmonology"})
    at = page(task="triage")
    service = at.selectbox(key=f"adjudicate_service_{item}")
    assert service.value == "orthopedics"
    service.select("cardiology_pulmonology")
    at.run()
    button(at, "Record as gold").click()
    at.run()
    assert not at.exception, at.exception
    assert gold(item) == ({"label": "cardiology_pulmonology"}, "adjudicated", "boss")
    with session_scope() as s:
        assert s.get(ReviewItem, item).state == "done"


def test_not_a_clinical_note_is_shown_and_the_answering_annotator_preselected():
    text = "Chest pain on exertion."
    item = rq.enqueue("triage", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                      actor="admin", prefill={"outcome": "uncertain", "uncertain": True}, overlap_share=1.0)
    for who, verdict, answer in (("ann.a", "not_clinical", None), ("ann.b", "correct", {"label": "orthopedics"})):
        assert rq.next_item("triage", who).id == item
        rq.submit(item, who, verdict, answer)
    at = page(task="triage")
    assert any("Not a clinical note" in c.value for c in at.caption)
    assert "Not sure (uncertain)" in "\n".join(m.value for m in at.markdown)  # the model's output, not choosable
    assert at.selectbox(key=f"adjudicate_service_{item}").value == "orthopedics"
    assert any("first answering annotator" in c.value for c in at.caption)


def test_treatment_decisions_side_by_side_and_recorded():
    record = {"suggestions": [{"condition_id": "hypertension", "condition": "Hypertension", "drug": d,
                               "withheld": False} for d in ("lisinopril", "amlodipine")]}
    accept = {"condition": "hypertension", "drug": "lisinopril", "verdict": "accept", "reason": None, "note": None}
    a = {"decisions": [accept, {**accept, "drug": "amlodipine"}]}
    b = {"decisions": [accept, {**accept, "drug": "amlodipine", "verdict": "reject", "reason": "allergy",
                                "note": "<b>rash</b>"}]}
    item = disagreement("treatments", NOTE, record, a, b)
    at = page(task="treatments")
    assert len(at.dataframe) == 3  # the model's suggestions (all accepted), ann.a, ann.b
    assert at.dataframe[2].value.to_dict("records")[1] == b["decisions"][1]  # cells are plain text
    assert at.dataframe[0].value["verdict"].tolist() == ["accept", "accept"]
    radio = at.radio(key=f"adjudicate_pick_{item}")
    assert radio.value == "ann:ann.a" and len(radio.options) == 3  # the model's answer is a valid one here
    radio.set_value("ann:ann.b")
    at.run()
    button(at, "Record as gold").click()
    at.run()
    assert not at.exception, at.exception
    assert gold(item) == (b, "adjudicated", "boss")


def test_annotator_is_refused():
    disagreement("triage", "Knee pain after a fall.", None, {"label": "orthopedics"},
                 {"label": "cardiology_pulmonology"})
    at = page("ann.a", "annotator")
    assert any("does not allow" in e.value for e in at.error)
    assert not at.title and "ann.b" not in str([m.value for m in at.markdown])
