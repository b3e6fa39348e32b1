"""The meeting-mode demo cases: the list's schema, and each rule-based claim checked on the real case notes (red
flags, ConText statuses, interactions, withheld candidates). Model-dependent claims (a clear or an uncertain
routing, how faithful an explanation is) were checked once with the trained models and are not tested here."""

from __future__ import annotations

import re

import pytest

from core.cases import CAPABILITIES, CASES_DIR, load_cases
from core.knowledge.kb import load_kb
from core.knowledge.schema import DataFileError
from core.spans import Span

CASES = {c.id: c for c in load_cases()}


def tagged(tag: str) -> list[str]:
    return [cid for cid, c in CASES.items() if tag in c.tags]


def span_of(text: str, words: str) -> Span:
    m = re.search(re.escape(words), text, re.IGNORECASE)
    assert m, words
    return Span(m.start(), m.end(), "DRUG")


def kb_row(condition: str, drug: str):
    return next(t for t in load_kb().condition(condition).treatments if t.drug == drug)


def test_the_list_shows_every_capability_with_eight_notes():
    assert len(CASES) >= 8 and len({c.file for c in CASES.values()}) == len(CASES)
    assert {t for c in CASES.values() for t in c.tags} == set(CAPABILITIES)
    assert all(c.text.strip() and (CASES_DIR / c.file).is_file() for c in CASES.values())
    assert sorted(p.name for p in CASES_DIR.glob("*.txt")) == sorted(c.file for c in CASES.values())


@pytest.mark.parametrize(("change", "message"), [
    (lambda y: y.replace("tags: [uncertain_routing]", "tags: [clear_routing]"), "no case shows uncertain_routing"),
    (lambda y: y.replace("tags: [uncertain_routing]", "tags: [vague_routing]"), "capability 'vague_routing'"),
    (lambda y: y.replace("id: multisystem_rash_joints", "id: sudden_aphasia"), "case id 'sudden_aphasia' is used"),
    (lambda y: y.replace("{task: triage}", "{task: batch}", 1), "task 'batch' is not one of"),
    (lambda y: y.replace("file: 01_sudden_aphasia.txt", "file: 01_missing.txt"), "cannot read 01_missing.txt"),
])
def test_the_schema_refuses_a_broken_list(tmp_path, change, message):
    for p in CASES_DIR.glob("*.txt"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cases.yaml").write_text(change((CASES_DIR / "cases.yaml").read_text(encoding="utf-8")),
                                         encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(message)):
        load_cases(tmp_path / "cases.yaml")


def test_red_flags_of_the_red_flag_cases():
    from core.triage.redflags import detect_red_flags

    expected = {"sudden_aphasia": "stroke_signs", "upper_gi_bleed": "gi_bleeding",
                "depression_with_suicidal_ideation": "suicidal_homicidal_ideation"}
    assert set(tagged("red_flags")) == set(expected)
    for cid, name in expected.items():
        text = CASES[cid].text
        flags = detect_red_flags(text)
        assert [f.name for f in flags] == [name], cid
        triggers = {text[t.start:t.end].lower() for f in flags for t in f.triggers}
        assert "homicidal ideation" not in triggers  # "denies homicidal ideation" raises nothing
    # the notes that claim no red flag have none (a demo of a clear routing must not look urgent by accident)
    for cid in set(CASES) - set(expected):
        assert detect_red_flags(CASES[cid].text) == [], cid


def test_negated_and_allergy_medications():
    from core.nlp.context import assert_spans

    (cid,) = set(tagged("negated_medication")) & set(tagged("allergy_medication"))
    text = CASES[cid].text
    aspirin, penicillin = assert_spans(text, [span_of(text, "aspirin"), span_of(text, "penicillin")])
    assert (aspirin.status, aspirin.trigger.lower()) == ("negated", "no")
    assert penicillin.status == "allergy"


def test_the_withheld_candidates_are_contraindicated_by_the_rules():
    from core.nlp.context import assert_spans
    from core.treatments.patient import patient_context
    from core.treatments.safety import Allergy, allergy_flags, context_flags

    assert set(tagged("withheld_candidate")) == {"pneumonia_penicillin_allergy", "hypertension_in_pregnancy"}
    text = CASES["pneumonia_penicillin_allergy"].text
    where = span_of(text, "penicillin")
    (flag,) = allergy_flags(kb_row("community_acquired_pneumonia", "amoxicillin"),
                            [Allergy("penicillin", where.start, where.end)])
    assert flag.severity == "contraindicated"
    cross = allergy_flags(kb_row("community_acquired_pneumonia", "ceftriaxone"),
                          [Allergy("penicillin", where.start, where.end)])
    assert [f.severity for f in cross] == ["major"]  # cephalosporins: cross-reactivity flagged, not withheld

    text = CASES["hypertension_in_pregnancy"].text
    ctx = patient_context(text)
    assert "pregnancy" in ctx.tags
    (stopped,) = assert_spans(text, [span_of(text, "lisinopril")])
    assert stopped.status == "discontinued"  # not a current drug: withheld for the pregnancy, not as a duplicate
    for drug in ("lisinopril", "losartan"):
        assert [f.severity for f in context_flags(kb_row("hypertension", drug), ctx, "kb")] == ["contraindicated"]
    assert not context_flags(kb_row("hypertension", "labetalol"), ctx, "kb")


def test_the_interaction_flags():
    from core.treatments.interactions import DrugRef, InteractionChecker

    checker = InteractionChecker(use_ansm=False)
    assert set(tagged("interaction_flag")) == {"knee_osteoarthritis_warfarin", "depression_with_suicidal_ideation"}
    pairs = {"knee_osteoarthritis_warfarin": (("osteoarthritis", "naproxen"), "warfarin", "major"),
             "depression_with_suicidal_ideation": (("major_depressive_disorder", "sertraline"), "tramadol", "moderate")}
    for cid, ((condition, candidate), current, severity) in pairs.items():
        assert re.search(rf"\b{current}\b", CASES[cid].text, re.IGNORECASE), cid
        row = kb_row(condition, candidate)
        found = checker.against(DrugRef(row.drug, row.drugbank_id), [DrugRef(current)])
        assert severity in {i.severity for i in found}, cid


def test_the_long_note_spans_several_windows():
    (cid,) = tagged("long_note")
    assert len(CASES[cid].text.split()) > 700  # about 1,300 word pieces: three 512-token windows
    assert all(len(c.text.split()) < 300 for other, c in CASES.items() if other != cid)
