"""The treatment knowledge base: conditions, their guideline-backed drug treatments, and the sources cited.

The data lives in ``data/kb.yaml`` beside this module (see that file's header). Each condition has names and
synonyms, ICD-10-CM code prefixes, the clinical service that manages it and its treatments in order of
preference (first-line rows first). Each treatment row names the drug (its generic name and the DrugBank id
:func:`core.drugs.normalize.normalize` gives for it), its class, its line (``first``, ``alternative`` or
``adjunct``), patient-context tags from :data:`TAGS` that contraindicate it, call for caution or make it the
preferred choice, and the key of the guideline it comes from.

:func:`load_kb` reads the file once (cached) through the schema below (:class:`KbFile`, with
:mod:`core.knowledge.schema`: a broken row fails with the file, line and row); :func:`validate` returns the
schema errors of a raw mapping as readable sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from core.knowledge import DATA_DIR
from core.knowledge.fields import Loc, Table, Text, Unique, matching, one_of, repeated, rows
from core.knowledge.schema import DataFileError, Row, load_yaml, validate_data
from core.labels import SERVICES
from core.labels import THERAPY_LINES as LINES

#: Patient-context tags a treatment row may name (contraindications, cautions, preferred_in).
#: ``renal_impairment`` is eGFR < 30 mL/min/1.73 m2 or dialysis, ``child`` is age < 18, ``elderly`` is
#: age >= 65, ``gi_bleeding`` is peptic ulcer or gastrointestinal bleeding history and ``coronary_disease``
#: is coronary artery disease or a prior myocardial infarction.
TAGS: tuple[str, ...] = (
    "pregnancy", "breastfeeding", "child", "elderly", "renal_impairment", "hepatic_impairment", "heart_failure",
    "asthma", "bradycardia", "hyperkalemia", "angioedema", "gi_bleeding", "bleeding_risk", "qt_prolongation",
    "seizures", "hypotension", "urinary_retention", "dementia", "diabetes", "osteoporosis", "gout",
    "myasthenia_gravis", "active_infection", "coronary_disease", "hyponatremia",
)
#: The shipped knowledge base.
KB_PATH: Path = DATA_DIR / "kb.yaml"
#: More of it: one file per group of ICD-10-CM chapters (:class:`KbPart`), read with the shipped ``kb.yaml`` only.
KB_PARTS_DIR: Path = DATA_DIR / "kb"

_Id = matching("a snake_case id", r"[a-z][a-z0-9_]*")
_DrugbankId = matching("a DrugBank id (DB and five digits)", r"DB\d{5}")
_Icd = matching("an ICD-10-CM code or category", r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")
_Line = one_of("line", LINES)
_Service = one_of("service", SERVICES)
_Tag = one_of("tag", TAGS, "the tags of core.knowledge.kb.TAGS")
#: A list of tags (``null`` is an empty list), none twice.
Tags = Annotated[tuple[_Tag, ...], BeforeValidator(lambda v: () if v is None else v), Unique]


@dataclass(frozen=True)
class Source:
    """A guideline the knowledge base cites.

    Attributes:
        key: The key rows use to cite it (``ACC-AHA-HTN-2017``).
        title: The guideline's title.
        body: The issuing body (``ACC/AHA``).
        year: Year of publication.
    """

    key: str
    title: str
    body: str
    year: int


@dataclass(frozen=True)
class Treatment:
    """One drug treatment of a condition.

    Attributes:
        drug: Generic name as the drug dictionary knows it.
        drugbank_id: DrugBank accession ``normalize(drug)`` resolves to.
        drug_class: Pharmacological class, with the role in this condition where useful.
        line: ``first``, ``alternative`` or ``adjunct``.
        contraindications: Tags that rule the drug out.
        cautions: Tags that call for caution (shown as a flag, lower the rank).
        preferred_in: Tags in whose presence this drug is the preferred choice.
        source: Key of the cited guideline in :attr:`KnowledgeBase.sources`.
        rank: 0-based position within its condition (0 = most preferred).
    """

    drug: str
    drugbank_id: str
    drug_class: str
    line: str
    contraindications: tuple[str, ...]
    cautions: tuple[str, ...]
    preferred_in: tuple[str, ...]
    source: str
    rank: int


@dataclass(frozen=True)
class Condition:
    """A condition with its treatments.

    Attributes:
        id: Unique snake_case id.
        name: Display name.
        synonyms: Other names (formal, ontology-style, clinical wording, abbreviations).
        icd10: ICD-10-CM code prefixes (codes or categories, with dots).
        service: The clinical service that manages it (one of :data:`SERVICES`).
        treatments: Treatments, most preferred first.
    """

    id: str
    name: str
    synonyms: tuple[str, ...]
    icd10: tuple[str, ...]
    service: str
    treatments: tuple[Treatment, ...]


def _undotted(code: str) -> str:
    return code.replace(".", "").strip().upper()


@dataclass(frozen=True)
class KnowledgeBase:
    """The loaded knowledge base.

    Attributes:
        version: Schema/content version.
        sources: Cited guidelines by key.
        conditions: Conditions in file order.
    """

    version: int
    sources: dict[str, Source]
    conditions: tuple[Condition, ...]

    def condition(self, id: str) -> Condition:  # noqa: A002 - the field is called id
        """The condition with this id.

        Args:
            id: A condition id (``hypertension``).

        Returns:
            The condition.

        Raises:
            KeyError: When no condition has that id.
        """
        for cond in self.conditions:
            if cond.id == id:
                return cond
        raise KeyError(id)

    def by_icd(self, code: str) -> list[Condition]:
        """Conditions whose ICD-10-CM prefixes the code starts with, most specific match first.

        Dots are ignored on both sides (``E11.65``, ``E1165`` and ``e11.65`` match the prefix ``E11``).

        Args:
            code: An ICD-10-CM code or category.

        Returns:
            Matching conditions, ordered by their longest matching prefix (longest first, then file order);
            empty when none matches.
        """
        key = _undotted(code)
        if not key:
            return []
        hits: list[tuple[int, int, Condition]] = []
        for i, cond in enumerate(self.conditions):
            best = max((len(p) for p in map(_undotted, cond.icd10) if p and key.startswith(p)), default=0)
            if best:
                hits.append((-best, i, cond))
        return [c for _, _, c in sorted(hits, key=lambda h: h[:2])]

    def all_names(self) -> list[tuple[str, Condition]]:
        """Every name and synonym with its condition (the display name first, then the synonyms).

        Returns:
            ``(name, condition)`` pairs in file order, without repeating a name within a condition.
        """
        out: list[tuple[str, Condition]] = []
        for cond in self.conditions:
            for name in dict.fromkeys((cond.name, *cond.synonyms)):
                out.append((name, cond))
        return out

    def treatment_drugs(self) -> set[str]:
        """DrugBank ids of every drug some condition lists.

        Returns:
            The set of ids.
        """
        return {t.drugbank_id for c in self.conditions for t in c.treatments}


class SourceRow(Row):
    """A cited guideline, under its key in ``sources``."""

    title: Text
    body: Text
    year: Annotated[int, Field(strict=True, ge=1900, le=2100)]


class TreatmentRow(Row):
    """A treatment row of a condition (see :class:`Treatment`)."""

    drug: Text
    drugbank_id: _DrugbankId
    drug_class: Text = Field(alias="class")
    line: _Line
    contraindications: Tags = ()
    cautions: Tags = ()
    preferred_in: Tags = ()
    source: Text

    @model_validator(mode="after")
    def _contraindicated_or_preferred(self) -> TreatmentRow:
        both = [t for t in self.contraindications if t in self.preferred_in]
        if both:
            raise ValueError(f"tags both contraindicate and prefer it: {', '.join(both)}")
        return self


class ConditionRow(Row):
    """A condition with its treatment rows (see :class:`Condition`)."""

    id: _Id
    name: Text
    synonyms: tuple[Text, ...]
    icd10: Annotated[tuple[_Icd, ...], Field(min_length=1)]
    service: _Service
    treatments: Annotated[tuple[TreatmentRow, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _order_and_duplicates(self) -> ConditionRow:
        lines = [t.line for t in self.treatments]
        n_first = lines.count("first")
        if lines[:n_first] != ["first"] * n_first:
            raise ValueError("first-line rows must come before other lines")
        drugs = [t.drug for t in self.treatments]
        twice = sorted({d for d in drugs if drugs.count(d) > 1})
        if twice:
            raise ValueError(f"drug listed twice: {', '.join(twice)}")
        return self


class KbFile(Table):
    """The whole ``kb.yaml``: every row cites a listed source, no condition id is used twice."""

    version: Annotated[int, Field(strict=True, ge=1)]
    sources: Annotated[dict[str, SourceRow], Field(min_length=1)]
    conditions: Annotated[tuple[ConditionRow, ...], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        sources = raw.get("sources")
        conditions = rows(raw, "conditions")
        if isinstance(sources, dict):
            for i, cond in conditions:
                for j, row in rows(cond, "treatments"):
                    src = row.get("source")
                    if isinstance(src, str) and src not in sources:
                        yield ("conditions", i, "treatments", j, "source"), f"source {src!r} is not in sources"
        yield from repeated(((("conditions", i, "id"), c.get("id")) for i, c in conditions), "condition id")


class KbPart(Table):
    """A part file under ``data/kb/``: conditions, and the sources they cite that ``kb.yaml`` does not list."""

    sources: dict[str, SourceRow] = Field(default_factory=dict)
    conditions: Annotated[tuple[ConditionRow, ...], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        yield from repeated(((("conditions", i, "id"), c.get("id")) for i, c in rows(raw, "conditions")),
                            "condition id")


def _merged(main: KbFile, parts: list[tuple[Path, KbPart]]) -> KbFile:
    """``kb.yaml`` with its part files: a source key or condition id defined twice, or a row citing a source no
    file lists, fails with the part file and the row."""
    sources = dict(main.sources)
    conditions = list(main.conditions)
    ids = {c.id: KB_PATH.name for c in main.conditions}
    errors: list[str] = []
    for path, part in parts:
        for key, src in part.sources.items():
            if key in sources:
                errors.append(f"{path.name}: source {key!r} is already listed")
            sources[key] = src
        for cond in part.conditions:
            if cond.id in ids:
                errors.append(f"{path.name}: condition {cond.id!r} is already in {ids[cond.id]}")
            ids[cond.id] = path.name
            errors.extend(f"{path.name}: {cond.id} > {t.drug}: source {t.source!r} is not in sources"
                          for t in cond.treatments if t.source not in sources and t.source not in part.sources)
        conditions.extend(part.conditions)
    if errors:
        raise DataFileError("\n".join(errors))
    return main.model_copy(update={"sources": sources, "conditions": tuple(conditions)})


def validate(raw: Any) -> list[str]:
    """Schema errors of a raw knowledge-base mapping (as ``yaml.safe_load`` returns it).

    Args:
        raw: The parsed YAML document.

    Returns:
        One readable message per error (where, what); empty when the mapping is a valid knowledge base.
    """
    try:
        validate_data(raw, KbFile, "knowledge base")
    except DataFileError as exc:
        return str(exc).splitlines()
    return []


def _build(data: KbFile) -> KnowledgeBase:
    sources = {k: Source(k, v.title, v.body, v.year) for k, v in data.sources.items()}
    conditions = []
    for c in data.conditions:
        rows_ = tuple(
            Treatment(drug=r.drug, drugbank_id=r.drugbank_id, drug_class=r.drug_class, line=r.line,
                      contraindications=r.contraindications, cautions=r.cautions, preferred_in=r.preferred_in,
                      source=r.source, rank=rank)
            for rank, r in enumerate(c.treatments))
        conditions.append(Condition(id=c.id, name=c.name, synonyms=c.synonyms, icd10=c.icd10, service=c.service,
                                    treatments=rows_))
    return KnowledgeBase(version=data.version, sources=sources, conditions=tuple(conditions))


@lru_cache(maxsize=4)
def load_kb(path: Path = KB_PATH) -> KnowledgeBase:
    """Read, validate and type the knowledge base (cached per path).

    Args:
        path: The YAML file; the shipped ``kb.yaml`` by default, read with its part files (``data/kb/*.yaml``).

    Returns:
        The knowledge base.

    Raises:
        DataFileError: When the file does not follow the schema (the message lists every error, with its line).
    """
    main = load_yaml(Path(path), KbFile)
    if Path(path) != KB_PATH or not KB_PARTS_DIR.is_dir():
        return _build(main)
    parts = [(p, load_yaml(p, KbPart)) for p in sorted(KB_PARTS_DIR.glob("*.yaml"))]
    return _build(_merged(main, parts))
