"""Treatment suggestions end to end on hand-written notes: what drives them, what is withheld, what is flagged."""

import pytest

from core.drugs.normalize import normalize
from core.drugs.types import DrugMention, DrugResult
from core.knowledge.kb import load_kb
from core.spans import Span
from core.treatments.suggest import DISCLAIMER, TreatmentEngine, top_suggestions


def drugs_in(text: str, **status_of: str) -> DrugResult:
    """A drug result for ``text`` naming each keyword drug with its status (no drug model needed)."""
    mentions = []
    for i, (name, status) in enumerate(status_of.items()):
        start = text.index(name)
        span = Span(start, start + len(name), "DRUG", group=i, status=status)
        mentions.append(DrugMention(span, name, (), normalize(name), status, None, None, {}))
    return DrugResult(tuple(mentions), tuple(m.span for m in mentions), "test")


@pytest.fixture(scope="module")
def engine(tiny_conditions):
    return TreatmentEngine(tiny_conditions, drugs=None, ranker=None)


def test_present_condition_gets_kb_treatments_with_basis(engine):
    text = "Assessment: hypertension. Walks daily."
    res = engine(text, drug_result=drugs_in(text))
    htn = load_kb().condition("hypertension")
    assert {s.drug for s in res.suggestions} | {s.drug for s in res.withheld} == {t.drug for t in htn.treatments}
    first = res.suggestions[0]
    assert first.rank == 1 and first.line == "first"
    assert first.source and "(" in first.source                   # "<title> (<body>, <year>)"
    assert first.evidence[0][2] == "hypertension"
    assert text[first.evidence[0][0]:first.evidence[0][1]] == "hypertension"
    assert res.to_dict()["disclaimer"] == DISCLAIMER


@pytest.mark.parametrize("text", ["Denies hypertension. Walks daily.", "Mother with hypertension. Walks daily.",
                                  "No evidence of gout."])
def test_negated_and_family_conditions_drive_nothing(engine, text):
    res = engine(text, drug_result=drugs_in(text))
    assert res.suggestions == () and res.withheld == ()


def test_contraindicated_candidates_never_appear(engine):
    text = "Assessment: hypertension. She is 20 weeks pregnant."
    res = engine(text, drug_result=drugs_in(text))
    contraindicated = {t.drug for t in load_kb().condition("hypertension").treatments
                       if "pregnancy" in t.contraindications}
    assert contraindicated and contraindicated <= {s.drug for s in res.withheld}
    assert not contraindicated & {s.drug for s in res.suggestions}
    assert all(not s.withheld for s in res.suggestions)
    why = next(s for s in res.withheld if s.drug == "lisinopril").flags[0]
    assert why.kind == "contraindication" and "pregnan" in why.evidence[0][2]


def test_allergy_withholds_the_class(engine):
    text = "Assessment: community-acquired pneumonia. Allergies: penicillin."
    res = engine(text, drug_result=drugs_in(text, penicillin="allergy"))
    amox = [s for s in res.withheld if s.drug == "amoxicillin"]
    assert amox and amox[0].flags[0].kind == "allergy"
    assert "amoxicillin" not in {s.drug for s in res.suggestions}


def test_duplication_sinks_a_drug_already_taken(engine):
    text = "Assessment: type 2 diabetes. Medications: metformin 500 mg BID."
    res = engine(text, drug_result=drugs_in(text, metformin="current"))
    met = next(s for s in res.suggestions if s.drug == "metformin")
    assert any(f.kind == "duplication" for f in met.flags)
    assert met.rank == len(res.suggestions)                    # below every unflagged candidate
    assert [(c.quote.text, c.ref.drugbank_id) for c in res.current] == [
        ("metformin", normalize("metformin").drugbank_id)]


def test_interaction_with_current_medication_is_flagged(engine):
    text = "Assessment: atrial fibrillation. Medications: clarithromycin 500 mg BID, simvastatin."
    res = engine(text, drug_result=drugs_in(text, clarithromycin="current", simvastatin="current"))
    amio = next(s for s in (*res.suggestions, *res.withheld) if s.drug == "amiodarone")
    inter = [f for f in amio.flags if f.kind == "interaction"]
    assert inter and {"clarithromycin", "simvastatin"} & {f.evidence[0][2] for f in inter}


def test_discontinued_drug_is_not_current(engine):
    text = "Assessment: type 2 diabetes. Metformin was stopped."
    res = engine(text, drug_result=drugs_in(text, Metformin="discontinued"))
    assert res.current == ()


def test_ranker_scores_are_used_when_present(tiny_conditions, tiny_ranker):
    eng = TreatmentEngine(tiny_conditions, drugs=None, ranker=tiny_ranker)
    text = "Assessment: gout. Walks daily."
    res = eng(text, drug_result=drugs_in(text))
    from core.treatments.ranker import FEATURES, candidate_text

    gout = load_kb().condition("gout")
    by_drug = {t.drug: t for t in gout.treatments}
    raw = tiny_ranker.scores(text, [candidate_text(gout, by_drug[s.drug]) for s in res.suggestions],
                             [s.features for s in res.suggestions])
    assert [s.score for s in res.suggestions] == pytest.approx(raw, abs=1e-5)
    assert all(len(s.features) == len(FEATURES) for s in res.suggestions)
    scores = [s.score for s in res.suggestions]
    assert scores == sorted(scores, reverse=True)             # no flags here: the ranker's order
    assert res.versions["ranker"] == tiny_ranker.version
    assert top_suggestions(res, 3) == list(res.suggestions[:3])


def test_another_drug_of_the_same_class_is_a_duplication(engine):
    kb = load_kb()
    cond = next(c for c in kb.conditions if {"metoprolol", "carvedilol"} <= {t.drug for t in c.treatments})
    text = f"Assessment: {cond.synonyms[0] if cond.synonyms else cond.name}. Medications: metoprolol 25 mg BID."
    res = engine(text, drug_result=drugs_in(text, metoprolol="current"))
    carv = next(s for s in (*res.suggestions, *res.withheld) if s.drug == "carvedilol")
    dup = [f for f in carv.flags if f.kind == "duplication"]
    assert dup and dup[0].severity == "major" and "beta blocker" in dup[0].message
