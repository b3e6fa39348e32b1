"""The treatment knowledge base: conditions, their guideline-backed drug treatments, and the sources cited.

The data lives in ``data/kb.yaml`` beside this module (see that file's header). Each condition has names and
synonyms, ICD-10-CM code prefixes, the clinical service that manages it and its treatments in order of
preference (first-line rows first). Each treatment row names the drug (its generic name and the DrugBank id
:func:`core.drugs.normalize.normalize` gives for it), its class, its line (``first``, ``alternative`` or
``adjunct``), patient-context tags from :data:`TAGS` that contraindicate it, call for caution or make it the
preferred choice, and the key of the guideline it comes from.

:func:`load_kb` reads and validates the file once (cached); :func:`validate` returns the schema errors of a
raw mapping as readable sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.knowledge import DATA_DIR
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

_ID = re.compile(r"[a-z][a-z0-9_]*")
_DRUGBANK = re.compile(r"DB\d{5}")
_ICD = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")
_TAG_FIELDS = ("contraindications", "cautions", "preferred_in")
_ROW_KEYS = frozenset({"drug", "drugbank_id", "class", "line", *_TAG_FIELDS, "source"})
_CONDITION_KEYS = frozenset({"id", "name", "synonyms", "icd10", "service", "treatments"})
_SOURCE_KEYS = frozenset({"title", "body", "year"})


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


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _validate_source(key: Any, src: Any) -> list[str]:
    where = f"source {key!r}"
    if not isinstance(src, dict):
        return [f"{where} is not a mapping"]
    errors = [f"{where}: unknown key {k!r}" for k in sorted(set(src) - _SOURCE_KEYS, key=str)]
    errors += [f"{where}: missing {k!r}" for k in ("title", "body", "year") if k not in src]
    for k in ("title", "body"):
        if k in src and not (isinstance(src[k], str) and src[k].strip()):
            errors.append(f"{where}: {k} must be a non-empty string")
    year = src.get("year")
    if "year" in src and not (isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2100):
        errors.append(f"{where}: year must be an integer year, got {year!r}")
    return errors


def _validate_row(where: str, row: Any, sources: dict[str, Any]) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where} is not a mapping"]
    errors = [f"{where}: unknown key {k!r}" for k in sorted(set(row) - _ROW_KEYS, key=str)]
    errors += [f"{where}: missing {k!r}" for k in ("drug", "drugbank_id", "class", "line", "source") if k not in row]
    for k in ("drug", "class"):
        if k in row and not (isinstance(row[k], str) and row[k].strip()):
            errors.append(f"{where}: {k} must be a non-empty string")
    if "drugbank_id" in row and not (isinstance(row["drugbank_id"], str) and _DRUGBANK.fullmatch(row["drugbank_id"])):
        errors.append(f"{where}: drugbank_id must look like DB00000, got {row['drugbank_id']!r}")
    if "line" in row and row["line"] not in LINES:
        errors.append(f"{where}: line {row['line']!r} is not one of {', '.join(LINES)}")
    for field in _TAG_FIELDS:
        tags = row.get(field, [])
        if tags is None:
            tags = []
        if not isinstance(tags, list):
            errors.append(f"{where}: {field} must be a list")
            continue
        errors += [f"{where}: unknown tag {t!r} in {field}" for t in tags if t not in TAGS]
        if len(set(map(str, tags))) != len(tags):
            errors.append(f"{where}: repeated tag in {field}")
    contra = set(row.get("contraindications") or [])
    if isinstance(row.get("preferred_in"), list) and contra & set(row["preferred_in"]):
        errors.append(f"{where}: tags both contraindicate and prefer it: {sorted(contra & set(row['preferred_in']))}")
    if "source" in row and row["source"] not in sources:
        errors.append(f"{where}: source {row['source']!r} is not in sources")
    return errors


def _validate_condition(i: int, cond: Any, sources: dict[str, Any]) -> list[str]:
    if not isinstance(cond, dict):
        return [f"condition #{i} is not a mapping"]
    cid = cond.get("id")
    where = f"condition {cid!r}" if isinstance(cid, str) else f"condition #{i}"
    errors = [f"{where}: unknown key {k!r}" for k in sorted(set(cond) - _CONDITION_KEYS, key=str)]
    errors += [f"{where}: missing {k!r}" for k in sorted(_CONDITION_KEYS - set(cond))]
    if "id" in cond and not (isinstance(cid, str) and _ID.fullmatch(cid)):
        errors.append(f"{where}: id must be snake_case")
    if "name" in cond and not (isinstance(cond["name"], str) and cond["name"].strip()):
        errors.append(f"{where}: name must be a non-empty string")
    if "synonyms" in cond and not _is_str_list(cond["synonyms"]):
        errors.append(f"{where}: synonyms must be a list of non-empty strings")
    icd = cond.get("icd10")
    if "icd10" in cond:
        if not _is_str_list(icd) or not icd:
            errors.append(f"{where}: icd10 must be a non-empty list of codes")
        else:
            errors += [f"{where}: {c!r} is not an ICD-10-CM code or category" for c in icd if not _ICD.fullmatch(c)]
    if "service" in cond and cond["service"] not in SERVICES:
        errors.append(f"{where}: service {cond['service']!r} is not one of the {len(SERVICES)} services")
    rows = cond.get("treatments")
    if "treatments" in cond:
        if not isinstance(rows, list) or not rows:
            errors.append(f"{where}: treatments must be a non-empty list")
        else:
            for j, row in enumerate(rows):
                drug = row.get("drug") if isinstance(row, dict) else None
                errors += _validate_row(f"{where} treatment #{j} ({drug})", row, sources)
            lines = [r.get("line") for r in rows if isinstance(r, dict) and r.get("line") in LINES]
            if "first" in lines and lines[: lines.count("first")] != ["first"] * lines.count("first"):
                errors.append(f"{where}: first-line rows must come before other lines")
            drugs = [r.get("drug") for r in rows if isinstance(r, dict)]
            dup = sorted({d for d in drugs if isinstance(d, str) and drugs.count(d) > 1})
            if dup:
                errors.append(f"{where}: drug listed twice: {', '.join(dup)}")
    return errors


def validate(raw: dict) -> list[str]:
    """Schema errors of a raw knowledge-base mapping (as ``yaml.safe_load`` returns it).

    Args:
        raw: The parsed YAML document.

    Returns:
        Human-readable error messages; empty when the mapping is a valid knowledge base.
    """
    if not isinstance(raw, dict):
        return ["the knowledge base must be a mapping with version, sources and conditions"]
    errors = [f"unknown top-level key {k!r}" for k in sorted(set(raw) - {"version", "sources", "conditions"}, key=str)]
    version = raw.get("version")
    if not (isinstance(version, int) and not isinstance(version, bool) and version >= 1):
        errors.append(f"version must be a positive integer, got {version!r}")
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not sources:
        errors.append("sources must be a non-empty mapping")
        sources = {}
    for key, src in sources.items():
        errors += _validate_source(key, src)
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        errors.append("conditions must be a non-empty list")
        conditions = []
    seen: set[str] = set()
    for i, cond in enumerate(conditions):
        errors += _validate_condition(i, cond, sources)
        cid = cond.get("id") if isinstance(cond, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                errors.append(f"condition id {cid!r} is used twice")
            seen.add(cid)
    return errors


def _build(raw: dict) -> KnowledgeBase:
    sources = {str(k): Source(str(k), v["title"], v["body"], int(v["year"])) for k, v in raw["sources"].items()}
    conditions = []
    for c in raw["conditions"]:
        rows = tuple(
            Treatment(drug=r["drug"], drugbank_id=r["drugbank_id"], drug_class=r["class"], line=r["line"],
                      contraindications=tuple(r.get("contraindications") or ()),
                      cautions=tuple(r.get("cautions") or ()), preferred_in=tuple(r.get("preferred_in") or ()),
                      source=r["source"], rank=rank)
            for rank, r in enumerate(c["treatments"]))
        conditions.append(Condition(id=c["id"], name=c["name"], synonyms=tuple(c["synonyms"]),
                                    icd10=tuple(c["icd10"]), service=c["service"], treatments=rows))
    return KnowledgeBase(version=int(raw["version"]), sources=sources, conditions=tuple(conditions))


@lru_cache(maxsize=4)
def load_kb(path: Path = KB_PATH) -> KnowledgeBase:
    """Read, validate and type the knowledge base (cached per path).

    Args:
        path: The YAML file; the shipped ``kb.yaml`` by default.

    Returns:
        The knowledge base.

    Raises:
        ValueError: When the file does not follow the schema (the message lists every error).
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    errors = validate(raw)
    if errors:
        raise ValueError(f"invalid treatment knowledge base {path}:\n" + "\n".join(f"- {e}" for e in errors))
    return _build(raw)
