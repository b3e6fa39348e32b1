"""Pressing a feedback button twice on a page stores one feedback row and shows the same id both times."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import button, open_app, run_note
from tests.conftest import CARDIO


@pytest.fixture()
def app(tiny_triage_artifact) -> AppTest:
    yield from open_app(None, "Triage a clinical note")


def _shown_ids(at: AppTest) -> list[int]:
    return [int(el.value.split("feedback #")[1].split()[0]) for el in at.success if "feedback #" in el.value]


def test_looks_right_twice_stores_one_row(app):
    from core.db.store import list_feedback

    def on_this_prediction(feedback_id: int) -> list[tuple[int, str, str]]:
        rows = list_feedback(task="triage", limit=10_000)
        pid = next(r.prediction_id for r in rows if r.id == feedback_id)
        return sorted((r.id, r.verdict, r.user_name) for r in rows if r.prediction_id == pid)

    at = run_note(app, "note_text", CARDIO, "Triage")

    button(at, "Looks right").click()
    at.run()
    assert not at.exception, at.exception
    (first,) = _shown_ids(at)
    button(at, "Looks right").click()
    at.run()
    assert not at.exception, at.exception
    assert _shown_ids(at) == [first]

    assert on_this_prediction(first) == [(first, "correct", "dr.test")]
    assert [fid for fid, _ in at.session_state["triage_triage_feedback"]] == [first]

    # a different act (flag as wrong) is a new row, listed after the first
    at.selectbox(key="correct_service").select("orthopedics")
    button(at, "Flag as wrong").click()
    at.run()
    assert not at.exception, at.exception
    (second,) = _shown_ids(at)
    assert second != first
    assert [fid for fid, _ in at.session_state["triage_triage_feedback"]] == [first, second]
    # and "Looks right" again shows the first id once more, still without a new row
    button(at, "Looks right").click()
    at.run()
    assert _shown_ids(at) == [first]
    assert [fid for fid, _ in at.session_state["triage_triage_feedback"]] == [second, first]
    assert on_this_prediction(first) == [(first, "correct", "dr.test"), (second, "wrong", "dr.test")]
