"""The condition pipeline: model spans, knowledge-base names it missed, ICD codes and ConText status."""

import pytest

from core.conditions.types import ConditionResult


def test_statuses_codes_and_offsets(tiny_conditions):
    text = "Assessment: hypertension. Denies asthma. Mother with gout. Walks daily."
    res = tiny_conditions(text)
    assert isinstance(res, ConditionResult)
    by_text = {m.text: m for m in res.mentions}
    assert {"hypertension", "asthma", "gout"} <= set(by_text)
    assert by_text["hypertension"].status == "present"
    assert by_text["asthma"].status == "negated"
    assert by_text["gout"].status == "family"
    for m in res.mentions:
        assert text[m.span.start:m.span.end] == m.text
    assert by_text["hypertension"].normalized.kb_id == "hypertension"
    assert [m.text for m in res.present()] == ["hypertension"]


def test_dictionary_adds_kb_names_the_model_missed(tiny_conditions):
    text = "Seen today. Plan: Paget's disease of bone, follow up."    # never in the toy training data
    res = tiny_conditions(text)
    paget = [m for m in res.mentions if m.normalized and m.normalized.kb_id == "pagets_disease_of_bone"]
    assert paget and paget[0].source in ("dictionary", "model")
    tiny_conditions.dictionary = False
    try:
        without = tiny_conditions(text)
    finally:
        tiny_conditions.dictionary = True
    assert all(m.source == "model" for m in without.mentions)


def test_empty_and_whitespace_notes(tiny_conditions):
    assert tiny_conditions("   ").mentions == ()
    assert tiny_conditions.entities(["", "Assessment: gout."])[0] == []


def test_result_serializes(tiny_conditions):
    d = tiny_conditions("Assessment: migraine.").to_dict()
    assert d["model_version"] == tiny_conditions.version
    assert d["mentions"][0]["normalized"]["kb_id"] == "migraine"


def test_function_and_status_words_alone_are_not_conditions(tiny_conditions):
    text = "Diabetes well controlled, to follow. ALL in remission."
    keep = tiny_conditions.keep
    at = text.index
    assert not keep(text, at("controlled"), at("controlled") + len("controlled"), "CONDITION")
    assert not keep(text, at("to "), at("to ") + 2, "CONDITION")
    assert keep(text, 0, len("Diabetes"), "CONDITION")
    assert keep(text, at("ALL"), at("ALL") + 3, "CONDITION")  # an abbreviation, not the word "all"


def test_is_known_reads_every_lexicon_and_defined_abbreviations():
    from core.conditions.normalize import is_known

    assert is_known("hypertension")                 # knowledge base
    assert is_known("myotonic dystrophy")           # MeSH
    assert is_known("Breast Neoplasms")             # MeSH, any case
    text = "Patients with myotonic dystrophy (DM) were studied. DM is inherited."
    assert is_known("DM", text) and not is_known("DMPK", text)
    assert not is_known("BRCA1") and not is_known("apoptosis") and not is_known("sequence homology")
    assert not is_known("  ")
    # a lexicon codes these (word overlap, a name inside) but does not name them: not known as conditions
    assert not is_known("breast cancer, and the tumours") and not is_known("the spinal cord and")
    assert is_known("mellitus diabetes type 2")     # the same words in another order


def test_unknown_names_are_kept_only_when_the_model_is_confident(tiny_conditions):
    from core.spans import Span

    text = "BRCA1 protein and myotonic dystrophy in carriers."
    brca = Span(0, 5, "CONDITION", score=0.6)
    dm = Span(text.index("myotonic"), text.index(" in carriers"), "CONDITION", score=0.6)
    sure = Span(0, 5, "CONDITION", score=0.95)
    old = tiny_conditions.unknown_min_score, tiny_conditions.dictionary
    try:
        tiny_conditions.dictionary = False
        tiny_conditions.unknown_min_score = 0.9
        assert tiny_conditions.filter(text, [brca, dm]) == [dm]
        assert tiny_conditions.filter(text, [sure, dm]) == [sure, dm]
        tiny_conditions.unknown_min_score = 0.0          # user-trained models: every name the model finds
        assert tiny_conditions.filter(text, [brca, dm]) == [brca, dm]
    finally:
        tiny_conditions.unknown_min_score, tiny_conditions.dictionary = old


def test_the_threshold_comes_from_the_artifact(tiny_condition_artifact):
    from core.conditions.pipeline import ConditionPipeline
    from core.modeling import load_info

    info = load_info(tiny_condition_artifact)
    pipe = ConditionPipeline.from_artifact(tiny_condition_artifact)
    assert pipe.unknown_min_score == info.training.get("unknown_min_score", 0.0)
    assert ConditionPipeline.from_artifact(tiny_condition_artifact, unknown_min_score=0.5).unknown_min_score == 0.5


def test_mesh_disease_names_the_model_missed_are_added(tiny_conditions):
    from core.knowledge.kb import load_kb

    assert not any("myotonic dystrophy" in (c.name.lower(), *c.synonyms) for c in load_kb().conditions)
    text = "Family studied for myotonic dystrophy, then discharged."
    added = tiny_conditions.filter(text, [])   # what the model found: nothing
    assert [(text[s.start:s.end], s.meta["source"]) for s in added] == [("myotonic dystrophy", "dictionary")]


def test_an_abbreviation_a_condition_defines_is_a_condition_where_it_is_used():
    from core.conditions.pipeline import defined_abbreviations
    from core.spans import Span

    text = "Patients with myotonic dystrophy (DM) were studied. DM is common; the DMPK gene. Gout (XY) x. XY"
    dm = Span(text.index("myotonic"), text.index(" (DM)"), "CONDITION", score=0.8)
    gout = Span(text.index("Gout"), text.index("Gout") + 4, "CONDITION", score=0.8)
    out = defined_abbreviations(text, [dm, gout])
    found = [(text[s.start:s.end], s.start, (s.meta or {}).get("source")) for s in out]
    uses = [i for i in range(len(text)) if text.startswith("DM", i) and not text.startswith("DMPK", i)]
    assert [f for f in found if f[0] == "DM"] == [("DM", i, "abbreviation") for i in uses]
    assert not any(f[0] in ("DMPK", "XY") for f in found)   # XY: no word of "Gout" starts with X


@pytest.mark.parametrize(("span", "expected"), [
    ("the spinal cord and", "spinal cord"),
    ("of prostatic adenocarcinoma", "prostatic adenocarcinoma"),
    ("breast cancer, and the", "breast cancer"),
    ("cancer of the breast", "cancer of the breast"),   # inner function words stay
    ("and or the", ""),
])
def test_a_span_never_starts_or_ends_with_a_function_word(tiny_conditions, span, expected):
    text = f"Seen for {span} today."
    start, end = tiny_conditions.edges(text, 9, 9 + len(span), "CONDITION")
    assert text[start:end] == expected
