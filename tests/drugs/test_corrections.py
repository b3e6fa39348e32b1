"""Building annotators' corrections and applying them to the model's entities for retraining."""

import pytest

from core.drugs.corrections import (VERDICT_FOR, apply_corrections, attribute_fix, false_drug, find_text,
                                    missed_drug, status_fix)
from core.drugs.types import DrugMention, DrugResult
from core.spans import Span

TEXT = "Takes Lasix 40 mg daily and Tylenol prn. Walks daily."


def _result():
    lasix = DrugMention(Span(6, 11, "DRUG", group=0), "Lasix", (Span(12, 17, "STRENGTH", group=0),))
    return DrugResult((lasix,), (Span(6, 11, "DRUG"), Span(12, 17, "STRENGTH"), Span(47, 52, "FREQUENCY")), "v1")


def test_build_corrections():
    r = _result()
    assert false_drug(r, 0) == {"kind": "false_drug", "start": 6, "end": 11, "text": "Lasix"}
    start, end = find_text(TEXT, "tylenol")
    assert missed_drug(TEXT, start, end, r)["text"] == "Tylenol"
    assert find_text(TEXT, "daily", 2) == (47, 52)
    with pytest.raises(ValueError):
        find_text(TEXT, "daily", 3)
    with pytest.raises(ValueError, match="already"):
        missed_drug(TEXT, 6, 11, r)
    with pytest.raises(ValueError):
        missed_drug(TEXT, 5, 6)  # only whitespace
    fix = attribute_fix(TEXT, r, 0, "FREQUENCY", "daily")
    assert (fix["start"], fix["end"], fix["text"]) == (18, 23, "daily")
    with pytest.raises(ValueError, match="near"):
        attribute_fix(TEXT, r, 0, "ROUTE", "IV")
    assert status_fix(r, 0, "allergy")["status"] == "allergy"
    with pytest.raises(ValueError):
        status_fix(r, 0, "maybe")
    assert VERDICT_FOR["false_drug"] == "wrong" and VERDICT_FOR["confirm"] == "correct"


def test_apply_corrections_gives_training_spans():
    r = _result()
    entities = [e.to_dict() for e in r.entities]
    corrections = [missed_drug(TEXT, *find_text(TEXT, "Tylenol")), attribute_fix(TEXT, r, 0, "FREQUENCY", "daily"),
                   status_fix(r, 0, "current")]
    spans = apply_corrections(TEXT, entities, corrections)
    assert [(TEXT[s.start:s.end], s.label) for s in spans] == [("Lasix", "DRUG"), ("40 mg", "STRENGTH"),
                                                               ("daily", "FREQUENCY"), ("Tylenol", "DRUG")]
    spans = apply_corrections(TEXT, entities, [false_drug(r, 0)])
    assert ("Lasix", "DRUG") not in [(TEXT[s.start:s.end], s.label) for s in spans]


def test_stored_corrections_become_training_documents(tiny_drugs):
    from core.db.engine import init_db
    from core.db.store import record_feedback, record_prediction
    from core.drugs.train import feedback_docs

    init_db()
    text = "Takes Lasix 40 mg daily and Tylenol prn for pain after the fall."
    result = tiny_drugs(text)
    pid = record_prediction("drugs", result.model_version, text, result.to_dict())
    record_feedback(pid, user_name="Ann", user_role="annotator", verdict="partially_correct",
                    correction=missed_drug(text, *find_text(text, "Tylenol"), result), note_text=text)
    docs = [d for d in feedback_docs() if d.text == text]
    assert len(docs) == 1
    labelled = {(text[s.start:s.end], s.label) for s in docs[0].spans}
    assert ("Tylenol", "DRUG") in labelled
    assert {(text[e.start:e.end], e.label) for e in result.entities if text[e.start:e.end] != "Tylenol"} <= labelled
