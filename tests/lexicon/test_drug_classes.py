"""The drug-class table: written forms name the class the knowledge base uses, whatever the plural or case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.knowledge.drug_classes import class_families
from core.knowledge.kb import load_kb
from core.knowledge.schema import DataFileError, load_yaml
from core.lexicon.drug_classes import DRUG_CLASSES_PATH, DrugClassTable, drug_class_table, normalize_class, plural
from core.treatments.safety import class_family


@pytest.mark.parametrize(("mention", "name", "family"), [
    ("ACE inhibitors", "ACE inhibitor", "ace inhibitor"),
    ("ACE-inhibitors", "ACE inhibitor", "ace inhibitor"),
    ("statins", "statin", "statin"),
    ("a statin", "statin", "statin"),
    ("statin therapy", "statin", "statin"),
    ("SSRIs", "SSRI", "ssri"),
    ("selective serotonin reuptake inhibitors", "SSRI", "ssri"),
    ("Beta-Blockers", "beta blocker", "beta blocker"),
    ("calcium channel blockers", "calcium channel blocker", "calcium channel blocker"),
    ("PPIs", "proton pump inhibitor", "proton pump inhibitor"),
    ("antidepressants", "antidepressant", None),
    ("sulfa drugs", "sulfonamide", None),
    ("penicillins", "penicillin", None),
])
def test_class_mentions_name_the_knowledge_base_class(mention, name, family):
    hit = normalize_class(mention)
    assert hit is not None and (hit.name, hit.family) == (name, family)


@pytest.mark.parametrize("mention", ["penicillin", "tetracycline", "lisinopril", "CYP3A4", "ACE", "Zebulon Quixote",
                                     "potassium", ""])
def test_drugs_enzymes_and_names_are_not_classes(mention):
    assert normalize_class(mention) is None


def _kb_classes() -> set[str]:
    return {re.sub(r"\s*\(.*$", "", t.drug_class).strip().lower() for c in load_kb().conditions
            for t in c.treatments}


def test_every_class_is_one_the_knowledge_base_uses():
    """A class name is a knowledge-base class (without its role in brackets), a class family, whole words of a
    knowledge-base class ("antibiotic" in "topical antibiotic") or a category over knowledge-base classes; its family
    is the one the safety checks give it."""
    kb = _kb_classes()
    families = set(class_families())
    padded = [f" {c.replace('-', ' ')} " for c in kb]
    for row in drug_class_table().classes:
        name = row.name.lower()
        assert (name in kb or name in families or any(f" {name.replace('-', ' ')} " in c for c in padded)
                or (row.covers and all(c.lower() in kb for c in row.covers))), row.name
        derived = class_family(row.name)
        assert row.family == derived or (derived is None and row.family in (None, *families)), (row.name, row.family)


def test_plural_of_written_forms():
    assert [plural(f) for f in ("SSRI", "beta blocker", "penicillins", "therapy")] == \
        ["SSRIs", "beta blockers", "penicillins", "therapies"]


def test_a_form_that_names_two_classes_is_refused(tmp_path: Path):
    text = DRUG_CLASSES_PATH.read_text(encoding="utf-8").replace("forms: [statin,", "forms: [statin, SSRI,", 1)
    broken = tmp_path / "drug_classes.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="SSRI"):
        load_yaml(broken, DrugClassTable)
