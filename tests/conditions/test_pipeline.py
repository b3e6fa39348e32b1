"""The condition pipeline: model spans, knowledge-base names it missed, ICD codes and ConText status."""

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
