"""The synthesizer's data files: each follows its schema, a broken row fails naming the file and the row, the
files agree with each other, and the synthesizer's code keeps to its size and import rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.knowledge.schema import DataFileError, load_yaml
from core.labels import SERVICES
from core.lexicon import clinical
from core.synth import condition_literature, kb, negatives, tables

SYNTH = Path(tables.__file__).resolve().parent
DATA = tables.DATA_DIR

#: Every synthesizer data file and its schema (a new file must be added here, see the test below).
SCHEMAS = {
    **{f"services/{s}.yaml": tables.ServiceTable for s in SERVICES},
    **{f"cases/{p.name}": tables.CaseFile for p in (DATA / "cases").glob("*.yaml")},
    "drugs.yaml": tables.DrugTable,
    "sigs.yaml": tables.SigTable,
    "common.yaml": tables.CommonTable,
    "literature.yaml": tables.LiteratureTable,
    "plan_tags.yaml": tables.PlanTagTable,
    "abbreviations.yaml": tables.AbbreviationTable,
    "negatives.yaml": negatives.NegativeTable,
    "condition_literature.yaml": condition_literature.ConditionLiteratureTable,
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_data_file_loads_through_its_schema(name: str) -> None:
    assert load_yaml(DATA / name, SCHEMAS[name]) is not None


def test_every_data_file_has_a_schema() -> None:
    found = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    assert found == set(SCHEMAS)
    assert {p.stem for p in (DATA / "cases").glob("*.yaml")} <= set(SERVICES)


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the data file ``name`` with ``old`` (which must occur once) replaced by ``new``."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / Path(name).name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


def test_a_missing_field_names_the_file_and_the_row(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "drugs.yaml", "{name: atenolol, strengths: ['25', '50', '100'], unit: mg, ",
                        "{name: atenolol, strengths: ['25', '50', '100'], ")
    with pytest.raises(DataFileError) as err:
        load_yaml(path, tables.DrugTable)
    msg = str(err.value)
    assert f"{path}:{_line_of(path, 'name: atenolol')}:" in msg
    assert "profiles[3] (atenolol) > unit: Field required" in msg


def test_an_unknown_key_names_the_file_and_the_row(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "cases/nephrology.yaml", "  - id: dialysis_access\n",
                        "  - id: dialysis_access\n    diagnoses: [ESRD]\n")
    with pytest.raises(DataFileError) as err:
        load_yaml(path, tables.CaseFile)
    msg = str(err.value)
    assert str(path) in msg
    assert "cases[4] (dialysis_access) > diagnoses: Extra inputs are not permitted" in msg


def test_a_service_file_missing_a_pool_or_misordering_styles_fails(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "services/urology.yaml", "\ntitles:\n", "\nheadings:\n")
    with pytest.raises(DataFileError) as err:
        load_yaml(path, tables.ServiceTable)
    assert "titles: Field required" in str(err.value) and "headings: Extra inputs" in str(err.value)
    path = _broken_copy(tmp_path, "services/urology.yaml", "{consult: 18, history_physical: 8,",
                        "{history_physical: 8, consult: 18,")
    with pytest.raises(DataFileError, match="style_weights must name the styles"):
        load_yaml(path, tables.ServiceTable)


def test_cases_and_their_diagnoses_must_match(tmp_path: Path) -> None:
    diagnoses = dict(clinical.clinical_conditions().case_diagnoses["dermatology"])
    assert len(kb._cases("dermatology", diagnoses)) == len(tables.cases("dermatology"))
    del diagnoses["skin_examination"]
    with pytest.raises(DataFileError, match=r"only in the cases \['skin_examination'\]"):
        kb._cases("dermatology", diagnoses)


def test_the_files_agree_with_each_other() -> None:
    drugs, sigs = tables.drugs(), tables.sigs()
    profiled = {p.name for p in drugs.profiles}
    for p in drugs.profiles + tuple(drugs.dictionary_profiles):
        assert p.route in sigs.routes and p.freq in sigs.frequencies and p.form in sigs.forms, p
    for svc in SERVICES:
        assert set(tables.service(svc).drugs) <= profiled, svc
    case_diagnoses = clinical.clinical_conditions().case_diagnoses
    for svc in SERVICES:
        assert [c.id for c in tables.cases(svc)] == list(case_diagnoses.get(svc, {})), svc
    assert set(drugs.non_drug_allergens) <= set(drugs.allergy_drugs)


def test_the_synthesizer_knowledge_joins_the_files() -> None:
    k = kb.load_kb()
    assert list(k.services) == list(SERVICES)
    assert sum(len(s["cases"]) for s in k.services.values()) == sum(len(tables.cases(s)) for s in SERVICES)
    assert all(s["conditions"] and s["symptoms"] and s["drugs"] for s in k.services.values())
    assert len(k.drugs) == len({p.name for p in tables.drugs().profiles})


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            out.add(node.module or "")
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_synth_code_size_and_imports() -> None:
    allowed = ("core.labels", "core.spans", "core.lexicon", "core.knowledge", "core.synth")
    for path in sorted(SYNTH.glob("*.py")):
        assert len(path.read_text().splitlines()) <= 800, path.name
        for mod in _imports(path):
            if mod == "core" or mod.startswith("core."):
                assert mod.startswith(allowed), f"{path.name} imports {mod}"
    assert not (SYNTH / "knowledge.py").exists() and not (SYNTH / "cases.py").exists()

