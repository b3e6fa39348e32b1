"""Schemas and loaders of the synthesizer's data files (``core/synth/data``).

The wording the synthesizer writes is data, not code: per-service pools (``services/<service>.yaml``),
encounter cases (``cases/<service>.yaml``), drugs and their sigs (``drugs.yaml``, ``sigs.yaml``), pools shared
by every note (``common.yaml``), literature passages (``literature.yaml``), the treatment notes' context
phrases (``plan_tags.yaml``) and filler abbreviations (``abbreviations.yaml``). Condition and symptom wording
with ICD-10-CM codes lives in the lexicon (:mod:`core.lexicon.clinical`), which inference reads too.

Every file is read through a :class:`~core.knowledge.schema.Row` schema, so a misspelt key or a missing field
fails at once with the file, line and row in the message. Lists keep their order: the generator draws from
them by position, and the shipped models' figures depend on identical notes for a seed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from core.knowledge.schema import Row, load_cached
from core.labels import SERVICES

#: Where the synthesizer's data files live (inside the package, so they ship with it).
DATA_DIR: Path = Path(__file__).resolve().parent / "data"

#: The note styles a service weighs in ``style_weights`` (each is a ``_style_<name>`` of the note writer).
STYLES = ("consult", "history_physical", "operative", "diagnostic_report", "soap", "discharge_summary",
          "letter", "progress_note")

_Text = Annotated[str, Field(min_length=1)]                  # a non-empty string
_Texts = tuple[_Text, ...]                                     # a list of them, possibly empty
_Some = Annotated[tuple[_Text, ...], Field(min_length=1)]     # a non-empty list (the generator draws from it)


# ------------------------------------------------------------------------------------------ services

class ExamBlock(Row):
    """A structured exam paragraph typical of the service (one of ``options`` is written after ``title``)."""

    title: _Text
    options: _Some


class ServiceTable(Row):
    """One service's pools (``services/<service>.yaml``)."""

    specialty: _Some
    titles: _Some
    ages: tuple[int, int]
    female_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    style_weights: dict[str, Annotated[int, Field(ge=0)]]
    procedures: _Some
    diagnostics: _Some
    exam: _Some
    findings: _Some
    op_details: _Some
    phrases: _Some
    plan: _Some
    labs: _Some
    drugs: _Some
    exam_blocks: tuple[ExamBlock, ...] = ()
    icd_ranges: Annotated[tuple[tuple[str, str], ...], Field(min_length=1)]
    mesh_trees: _Some

    @model_validator(mode="after")
    def _check(self) -> ServiceTable:
        if list(self.style_weights) != list(STYLES):
            raise ValueError(f"style_weights must name the styles {', '.join(STYLES)} in this order")
        if not 0 <= self.ages[0] <= self.ages[1]:
            raise ValueError(f"ages must be [youngest, oldest], got {list(self.ages)}")
        return self

    @property
    def weights(self) -> tuple[int, ...]:
        """Style weights in :data:`STYLES` order."""
        return tuple(self.style_weights[s] for s in STYLES)


class Case(Row):
    """One encounter type: what a real dictation of it contains (its diagnoses are in the clinical lexicon,
    ``case_diagnoses`` under the same service and id)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    procs: _Some
    phrases: _Texts = ()
    exam: _Texts = ()
    findings: _Texts = ()
    details: _Texts = ()
    plan: _Texts = ()
    #: [youngest, oldest] when the encounter belongs to an age range (a neonatal circumcision, a well-child visit):
    #: a note that picks the case redraws its patient's age in it.
    ages: tuple[int, int] | None = None
    #: ``male``/``female`` when the encounter belongs to one sex (a circumcision, an orchiopexy).
    sex: Literal["male", "female"] | None = None

    @model_validator(mode="after")
    def _ages_in_order(self) -> Case:
        if self.ages is not None and not 0 <= self.ages[0] <= self.ages[1] <= 110:
            raise ValueError(f"ages must be [youngest, oldest] within 0-110, got {list(self.ages)}")
        return self


class CaseFile(Row):
    """``cases/<service>.yaml``."""

    cases: Annotated[tuple[Case, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> CaseFile:
        ids = [c.id for c in self.cases]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"case ids must be unique: {dup}")
        return self


# --------------------------------------------------------------------------------------------- drugs

class Sig(Row):
    """A typical prescription of a drug: strengths (as written), unit, form, and keys of ``sigs.yaml``."""

    strengths: Annotated[tuple[_Text, ...], Field(min_length=1)]
    unit: _Text
    form: _Text
    route: _Text
    freq: _Text


class Profile(Sig):
    """A profiled drug's sig (a drug may have several rows, e.g. oral and injected)."""

    name: _Text


class DrugTable(Row):
    """``drugs.yaml``: drugs the notes write with their sigs, brands, and who takes what."""

    profiles: Annotated[tuple[Profile, ...], Field(min_length=1)]
    dictionary_profiles: Annotated[tuple[Sig, ...], Field(min_length=1)]
    name_variants: dict[str, _Some]
    brands: dict[str, _Some]
    comorbidity_drugs: dict[str, _Texts]
    allergy_drugs: _Some
    allergy_reactions: _Some
    non_drug_allergens: _Some


class SigTable(Row):
    """``sigs.yaml``: how a sig's parts are written."""

    routes: dict[str, _Some]
    frequencies: dict[str, _Some]
    forms: dict[str, _Some]
    dose_units: dict[str, Annotated[tuple[tuple[_Text, _Text], ...], Field(min_length=1)]]
    durations: _Some
    short_course: _Some
    formats: Annotated[tuple[_Some, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _formats_start_with_the_drug(self) -> SigTable:
        bad = [i for i, f in enumerate(self.formats) if f[0] != "D"]
        if bad:
            raise ValueError(f"formats {bad} do not start with the drug slot D")
        return self


# -------------------------------------------------------------------------------------------- shared

class RosSystem(Row):
    """A system of the primary-care review of systems and its wordings."""

    system: _Text
    options: _Some


class CommonTable(Row):
    """``common.yaml``: pools every note draws from, whatever its service."""

    doctors: _Some
    relatives: _Some
    social: _Some
    peds_social: _Some
    generic_hpi: _Some
    generic_exam: dict[str, _Some]
    review_of_systems: Annotated[tuple[RosSystem, ...], Field(min_length=1)]
    problem_plans: dict[str, _Some]
    health_maintenance: _Some
    op_open: _Some
    op_close: _Some


class Abbreviation(Row):
    """Literature: the long form of something that is not a chemical and its abbreviation."""

    name: _Text
    abbreviation: _Text


class LiteratureTable(Row):
    """``literature.yaml``: vocabulary and sentence templates of literature-style passages."""

    endogenous: _Some
    ions: dict[str, _Some]
    classes: _Some
    non_chemicals: _Some
    gene_stems: _Some
    organisms: _Some
    measures: _Some
    routes: _Some
    units: _Some
    templates: _Some
    negative_templates: _Some
    qualifiers: _Some
    stereo: _Some
    non_chemical_abbreviations: Annotated[tuple[Abbreviation, ...], Field(min_length=1)]
    abbreviation_intros: _Some
    abbreviation_uses: _Some


class PlanTagTable(Row):
    """``plan_tags.yaml``: how a treatment note states each patient-context tag."""

    tag_phrases: dict[str, _Some]


class AbbreviationTable(Row):
    """``abbreviations.yaml``: plain-text abbreviations applied to filler text."""

    abbreviations: dict[str, _Text]


# ------------------------------------------------------------------------------------------- loaders

@cache
def service(name: str) -> ServiceTable:
    """``services/<name>.yaml``."""
    return load_cached(DATA_DIR / "services" / f"{name}.yaml", ServiceTable)


def services() -> dict[str, ServiceTable]:
    """Every service's table, in :data:`core.labels.SERVICES` order."""
    return {s: service(s) for s in SERVICES}


@cache
def cases(name: str) -> tuple[Case, ...]:
    """The service's cases (none when it has no ``cases/<name>.yaml``)."""
    path = DATA_DIR / "cases" / f"{name}.yaml"
    return load_cached(path, CaseFile).cases if path.exists() else ()


def drugs() -> DrugTable:
    return load_cached(DATA_DIR / "drugs.yaml", DrugTable)


def sigs() -> SigTable:
    return load_cached(DATA_DIR / "sigs.yaml", SigTable)


def common() -> CommonTable:
    return load_cached(DATA_DIR / "common.yaml", CommonTable)


def literature() -> LiteratureTable:
    return load_cached(DATA_DIR / "literature.yaml", LiteratureTable)


def plan_tags() -> PlanTagTable:
    return load_cached(DATA_DIR / "plan_tags.yaml", PlanTagTable)


def abbreviations() -> AbbreviationTable:
    return load_cached(DATA_DIR / "abbreviations.yaml", AbbreviationTable)
