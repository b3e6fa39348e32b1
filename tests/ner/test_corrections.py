"""Building annotators' span corrections, checking them, and applying them to the model's entities."""

import pytest

from core.drugs.types import DrugMention, DrugResult
from core.labels import ATTRIBUTE_LABELS, CONDITION_STATUSES, DRUG_STATUSES
from core.ner.corrections import SpanCorrections, find_text
from core.spans import Span

TEXT = "Takes Lasix 40 mg daily and Tylenol prn. Walks daily."
DRUGS = SpanCorrections("DRUG", "drug", DRUG_STATUSES, ATTRIBUTE_LABELS)
CONDITIONS = SpanCorrections("CONDITION", "condition", CONDITION_STATUSES)


def _result():
    lasix = DrugMention(Span(6, 11, "DRUG", group=0), "Lasix", (Span(12, 17, "STRENGTH", group=0),))
    return DrugResult((lasix,), (Span(6, 11, "DRUG"), Span(12, 17, "STRENGTH"), Span(47, 52, "FREQUENCY")), "v1")


def build(kind, **fields):
    return DRUGS.build(TEXT, _result().mentions, kind, **fields)


def test_build_corrections():
    assert build("false_drug", index=0).payload == {"kind": "false_drug", "start": 6, "end": 11, "text": "Lasix"}
    missed = build("missed_drug", needle="tylenol")
    assert missed.payload["text"] == "Tylenol" and missed.verdict == "partially_correct"
    assert "Tylenol" in missed.summary
    assert build("missed_drug", start=28, end=35).payload["text"] == "Tylenol"
    assert find_text(TEXT, "daily", 2) == (47, 52)
    with pytest.raises(ValueError):
        find_text(TEXT, "daily", 3)
    with pytest.raises(ValueError, match="already"):
        build("missed_drug", start=6, end=11)
    with pytest.raises(ValueError):
        build("missed_drug", start=5, end=6)  # only whitespace
    fix = build("attribute", index=0, label="FREQUENCY", value="daily").payload
    assert (fix["start"], fix["end"], fix["text"]) == (18, 23, "daily")
    with pytest.raises(ValueError, match="near"):
        build("attribute", index=0, label="ROUTE", value="IV")
    assert build("status", index=0, status="allergy").payload["status"] == "allergy"
    with pytest.raises(ValueError):
        build("status", index=0, status="maybe")
    with pytest.raises(ValueError, match="Choose the drug"):
        build("status", status="allergy")
    with pytest.raises(ValueError, match="unknown"):
        build("rename")
    assert build("false_drug", index=0).verdict == "wrong" and build("confirm").verdict == "correct"


def test_apply_corrections_gives_training_spans():
    r = _result()
    entities = [e.to_dict() for e in r.entities]
    corrections = [build("missed_drug", needle="Tylenol").payload,
                   build("attribute", index=0, label="FREQUENCY", value="daily").payload,
                   build("status", index=0, status="current").payload]
    spans = DRUGS.apply(TEXT, entities, corrections)
    assert [(TEXT[s.start:s.end], s.label) for s in spans] == [("Lasix", "DRUG"), ("40 mg", "STRENGTH"),
                                                               ("daily", "FREQUENCY"), ("Tylenol", "DRUG")]
    spans = DRUGS.apply(TEXT, entities, [build("false_drug", index=0).payload])
    assert ("Lasix", "DRUG") not in [(TEXT[s.start:s.end], s.label) for s in spans]


def test_condition_corrections_have_no_attributes():
    text = "Assessment: gout. Denies asthma."
    gout = Span(12, 16, "CONDITION")

    class Mention:
        start, end, text, span = 12, 16, "gout", gout

    assert list(CONDITIONS.kinds) == ["false_condition", "missed_condition", "status", "confirm"]
    missed = CONDITIONS.build(text, [Mention()], "missed_condition", needle="asthma")
    assert missed.payload == {"kind": "missed_condition", "start": 25, "end": 31, "text": "asthma"}
    with pytest.raises(ValueError):
        CONDITIONS.build(text, [Mention()], "attribute", index=0, label="DOSE", value="x")
    status = CONDITIONS.build(text, [Mention()], "status", index=0, status="possible").payload
    assert status == {"kind": "status", "condition": [12, 16], "status": "possible", "text": "gout"}
    spans = CONDITIONS.apply(text, [gout.to_dict()], [missed.payload])
    assert [(text[s.start:s.end], s.label) for s in spans] == [("gout", "CONDITION"), ("asthma", "CONDITION")]
