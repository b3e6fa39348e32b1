"""A plain run of the Medications and Treatments pages stores predictions that hold none of the note's words (only
offsets, labels, codes and vocabulary names), and each session explains under its own cache scope."""

from __future__ import annotations

import json

import pytest

from core.explain import attribution
from tests.app.helpers import button, open_app, run_note

NOTE = ("Allergies: Zorblaxin. Pt DENIES taking METFORMIN; stopped Lisinoprill. Continue metoprolol 25 mg PO daily "
        "and Qwerflux 10 mg BID. Assessment: hypertension. Mother with gout.")
ODD = ("Zorblaxin", "zorblaxin", "DENIES", "METFORMIN", "Lisinoprill", "stopped", "Qwerflux", "qwerflux")


def stored(at) -> dict[str, dict]:
    """Task -> output of the predictions this session stored."""
    from core.db.store import get_prediction

    recorded = at.session_state["recorded_predictions"]
    return {task: get_prediction(pid).output for (task, _, _), pid in recorded.items()}


@pytest.fixture()
def models(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    return None


def test_the_medications_page_stores_no_words_of_the_note(models):
    for at in open_app("pages/drugs.py", "Medications in a note"):
        run_note(at, "drugs_note_text", NOTE, "Find medications")
        assert any("METFORMIN" in el.proto.body for el in at.get("html"))  # the page shows the words
        outputs = stored(at)
        assert set(outputs) == {"drugs"}
        dumped = json.dumps(outputs)
        assert not [w for w in ODD if w in dumped], dumped
        words = [NOTE[m["start"]:m["end"]] for m in outputs["drugs"]["mentions"]]
        assert "METFORMIN" in words and "metoprolol" in words


def test_the_treatments_page_stores_no_words_of_the_note(models):
    for at in open_app("pages/treatments.py", "Treatment suggestions"):
        run_note(at, "treat_note_text", NOTE, "Suggest treatments")
        outputs = stored(at)
        assert "treatments" in outputs
        dumped = json.dumps(outputs)
        assert not [w for w in ODD if w in dumped], dumped
        treat = outputs["treatments"]
        assert any(NOTE[m["span"]["start"]:m["span"]["end"]] == "hypertension"
                   for m in treat["conditions"]["mentions"])
        assert treat["suggestions"] and all(len(e) == 2 for s in treat["suggestions"] for e in s["evidence"])


def test_two_sessions_explain_under_their_own_scopes(models):
    attribution.CACHE.clear()
    scopes = []
    for _ in range(2):
        for at in open_app("pages/drugs.py", "Medications in a note"):
            run_note(at, "drugs_note_text", NOTE, "Find medications")
            scopes.append(at.session_state["explain_cache_scope"])
    assert len(set(scopes)) == 2 and all(len(s) == 32 for s in scopes)
    # the same note and mention were explained once per session: a miss in each, no hit across them
    assert {key[0] for key in attribution.CACHE._data} == set(scopes)
    assert attribution.CACHE.hits == 0


def test_signing_out_forgets_the_notes_and_the_explanation_scope(tiny_triage_artifact):
    from streamlit.testing.v1 import AppTest

    from tests.app.helpers import APP, TIMEOUT, sign_in

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "dr.leaving", "clinician")
    kept = {"note_text": NOTE, "drugs_note_text": NOTE, "drugs_run": "a run", "recorded_predictions": {("drugs", "h",
            "v"): 1}, "explain_cache_scope": "0" * 32, "drugs_drugs_feedback": [(1, "fix")], "drug_explain_choice": 0}
    for key, value in kept.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["note_text"] == NOTE  # still there while signed in
    button(at, "Sign out").click()
    at.run()
    assert not at.exception, at.exception
    assert [key for key in kept if key in at.session_state] == []
