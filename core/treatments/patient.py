"""The patient context that changes which treatments fit: age, pregnancy, renal function, comorbidities.

:func:`patient_context` reads it from the note (age, pregnancy, breastfeeding, eGFR, potassium, QTc)
and from the condition pipeline's mentions (present or past conditions, by ICD-10-CM prefix: a history
of angioedema or GI bleeding still contraindicates; a negated or family-history condition does not).
The result is a set of tags from :data:`core.knowledge.kb.TAGS`, each with the evidence that set it,
so that every contraindication the product applies can be traced back to words of the note. The patterns
and the ICD-10-CM table are data (``core/knowledge/data/patient_context.yaml``, read through
:mod:`core.knowledge.patient`); the thresholds that turn values into tags are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.conditions.types import ConditionMention
from core.knowledge.patient import patient_context_tables

_TABLES = patient_context_tables()
#: Tag -> ICD-10-CM prefixes (undotted) of conditions that set it (``data/patient_context.yaml``).
TAG_ICD: dict[str, tuple[str, ...]] = dict(_TABLES.tag_icd)
_STATUSES = ("present", "historical")

# The note's patterns (``data/patient_context.yaml``; what each one's groups hold is noted there).
_PATTERNS = _TABLES.patterns.compiled()
_AGE = _PATTERNS["age"]
_MONTHS = _PATTERNS["months"]
_PREGNANT = _PATTERNS["pregnancy"]
_BREASTFEEDING = _PATTERNS["breastfeeding"]
_EGFR = _PATTERNS["egfr"]
_POTASSIUM = _PATTERNS["potassium"]
_QTC = _PATTERNS["qtc"]
_NEG_BEFORE = _PATTERNS["negated_before"]


@dataclass(frozen=True)
class Evidence:
    """Why a tag is set: the words of the note (character offsets) or the condition mention."""

    tag: str
    text: str
    start: int
    end: int
    reason: str


@dataclass
class PatientContext:
    """Tags that change treatment choice, with their evidence."""

    age: int | None = None
    tags: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    egfr: float | None = None

    def add(self, tag: str, text: str, start: int, end: int, reason: str) -> None:
        self.tags.add(tag)
        self.evidence.append(Evidence(tag, text, start, end, reason))

    def why(self, tag: str) -> list[Evidence]:
        return [e for e in self.evidence if e.tag == tag]


def _negated(text: str, start: int) -> bool:
    line_start = max(text.rfind("\n", 0, start), text.rfind(".", 0, start)) + 1
    return bool(_NEG_BEFORE.search(text[line_start:start]))


def _icd_tags(code: str) -> list[str]:
    c = code.replace(".", "").upper()
    return [t for t, prefixes in TAG_ICD.items() if any(c.startswith(p) for p in prefixes)]


def patient_context(text: str, conditions: Sequence[ConditionMention] = ()) -> PatientContext:
    """Read the patient context from a note and its condition mentions."""
    ctx = PatientContext()
    m = _AGE.search(text)
    if m:
        ctx.age = int(next(g for g in m.groups() if g))
        if ctx.age < 18:
            ctx.add("child", m.group(0), m.start(), m.end(), f"age {ctx.age}")
        elif ctx.age >= 65:
            ctx.add("elderly", m.group(0), m.start(), m.end(), f"age {ctx.age}")
    elif (m := _MONTHS.search(text)):
        ctx.age = 0
        ctx.add("child", m.group(0), m.start(), m.end(), "infant")
    for m in _PREGNANT.finditer(text):
        if not _negated(text, m.start()):
            ctx.add("pregnancy", m.group(0), m.start(), m.end(), "pregnancy in the note")
            break
    for m in _BREASTFEEDING.finditer(text):
        if not _negated(text, m.start()):
            ctx.add("breastfeeding", m.group(0), m.start(), m.end(), "breastfeeding")
            break
    for m in _EGFR.finditer(text):
        value = float(m.group(2))
        ctx.egfr = value if ctx.egfr is None else min(ctx.egfr, value)
        if value < 30 or m.group(1):
            ctx.add("renal_impairment", m.group(0), m.start(), m.end(), f"eGFR/CrCl {value:g} (< 30)")
    for m in _POTASSIUM.finditer(text):
        value = float(m.group(1))
        if 5.5 <= value < 10:
            ctx.add("hyperkalemia", m.group(0), m.start(), m.end(), f"potassium {value:g}")
    for m in _QTC.finditer(text):
        if int(m.group(1)) >= 470:
            ctx.add("qt_prolongation", m.group(0), m.start(), m.end(), f"QTc {m.group(1)} ms")
    for c in conditions:
        if c.status not in _STATUSES or c.normalized is None:
            continue
        for tag in _icd_tags(c.normalized.code):
            reason = f"{c.status} condition: {c.normalized.title} ({c.normalized.code})"
            ctx.add(tag, c.text, c.span.start, c.span.end, reason)
    return ctx
