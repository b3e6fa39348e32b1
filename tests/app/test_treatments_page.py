"""The Treatments page through AppTest: conditions, grouped suggestions with basis, flags, withheld, feedback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import button, open_app, run_note, sign_in

NOTE = ("Assessment: hypertension. She is 20 weeks pregnant. Denies asthma. Mother with gout. "
        "<script>alert('x')</script>")


@pytest.fixture()
def app(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact) -> AppTest:
    for at in open_app("pages/treatments.py", "Treatment suggestions"):
        assert "Decision support only" in at.warning[0].value
        yield at


def suggest(at: AppTest, text: str) -> AppTest:
    return run_note(at, "treat_note_text", text, "Suggest treatments")


def send(at: AppTest, label: str, name: str = "dr.reviewer", role: str = "annotator") -> AppTest:
    """Sign ``name`` in with ``role`` (an annotator may open the review page) and press ``label``."""
    sign_in(at, name, role)
    button(at, label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_conditions_suggestions_and_withheld(app):
    suggest(app, NOTE)
    conditions = frame_with(app, "mention")
    status = dict(zip(conditions["mention"], conditions["status"]))
    assert status["hypertension"] == "present" and status["asthma"] == "negated"
    assert status["gout"] == "family history"
    suggestions = frame_with(app, "treatment")
    assert "lisinopril" not in set(suggestions["treatment"])          # contraindicated in pregnancy: withheld
    from core.treatments.present import ROLE_TEXT

    roles = list(suggestions["role"])                                  # each row's knowledge-base role, labelled
    assert "first-line" in roles and set(roles) <= set(ROLE_TEXT.values())
    add_ons = [i for i, r in enumerate(roles) if r in ("adjunct (add-on)", "supportive", "specialist only")]
    assert all(i > max(j for j, r in enumerate(roles) if r == "first-line") for i in add_ons)
    assert all(src for src in suggestions["source"])
    from core.knowledge.kb import load_kb

    kb = load_kb()                                     # each row's basis: source, body, year, KB version
    cited = {(src.title, src.body, str(src.year)) for src in kb.sources.values()}
    assert set(zip(suggestions["source"], suggestions["body"], suggestions["year"])) <= cited
    assert set(suggestions["KB version"]) == {str(kb.version)}
    withheld = frame_with(app, "why not")
    assert "lisinopril" in set(withheld["treatment"])
    assert any("pregnan" in w.lower() for w in withheld["why not"])
    assert any("pregnancy" in md.value for md in app.markdown)          # the patient context line
    # the explanation of the first suggestion's score
    heat = [el.proto.body for el in app.get("html") if 'class="nl-heatmap"' in el.proto.body]
    assert len(heat) == 1 and "&lt;" in heat[0] and "<script>" not in heat[0]
    assert any(m.label == "Comprehensiveness" for m in app.metric)
    # the measured default for rankings (see DEFAULT_METHODS), and the user can switch
    from core.explain.attribution import DEFAULT_METHODS

    assert app.radio(key="treat_explain_method").value == DEFAULT_METHODS["treatments"]
    app.radio(key="treat_explain_method").set_value("ig")
    app.run()
    assert not app.exception, app.exception
    assert any(m.label == "Convergence gap" and m.value.endswith("%") for m in app.metric)


def test_negated_only_note_suggests_nothing(app):
    suggest(app, "Denies hypertension. Mother with gout.")
    assert any("nothing to suggest" in i.value for i in app.info)


def test_feedback_accept_reject_and_missing(app):
    from core.db.store import get_prediction, list_feedback

    suggest(app, NOTE)
    app.radio(key="treat_judge_verdict").set_value("reject")
    send(app, "Send feedback")
    assert any("Say why" in e.value for e in app.error)               # a rejection needs a reason
    app.text_input(key="treat_judge_reason").input("prefer nifedipine in pregnancy")
    send(app, "Send feedback")
    assert not app.error, [e.value for e in app.error]
    app.text_input(key="treat_missing_drug").input("methyldopa")
    send(app, "Add")
    rows = [r for r in list_feedback("treatments", limit=20) if r.user_name == "dr.reviewer"]
    kinds = {r.correction["kind"]: r for r in rows}
    assert set(kinds) == {"reject", "add_missing"}
    assert kinds["reject"].verdict == "wrong"
    assert kinds["reject"].correction["reason"] == "prefer nifedipine in pregnancy"
    assert kinds["add_missing"].correction == {"kind": "add_missing", "condition_id": "hypertension",
                                               "drug": "methyldopa", "drugbank_id": None, "reason": None}
    prediction = get_prediction(kinds["reject"].prediction_id)
    assert prediction.task == "treatments" and prediction.output["suggestions"]
    assert "lisinopril" in {s["drug"] for s in prediction.output["withheld"]}
    assert sum("Saved feedback" in s.value for s in app.success) == 2

    app.switch_page("pages/feedback.py")
    app.run()
    assert not app.exception, app.exception
    assert {"reject", "add missing"} <= set(frame_with(app, "feedback")["feedback"])


def test_a_missed_condition_is_stored_on_a_conditions_prediction(app):
    from core.db.store import get_prediction, list_feedback

    suggest(app, NOTE)
    app.radio(key="treat_cond_fix_kind").set_value("missed_condition")
    app.run()
    app.text_input(key="treat_cond_fix_text").input("20 weeks pregnant")
    send(app, "Send correction", name="dr.conditions")
    assert not app.error, [e.value for e in app.error]
    assert any("Add a missed condition" in s.value for s in app.success)
    (row,) = [r for r in list_feedback("conditions", limit=20) if r.user_name == "dr.conditions"]
    assert row.correction["kind"] == "missed_condition" and row.correction["text"] == "20 weeks pregnant"
    assert row.verdict == "partially_correct" and row.note_text == NOTE
    prediction = get_prediction(row.prediction_id)
    assert prediction.task == "conditions" and "entities" in prediction.output


def test_empty_note_gets_a_clear_message(app):
    suggest(app, "  ")
    assert app.error and "empty" in app.error[0].value.lower()
