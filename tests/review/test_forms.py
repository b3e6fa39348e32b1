"""The Review page's answer rules (core.review.forms): the model's record as a starting answer, and edited span
tables checked against the note before they are stored."""

from __future__ import annotations

import math

import pytest

from core.review import forms
from core.review.agreement import Annotation

TEXT = "Metoprolol 25 mg daily. Denies asthma."


def test_prefill_label_reads_a_triage_record_and_leaves_uncertain_open():
    assert forms.prefill_label({"outcome": "orthopedics", "service": "orthopedics", "uncertain": False}) \
        == "orthopedics"
    assert forms.prefill_label({"label": "cardiology_pulmonology"}) == "cardiology_pulmonology"
    assert forms.prefill_label({"outcome": "uncertain", "service": "orthopedics", "uncertain": True}) is None
    assert forms.prefill_label({"service": "astrology"}) is None and forms.prefill_label(None) is None
    assert forms.label_answer("orthopedics") == {"label": "orthopedics"}
    with pytest.raises(ValueError, match="choose a service"):
        forms.label_answer(None)


def test_prefill_rows_from_a_drug_record_take_mention_statuses_and_links_and_drop_other_labels():
    record = {"entities": [{"start": 11, "end": 16, "label": "STRENGTH", "score": 0.9},
                           {"start": 0, "end": 10, "label": "DRUG", "score": 0.8},
                           {"start": 17, "end": 22, "label": "FREQUENCY", "status": "current"},
                           {"start": 30, "end": 36, "label": "CONDITION"}],
              "mentions": [{"start": 0, "end": 10, "status": "negated",
                            "attributes": [{"start": 11, "end": 16, "label": "STRENGTH"}]}]}
    assert forms.prefill_rows("drugs", record) == [
        {"start": 0, "end": 10, "label": "DRUG", "status": "negated", "drug": None},
        {"start": 11, "end": 16, "label": "STRENGTH", "status": None, "drug": 0},
        {"start": 17, "end": 22, "label": "FREQUENCY", "status": None, "drug": None}]
    conditions = {"entities": [{"start": 30, "end": 36, "label": "CONDITION"}],
                  "mentions": [{"span": {"start": 30, "end": 36, "label": "CONDITION"}, "status": "negated"}]}
    assert forms.prefill_rows("conditions", conditions) == [
        {"start": 30, "end": 36, "label": "CONDITION", "status": "negated", "drug": None}]
    assert forms.prefill_rows("drugs", None) == [] and forms.prefill_rows("drugs", {"spans": []}) == []
    with pytest.raises(ValueError):
        forms.prefill_rows("triage", record)


def test_a_stored_answer_reads_back_as_the_same_rows_and_answer():
    answer = {"spans": [{"start": 0, "end": 10, "label": "DRUG", "status": "current", "attributes": [
        {"start": 11, "end": 16, "label": "STRENGTH"}, {"start": 17, "end": 22, "label": "FREQUENCY"}]},
        {"start": 24, "end": 30, "label": "DRUG_CLASS", "status": "allergy", "attributes": []}]}
    rows = forms.prefill_rows("drugs", answer)
    assert [(r["label"], r["drug"]) for r in rows] == [("DRUG", None), ("STRENGTH", 0), ("FREQUENCY", 0),
                                                      ("DRUG_CLASS", None)]
    assert forms.check_spans("drugs", rows, TEXT).answer == answer


def test_check_spans_accepts_a_good_table_as_an_answer_the_agreement_code_reads():
    text = "Metoprolol 25 mg daily and aspirin 81 mg."
    rows = [{"start": 11.0, "end": 16.0, "label": "STRENGTH", "status": None, "drug": None, "text": "25 mg"},
            {"start": 0, "end": 10, "label": "DRUG", "status": "current", "drug": None, "text": "Metoprolol"},
            {"start": 35, "end": 40, "label": "STRENGTH", "status": None, "drug": 0},  # linked by hand, far away
            {"start": 27, "end": 34, "label": "DRUG", "status": "negated"},
            {"start": 17, "end": 22, "label": "FREQUENCY", "status": None},  # no link: the drug before it (0..10)
            {"start": math.nan, "end": math.nan, "label": None, "status": None, "text": None}]  # added, left empty
    checked = forms.check_spans("drugs", rows, text)
    assert checked.errors == ()
    assert checked.answer == {"spans": [
        {"start": 0, "end": 10, "label": "DRUG", "status": "current", "attributes": [
            {"start": 11, "end": 16, "label": "STRENGTH"}, {"start": 17, "end": 22, "label": "FREQUENCY"},
            {"start": 35, "end": 40, "label": "STRENGTH"}]},
        {"start": 27, "end": 34, "label": "DRUG", "status": "negated", "attributes": []}]}
    ann = Annotation.from_answer(1, "ann.a", "drugs", checked.answer)
    assert [(s.start, s.label, s.status, s.attributes) for s in ann.spans] == [
        (0, "DRUG", "current", ((11, 16, "STRENGTH"), (17, 22, "FREQUENCY"), (35, 40, "STRENGTH"))),
        (27, "DRUG", "negated", ())]
    label = Annotation.from_answer(1, "ann.a", "triage", forms.label_answer("orthopedics"))
    assert label.label == "orthopedics"


def test_check_spans_lists_every_bad_row():
    rows = [{"start": 0, "end": 10, "label": "DRUG", "status": "current"},
            {"start": 5, "end": 5, "label": "DRUG", "status": "current"},          # empty
            {"start": 30, "end": 99, "label": "DRUG", "status": "current"},        # past the end
            {"start": -1, "end": 3, "label": "DRUG", "status": "current"},         # negative
            {"start": 1.5, "end": 3, "label": "DRUG", "status": "current"},        # not whole
            {"start": 0, "end": 3, "label": "DISEASE", "status": "current"},       # not a drug label
            {"start": 0, "end": 3, "label": "DRUG", "status": "sometimes"},        # not a status
            {"start": 11, "end": 16, "label": "STRENGTH", "status": "current"},    # attribute with a status
            {"start": 0, "end": 10, "label": "DRUG", "status": "negated"},         # same span as row 1
            {"start": 17, "end": 22, "label": "FREQUENCY", "drug": 5},             # no drug starts at 5
            {"start": 24, "end": 30, "label": "DRUG", "status": "current", "drug": 0}]  # a drug names no drug
    checked = forms.check_spans("drugs", rows, TEXT)
    assert checked.answer is None
    assert [e.split(":")[0] for e in checked.errors] == [f"row {n}" for n in range(2, 12)]
    assert f"<= {len(TEXT)}" in checked.errors[1] and "whole numbers" in checked.errors[3]
    assert "label must be one of" in checked.errors[4] and "status must be one of" in checked.errors[5]
    assert "no status" in checked.errors[6] and "same span as row 1" in checked.errors[7]
    assert "no DRUG row starts at 5" in checked.errors[8] and "only an attribute row" in checked.errors[9]
    condition = forms.check_spans("conditions", [{"start": 30, "end": 36, "label": "CONDITION", "status": None}], TEXT)
    assert condition.answer is None and "status must be one of" in condition.errors[0]
    before = forms.check_spans("drugs", [{"start": 0, "end": 5, "label": "DOSE"},  # before any drug: the first after
                                         {"start": 11, "end": 16, "label": "DRUG", "status": "current"}], TEXT)
    assert before.answer["spans"][0]["attributes"] == [{"start": 0, "end": 5, "label": "DOSE"}]
    orphan = forms.check_spans("drugs", [{"start": 11, "end": 16, "label": "STRENGTH"}], TEXT)
    assert orphan.errors == ("row 1: a STRENGTH attribute needs a DRUG row to belong to",)
