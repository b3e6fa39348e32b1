"""Condition mentions resolved to ICD-10-CM codes and knowledge-base conditions."""

import pytest

from core.conditions.normalize import dictionary_spans, key, normalize


def test_key_drops_possessives_and_punctuation():
    assert key("Paget's disease of bone") == "paget disease of bone"
    assert key("  Type-2  Diabetes!") == "type 2 diabetes"


@pytest.mark.parametrize("mention, code_prefix, kb_id, method", [
    ("HTN", "I10", "hypertension", "kb"),
    ("essential hypertension", "I10", "hypertension", "kb"),
    ("diabetes mellitus type 2", "E11", "type_2_diabetes", None),    # words in another order
    ("Parkinson's disease", "G20", "parkinsons_disease", "kb"),
    ("Acute gouty arthritis", "M1", "gout", None),
    ("chest pain", "R07", None, None),                               # a symptom: coded, no treatment row
    ("atrial fibrillation with rapid ventricular response", "I48", "atrial_fibrillation", "contains"),
])
def test_normalize(mention, code_prefix, kb_id, method):
    got = normalize(mention)
    assert got is not None
    assert got.code.replace(".", "").startswith(code_prefix)
    assert got.kb_id == kb_id
    assert got.title
    if method:
        assert got.method == method


def test_fuzzy_match_is_guarded():
    assert normalize("metastatic germ cell tumor of testis") is not None
    assert normalize("the patient walked to the car") is None
    assert normalize("") is None


def test_icd_code_maps_to_the_knowledge_base_by_prefix():
    got = normalize("Type 2 diabetes mellitus with hyperglycemia")  # an ICD title, E11.65
    assert got.code.startswith("E11") and got.kb_id == "type_2_diabetes"


def test_dictionary_spans_find_kb_names_with_word_boundaries():
    text = "Hx of HTN and gout; no hypertensive urgency. Gouty tophus."
    found = [text[a:b] for a, b in dictionary_spans(text)]
    assert "HTN" in found and "gout" in found
    assert all(f not in ("hypertensive",) for f in found)


def test_a_tokenized_name_is_known_and_found_whole() -> None:
    from core.conditions.normalize import is_known, lexicon_spans, unspaced

    assert unspaced("Addison ' s disease") == "Addison's disease"
    assert unspaced("ataxia - telangiectasia") == "ataxia-telangiectasia"
    assert is_known("ataxia - telangiectasia") and is_known("Addison ' s disease")
    text = "Ataxia - telangiectasia and Addison ' s disease."
    assert [text[a:b] for a, b in lexicon_spans(text)] == ["Ataxia - telangiectasia", "Addison ' s disease"]
