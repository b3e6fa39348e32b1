"""Treatment roles: whatever a ranker scores, no add-on, supportive or specialist-only row ranks above a first-line row
the patient can start; the ranker's features for the newer roles; the training teacher; the page's role labels."""

from dataclasses import replace

import pytest
import yaml

from core.conditions.types import ConditionCode, ConditionMention, ConditionResult
from core.drugs.types import DrugResult
from core.knowledge.kb import load_kb
from core.labels import THERAPY_LINES
from core.spans import Span
from core.synth.plans import relevance
from core.treatments.present import ROLE_TEXT, role_text, suggestion_label, suggestion_rows
from core.treatments.ranker import FEATURES, candidate_features, prior_score
from core.treatments.suggest import BELOW_FIRST_LINE, TreatmentEngine, top_suggestions
from core.treatments.train import judged_note
from tests.treatments.test_suggest import drugs_in

# Scores of a ranker that prefers exactly what the rule forbids: supportive, then adjunct, specialist, alternative,
# first-line rows last (within a role, the knowledge base's order).
ADVERSE = {"supportive": 9.0, "adjunct": 8.0, "specialist": 7.0, "alternative": 6.0, "first": 1.0}


class AdverseRanker:
    """Stands in for the fine-tuned ranker: scores each candidate by its role's :data:`ADVERSE` score."""

    version = "adverse"

    def scores(self, text, candidates, features=None):
        role = {f"{line}-line": line for line in THERAPY_LINES}
        return [ADVERSE[role[c.rsplit("; ", 1)[1]]] - 0.01 * i for i, c in enumerate(candidates)]


def row(drug: str, line: str, **tags) -> dict:
    t = next(t for c in load_kb().conditions for t in c.treatments if t.drug == drug)
    return {"drug": drug, "drugbank_id": t.drugbank_id, "class": t.drug_class, "line": line, "source": "TOY", **tags}


@pytest.fixture()
def toy_kb(tmp_path):
    """Two conditions whose rows cover every role; one first-line row is ruled out in pregnancy."""
    data = {"version": 1, "sources": {"TOY": {"title": "Toy guideline", "body": "Test", "year": 2024}},
            "conditions": [
                {"id": "toy_htn", "name": "Toy hypertension", "synonyms": [], "icd10": ["I10"],
                 "service": "cardiology_pulmonology", "treatments": [
                     row("lisinopril", "first", contraindications=["pregnancy"]), row("amlodipine", "first"),
                     row("labetalol", "alternative"), row("hydralazine", "specialist"),
                     row("spironolactone", "adjunct"), row("aspirin", "supportive")]},
                {"id": "toy_gout", "name": "Toy gout", "synonyms": [], "icd10": ["M10"], "service": "orthopedics",
                 "treatments": [row("allopurinol", "first"), row("colchicine", "adjunct"),
                                row("naproxen", "supportive")]}]}
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_kb(path)


def conditions(text: str, **kb_ids: str) -> ConditionResult:
    """The note's present conditions: each word of ``kb_ids`` resolved to its knowledge-base id."""
    out = []
    for word, kb_id in kb_ids.items():
        start = text.index(word)
        span = Span(start, start + len(word), "CONDITION", status="present")
        out.append(ConditionMention(span, word, "present", normalized=ConditionCode("I10", word, kb_id, "kb")))
    return ConditionResult(tuple(out), "test")


def suggest(kb_or_engine, text: str, drugs: DrugResult | None = None, **kb_ids: str):
    engine = (kb_or_engine if isinstance(kb_or_engine, TreatmentEngine)
              else TreatmentEngine(None, ranker=AdverseRanker(), kb=kb_or_engine))
    return engine(text, drug_result=drugs or drugs_in(text), condition_result=conditions(text, **kb_ids))


@pytest.fixture(scope="module")
def shipped():
    """The shipped knowledge base behind the adverse ranker."""
    return TreatmentEngine(None, ranker=AdverseRanker())


def assert_first_line_first(items) -> None:
    """No adjunct, supportive or specialist row above a first-line row the patient can start."""
    lines = [s.line for s in items]
    open_first = [i for i, s in enumerate(items) if s.line == "first" and not s.taken]
    below = [i for i, line in enumerate(lines) if line in BELOW_FIRST_LINE]
    assert not open_first or not below or min(below) > max(open_first), lines


def test_first_line_stays_above_add_ons_the_ranker_prefers(toy_kb):
    res = suggest(toy_kb, "Assessment: hypertension.", hypertension="toy_htn")
    drugs = [s.drug for s in res.suggestions]
    # the alternative keeps the ranker's place (context may lift an alternative); the rest follow first-line rows,
    # in the ranker's order among themselves
    assert drugs == ["labetalol", "lisinopril", "amlodipine", "aspirin", "spironolactone", "hydralazine"]
    assert [s.rank for s in res.suggestions] == [1, 2, 3, 4, 5, 6]
    assert [s.score for s in res.suggestions][3:] == sorted([s.score for s in res.suggestions][3:], reverse=True)
    assert_first_line_first(res.suggestions)
    assert [d["line"] for d in res.to_dict()["suggestions"]] == [
        "alternative", "first", "first", "supportive", "adjunct", "specialist"]


def test_a_withheld_first_line_row_holds_nothing_back(toy_kb):
    text = "Assessment: hypertension. She is 20 weeks pregnant."
    res = suggest(toy_kb, text, hypertension="toy_htn")
    assert [s.drug for s in res.withheld] == ["lisinopril"]
    assert [s.drug for s in res.suggestions] == ["labetalol", "amlodipine", "aspirin", "spironolactone",
                                                  "hydralazine"]


def test_a_first_line_drug_already_taken_is_what_add_ons_add_to(toy_kb):
    text = "Assessment: gout. Medications: allopurinol 300 mg daily."
    res = suggest(toy_kb, text, drugs_in(text, allopurinol="current"), gout="toy_gout")
    # the only first-line row is taken: nothing to keep above, and the drug already taken sinks
    assert [s.drug for s in res.suggestions] == ["naproxen", "colchicine", "allopurinol"]
    assert res.suggestions[-1].taken


def test_the_notes_top_over_several_conditions_keeps_each_conditions_order(toy_kb):
    text = "Assessment: hypertension and gout."
    res = suggest(toy_kb, text, hypertension="toy_htn", gout="toy_gout")
    assert [s.drug for s in res.by_condition()["toy_gout"]] == ["allopurinol", "naproxen", "colchicine"]
    for k in (3, 5, len(res.suggestions)):
        top = top_suggestions(res, k)
        assert len(top) == k
        for cid, items in res.by_condition().items():
            mine = [s for s in top if s.condition_id == cid]
            assert mine == items[:len(mine)]                           # each condition's order, first-line rule kept
    # merged by score: hypertension's add-ons (scored high) before gout's first-line row (scored low), never
    # before hypertension's own first-line rows
    assert [s.drug for s in top_suggestions(res, 5)] == ["labetalol", "lisinopril", "amlodipine", "aspirin",
                                                         "spironolactone"]


@pytest.mark.parametrize("cond", load_kb().conditions, ids=lambda c: c.id)
def test_no_condition_of_the_knowledge_base_lets_a_ranker_lift_an_add_on(shipped, cond):
    res = suggest(shipped, "Assessment: this condition.", condition=cond.id)
    assert len(res.suggestions) == len(cond.treatments)
    assert_first_line_first(res.suggestions)
    assert_first_line_first(top_suggestions(res, 5))


def test_event_prevention_in_atherosclerosis_is_labelled_and_below_the_statins(shipped):
    res = suggest(shipped, "Assessment: atherosclerosis.", atherosclerosis="peripheral_artery_disease")
    by_drug = {s.drug: s for s in res.suggestions}
    assert [s.drug for s in res.suggestions][:2] == ["atorvastatin", "rosuvastatin"]
    assert {by_drug[d].line for d in ("aspirin", "clopidogrel")} == {"supportive"}
    assert role_text(by_drug["clopidogrel"].line) == "supportive"


def test_features_of_the_newer_roles_keep_the_shipped_dimensions():
    t = load_kb().condition("hypertension").treatments[5]
    as_line = {line: candidate_features(replace(t, line=line), set()) for line in THERAPY_LINES}
    assert all(len(f) == len(FEATURES) for f in as_line.values())
    assert as_line["specialist"] == as_line["alternative"]
    assert as_line["supportive"] == as_line["adjunct"]
    assert as_line["first"][:3] == [1.0, 0.0, 0.0]
    assert prior_score(as_line["first"]) > prior_score(as_line["alternative"]) > prior_score(as_line["adjunct"])


def test_the_teacher_orders_roles_and_never_lifts_an_add_on_above_first_line(toy_kb):
    htn = toy_kb.condition("toy_htn")
    plain = dict(zip((t.drug for t in htn.treatments), relevance(htn, set(), set(), set())))
    assert plain["amlodipine"] > plain["labetalol"] >= plain["hydralazine"] > plain["spironolactone"] > plain["aspirin"]
    # a row preferred in the context rises, but an adjunct only to just below the first-line rows
    pref = replace(htn, treatments=tuple(replace(t, preferred_in=("elderly",)) if t.line != "first" else t
                                         for t in htn.treatments))
    old = dict(zip((t.drug for t in htn.treatments), relevance(pref, {"elderly"}, set(), set())))
    assert old["labetalol"] > old["lisinopril"]
    assert max(old["hydralazine"], old["spironolactone"], old["aspirin"]) < min(old["lisinopril"], old["amlodipine"])
    # with the first-line rows ruled out or taken, nothing holds the add-on back
    ruled_out = dict(zip((t.drug for t in htn.treatments), relevance(pref, {"elderly", "pregnancy"}, {"amlodipine"},
                                                                     set())))
    assert ruled_out["spironolactone"] == ruled_out["labetalol"] == 1.3


def test_an_accepted_add_on_stays_below_first_line_in_training(toy_kb):
    note = judged_note(toy_kb, "Assessment: hypertension.", "toy_htn", [{"kind": "accept", "drug": "spironolactone"}])
    rel = dict(zip((t.drug for t in note.condition.treatments), note.relevance))
    assert rel["spironolactone"] > rel["labetalol"]
    assert rel["spironolactone"] < min(rel["lisinopril"], rel["amlodipine"])
    both_rejected = judged_note(toy_kb, "Assessment: hypertension.", "toy_htn", [
        {"kind": "reject", "drug": "lisinopril"}, {"kind": "reject", "drug": "amlodipine"},
        {"kind": "accept", "drug": "spironolactone"}])
    assert max(both_rejected.relevance) == both_rejected.relevance[4]


def test_every_role_has_a_label_on_the_page(toy_kb):
    assert set(ROLE_TEXT) == set(THERAPY_LINES)
    assert len(set(ROLE_TEXT.values())) == len(ROLE_TEXT)
    res = suggest(toy_kb, "Assessment: hypertension.", hypertension="toy_htn")
    rows = suggestion_rows(res.suggestions)
    assert [r["role"] for r in rows] == ["alternative", "first-line", "first-line", "supportive", "adjunct (add-on)",
                                         "specialist only"]
    assert "adjunct (add-on)" in suggestion_label(res.suggestions[4])
