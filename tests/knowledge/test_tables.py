"""Every data file inference reads loads through its schema, and a broken row fails with a DataFileError whose
message names the file, the line and the row (the knowledge base itself: test_kb.py)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.knowledge import drug_classes, interactions
from core.knowledge.drug_classes import ALLERGY_GROUPS_PATH, CLASS_FAMILIES_PATH, AllergyGroups, ClassFamilies
from core.knowledge.interactions import ANSM_BRIDGE_PATH, RULES_PATH, AnsmBridgeTables, InteractionRules
from core.knowledge.patient import PATIENT_CONTEXT_PATH, PatientContextTables, patient_context_tables
from core.knowledge.schema import DataFileError, load_yaml
from core.lexicon.drugs import DRUG_NAMES_PATH, DrugNameTables, drug_name_tables
from core.nlp.rules import CONTEXT_RULES_PATH, ContextRules, context_rules
from core.triage.redflags import RED_FLAGS_PATH, RedFlagTables

Change = Callable[[Any], Any]


def _broken(path: Path, schema: type, change: Change, tmp_path: Path) -> str:
    """The error message of a copy of ``path`` with ``change`` applied to its parsed content."""
    raw = copy.deepcopy(yaml.safe_load(path.read_text(encoding="utf-8")))
    change(raw)
    copy_path = tmp_path / path.name
    copy_path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_yaml(copy_path, schema)
    message = str(err.value)
    assert re.match(rf"{re.escape(str(copy_path))}:\d+: ", message), message   # the file and the line
    return message


def test_shipped_files_load_through_their_schemas():
    rules = interactions.interaction_rules()
    assert isinstance(rules, InteractionRules) and len(rules.rules) >= 70 and "qt_prolonging" in rules.groups
    bridge = interactions.ansm_bridge_tables()
    assert bridge.aliases["methylene blue"] == ("bleu de methylene",) and "silicon" in bridge.deny
    assert bridge.severities["CONTRE-INDICATION"] == "contraindicated"
    allergies = drug_classes.allergy_groups()
    assert list(allergies.groups)[:2] == ["penicillins", "cephalosporins"]
    assert allergies.groups["penicillins"].cross == ("cephalosporins", "carbapenems")
    assert drug_classes.class_families()[:2] == ("beta blocker", "ace inhibitor")
    patient = patient_context_tables()
    assert patient.tag_icd["pregnancy"] == ("O", "Z33", "Z34", "Z3A") and not patient.patterns.potassium.ignore_case
    names = drug_name_tables()
    assert names.abbreviations["asa"] == "aspirin" and "tablet" in names.form_words and "%" in names.units
    ctx = context_rules()
    assert ctx.rules[0].literal == "allergic to" and ctx.statuses.drug["NEGATED_EXISTENCE"] == "negated"
    flags = load_yaml(RED_FLAGS_PATH, RedFlagTables)
    assert flags.rules[0].name == "acute_coronary_syndrome" and "{side}" in flags.concepts["stroke_sign"][10]


def _set(key: str, value: Any) -> Change:
    return lambda d: d.__setitem__(key, value)


CASES: list[tuple[str, Path, type, Change, list[str]]] = [
    # interaction rules
    ("rule missing a field", RULES_PATH, InteractionRules, lambda d: d["rules"][0].pop("severity"),
     ["rules[0] (qt_qt) > severity: Field required"]),
    ("rule with an unknown key", RULES_PATH, InteractionRules, lambda d: d["rules"][1].update(sevrity="major"),
     ["rules[1] (qt_contraindicated) > sevrity: Extra inputs are not permitted"]),
    ("rule with a bad severity", RULES_PATH, InteractionRules, lambda d: d["rules"][2].update(severity="fatal"),
     ["rules[2] (dofetilide_clearance) > severity: Value error, severity 'fatal' is not one of"]),
    ("rule naming an unknown group", RULES_PATH, InteractionRules, lambda d: d["rules"][3].update(b="no_group"),
     ["rules[3] (maoi_serotonergic) > b: group 'no_group' is not in groups"]),
    ("rule citing an unknown source", RULES_PATH, InteractionRules, lambda d: d["rules"][0].update(source="X"),
     ["rules[0] (qt_qt) > source: source 'X' is not in sources"]),
    ("rule id used twice", RULES_PATH, InteractionRules, lambda d: d["rules"][1].update(id="qt_qt"),
     ["rules[1] (qt_qt) > id: rule id 'qt_qt' is used twice"]),
    ("group without members", RULES_PATH, InteractionRules, lambda d: d["groups"]["dofetilide"].update(members=[]),
     ["groups > dofetilide > members: Tuple should have at least 1 item"]),
    ("group citing an unknown source", RULES_PATH, InteractionRules,
     lambda d: d["groups"]["levodopa"].update(source="Nope"), ["groups > levodopa > source: source 'Nope' is not"]),
    ("source year as text", RULES_PATH, InteractionRules, lambda d: d["sources"]["FDA-Labels"].update(year="2024"),
     ["sources > FDA-Labels > year: Input should be a valid integer"]),
    # ANSM bridge
    ("alias in upper case", ANSM_BRIDGE_PATH, AnsmBridgeTables,
     lambda d: d["aliases"].update({"iron": ["Fer"]}), ["aliases > iron[0]: Value error, 'Fer' must be"]),
    ("bridge without its deny list", ANSM_BRIDGE_PATH, AnsmBridgeTables, lambda d: d.pop("deny"),
     ["deny: Field required"]),
    ("unknown spelling table", ANSM_BRIDGE_PATH, AnsmBridgeTables, lambda d: d["spelling"].update(vowels=["a"]),
     ["spelling > vowels: Extra inputs are not permitted"]),
    ("ANSM severity unknown", ANSM_BRIDGE_PATH, AnsmBridgeTables,
     lambda d: d["severities"].update({"A PRENDRE EN COMPTE": "trivial"}),
     ["severities > A PRENDRE EN COMPTE: Value error, severity 'trivial' is not one of"]),
    ("prefix alias of two words", ANSM_BRIDGE_PATH, AnsmBridgeTables,
     lambda d: d["prefix_aliases"].update({"human insulin": "insuline"}), ["must be one word"]),
    # allergy groups and class families
    ("allergy group without terms", ALLERGY_GROUPS_PATH, AllergyGroups,
     lambda d: d["groups"]["statins"].pop("terms"), ["groups > statins > terms: Field required"]),
    ("allergy group with an unknown key", ALLERGY_GROUPS_PATH, AllergyGroups,
     lambda d: d["groups"]["opioids"].update(brands=["vicodin"]), ["groups > opioids > brands: Extra inputs"]),
    ("upper-case allergy member", ALLERGY_GROUPS_PATH, AllergyGroups,
     lambda d: d["groups"]["macrolides"]["members"].append("Azithromycin"),
     ["groups > macrolides > members[4]: Value error, 'Azithromycin' must be a non-empty lower-case string"]),
    ("cross-reactivity with an unknown group", ALLERGY_GROUPS_PATH, AllergyGroups,
     lambda d: d["groups"]["penicillins"]["cross"].append("monobactams"),
     ["groups > penicillins > cross[2]: cross-reactive group 'monobactams' is not another group"]),
    ("class family in upper case", CLASS_FAMILIES_PATH, ClassFamilies, lambda d: d["families"].append("ARNI"),
     ["families[38]: Value error, 'ARNI' must be"]),
    ("class family twice", CLASS_FAMILIES_PATH, ClassFamilies, lambda d: d["families"].append("statin"),
     ["families: Value error, listed twice: 'statin'"]),
    ("class families under another key", CLASS_FAMILIES_PATH, ClassFamilies, lambda d: d.update(family=[]),
     ["family: Extra inputs are not permitted"]),
    # patient context
    ("patient pattern missing", PATIENT_CONTEXT_PATH, PatientContextTables, lambda d: d["patterns"].pop("egfr"),
     ["patterns > egfr: Field required"]),
    ("patient pattern that does not compile", PATIENT_CONTEXT_PATH, PatientContextTables,
     lambda d: d["patterns"]["qtc"].update(pattern=r"\bQTc\s*(\d{3}"),
     ["patterns > qtc > pattern: Value error, not a"]),
    ("eGFR pattern without its value group", PATIENT_CONTEXT_PATH, PatientContextTables,
     lambda d: d["patterns"]["egfr"].update(pattern=r"\beGFR\s*(\d+)"),
     ["patterns: Value error, egfr: the pattern has 1 group(s), the code reads 2"]),
    ("patient pattern with an unknown key", PATIENT_CONTEXT_PATH, PatientContextTables,
     lambda d: d["patterns"]["age"].update(flags="I"), ["patterns > age > flags: Extra inputs"]),
    ("ICD table with an unknown tag", PATIENT_CONTEXT_PATH, PatientContextTables,
     lambda d: d["tag_icd"].update(obesity=["E66"]),
     ["tag_icd > obesity > [key]: Value error, tag 'obesity' is not one of"]),
    ("dotted ICD prefix", PATIENT_CONTEXT_PATH, PatientContextTables,
     lambda d: d["tag_icd"]["asthma"].append("J45.9"),
     ["tag_icd > asthma[1]: Value error, 'J45.9' is not an undotted"]),
    # drug names
    ("abbreviation keyed with punctuation", DRUG_NAMES_PATH, DrugNameTables,
     lambda d: d["abbreviations"].update({"tmp-smx": "x"}),
     ["abbreviations > tmp-smx > [key]: Value error, 'tmp-smx' is not"]),
    ("form word of two words", DRUG_NAMES_PATH, DrugNameTables, lambda d: d["form_words"].append("long acting"),
     ["must be one word"]),
    ("drug-name table missing", DRUG_NAMES_PATH, DrugNameTables, lambda d: d.pop("same_drug"),
     ["same_drug: Field required"]),
    ("unknown drug-name table", DRUG_NAMES_PATH, DrugNameTables, _set("brands", {"x": "y"}),
     ["brands: Extra inputs are not permitted"]),
    ("brand in upper case", DRUG_NAMES_PATH, DrugNameTables, lambda d: d["extra_brands"].update(norco="Norco"),
     ["extra_brands > norco: Value error, 'Norco' must be"]),
    # ConText rules
    ("ConText rule without a category", CONTEXT_RULES_PATH, ContextRules, lambda d: d["rules"][0].pop("category"),
     ["rules[0] (allergic to) > category: Field required"]),
    ("ConText rule with a bad direction", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["rules"][1].update(direction="SIDEWAYS"), ["rules[1] (allergies:) > direction: Value error"]),
    ("ConText rule with an unknown key", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["rules"][2].update(scope=3), ["rules[2] (allergies include) > scope: Extra inputs"]),
    ("ConText token of two kinds", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["rules"][5]["pattern"][0].update(orth="NKDA"),
     ["rules[5] (nkda) > pattern[0]: Value error, a token needs exactly one of lower, optional and orth"]),
    ("ConText unknown word list", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["rules"][0]["pattern"][0]["lower"].append("$allergy_words"),
     ["rules[0] (allergic to) > pattern[0] > lower[11]: word list 'allergy_words' is not in words"]),
    ("ConText unknown callback", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["rules"][7]["on_modifies"].update(callback="far_after"),
     ["rules[7] (discontinued) > on_modifies > callback: Value error, callback 'far_after' is not one of"]),
    ("ConText status that is not a status", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["statuses"]["drug"].update(ALLERGY="allergic"), ["statuses > drug > ALLERGY: Value error"]),
    ("ConText precedence without a mapped category", CONTEXT_RULES_PATH, ContextRules,
     lambda d: d["precedence"].remove("FAMILY"), ["precedence lacks categories the status maps use: FAMILY"]),
    # red flags
    ("red flag without a description", RED_FLAGS_PATH, RedFlagTables, lambda d: d["rules"][0].pop("description"),
     ["rules[0] (acute_coronary_syndrome) > description: Field required"]),
    ("red flag with an unknown key", RED_FLAGS_PATH, RedFlagTables, lambda d: d["rules"][1].update(urgent=True),
     ["rules[1] (stroke_signs) > urgent: Extra inputs are not permitted"]),
    ("red flag with a bad severity", RED_FLAGS_PATH, RedFlagTables, lambda d: d["rules"][2].update(severity="low"),
     ["rules[2] (suicidal_homicidal_ideation) > severity: Value error, severity 'low' is not one of critical, high"]),
    ("red flag naming an unknown concept", RED_FLAGS_PATH, RedFlagTables,
     lambda d: d["rules"][3]["alternatives"].append(["fever", "rash"]),
     ["rules[3] (sepsis) > alternatives[4][1]: concept 'rash' is not in concepts"]),
    ("red-flag pattern that does not compile", RED_FLAGS_PATH, RedFlagTables,
     lambda d: d["concepts"]["sepsis"].append(r"\bseptic(\b"),
     ["concepts > sepsis[3]: not a valid regular expression"]),
    ("red-flag pattern with an unknown fragment", RED_FLAGS_PATH, RedFlagTables,
     lambda d: d["concepts"]["fever"].append(r"\btemp{sep}4\d\b"), ["concepts > fever[6]: unknown fragment 'sep'"]),
]


@pytest.mark.parametrize("path, schema, change, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_broken_row_names_the_file_the_line_and_the_row(path, schema, change, expected, tmp_path):
    message = _broken(path, schema, change, tmp_path)
    for text in expected:
        assert text in message, message


def test_the_line_is_the_broken_row(tmp_path):
    message = _broken(RED_FLAGS_PATH, RedFlagTables, lambda d: d["concepts"]["sepsis"].append(r"\bseptic(\b"),
                      tmp_path)
    line = int(message.split(":")[1])
    assert r"\bseptic(\b" in (tmp_path / RED_FLAGS_PATH.name).read_text().splitlines()[line - 1]
