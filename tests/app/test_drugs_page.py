"""The Medications page through AppTest: highlight, table, explanation, corrections stored, escaping, bad input."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import button, open_app, run_note, sign_in

NOTE = "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily for pain. <script>alert('x')</script>"


@pytest.fixture()
def app(tiny_triage_artifact, tiny_drug_artifact) -> AppTest:
    yield from open_app("pages/drugs.py", "Medications in a note")


def find(at: AppTest, text: str) -> AppTest:
    return run_note(at, "drugs_note_text", text, "Find medications")


def send_correction(at: AppTest, name: str = "dr.annotator", role: str = "annotator") -> AppTest:
    """Sign ``name`` in with ``role`` and send the form."""
    sign_in(at, name, role)
    button(at, "Send correction").click()
    at.run()
    return at


def highlighted(at: AppTest) -> str:
    found = [el.proto.body for el in at.get("html") if 'class="nl-highlight"' in el.proto.body]
    assert len(found) == 1
    return found[0]


def test_highlights_drugs_and_lists_them_escaped(app):
    find(app, NOTE)
    body = highlighted(app)
    assert '<mark class="nl-drug"' in body and ">metoprolol</mark>" in body and ">lisinopril</mark>" in body
    assert '<mark class="nl-strength"' in body and ">25 mg</mark>" in body
    assert "<script>" not in body and "&lt;script&gt;" in body
    table = app.dataframe[0].value
    assert list(table["drug (as written)"]) == ["metoprolol", "lisinopril"]
    assert list(table["strength"]) == ["25 mg", "10 mg"]
    assert list(table["normalized name"])[0].lower() == "metoprolol"
    assert str(list(table["DrugBank id"])[0]).startswith("DB")
    assert list(table["status"]) == ["current", "current"]
    assert app.subheader[0].value.startswith("2 medication mentions")


def test_explanation_of_the_selected_drug(app):
    find(app, NOTE)
    heat = [el.proto.body for el in app.get("html") if 'class="nl-heatmap"' in el.proto.body]
    assert len(heat) == 1 and "metoprolol" in heat[0]
    assert any(m.label == "Comprehensiveness" for m in app.metric)
    app.selectbox(key="drug_explain_choice").select(1)
    app.run()
    assert not app.exception, app.exception
    assert any("lisinopril" in md.value for md in app.markdown)


def test_corrections_are_stored_as_feedback_on_the_prediction(app):
    from core.db.store import get_prediction, list_feedback

    find(app, NOTE)
    app.radio(key="drug_fix_kind").set_value("missed_drug")
    app.run()
    app.text_input(key="drug_fix_text").input("pain")
    send_correction(app)
    assert not app.exception, app.exception
    rows = [r for r in list_feedback("drugs", limit=20) if r.user_name == "dr.annotator"]
    assert rows, "no feedback row"
    row = rows[0]
    assert row.verdict == "partially_correct" and row.user_role == "annotator"
    assert row.correction["kind"] == "missed_drug" and row.correction["text"] == "pain"
    assert row.note_text == NOTE
    assert NOTE[row.correction["start"]:row.correction["end"]] == "pain"
    prediction = get_prediction(row.prediction_id)
    assert prediction.task == "drugs"
    # the prediction keeps offsets, not the words: the note kept with the feedback gives them back
    assert [NOTE[m["start"]:m["end"]] for m in prediction.output["mentions"]] == ["metoprolol", "lisinopril"]
    assert all("text" not in m for m in prediction.output["mentions"])
    assert any("Saved feedback" in s.value for s in app.success)

    app.radio(key="drug_fix_kind").set_value("status")
    app.run()
    app.selectbox(key="drug_fix_status").select("allergy")
    send_correction(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    latest = [r for r in list_feedback("drugs", limit=20) if r.user_name == "dr.annotator"][0]
    assert latest.correction == {"kind": "status", "drug": [NOTE.index("metoprolol"), NOTE.index("metoprolol") + 10],
                                 "status": "allergy", "text": "metoprolol"}

    # the review page lists the corrections (without the note unless asked)
    app.switch_page("pages/feedback.py")
    app.run()
    assert not app.exception, app.exception
    corrections = next(d.value for d in app.dataframe if "correction" in d.value.columns)
    assert {"Add a missed drug", "Fix the status"} <= set(corrections["correction"])
    assert "note" not in corrections.columns


def test_a_correction_after_signing_out_is_refused(app):
    from core.db.store import list_feedback

    find(app, NOTE)
    before = len(list_feedback("drugs", limit=500))
    for key in ("auth_user", "auth_role", "auth_last_activity"):
        del app.session_state[key]
    button(app, "Send correction").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Sign in to use NoteLens" in e.value for e in app.error)
    assert not app.title  # the page stopped before showing anything
    assert len(list_feedback("drugs", limit=500)) == before


def test_empty_note_gets_a_clear_message(app):
    find(app, "   ")
    assert app.error and "empty" in app.error[0].value.lower()
    assert not [el for el in app.get("html") if 'class="nl-highlight"' in el.proto.body]


def test_a_note_without_drugs_offers_only_adding_one(app):
    find(app, "Walks the dog every morning. No complaints today.")
    assert any("No medication mention found" in i.value for i in app.info)
    send_correction(app)  # default kind: "Not a drug"
    assert not app.exception, app.exception
    assert any("Choose the drug" in e.value for e in app.error)


def test_drug_classes_are_shown_apart_and_not_counted(app, monkeypatch):
    """A class the model tags (here added to the tiny model's spans) gets its own colour and table, and is neither a
    medication mention nor exported."""
    import re

    from core.drugs.pipeline import DrugPipeline
    from core.labels import DRUG_CLASS_LABEL
    from core.spans import Span

    original = DrugPipeline.filter

    def with_classes(self, text, spans):
        extra = [Span(m.start(), m.end(), DRUG_CLASS_LABEL, score=0.9) for m in re.finditer(r"statins", text)]
        kept = [s for s in original(self, text, spans) if not any(s.start < e.end and e.start < s.end for e in extra)]
        return sorted(kept + extra, key=lambda s: s.start)

    monkeypatch.setattr(DrugPipeline, "filter", with_classes)
    find(app, "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily. Not on statins.")
    body = highlighted(app)
    assert '<mark class="nl-drug-class"' in body and ">statins</mark>" in body
    assert app.subheader[0].value.startswith("2 medication mentions")
    assert list(app.dataframe[0].value["drug (as written)"]) == ["metoprolol", "lisinopril"]
    classes = next(d.value for d in app.dataframe if "class (as written)" in d.value.columns)
    assert list(classes["class (as written)"]) == ["statins"] and list(classes["class"]) == ["statin"]
    assert any("Drug classes named (1)" in md.value for md in app.markdown)
    assert any("drug class (not a medication)" in el.proto.body for el in app.get("html"))
