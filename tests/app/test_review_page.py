"""The Review page through AppTest: an annotator answers the queue (accept, correct, skip, not a clinical note),
corrections are checked before they are stored, two annotators of one note never see each other's answer, and a
clinician is refused."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.db.engine import session_scope
from core.db.models import Annotation, Gold
from core.explain.render import escape_markdown
from core.review import queue as rq
from tests.app.helpers import button, click, open_page

DRUG_NOTE = "Metoprolol 25 mg daily. Aspirin 81 mg."
DRUG_RECORD = {"entities": [{"start": 0, "end": 10, "label": "DRUG"}, {"start": 11, "end": 16, "label": "STRENGTH"}],
               "mentions": [{"start": 0, "end": 10, "status": "current",
                             "attributes": [{"start": 11, "end": 16, "label": "STRENGTH"}]}]}


pytestmark = pytest.mark.usefixtures("fresh_db")


def enqueue(task: str, text: str | None, prefill, *, share: float = 0.0, note_hash: str | None = None) -> int:
    h = note_hash or hashlib.sha256(text.encode()).hexdigest()
    return rq.enqueue(task, note_hash=h, note_text=text, source="batch", actor="admin", prefill=prefill,
                      overlap_share=share)


def page(user: str, role: str = "annotator", task: str | None = None) -> AppTest:
    return open_page("review", user, role, **({"review_task": task} if task is not None else {}))


def shown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def stored(item_id: int) -> list[tuple[str, str, object, float | None]]:
    with session_scope() as s:
        return [(a.annotator, a.verdict, a.answer, a.seconds)
                for a in s.scalars(select(Annotation).where(Annotation.item_id == item_id).order_by(Annotation.id))]


def test_annotator_accepts_triage_and_gets_the_next_item():
    first = enqueue("triage", "Knee pain after a fall; tibial plateau fracture.", {"service": "orthopedics",
                                                                                  "outcome": "orthopedics"})
    second = enqueue("triage", "Chest pain <b>radiating</b> to the arm.", {"outcome": "uncertain",
                                                                        "service": "cardiology_pulmonology",
                                                                        "uncertain": True})
    at = page("ann.a")
    assert at.title[0].value == "Review" and f"Item #{first}" in [h.value for h in at.subheader]
    assert "tibial plateau fracture" in shown(at)
    assert at.selectbox(key=f"review_service_{first}").value == "orthopedics"
    assert [m.value for m in at.metric] == ["2", "0"]
    click(at, "Accept")
    assert at.success[0].value.startswith("Saved (annotation #")
    ((who, verdict, answer, seconds),) = stored(first)
    assert (who, verdict, answer) == ("ann.a", "accept", {"label": "orthopedics"}) and seconds >= 0
    with session_scope() as s:
        assert s.scalar(select(Gold.answer).where(Gold.item_id == first)) == {"label": "orthopedics"}
    # the next item: uncertain, so nothing to accept; the note's markup is shown as text, not rendered
    assert f"Item #{second}" in [h.value for h in at.subheader] and [m.value for m in at.metric] == ["1", "1"]
    assert "\\<b\\>radiating" in shown(at)
    assert button(at, "Accept").disabled and at.selectbox(key=f"review_service_{second}").value is None
    click(at, "Submit correction")
    assert "Choose a service first." in [e.value for e in at.error] and stored(second) == []
    at.selectbox(key=f"review_service_{second}").select("cardiology_pulmonology")
    click(at, "Submit correction")
    assert stored(second)[0][1:3] == ("correct", {"label": "cardiology_pulmonology"})
    assert "Nothing left for you" in at.info[0].value


def test_annotator_corrects_a_drug_span_and_bad_rows_are_listed(monkeypatch):
    item_id = enqueue("drugs", DRUG_NOTE, DRUG_RECORD)
    at = page("ann.a", task="drugs")
    (editor,) = at.data_editor
    assert list(editor.value["text"]) == ["Metoprolol", "25 mg"]
    assert list(editor.value["label"]) == ["DRUG", "STRENGTH"] and list(editor.value["status"]) == ["current", None]
    assert editor.value["drug"][1] == 0  # the strength belongs to the drug starting at 0
    # AppTest cannot type into a data editor: stand in for the browser by handing the page an edited table
    real = st.data_editor
    edits = {"table": None}

    def edited(data, *args, **kwargs):
        real(data, *args, **kwargs)
        return edits["table"] if edits["table"] is not None else data

    monkeypatch.setattr(st, "data_editor", edited)
    edits["table"] = pd.DataFrame([
        {"start": 0, "end": 10, "label": "DRUG", "status": "negated", "text": "Metoprolol"},
        {"start": 11, "end": 99, "label": "STRENGTH", "status": None, "text": "25 mg"}])
    click(at, "Submit correction")
    (error,) = [e.value for e in at.error]  # shown escaped: row 2 only, with the note's length
    assert error.count("row ") == 1 and "row 2\\:" in error and "\\<= 38 \\(the note's length" in error
    assert stored(item_id) == []
    edits["table"] = pd.DataFrame([  # as the editor hands it back: nullable integers, <NA> in empty cells
        {"start": 0, "end": 10, "label": "DRUG", "status": "negated", "drug": None, "text": "Metoprolol"},
        {"start": 11, "end": 16, "label": "STRENGTH", "status": None, "drug": 0, "text": "25 mg"},
        {"start": 24, "end": 31, "label": "DRUG", "status": "current", "drug": None, "text": None},  # added rows
        {"start": 32, "end": 37, "label": "STRENGTH", "status": None, "drug": None, "text": None}],
    ).astype({"start": "Int64", "end": "Int64", "drug": "Int64"})
    click(at, "Submit correction")
    assert at.success[0].value.startswith("Saved (annotation #")
    ((_, verdict, answer, _),) = stored(item_id)
    assert verdict == "correct" and answer == {"spans": [
        {"start": 0, "end": 10, "label": "DRUG", "status": "negated",
         "attributes": [{"start": 11, "end": 16, "label": "STRENGTH"}]},
        {"start": 24, "end": 31, "label": "DRUG", "status": "current",
         "attributes": [{"start": 32, "end": 37, "label": "STRENGTH"}]}]}
    assert (DRUG_NOTE[24:31], DRUG_NOTE[32:37]) == ("Aspirin", "81 mg")


def test_accepting_drug_spans_stores_the_models_output_as_an_answer():
    item_id = enqueue("drugs", DRUG_NOTE, DRUG_RECORD)
    at = click(page("ann.a", task="drugs"), "Accept")
    drug = {"start": 0, "end": 10, "label": "DRUG", "status": "current",
            "attributes": [{"start": 11, "end": 16, "label": "STRENGTH"}]}
    assert stored(item_id)[0][1:3] == ("accept", {"spans": [drug]})
    assert "Nothing left for you" in at.info[0].value


def test_two_annotators_of_a_doubled_item_never_see_each_others_answer():
    item_id = enqueue("drugs", DRUG_NOTE, DRUG_RECORD, share=1.0)
    a = page("ann.a", task="drugs")
    rq.submit(item_id, "ann.a", "correct", {"spans": [{"start": 24, "end": 31, "label": "DRUG_CLASS",
                                                       "status": "allergy", "attributes": []}]})
    b = page("ann.b", task="drugs")
    assert f"Item #{item_id}" in [h.value for h in b.subheader]
    (editor,) = b.data_editor
    assert list(editor.value["label"]) == ["DRUG", "STRENGTH"]  # the model's spans, not ann.a's answer
    assert "DRUG_CLASS" not in shown(b) and "allergy" not in str(editor.value.to_dict())
    click(b, "Accept")
    assert [r[0:2] for r in stored(item_id)] == [("ann.a", "correct"), ("ann.b", "accept")]
    with session_scope() as s:  # two different answers: adjudication, nobody's answer became gold
        assert s.scalar(select(Gold).where(Gold.item_id == item_id)) is None
    enqueue("drugs", "Warfarin 5 mg.", {"entities": []})
    click(a, "Accept")  # ann.a's page was still on the answered item: the click is not taken for the next one
    assert [r[0:2] for r in stored(item_id)] == [("ann.a", "correct"), ("ann.b", "accept")]
    assert not a.success and f"Item #{item_id + 1}" in [h.value for h in a.subheader] and stored(item_id + 1) == []


def test_a_refusal_is_shown_escaped(monkeypatch):
    enqueue("triage", "Knee pain.", {"service": "orthopedics"})
    at = page("ann.a")

    def refuse(*args, **kwargs):
        raise ValueError("review item 1 is <b>done</b>, not open")

    monkeypatch.setattr(rq, "submit", refuse)
    click(at, "Accept")
    assert at.error[0].value == "review item 1 is \\<b\\>done\\</b\\>, not open" and not at.success


def test_skip_hands_the_item_on_and_not_clinical_is_stored():
    item_id = enqueue("conditions", "Denies asthma.", {"entities": [{"start": 7, "end": 13, "label": "CONDITION",
                                                                       "status": "negated"}]})
    at = page("ann.a", task="conditions")
    click(at, "Skip")
    assert "Nothing left for you" in at.info[0].value and stored(item_id)[0][1] == "skip"
    other = page("ann.b", task="conditions")
    assert f"Item #{item_id}" in [h.value for h in other.subheader]
    click(other, "Not a clinical note")
    assert stored(item_id)[1][0:2] == ("ann.b", "not_clinical")


def test_an_item_without_its_text_offers_only_skip():
    item_id = enqueue("triage", None, {"service": "orthopedics"}, note_hash="ab" * 32)
    at = page("ann.a")
    assert "not kept" in at.warning[0].value
    assert [b.label for b in at.button] == ["Skip"]
    click(at, "Skip")
    assert stored(item_id)[0][1] == "skip"


def test_clinician_is_refused():
    enqueue("triage", "Knee pain.", {"service": "orthopedics"})
    at = page("dr.test", role="clinician")
    assert any("does not allow this page" in e.value for e in at.error)
    assert not at.title and not at.button and not at.markdown


TREAT_NOTE = "Assessment: hypertension. *Plan*: start treatment."
TREAT_RECORD = {"suggestions": [
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "lisinopril", "line": "first",
     "source": "ACC/AHA 2017 <b>guideline</b>", "withheld": False},
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "amlodipine", "line": "first",
     "source": "ACC/AHA 2017", "withheld": False},
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "spironolactone", "withheld": True}]}


def test_annotator_accepts_every_treatment_suggestion():
    item_id = enqueue("treatments", TREAT_NOTE, TREAT_RECORD)
    at = page("ann.a", task="treatments")
    assert escape_markdown(TREAT_NOTE) in shown(at) and "\\*Plan\\*" in shown(at)  # the note is escaped
    (editor,) = at.data_editor
    rows = editor.value.to_dict("records")  # the withheld candidate is not suggested, so not judged
    assert [(r["condition"], r["treatment"], r["source"], r["verdict"], r["reason"]) for r in rows] == [
        ("Hypertension", "lisinopril", "ACC/AHA 2017 <b>guideline</b>", "accept", None),
        ("Hypertension", "amlodipine", "ACC/AHA 2017", "accept", None)]
    click(at, "Accept")
    assert stored(item_id)[0][1:3] == ("accept", {"decisions": [
        {"condition": "hypertension", "drug": "lisinopril", "verdict": "accept", "reason": None, "note": None},
        {"condition": "hypertension", "drug": "amlodipine", "verdict": "accept", "reason": None, "note": None}]})
    assert "Nothing left for you" in at.info[0].value


def test_rejecting_a_treatment_needs_a_reason(monkeypatch):
    item_id = enqueue("treatments", TREAT_NOTE, TREAT_RECORD)
    at = page("ann.a", task="treatments")
    real = st.data_editor
    edits = {"table": None}

    def edited(data, *args, **kwargs):  # AppTest cannot type into a data editor (see above)
        real(data, *args, **kwargs)
        return edits["table"] if edits["table"] is not None else data

    monkeypatch.setattr(st, "data_editor", edited)
    base = at.data_editor[0].value
    edits["table"] = base.assign(verdict=["accept", "reject"], reason=[None, None], note=[None, "<i>ankle</i> edema"])
    click(at, "Submit correction")
    (error,) = [e.value for e in at.error]
    assert "row 2\\: a rejection needs a reason" in error and "row 1" not in error and stored(item_id) == []
    edits["table"] = base.assign(verdict=["accept", "reject"], reason=["allergy", "other"],
                                 note=[None, "<i>ankle</i> edema"])
    click(at, "Submit correction")
    assert at.success[0].value.startswith("Saved (annotation #")
    assert stored(item_id)[0][1:3] == ("correct", {"decisions": [
        {"condition": "hypertension", "drug": "lisinopril", "verdict": "accept", "reason": None, "note": None},
        {"condition": "hypertension", "drug": "amlodipine", "verdict": "reject", "reason": "other",
         "note": "<i>ankle</i> edema"}]})


def test_a_treatments_item_without_suggestions_can_be_accepted_skipped_or_marked():
    first = enqueue("treatments", "No condition here.", {"suggestions": []})
    second = enqueue("treatments", "Lunch order: two pizzas.", {"suggestions": []})
    at = page("ann.a", task="treatments")
    assert not at.data_editor and button(at, "Submit correction").disabled
    click(at, "Accept")
    assert stored(first)[0][1:3] == ("accept", {"decisions": []})
    click(at, "Not a clinical note")
    assert stored(second)[0][1:3] == ("not_clinical", None)
