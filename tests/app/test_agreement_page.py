"""The Agreement page through AppTest: pairwise figures per task (kappa for triage, span F1 by label for a span task),
the number of doubly annotated items, a per-annotator table, and a clinician refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.review import queue as rq
from tests.app.helpers import APP, TIMEOUT, sign_in

PAGE = str(Path(APP).parent / "pages" / "agreement.py")


pytestmark = pytest.mark.usefixtures("fresh_db")


def answered(task: str, text: str, answers: dict[str, object]) -> int:
    """An item of ``task`` answered by each annotator of ``answers`` in turn (overlap 2 when there are two)."""
    item = rq.enqueue(task, note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                      actor="admin", overlap_share=1.0 if len(answers) > 1 else 0.0)
    for who, answer in answers.items():
        assert rq.next_item(task, who).id == item
        rq.submit(item, who, "correct", answer, seconds=4.0)
    return item


def page(task: str, role: str = "annotator") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, "ann.viewer", role)
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="agreement_task").select(task)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str):
    return next(m.value for m in at.metric if m.label == label)


def test_triage_pairs_and_annotators():
    answered("triage", "Note one.", {"ann.a": {"label": "orthopedics"}, "ann.b": {"label": "orthopedics"}})
    answered("triage", "Note two.", {"ann.a": {"label": "orthopedics"}, "ann.b": {"label": "cardiology_pulmonology"}})
    answered("triage", "Note three.", {"ann.a": {"label": "orthopedics"}})
    at = page("triage")
    assert at.title[0].value == "Agreement"
    assert metric(at, "Doubly annotated items") == "2" and metric(at, "Raw agreement") == "0.5"
    pairs = at.dataframe[0].value
    assert pairs.to_dict("records") == [{"annotator a": "ann.a", "annotator b": "ann.b", "items": 2,
                                         "kappa": 0.0, "agreement": 0.5}]
    people = at.dataframe[1].value.set_index("annotator")
    assert people.loc["ann.a", "items"] == 3 and people.loc["ann.b", "items"] == 2
    assert people.loc["ann.a", "median seconds"] == 4.0
    # gold: note one (unanimous) and note three (single); note two waits for adjudication
    assert people.loc["ann.a", "items with gold"] == 2 and people.loc["ann.a", "agreement with gold"] == 1.0


def test_span_task_shows_f1_by_label_and_an_empty_task_says_so():
    span = {"start": 0, "end": 10, "label": "DRUG", "status": "current", "attributes": []}
    other = {"start": 11, "end": 16, "label": "DRUG", "status": "current", "attributes": []}
    answered("drugs", "Metoprolol 25 mg.", {"ann.a": {"spans": [span]}, "ann.b": {"spans": [span, other]}})
    at = page("drugs")
    assert metric(at, "Strict span F1") == "0.6667"
    by_label = at.dataframe[1].value
    assert by_label.to_dict("records") == [{"label": "DRUG", "strict F1": 0.6667, "overlapping F1": 0.6667}]
    at = page("conditions")
    assert metric(at, "Doubly annotated items") == "0"
    assert {i.value for i in at.info} == {"No two annotators have answered this task yet.",
                                          "Nobody has answered an item of this task yet."}


def test_treatments_show_kappa_of_decisions_and_reason_agreement():
    def d(drug: str, verdict: str = "accept", reason: str | None = None) -> dict:
        return {"condition": "hypertension", "drug": drug, "verdict": verdict, "reason": reason, "note": None}

    # 4 candidates over two notes, a: acc rej | acc rej, b: acc rej | rej rej -> p_o 0.75, p_e 0.5*0.25+0.5*0.75
    # = 0.5, kappa 0.5; both rejected two (allergy / allergy, interaction / allergy): reason agreement 0.5
    answered("treatments", "Hypertension one.", {"ann.a": {"decisions": [d("lisinopril"), d("amlodipine", "reject",
                                                                                             "allergy")]},
                                                 "ann.b": {"decisions": [d("lisinopril"), d("amlodipine", "reject",
                                                                                             "allergy")]}})
    answered("treatments", "Hypertension two.", {"ann.a": {"decisions": [d("lisinopril"), d("amlodipine", "reject",
                                                                                             "interaction")]},
                                                 "ann.b": {"decisions": [d("lisinopril", "reject", "not_indicated"),
                                                                         d("amlodipine", "reject", "allergy")]}})
    at = page("treatments")
    assert metric(at, "Doubly annotated items") == "2"
    assert metric(at, "Cohen's kappa (accept/reject)") == "0.5" and metric(at, "Reason agreement") == "0.5"
    assert at.dataframe[0].value.to_dict("records") == [
        {"annotator a": "ann.a", "annotator b": "ann.b", "items": 2, "treatments": 4, "kappa": 0.5,
         "agreement": 0.75, "rejected by both": 2, "reason agreement": 0.5}]


def test_clinician_is_refused():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, "dr.test", "clinician")
    at.run()
    assert any("does not allow" in e.value for e in at.error) and not at.dataframe
