"""Drug classes ("statins", "allergic to penicillins") in the drug pipeline: named apart, never a medication (not in
the mentions, the FHIR export or what the treatment checks take as current drugs), not scored as DRUG."""

from __future__ import annotations

import json

import pytest
import torch

from core.drugs.fhir import bundle_json, exported_mentions
from core.drugs.pipeline import DrugPipeline
from core.drugs.present import class_rows, legend_html, note_html
from core.labels import DRUG_CLASS_LABEL, DRUG_LABELS
from core.ner.scoring import score_spans
from core.spans import Span

TEXT = "Continue lisinopril 10 mg daily and a statin. Allergic to penicillins. Potassium 4.1 today."


def span(word: str, label: str, score: float = 0.95) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, score=score)


@pytest.fixture(scope="module")
def pipe() -> DrugPipeline:
    from core.ner.training import bio_tags, new_model

    torch.manual_seed(0)
    model, tok = new_model(bio_tags(DRUG_LABELS), tiny=True)
    return DrugPipeline(model, tok, max_length=64, stride=16, normalize=True, assertion=True, unknown_min_score=0.9)


@pytest.fixture(scope="module")
def result(pipe):
    entities = [span("lisinopril", "DRUG"), span("10 mg", "STRENGTH"), span("daily", "FREQUENCY"),
                span("statin", DRUG_CLASS_LABEL), span("penicillins", DRUG_CLASS_LABEL)]
    return pipe.postprocess(TEXT, entities)


def test_classes_are_named_apart_from_the_medications(result):
    assert [m.text for m in result.mentions] == ["lisinopril"]
    assert [m.attribute("STRENGTH") for m in result.mentions] == ["10 mg"]
    assert [c.text for c in result.classes] == ["statin", "penicillins"]
    assert [c.identity.name for c in result.classes] == ["statin", "penicillin"]
    assert result.classes[0].identity.family == "statin"
    assert [c.status for c in result.classes] == ["current", "allergy"]
    assert result.orphan_attributes == []
    assert [c["text"] for c in result.to_dict()["classes"]] == ["statin", "penicillins"]


def test_classes_are_not_exported_nor_current_medications(result):
    assert [m.text for m in exported_mentions(result)] == ["lisinopril"]
    bundle = json.loads(bundle_json(result))
    assert len(bundle["entry"]) == 1 and "statin" not in json.dumps(bundle).lower()
    # what the treatment checks read as current medications and allergies: the result's mentions only
    assert [m.text for m in result.mentions if m.taken] == ["lisinopril"]


def test_a_class_the_model_called_a_drug_is_relabelled(pipe):
    text = "Allergies: ACE inhibitors, sulfa drugs. Patient: Zebulon Quixote. Takes lisinopril."
    spans = [Span(text.index(w), text.index(w) + len(w), "DRUG", score=s)
             for w, s in (("ACE inhibitors", 0.99), ("sulfa drugs", 0.95), ("Zebulon Quixote", 0.6),
                          ("lisinopril", 0.99))]
    kept = pipe.filter(text, spans)
    assert [(text[s.start:s.end], s.label) for s in kept] == [
        ("ACE inhibitors", DRUG_CLASS_LABEL), ("sulfa drugs", DRUG_CLASS_LABEL), ("lisinopril", "DRUG")]


def test_predicted_classes_are_no_drug_false_positives():
    """``evaluate drugs --label-map Chemical=DRUG`` scores the labels the data annotates: a DRUG_CLASS prediction
    is ignored, a DRUG prediction on the same words is a false positive."""
    gold = [[span("lisinopril", "DRUG")]]
    as_class = score_spans(gold, [[span("lisinopril", "DRUG"), span("statin", DRUG_CLASS_LABEL)]], [TEXT],
                           labels=["DRUG"])
    as_drug = score_spans(gold, [[span("lisinopril", "DRUG"), span("statin", "DRUG")]], [TEXT], labels=["DRUG"])
    assert as_class["strict"]["precision"] == 1.0 and as_class["n_pred"] == 1
    assert as_drug["strict"]["precision"] == 0.5


def test_the_page_shows_classes_in_their_own_colour(result):
    body = note_html(TEXT, result)
    assert '<mark class="nl-drug-class"' in body and ">statin</mark>" in body and ">penicillins</mark>" in body
    assert '<mark class="nl-drug"' in body and ">lisinopril</mark>" in body
    assert "drug class (not a medication)" in legend_html()
    assert [r["class"] for r in class_rows(result)] == ["statin", "penicillin"]
    assert class_rows(result)[1]["status"] == "allergy"
