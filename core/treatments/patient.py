"""The patient context that changes which treatments fit: age, pregnancy, renal function, comorbidities.

:func:`patient_context` reads it from the note (age, pregnancy, breastfeeding, eGFR, potassium, QTc)
and from the condition pipeline's mentions (present or past conditions, by ICD-10-CM prefix: a history
of angioedema or GI bleeding still contraindicates; a negated or family-history condition does not).
The result is a set of tags from :data:`core.knowledge.kb.TAGS`, each with the evidence that set it,
so that every contraindication the product applies can be traced back to words of the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from core.conditions.types import ConditionMention

#: Tag -> ICD-10-CM prefixes (undotted) of conditions that set it.
TAG_ICD: dict[str, tuple[str, ...]] = {
    "pregnancy": ("O", "Z33", "Z34", "Z3A"),
    "renal_impairment": ("N184", "N185", "N186", "Z992", "N17"),
    "hepatic_impairment": ("K703", "K704", "K717", "K72", "K7460", "K7469", "K766"),
    "heart_failure": ("I50", "I110", "I130", "I132"),
    "asthma": ("J45",),
    "bradycardia": ("R001", "I441", "I442", "I443", "I495"),
    "hyperkalemia": ("E875",),
    "angioedema": ("T783", "D841"),
    "gi_bleeding": ("K25", "K26", "K27", "K28", "K920", "K921", "K922", "K625", "I850"),
    "bleeding_risk": ("D65", "D66", "D67", "D68", "D69", "R58", "I60", "I61", "I62"),
    "qt_prolongation": ("I4581", "R9431"),
    "seizures": ("G40", "R56"),
    "hypotension": ("I95",),
    "urinary_retention": ("R33", "N40"),
    "dementia": ("F01", "F02", "F03", "G30", "G31"),
    "diabetes": ("E08", "E09", "E10", "E11", "E13"),
    "osteoporosis": ("M80", "M81"),
    "gout": ("M10", "M1A"),
    "myasthenia_gravis": ("G700",),
    "active_infection": ("A15", "A16", "A17", "A18", "A19", "A40", "A41", "R652"),
    "coronary_disease": ("I20", "I21", "I22", "I24", "I25"),
    "hyponatremia": ("E871",),
}
_STATUSES = ("present", "historical")

_AGE = re.compile(r"\b(\d{1,3})\s*(?:-|\s)?\s*(?:year|yr)s?(?:\s*|-)old\b|\b(\d{1,3})\s*(?:y/?o|yo)\b|\bage[:\s]+(\d{1,3})\b",
                  re.I)
_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:-|\s)?\s*(?:month|week|day)s?(?:\s*|-)old\b", re.I)
_PREGNANT = re.compile(r"\b(?:pregnant|pregnancy|gravid|intrauterine pregnancy|\d{1,2}\s*weeks?(?:'|’)?\s*"
                       r"(?:gestation|pregnant)|G\d+\s*P\d+|gestational age)\b", re.I)
_BREASTFEEDING = re.compile(r"\b(?:breast-?feeding|lactating|nursing (?:mother|her))\b", re.I)
_EGFR = re.compile(r"\b(?:e?GFR|CrCl|creatinine clearance)\s*(?:of|is|was|:|=|~)?\s*(<\s*)?(\d{1,3}(?:\.\d+)?)", re.I)
_POTASSIUM = re.compile(r"\b(?:K\+?|potassium)\s*(?:of|is|was|:|=)?\s*(\d(?:\.\d)?)\b(?!\s*(?:mg|mcg|meq|mEq))")
_QTC = re.compile(r"\bQTc\s*(?:of|is|was|:|=)?\s*(\d{3})\b", re.I)
_NEG_BEFORE = re.compile(r"\b(?:not|no|denies|negative|never)\b[^.\n]{0,20}$", re.I)


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
