"""Precision and alert burden of the interaction checks: the evaluators on a tiny rule set whose answers are known,
the shipped checker on guideline combinations, and how ANSM levels that name substances are read."""

from __future__ import annotations

import pytest
import yaml

from core.drugs.normalize import normalize
from core.knowledge.interactions import StandardCombination, standard_combinations
from core.treatments.evaluate import alert_burden, current_medications, evaluate_standard
from core.treatments.interactions import DrugRef, InteractionChecker, default_checker


def _ref(name: str) -> DrugRef:
    hit = normalize(name)
    assert hit is not None, name
    return DrugRef(hit.canonical, hit.drugbank_id)


def _pair(row_id: str, a: str, b: str, ceiling: str = "minor") -> StandardCombination:
    return StandardCombination(id=row_id, a=a, b=b, ceiling=ceiling, source="S", regimen="r",
                               why="w" if ceiling == "moderate" else None)


@pytest.fixture(scope="module")
def tiny_checker(tmp_path_factory: pytest.TempPathFactory) -> InteractionChecker:
    """Rules only: warfarin + naproxen major, metformin + lisinopril moderate, nothing else."""
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    group = {"description": "d", "source": "S"}
    path.write_text(yaml.safe_dump({
        "version": 1, "sources": {"S": {"title": "T", "body": "B", "year": 2000}},
        "groups": {"w": {**group, "members": ["warfarin"]}, "n": {**group, "members": ["naproxen"]},
                   "m": {**group, "members": ["metformin"]}, "l": {**group, "members": ["lisinopril"]}},
        "rules": [{"id": "bleed", "a": "w", "b": "n", "severity": "major", "mechanism": "m", "advice": "x",
                   "source": "S"},
                  {"id": "mild", "a": "m", "b": "l", "severity": "moderate", "mechanism": "m", "advice": "x",
                   "source": "S"}]}), encoding="utf-8")
    return InteractionChecker(rules_path=path, use_ansm=False)


def test_standard_shares_on_a_tiny_rule_set(tiny_checker):
    rows = [_pair("p1", "warfarin", "naproxen"), _pair("p2", "metformin", "lisinopril", "moderate"),
            _pair("p3", "metformin", "atorvastatin", "none"), _pair("p4", "lisinopril", "metformin", "none"),
            _pair("p5", "amlodipine", "unknowniumzz")]
    res = evaluate_standard(tiny_checker, rows)
    assert res["n_pairs"] == 4 and res["unresolved"] == ["p5: unknowniumzz"]
    assert res["major_share"] == 0.25 and res["any_share"] == 0.75 and not res["meets_target"]
    assert res["by_severity"] == {"contraindicated": 0, "major": 1, "moderate": 2, "minor": 0, "none": 1}
    assert [(r["id"], r["fired"]) for r in res["flagged_major"]] == [("p1", ["major: rule bleed"])]
    # above its ceiling: p1 (major > minor) and p4 (moderate > none); p2's moderate is what it allows
    assert [r["id"] for r in res["above_ceiling"]] == ["p1", "p4"]


def test_alert_burden_counts_flags_per_note(tiny_checker):
    notes = [[_ref("warfarin"), _ref("naproxen"), _ref("metformin"), _ref("lisinopril")],   # 1 major, 1 moderate
             [_ref("warfarin"), _ref("naproxen")],                                          # 1 major
             [_ref("atorvastatin")], []]
    res = alert_burden(tiny_checker, notes)
    assert res["n_notes"] == 4 and res["share_notes_with_major"] == 0.5 and res["share_notes_with_any"] == 0.5
    assert res["by_severity"]["major"] == {"mean": 0.5, "median": 0.5}
    assert res["by_severity"]["moderate"] == {"mean": 0.25, "median": 0.0}
    assert res["flags_per_note"] == {"mean": 0.75, "median": 0.5} and res["drugs_per_note"]["mean"] == 1.75


def test_current_medications_are_the_notes_gold_current_drugs():
    from core.synth.generator import NoteSynthesizer

    note = next(n for n in NoteSynthesizer(seed=7).generate(10)
                if {s.status for s in n.spans_of("DRUG")} - {"current"})   # a note with a non-current drug too
    refs = current_medications(note)
    current = [s for s in note.spans_of("DRUG") if s.status == "current"]
    assert {r.drugbank_id for r in refs} == {s.code for s in current}
    assert len(refs) == len(set(refs))


# -- the shipped checker ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checker() -> InteractionChecker:
    return default_checker()


def _worst(checker: InteractionChecker, a: str, b: str) -> str | None:
    found = checker.check(_ref(a), _ref(b))
    return found[0].severity if found else None


def test_a_standard_combination_raises_no_major_flag_while_a_known_major_one_does(checker):
    assert _worst(checker, "lisinopril", "hydrochlorothiazide") not in ("contraindicated", "major")
    assert _worst(checker, "simvastatin", "clarithromycin") == "contraindicated"
    assert _worst(checker, "warfarin", "aspirin") == "contraindicated"


def test_shipped_standard_combinations_meet_the_target(checker):
    res = evaluate_standard(checker, standard_combinations().combinations)
    assert res["n_pairs"] == len(standard_combinations().combinations) and not res["unresolved"]
    assert res["major_share"] <= 0.05, res["flagged_major"]


def test_an_ansm_level_naming_substances_applies_to_those_only(checker):
    # sedatives + sedatives: contraindicated only "entre l'oxybate de sodium et les opiaces"
    assert _worst(checker, "oxycodone", "naloxone") == "minor"
    assert _worst(checker, "oxycodone", "sodium oxybate") == "contraindicated"
    # ACE inhibitor + potassium-sparing diuretic: "precaution d'emploi" for spironolactone/eplerenone in heart failure
    assert _worst(checker, "lisinopril", "spironolactone") == "moderate"
    assert _worst(checker, "lisinopril", "amiloride") == "major"
    # alpha blocker + PDE5 inhibitor: "deconseillee avec la doxazosine", precaution with the others
    assert _worst(checker, "doxazosin", "sildenafil") == "major"
    assert _worst(checker, "tamsulosin", "sildenafil") == "moderate"


def test_dual_antiplatelet_therapy_is_read_within_its_indication_and_warned_outside(checker):
    found = checker.check(_ref("aspirin"), _ref("clopidogrel"))
    assert [i.severity for i in found] == ["moderate"]
    assert "ASSOCIATION DECONSEILLEE: : - en dehors des indications" in found[0].advice   # the warning stays


def test_the_command_prints_precision_and_burden_under_their_keys():
    import json

    from typer.testing import CliRunner

    from core.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["evaluate", "interactions", "--standard", "--burden", "5", "--seed", "3"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(out) == {"standard", "burden"}
    assert out["standard"]["n_pairs"] == len(standard_combinations().combinations) and out["standard"]["meets_target"]
    assert out["burden"]["n_notes"] == 5 and out["burden"]["seed"] == 3
    res = runner.invoke(app, ["evaluate", "interactions"])
    assert res.exit_code == 2 and "--standard" in res.output
