"""Safety checks of a candidate: allergy, duplication, interactions, contraindications and cautions."""

import pytest

from core.knowledge.kb import Treatment
from core.spans import Quote
from core.treatments.interactions import DrugRef, default_checker
from core.treatments.patient import patient_context
from core.treatments.safety import (
    Allergy,
    CurrentDrug,
    allergy_flags,
    context_flags,
    duplication_flags,
    interaction_flags,
)


def treatment(drug: str, cls: str, *, contra=(), cautions=(), dbid="DB00000") -> Treatment:
    return Treatment(drug, dbid, cls, "first", tuple(contra), tuple(cautions), (), "SRC", 0)


AMOX = treatment("amoxicillin", "aminopenicillin", dbid="DB01060")
CEPHALEXIN = treatment("cephalexin", "first-generation cephalosporin", dbid="DB00567")
AZITHRO = treatment("azithromycin", "macrolide", dbid="DB00207")


@pytest.mark.parametrize("allergy, cand, severity", [
    (Allergy("penicillin", 0, 10), AMOX, "contraindicated"),         # class allergy
    (Allergy("PCN", 0, 3), AMOX, "contraindicated"),
    (Allergy("amoxicillin", 0, 11, "DB01060", "amoxicillin"), AMOX, "contraindicated"),   # the drug itself
    (Allergy("penicillin", 0, 10), CEPHALEXIN, "major"),             # cross-reactivity is flagged, not withheld
    (Allergy("penicillin", 0, 10), AZITHRO, None),
    (Allergy("sulfa", 0, 5), AMOX, None),
])
def test_allergy(allergy, cand, severity):
    flags = allergy_flags(cand, [allergy])
    assert (flags[0].severity if flags else None) == severity
    if flags:
        assert flags[0].kind == "allergy" and flags[0].evidence[0][2] == allergy.text


def test_duplication_same_drug_and_same_class():
    lisinopril = treatment("lisinopril", "ACE inhibitor", dbid="DB00722")
    current = [CurrentDrug(DrugRef("lisinopril", "DB00722"), Quote(10, 20, "Lisinopril"))]
    same = duplication_flags(lisinopril, current, {"lisinopril": {"ace inhibitor"}})
    assert [(f.kind, f.severity) for f in same] == [("duplication", "moderate")]
    enalapril = treatment("enalapril", "ACE inhibitor", dbid="DB00584")
    cls = duplication_flags(enalapril, current, {"lisinopril": {"ace inhibitor"}})
    assert [(f.kind, f.severity) for f in cls] == [("duplication", "major")]
    assert duplication_flags(AMOX, current, {"lisinopril": {"ace inhibitor"}}) == []


@pytest.mark.parametrize("wording, family", [("evidence-based beta blocker", "beta blocker"),
                                             ("beta blocker (rate control)", "beta blocker"),
                                             ("ACE inhibitor", "ace inhibitor"), ("SSRI", "ssri"),
                                             ("factor Xa inhibitor (DOAC)", "factor xa inhibitor"),
                                             ("aminopenicillin", None),
                                             # a parenthesis qualifies the class: acetaminophen is no NSAID
                                             ("analgesic (when NSAIDs are contraindicated)", None),
                                             ("analgesic (with or without an opioid)", None),
                                             ("nondihydropyridine calcium channel blocker (beta blocker "
                                              "ineffective or not tolerated)", "calcium channel blocker")])
def test_class_families(wording, family):
    from core.treatments.safety import class_family

    assert class_family(wording) == family


def test_interaction_flag_names_the_current_drug_and_source():
    clari = treatment("clarithromycin", "macrolide", dbid="DB01211")
    current = [CurrentDrug(DrugRef("simvastatin", "DB00641"), Quote(0, 11, "simvastatin"))]
    flags = interaction_flags(clari, current, default_checker())
    assert flags and flags[0].severity in ("contraindicated", "major")
    assert "simvastatin" in flags[0].message and flags[0].basis
    assert interaction_flags(AMOX, current, default_checker()) == []


def test_contraindication_and_caution_from_the_note():
    text = "She is 20 weeks pregnant. eGFR 25."
    ctx = patient_context(text)
    lis = treatment("lisinopril", "ACE inhibitor", contra=("pregnancy",), cautions=("renal_impairment",))
    flags = context_flags(lis, ctx, "ACC/AHA 2017")
    kinds = {(f.kind, f.severity) for f in flags}
    assert kinds == {("contraindication", "contraindicated"), ("caution", "moderate")}
    preg = next(f for f in flags if f.kind == "contraindication")
    a, b, words = preg.evidence[0]
    assert text[a:b] == words and "pregnant" in words
    assert context_flags(AMOX, ctx, "x") == []


def test_note_html_marks_conditions_and_context_escaped(tiny_conditions):
    from core.treatments.present import note_html
    from core.treatments.suggest import TreatmentEngine

    text = "Assessment: hypertension. Denies asthma. eGFR 22. <b>x</b>"
    result = TreatmentEngine(tiny_conditions)(text)
    html = note_html(text, result)
    for m in result.conditions.mentions:
        assert f'class="nl-cond-{m.status}"' in html and f">{m.text}</mark>" in html
    assert {m.status for m in result.conditions.mentions} >= {"present", "negated"}
    assert 'class="nl-cond-context"' in html and ">eGFR 22</mark>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_flag_summary_puts_severity_first_without_repeats():
    from core.treatments.present import distinct_flags, flag_summary
    from core.treatments.safety import Flag
    from core.treatments.suggest import Suggestion

    ev = (Quote(0, 14, "clarithromycin"),)
    flags = (Flag("interaction", "major", "QT", "rules", ev), Flag("interaction", "moderate", "QT (ANSM)", "ansm", ev),
             Flag("caution", "moderate", "renal", "kb", (Quote(20, 27, "eGFR 24"),)))
    s = Suggestion("af", "Atrial fibrillation", "amiodarone", "DB01118", "antiarrhythmic", "alternative", 6, "src",
                   1.0, 0.73, flags)
    assert [f.message for f in distinct_flags(s)] == ["QT", "renal"]
    head, rest = flag_summary([s])
    assert [sev for sev, _ in head] == ["major"] and "QT" in head[0][1]
    assert sorted(sev for sev, _ in rest) == ["moderate", "moderate"]
