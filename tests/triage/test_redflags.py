"""core.triage.redflags: rule-based urgency red flags with exact trigger offsets."""

from __future__ import annotations

import pytest

from core.labels import RED_FLAG_SEVERITIES as SEVERITIES
from core.triage.redflags import CONCEPTS, RED_FLAG_RULES, RedFlag, detect_red_flags


def _names(text: str) -> set[str]:
    return {f.name for f in detect_red_flags(text)}


def _flag(text: str, name: str) -> RedFlag:
    flags = [f for f in detect_red_flags(text) if f.name == name]
    assert flags, f"{name} not raised for {text!r}"
    return flags[0]


def _trigger_texts(text: str, flag: RedFlag) -> list[str]:
    return [text[t.start:t.end] for t in flag.triggers]


POSITIVE = [
    ("acute_coronary_syndrome", "55M with chest pain and diaphoresis.", ["chest pain", "diaphoresis"]),
    ("acute_coronary_syndrome", "Substernal chest pressure radiating to the left arm.",
     ["Substernal chest pressure", "radiating to the left arm"]),
    ("acute_coronary_syndrome", "ECG shows ST elevation in V2-V4.", ["ST elevation"]),
    ("stroke_signs", "Sudden weakness on the left side and facial droop.",
     ["Sudden weakness on the left side", "facial droop"]),
    ("stroke_signs", "Right-sided hemiparesis with aphasia.", ["hemiparesis", "aphasia"]),
    ("stroke_signs", "Wife noticed slurred speech this morning.", ["slurred speech"]),
    ("suicidal_homicidal_ideation", "Reports SI with a plan.", ["SI"]),
    ("suicidal_homicidal_ideation", "He has homicidal ideation toward his neighbor.", ["homicidal ideation"]),
    ("suicidal_homicidal_ideation", "States she wants to kill herself.", ["wants to kill herself"]),
    ("sepsis", "Fever to 39.2 with BP 82/50 and HR 124.", ["Fever", "BP 82/50", "HR 124"]),
    ("sepsis", "Febrile and confused.", ["Febrile", "confused"]),
    ("sepsis", "Likely urosepsis.", ["urosepsis"]),
    ("anaphylaxis", "Throat swelling and hives after eating peanuts.", ["Throat swelling"]),
    ("anaphylaxis", "Anaphylaxis after bee sting today.", ["Anaphylaxis"]),
    ("gi_bleeding", "Hematemesis x2 and melena since yesterday.", ["Hematemesis", "melena"]),
    ("gi_bleeding", "Bright red blood per rectum.", ["Bright red blood per rectum"]),
    ("respiratory_distress", "SpO2 84% on room air, in respiratory distress.", ["SpO2 84%", "respiratory distress"]),
    ("respiratory_distress", "Severe shortness of breath at rest.", ["Severe shortness of breath"]),
    ("thunderclap_headache", "Worst headache of her life, started suddenly.", ["Worst headache of her life"]),
    ("thunderclap_headache", "Thunderclap headache during exertion.", ["Thunderclap headache"]),
    ("syncope", "Syncopal episode at home while standing.", ["Syncopal"]),
    ("syncope", "He passed out in the shower.", ["passed out"]),
    ("pregnancy_with_bleeding", "She is 8 weeks pregnant with heavy vaginal bleeding.",
     ["8 weeks pregnant", "heavy vaginal bleeding"]),
    ("cauda_equina", "Saddle anesthesia since this morning.", ["Saddle anesthesia"]),
    ("cauda_equina", "Low back pain with urinary retention.", ["Low back pain", "urinary retention"]),
    ("testicular_torsion", "Sudden onset testicular pain while asleep.", ["Sudden onset testicular pain"]),
    ("testicular_torsion", "Concern for testicular torsion.", ["testicular torsion"]),
    ("acute_vision_loss", "Sudden painless loss of vision in the right eye.", ["Sudden painless loss of vision"]),
    ("acute_vision_loss", "Describes a curtain coming down over the left eye.", ["curtain coming down"]),
]


@pytest.mark.parametrize(("name", "text", "triggers"), POSITIVE)
def test_positive_with_exact_offsets(name, text, triggers):
    flag = _flag(text, name)
    assert _trigger_texts(text, flag) == triggers
    for t in flag.triggers:
        assert text.find(text[t.start:t.end]) >= 0 and t.status in ("present", "possible") and t.label in CONCEPTS


def test_every_rule_has_a_positive_test():
    assert {r.name for r in RED_FLAG_RULES} == {name for name, _, _ in POSITIVE}


NEGATIVE = [
    "Denies chest pain or diaphoresis.",
    "Chest pain, no diaphoresis, no radiation.",
    "No suicidal ideation.",
    "Negative for SI/HI.",
    "SI/HI: denied.",
    "Denies SI, HI, AVH.",
    "History of stroke in 2019 without residual deficits.",
    "Mother had a stroke at 70.",
    "Family history of testicular torsion.",
    "Return to the ED if chest pain, shortness of breath or syncope.",
    "No syncope. No LOC.",
    "Afebrile. BP 120/80. HR 72.",
    "Fever yesterday. BP 124/78, HR 88.",
    "Denies melena, hematochezia or hematemesis.",
    "Allergies: penicillin (anaphylaxis).",
    "Not pregnant. No vaginal bleeding.",
    "Back pain without urinary retention or saddle anesthesia.",
    "No vision loss.",
    "No headache.",
    "Patient is well and here for a medication refill.",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_negated_historical_family_hypothetical_raise_nothing(text):
    assert detect_red_flags(text) == []


def test_negated_part_of_a_combination_does_not_complete_it():
    text = "Chest pain since noon. Denies diaphoresis or radiation to the arm."
    assert "acute_coronary_syndrome" not in _names(text)


def test_combination_across_sentences_within_window():
    text = "Chest pain started two hours ago. He was diaphoretic."
    assert _trigger_texts(text, _flag(text, "acute_coronary_syndrome")) == ["Chest pain", "diaphoretic"]


def test_combination_too_far_apart_does_not_fire():
    text = "Chest pain started two hours ago. " + "Unrelated sentence about the weather. " * 10 + "He sweats at night."
    assert "acute_coronary_syndrome" not in _names(text)


def test_hpi_heading_is_not_history():
    text = "HISTORY OF PRESENT ILLNESS: 60F with chest pressure and diaphoresis."
    assert "acute_coronary_syndrome" in _names(text)


def test_mixed_note_and_offsets():
    text = ("HPI: 67M with substernal chest pressure radiating to the left arm with diaphoresis.\n"
            "He denies fever, melena or hematochezia. No syncope. History of stroke.\n"
            "Mother had breast cancer. Psych: denies SI/HI.\n"
            "Plan: return if worst headache of his life.")
    flags = detect_red_flags(text)
    assert [f.name for f in flags] == ["acute_coronary_syndrome"]
    f = flags[0]
    start = text.index("substernal")
    assert (f.triggers[0].start, f.triggers[0].end) == (start, start + len("substernal chest pressure"))
    assert _trigger_texts(text, f) == ["substernal chest pressure", "radiating to the left arm", "diaphoresis"]
    assert f.severity == "critical" and f.description


def test_suspected_counts_and_is_marked():
    text = "Concern for sepsis."
    t = _flag(text, "sepsis").triggers[0]
    assert text[t.start:t.end] == "sepsis" and t.status == "possible"


def test_order_most_severe_first():
    text = "Syncopal episode. Then chest pain with diaphoresis."
    assert [f.name for f in detect_red_flags(text)] == ["acute_coronary_syndrome", "syncope"]


def test_rules_legend_and_empty_input():
    assert len({r.name for r in RED_FLAG_RULES}) == len(RED_FLAG_RULES)
    for r in RED_FLAG_RULES:
        assert r.severity in SEVERITIES and r.description and r.alternatives
        assert r.to_dict()["name"] == r.name
    assert detect_red_flags("") == [] and detect_red_flags("   \n") == []


def test_html_is_just_text():
    text = "<script>alert(1)</script> chest pain and diaphoresis"
    f = _flag(text, "acute_coronary_syndrome")
    assert _trigger_texts(text, f) == ["chest pain", "diaphoresis"]
    assert f.to_dict()["triggers"][0]["start"] == text.index("chest pain")


def test_concepts_and_rules_come_from_the_data_file(tmp_path):
    import re

    import yaml

    from core.knowledge.schema import DataFileError, load_yaml
    from core.triage.redflags import RED_FLAGS_PATH, RedFlagRule, RedFlagTables

    tables = load_yaml(RED_FLAGS_PATH, RedFlagTables)
    assert [r.name for r in RED_FLAG_RULES] == [r.name for r in tables.rules]
    assert all(isinstance(r, RedFlagRule) and isinstance(r.alternatives[0], tuple) for r in RED_FLAG_RULES)
    assert {r.name: r.window for r in RED_FLAG_RULES}["pregnancy_with_bleeding"] == 400
    assert all(c in CONCEPTS for r in RED_FLAG_RULES for alt in r.alternatives for c in alt)
    # fragments are spliced in; "SI"/"HI" and "LOC" are the only patterns that keep their case
    assert any("(?:left|right|l|r|one|1)[- ]sided" in p.pattern for p in CONCEPTS["stroke_sign"])
    case_sensitive = [p.pattern for ps in CONCEPTS.values() for p in ps if not p.flags & re.IGNORECASE]
    assert case_sensitive == [r"(?<![A-Za-z])(?:SI|HI)(?![A-Za-z])", r"\bLOC\b"]
    assert not any(p.search("patient is si") for p in CONCEPTS["suicidal_homicidal"])
    # a rule naming a concept nobody defined fails when the file is read, naming the rule
    raw = yaml.safe_load(RED_FLAGS_PATH.read_text(encoding="utf-8"))
    raw["rules"][0]["alternatives"][0][1] = "diaphoretic"
    path = tmp_path / "red_flags.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"rules\[0\] \(acute_coronary_syndrome\) > alternatives\[0\]\[1\]: "
                                            r"concept 'diaphoretic' is not in concepts"):
        load_yaml(path, RedFlagTables)
