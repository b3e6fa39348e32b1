"""Drug classes as they are written ("statins", "ACE-inhibitors", "allergic to penicillins") and the class name the
knowledge base uses for each (``data/drug_classes.yaml``, read through :class:`DrugClassTable`).

A class is not a medicine a patient takes, so the drug model tags it ``DRUG_CLASS`` apart from ``DRUG``; this
table names it (:func:`normalize_class`) and gives the synthesizer the forms it writes (:func:`class_forms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from core.knowledge.fields import Lower, Table, Text, Unique, rows
from core.knowledge.schema import Row, load_cached

DRUG_CLASSES_PATH: Path = Path(__file__).resolve().parent / "data" / "drug_classes.yaml"

#: Words after a class that do not change it ("antiepileptic drugs", "statin therapy").
_TRAILING = re.compile(r"\s+(?:drugs?|medications?|medicines?|agents?|therapy|class)$")
_LEADING = re.compile(r"^(?:a|an|the|any|all|other)\s+")


class DrugClassRow(Row):
    """One class (see the file's header)."""

    name: Text
    family: Lower | None = None
    written: bool = False
    forms: Annotated[tuple[Text, ...], Field(min_length=1), Unique]
    covers: tuple[Text, ...] = ()


class DrugClassTable(Table):
    """``drug_classes.yaml``: the classes, in order; a written form names one class only."""

    classes: Annotated[tuple[DrugClassRow, ...], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]):
        seen: dict[str, int] = {}
        for i, row in rows(raw, "classes"):
            for j, form in enumerate(row.get("forms") or ()):
                key = class_key(str(form))
                if key in seen and seen[key] != i:
                    yield ("classes", i, "forms", j), f"form {form!r} already names class #{seen[key]}"
                seen.setdefault(key, i)


@dataclass(frozen=True)
class ClassIdentity:
    """A class mention resolved against the table.

    Attributes:
        name: The class as the knowledge base names it ("ACE inhibitor").
        family: Its family in ``class_families.yaml`` ("ace inhibitor"), or None.
        matched: The table's form that matched.
    """

    name: str
    family: str | None
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "family": self.family, "matched": self.matched}


def drug_class_table() -> DrugClassTable:
    """The shipped class table, read through its schema (once per process)."""
    return load_cached(DRUG_CLASSES_PATH, DrugClassTable)


def class_key(text: str) -> str:
    """How a form is compared: lower case, hyphens and slashes as spaces, single spaces, no outer punctuation."""
    s = re.sub(r"[-/]", " ", text.casefold())
    return re.sub(r"\s+", " ", re.sub(r"^[\W_]+|[\W_]+$", "", s)).strip()


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[DrugClassRow, str]]:
    out: dict[str, tuple[DrugClassRow, str]] = {}
    for row in drug_class_table().classes:
        for form in row.forms:
            out.setdefault(class_key(form), (row, form))
    return out


def _singulars(key: str) -> list[str]:
    out = [key]
    if key.endswith("ies"):
        out.append(key[:-3] + "y")
    if key.endswith("es"):
        out.append(key[:-2])
    if key.endswith("s"):
        out.append(key[:-1])
    return out


@lru_cache(maxsize=4096)
def normalize_class(mention: str) -> ClassIdentity | None:
    """The class a mention names ("ACE inhibitors" -> ACE inhibitor, "SSRIs" -> SSRI), or None when the table does
    not know it. Case, hyphens, a leading article, a trailing "drugs"/"therapy" and a plural are ignored."""
    index = _index()
    key = _LEADING.sub("", class_key(mention))
    for k in dict.fromkeys((key, _TRAILING.sub("", key))):
        for candidate in _singulars(k):
            hit = index.get(candidate)
            if hit is not None:
                row, form = hit
                return ClassIdentity(row.name, row.family, form)
    return None


def plural(form: str) -> str:
    """The plural of a class form as a clinician writes it ("SSRI" -> "SSRIs", "beta blocker" -> "beta blockers")."""
    if form.endswith("s"):
        return form
    if re.search(r"[^aeiou]y$", form):
        return form[:-1] + "ies"
    return form + "s"


def class_forms(*, written_only: bool = False) -> tuple[str, ...]:
    """Every form of the table in file order (``written_only``: of the classes notes name)."""
    return tuple(f for row in drug_class_table().classes if row.written or not written_only for f in row.forms)
