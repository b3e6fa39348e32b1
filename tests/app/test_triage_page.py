"""The Streamlit pages through AppTest (no browser): triage, explanation, feedback, bad input, escaping."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT, button, open_app, run_note, sign_in
from tests.conftest import CARDIO


@pytest.fixture()
def app(tiny_triage_artifact) -> AppTest:
    yield from open_app(None, "Triage a clinical note")


def triage(at: AppTest, text: str) -> AppTest:
    return run_note(at, "note_text", text, "Triage")


def html_bodies(at: AppTest) -> list[str]:
    return [el.proto.body for el in at.get("html")]


def heatmap(at: AppTest) -> str:
    found = [b for b in html_bodies(at) if 'class="nl-heatmap"' in b]
    assert len(found) == 1
    return found[0]


def test_triage_explain_and_flag_as_wrong(app):
    from core.audit import list_events
    from core.db.store import list_feedback

    at = app
    triage(at, CARDIO)

    outcome = [el.value for el in (*at.success, *at.warning)]
    assert any("Route to Cardiology / Pulmonology" in v or "Uncertain: route to a human" in v for v in outcome)

    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) == 1
    bar = charts[0]["data"][0]
    assert bar["type"] == "bar" and bar["orientation"] == "h"
    assert bar["y"][-1] == "Cardiology / Pulmonology"  # most probable on top
    assert len(bar["y"]) == 5 and all(0 <= p <= 1 for p in bar["x"])

    body = heatmap(at)
    assert "Chest" in body and "<span" in body and "background-color:rgba(" in body
    assert any("The words that most raised Cardiology / Pulmonology" in m.value for m in at.markdown)
    assert [m.label for m in at.metric][:3] == ["Comprehensiveness", "Sufficiency", "Convergence gap"]

    # switch the method: gradient x input has no convergence gap
    at.radio(key="explain_method").set_value("gxi")
    at.run()
    assert not at.exception
    assert at.metric[2].value == "n/a"

    at.selectbox(key="correct_service").select("orthopedics")
    at.text_area(key="feedback_comment").input("Knee fracture note, not cardiac.")
    sign_in(at, "dr.test", "annotator")  # an annotator may also open the review page below
    button(at, "Flag as wrong").click()
    at.run()
    assert not at.exception, at.exception
    thanks = [el.value for el in at.success if "feedback #" in el.value]
    assert thanks and "routed to Orthopedics" in thanks[0]

    rows = list_feedback(task="triage", limit=10)
    row = next(r for r in rows if r.comment == "Knee fracture note, not cardiac.")
    assert (row.user_name, row.user_role, row.verdict, row.correction) == (
        "dr.test", "annotator", "wrong", "orthopedics")
    assert row.note_text == CARDIO
    assert row.output["service"] == "cardiology_pulmonology"
    assert "Chest pain" not in json.dumps(row.output)  # the prediction holds no note text
    thanks_id = int(thanks[0].split("#")[1].split()[0])
    assert row.id == thanks_id

    # a rerun (same note) neither recomputes nor records a second prediction
    before = at.session_state["recorded_predictions"].copy()
    triage(at, CARDIO)
    assert at.session_state["recorded_predictions"] == before

    # the review page lists it, without the note text unless asked
    at.switch_page("pages/feedback.py")
    at.run()
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert "note" not in frame.columns
    assert "Knee fracture note, not cardiac." in set(frame["comment"])
    at.checkbox[0].check()
    at.run()
    assert CARDIO in set(at.dataframe[0].value["note"])
    assert list_events(5, actor="dr.test", action="note_text_viewed", target="feedback:triage")


def test_feedback_records_the_signed_in_account_and_an_admin_as_reviewer(app):
    from core.db.store import list_feedback

    at = triage(app, CARDIO)
    sign_in(at, "dr.admin", "admin")
    at.selectbox(key="correct_service").select("orthopedics")
    at.text_area(key="feedback_comment").input("Sent by the admin account.")
    button(at, "Flag as wrong").click()
    at.run()
    assert not at.exception, at.exception
    assert any("feedback #" in el.value for el in at.success)
    row = next(r for r in list_feedback(task="triage", limit=20) if r.comment == "Sent by the admin account.")
    assert (row.user_name, row.user_role) == ("dr.admin", "reviewer")  # the feedback table has no admin role


def test_empty_note_shows_the_error_and_keeps_the_text(app):
    at = triage(app, "   \n\t ")
    assert any("The note is empty" in e.value for e in at.error)
    assert at.text_area(key="note_text").value == "   \n\t "
    assert not at.get("plotly_chart")


def test_too_long_note_is_refused(app):
    from core.config import get_settings

    long_note = "word " * (get_settings().max_note_chars // 5 + 10)
    at = triage(app, long_note)
    assert any("too long" in e.value for e in at.error)
    assert at.text_area(key="note_text").value == long_note


def test_script_in_a_note_is_escaped(app):
    note = CARDIO + "\n<script>alert('x')</script> <img src=x onerror=alert(1)> & <b>bold</b>"
    at = triage(app, note)
    for body in html_bodies(at):
        assert "<script" not in body and "<img" not in body and "<b>" not in body
    body = heatmap(at)
    assert "&lt;" in body and "script" in body and "&amp;" in body


def test_sample_note_fills_the_text_box(app):
    at = app
    at.selectbox(key="sample_choice").select("Knee injury")
    at.run()
    assert "anterior cruciate ligament" in at.text_area(key="note_text").value


def test_pages_switch(app):
    at = app
    sign_in(at, "dr.test", "annotator")
    at.run()  # the navigation now routes the review page too
    at.switch_page("pages/feedback.py")
    at.run()
    assert not at.exception and at.title[0].value == "Feedback review"
    at.switch_page("pages/triage.py")
    at.run()
    assert not at.exception and at.title[0].value == "Triage a clinical note"


def test_without_a_model_the_page_says_how_to_train(monkeypatch, tmp_path, tiny_triage_artifact):
    from core.config import get_settings

    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(tmp_path / "empty"))   # a fresh install: no model trained
    get_settings.cache_clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        sign_in(at, "dr.test")
        at.run()
        assert not at.exception, at.exception
        assert any("No triage model is trained yet" in e.value and "make run" in e.value for e in at.error)
        assert any("none trained" in c.value for c in at.sidebar.caption)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_long_note_defaults_to_the_fast_method(app):
    at = app
    at.selectbox(key="sample_choice").select("Diabetes follow up long")
    at.run()
    button(at, "Triage").click()
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="explain_method").value == "gxi"  # many windows: gradient x input, not minutes of IG
    assert at.metric[2].value == "n/a"
    assert heatmap(at).count("<span") > 100


def test_a_session_remembers_a_bounded_number_of_recorded_predictions(app, monkeypatch):
    from pages import state

    monkeypatch.setattr(state, "MAX_RECORDED", 2)
    at = app
    notes = [f"{CARDIO} Visit {i}." for i in range(3)]
    for note in notes[:2]:
        triage(at, note)
    first = dict(at.session_state["recorded_predictions"])
    assert len(first) == 2
    triage(at, notes[0])  # a note seen again becomes the most recent; nothing new is stored
    assert dict(at.session_state["recorded_predictions"]) == first
    triage(at, notes[2])  # a third note pushes out the least recently used (note 1), not note 0
    recorded = at.session_state["recorded_predictions"]
    assert len(recorded) == 2
    assert set(recorded.values()) == {first_id for key, first_id in first.items() if key[1] != _hash(notes[1])} | {
        max(recorded.values())}
    assert max(recorded.values()) > max(first.values())


def _hash(note: str) -> str:
    from core.text import clean_note, note_hash

    return note_hash(clean_note(note))


def test_edited_notice_only_when_the_note_really_changed(app):
    at = app
    marked = "\u202e" + CARDIO.replace("\n", "\r\n") + "\u2066"  # direction marks and CRLF: dropped by cleaning
    triage(at, marked)
    assert not any("The note was edited" in i.value for i in at.info)
    at.text_area(key="note_text").input(CARDIO + " New: knee pain.")
    at.run()
    assert any("The note was edited" in i.value for i in at.info)
    at.text_area(key="note_text").input("   ")
    at.run()
    assert any("The note was edited" in i.value for i in at.info)
