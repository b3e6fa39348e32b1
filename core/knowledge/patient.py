"""Schema of ``data/patient_context.yaml``: the words and codes that set the patient-context tags
(pregnancy, renal impairment...) :mod:`core.treatments.patient` reads from a note.

The patterns are regular expressions kept as text and compiled here, once; the schema checks that each one
compiles and has the groups the code reads (an eGFR pattern without its value group would fail on the first
note that matches), and that the ICD-10-CM table only sets tags the knowledge base knows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from core.knowledge import DATA_DIR
from core.knowledge.fields import Regex, Unique, matching, one_of
from core.knowledge.kb import TAGS
from core.knowledge.schema import Row, load_cached

PATIENT_CONTEXT_PATH: Path = DATA_DIR / "patient_context.yaml"

#: Pattern -> how many groups the code reads from its matches.
_GROUPS = {"age": 1, "months": 0, "pregnancy": 0, "breastfeeding": 0, "egfr": 2, "potassium": 1, "qtc": 1,
           "negated_before": 0}

_Tag = one_of("tag", TAGS, "the tags of core.knowledge.kb.TAGS")
_Prefix = matching("an undotted ICD-10-CM prefix (upper case)", r"[A-Z][0-9A-Z]{0,6}")


class PatientPatterns(Row):
    """The note patterns, one per fact (see the data file for what each one's groups hold)."""

    age: Regex
    months: Regex
    pregnancy: Regex
    breastfeeding: Regex
    egfr: Regex
    potassium: Regex
    qtc: Regex
    negated_before: Regex

    @model_validator(mode="after")
    def _groups(self) -> PatientPatterns:
        for name, needed in _GROUPS.items():
            found = re.compile(getattr(self, name).pattern).groups
            if found < needed:
                raise ValueError(f"{name}: the pattern has {found} group(s), the code reads {needed}")
        return self

    def compiled(self) -> dict[str, re.Pattern[str]]:
        """Pattern name -> compiled expression."""
        return {name: getattr(self, name).compile() for name in _GROUPS}


class PatientContextTables(Row):
    """``patient_context.yaml``: note patterns and tag -> ICD-10-CM prefixes."""

    patterns: PatientPatterns
    tag_icd: dict[_Tag, Annotated[tuple[_Prefix, ...], Field(min_length=1), Unique]]


def patient_context_tables() -> PatientContextTables:
    """The shipped patient-context tables, read through their schema (once per process)."""
    return load_cached(PATIENT_CONTEXT_PATH, PatientContextTables)
