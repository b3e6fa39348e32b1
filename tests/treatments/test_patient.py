"""Patient context read from notes: the tags that make a treatment contraindicated or preferred."""

import pytest

from core.conditions.types import ConditionCode, ConditionMention
from core.spans import Span
from core.treatments.patient import patient_context


def mention(text: str, phrase: str, status: str, code: str) -> ConditionMention:
    start = text.index(phrase)
    return ConditionMention(Span(start, start + len(phrase), "CONDITION", status=status), phrase, status,
                            normalized=ConditionCode(code, "title", None, "icd"))


@pytest.mark.parametrize("text, age, tag", [
    ("A 78-year-old man with AF.", 78, "elderly"),
    ("6 yo boy with otitis.", 6, "child"),
    ("Age: 45. Hypertension.", 45, None),
    ("A 3-month-old infant with fever.", 0, "child"),
])
def test_age(text, age, tag):
    ctx = patient_context(text)
    assert ctx.age == age
    assert (tag in ctx.tags) if tag else not ({"child", "elderly"} & ctx.tags)


def test_pregnancy_and_its_negation():
    ctx = patient_context("She is 14 weeks pregnant and breastfeeding her toddler.")
    assert {"pregnancy", "breastfeeding"} <= ctx.tags
    ev = ctx.why("pregnancy")[0]
    assert "pregnant" in ev.text
    assert "pregnancy" not in patient_context("She is not pregnant. Urine hCG negative.").tags


@pytest.mark.parametrize("text, renal", [("eGFR 24 mL/min", True), ("eGFR of 64", False), ("CrCl < 30", True),
                                         ("GFR: 18", True)])
def test_renal_function(text, renal):
    ctx = patient_context(text)
    assert ("renal_impairment" in ctx.tags) is renal


def test_potassium_value_not_a_potassium_dose():
    assert "hyperkalemia" in patient_context("Labs: K 5.9, Na 138.").tags
    assert "hyperkalemia" not in patient_context("Potassium chloride 20 mEq daily. K 4.1.").tags


def test_conditions_set_tags_unless_negated_or_family():
    text = "History of GI bleed. Denies asthma. Mother with epilepsy. Heart failure."
    mentions = [mention(text, "GI bleed", "historical", "K92.2"), mention(text, "asthma", "negated", "J45.909"),
                mention(text, "epilepsy", "family", "G40.909"), mention(text, "Heart failure", "present", "I50.9")]
    ctx = patient_context(text, mentions)
    assert {"gi_bleeding", "heart_failure"} <= ctx.tags
    assert not {"asthma", "seizures"} & ctx.tags
    assert ctx.why("heart_failure")[0].start == text.index("Heart failure")
