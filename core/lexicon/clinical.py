"""Clinical wording of conditions and symptoms with their ICD-10-CM codes (``data/clinical_conditions.yaml``).

One table serves inference and the synthesizer alike: the condition lexicon (:mod:`core.lexicon.conditions`)
indexes the condition names (:func:`lexicon_conditions`) so that "HLD" or "high cholesterol" resolves to E78.5,
and the note synthesizer (:mod:`core.synth.kb`) writes the same wording, symptoms included, as CONDITION spans
with their codes. Every code is checked against ICD-10-CM when the file is read, so a typo fails there, naming
the file and the row, instead of producing a note with a code nothing else knows.

Lists keep their order: the synthesizer draws from them by position (seeded notes must stay identical), and
the lexicon keeps the first of two equally trusted rows that share a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from core.knowledge.schema import Row, load_cached
from core.labels import SERVICES
from core.lexicon import icd

#: The shipped table.
CLINICAL_CONDITIONS_PATH: Path = Path(__file__).resolve().parent / "data" / "clinical_conditions.yaml"

_Names = Annotated[tuple[Annotated[str, Field(min_length=1)], ...], Field(min_length=1)]


def _icd_code(code: str) -> str:
    """``code`` itself when it is a dotted ICD-10-CM code that ``simple_icd_10_cm`` knows."""
    if code != icd.dotted(code):
        raise ValueError(f"{code!r} is not written as a dotted ICD-10-CM code ({icd.dotted(code)!r})")
    if not icd.is_valid_icd(code):
        raise ValueError(f"{code!r} is not a valid ICD-10-CM code")
    return code


class Condition(Row):
    """A condition: its code and the names clinicians write for it, the usual one first."""

    code: str
    names: _Names

    @field_validator("code")
    @classmethod
    def _check_code(cls, code: str) -> str:
        return _icd_code(code)


class Symptom(Row):
    """A symptom or finding as a note words it, with its code (written as a CONDITION span)."""

    name: Annotated[str, Field(min_length=1)]
    code: str | None = None

    @field_validator("code")
    @classmethod
    def _check_code(cls, code: str | None) -> str | None:
        return None if code is None else _icd_code(code)


class ServiceConditions(Row):
    """What one clinical service's notes are about: its conditions and presenting symptoms."""

    conditions: Annotated[tuple[Condition, ...], Field(min_length=1)]
    symptoms: Annotated[tuple[Symptom, ...], Field(min_length=1)]


class ClinicalConditions(Row):
    """The whole table (see the file's header for what each part is used for)."""

    comorbidities: tuple[Condition, ...]
    peds_comorbidities: tuple[Condition, ...]
    family_history: tuple[Condition, ...]
    ros_negatives: tuple[Symptom, ...]
    services: dict[str, ServiceConditions]
    case_diagnoses: dict[str, dict[str, Annotated[tuple[Condition, ...], Field(min_length=1)]]]

    @model_validator(mode="after")
    def _known_services(self) -> ClinicalConditions:
        if set(self.services) != set(SERVICES):
            missing, unknown = set(SERVICES) - set(self.services), set(self.services) - set(SERVICES)
            raise ValueError(f"services must be exactly the {len(SERVICES)} services "
                             f"(missing: {sorted(missing)}, unknown: {sorted(unknown)})")
        unknown = set(self.case_diagnoses) - set(SERVICES)
        if unknown:
            raise ValueError(f"case_diagnoses names unknown services: {sorted(unknown)}")
        return self


@lru_cache(maxsize=1)
def clinical_conditions() -> ClinicalConditions:
    """The shipped table, read and checked once per process.

    Raises:
        core.knowledge.schema.DataFileError: the file does not follow :class:`ClinicalConditions`.
    """
    return load_cached(CLINICAL_CONDITIONS_PATH, ClinicalConditions)


def lexicon_conditions() -> Iterator[Condition]:
    """The conditions the lexicon indexes, in its order: comorbidities (adult, then pediatric), family history,
    then each service's conditions in :data:`core.labels.SERVICES` order. Symptoms and case diagnoses are
    written by the synthesizer only."""
    table = clinical_conditions()
    yield from table.comorbidities
    yield from table.peds_comorbidities
    yield from table.family_history
    for svc in SERVICES:
        yield from table.services[svc].conditions
