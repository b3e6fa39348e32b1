"""The clinical wording of conditions (core/lexicon/data/clinical_conditions.yaml): it loads, every code is a
valid ICD-10-CM code, a broken row fails naming the file and the row, and the lexicon reads it without the
synthesizer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from core.knowledge.schema import DataFileError, load_yaml
from core.labels import SERVICES
from core.lexicon import clinical, icd

PATH = clinical.CLINICAL_CONDITIONS_PATH
ROOT = Path(__file__).resolve().parents[2]


def _all_codes(table: clinical.ClinicalConditions) -> list[str]:
    rows = [*table.comorbidities, *table.peds_comorbidities, *table.family_history, *table.ros_negatives]
    for svc in table.services.values():
        rows += [*svc.conditions, *svc.symptoms]
    for cases in table.case_diagnoses.values():
        for dx in cases.values():
            rows += dx
    return [r.code for r in rows if r.code is not None]


def test_the_table_loads() -> None:
    table = clinical.clinical_conditions()
    assert list(table.services) == list(SERVICES)
    assert len(table.comorbidities) >= 20 and table.peds_comorbidities and table.family_history
    assert table.ros_negatives and table.case_diagnoses
    assert table.comorbidities[0].code == "I10" and table.comorbidities[0].names[:2] == ("hypertension", "HTN")
    names = {n for c in clinical.lexicon_conditions() for n in c.names}
    assert {"HLD", "high cholesterol", "CHF", "atrial fibrillation"} <= names


def test_every_code_is_a_valid_dotted_icd10cm_code() -> None:
    codes = _all_codes(clinical.clinical_conditions())
    assert len(codes) > 500
    bad = [c for c in codes if not icd.is_valid_icd(c) or c != icd.dotted(c)]
    assert not bad


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the table with the first ``old`` replaced by ``new``."""
    text = PATH.read_text(encoding="utf-8")
    assert old in text and new not in text, old
    path = tmp_path / PATH.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


@pytest.mark.parametrize("old, new, expected", [
    ("{code: E78.5, names: [hyperlipidemia,", "{code: E78.5, synonyms: [hyperlipidemia,",
     ["comorbidities[2] (E78.5) > names: Field required", "synonyms: Extra inputs are not permitted"]),
    ("{code: E78.5, names: [hyperlipidemia,", "{code: E78.9ZZ, names: [hyperlipidemia,",
     ["comorbidities[2] (E78.9ZZ) > code", "not a valid ICD-10-CM code"]),
    ("{code: E78.5, names: [hyperlipidemia,", "{code: E785, names: [hyperlipidemia,",
     ["comorbidities[2] (E785) > code", "dotted ICD-10-CM code ('E78.5')"]),
])
def test_a_broken_row_names_the_file_and_the_row(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    path = _broken_copy(tmp_path, old, new)
    with pytest.raises(DataFileError) as err:
        load_yaml(path, clinical.ClinicalConditions)
    msg = str(err.value)
    assert f"{path}:{_line_of(path, new)}:" in msg
    for part in expected:
        assert part in msg


def test_every_service_is_required(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "\n  urology:\n", "\n  urologyy:\n")
    with pytest.raises(DataFileError, match=r"missing: \['urology'\], unknown: \['urologyy'\]"):
        load_yaml(path, clinical.ClinicalConditions)


def test_the_lexicon_does_not_import_the_synthesizer() -> None:
    lexicon = ROOT / "core" / "lexicon"
    for path in lexicon.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not any(n.startswith("core.synth") for n in names), path.name
    # the index reads the clinical names (here a service's "acute MI") without importing the synthesizer
    code = ("import sys; from core.lexicon.conditions import index, key; e = index().exact[key('acute MI')]; "
            "print(e.code, e.lexicon, sorted(m for m in sys.modules if m.startswith('core.synth')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[-2] == "I21.3 lexicon []"
