"""Drug classes in the treatment checks: never a current drug, but an allergy to a class covers its members."""

import pytest

from core.drugs.types import DrugClassMention, DrugResult
from core.labels import DRUG_CLASS_LABEL
from core.lexicon.drug_classes import normalize_class
from core.spans import Span
from core.treatments.suggest import TreatmentEngine


def classes_in(text: str, **status_of: str) -> DrugResult:
    """A drug result with no drug and each keyword class with its status (no drug model needed)."""
    found = []
    for i, (name, status) in enumerate(status_of.items()):
        words = name.replace("_", " ")
        start = text.index(words)
        span = Span(start, start + len(words), DRUG_CLASS_LABEL, group=i, status=status)
        found.append(DrugClassMention(span, words, normalize_class(words), status))
    return DrugResult((), tuple(c.span for c in found), "test", classes=tuple(found))


@pytest.fixture(scope="module")
def engine(tiny_conditions):
    return TreatmentEngine(tiny_conditions, drugs=None, ranker=None)


def test_an_allergy_to_a_class_withholds_its_members(engine):
    text = "Assessment: community-acquired pneumonia. Allergies: penicillins (hives)."
    res = engine(text, drug_result=classes_in(text, penicillins="allergy"))
    amox = [s for s in res.withheld if s.drug == "amoxicillin"]
    assert amox and amox[0].flags[0].kind == "allergy" and "penicillins" in amox[0].flags[0].message
    assert "amoxicillin" not in {s.drug for s in res.suggestions}


def test_a_class_the_patient_is_on_is_no_current_drug(engine):
    text = "Assessment: hypertension. He is on a statin and ACE inhibitors."
    res = engine(text, drug_result=classes_in(text, statin="current", ACE_inhibitors="current"))
    assert res.current == ()
    assert not [f for s in (*res.suggestions, *res.withheld) for f in s.flags if f.kind == "duplication"]
