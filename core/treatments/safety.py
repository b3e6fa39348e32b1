"""Safety checks of a candidate treatment against the patient: allergy, duplication, interactions,
contraindications and cautions from the knowledge base.

Severity tiers (most severe first): ``contraindicated`` (the candidate is withheld, never shown as a
suggestion, and the withheld list says why), ``major``, ``moderate``, ``minor``. Alert fatigue is real
(clinicians override ~90% of interaction alerts): every flag carries its tier and its basis, and the
page shows the tier first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from core.knowledge.drug_classes import allergy_groups, class_families
from core.knowledge.kb import Treatment
from core.spans import Quote
from core.treatments.interactions import DrugRef, InteractionChecker
from core.treatments.patient import PatientContext

_ALLERGIES = allergy_groups()
#: Allergy groups: words an allergy is written with, the drugs and class words it covers, and
#: cross-reactive groups (flagged, not withheld); ``data/allergy_groups.yaml`` of :mod:`core.knowledge`.
ALLERGY_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    name: {"terms": g.terms, "members": g.members, "class_words": g.class_words, "cross": g.cross}
    for name, g in _ALLERGIES.groups.items()}
#: The reference the allergy groups follow (cited in the flags).
ALLERGY_SOURCE: str = _ALLERGIES.source


@dataclass(frozen=True)
class Flag:
    """A reason to look twice at a suggestion (or, when ``contraindicated``, not to suggest it).

    Attributes:
        kind: ``contraindication``, ``allergy``, ``interaction``, ``duplication`` or ``caution``.
        severity: One of :data:`core.labels.SEVERITIES`.
        message: One plain sentence.
        basis: Where the rule comes from (knowledge-base source, interaction rule and source).
        evidence: The note's words that triggered it.
    """

    kind: str
    severity: str
    message: str
    basis: str
    evidence: tuple[Quote, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message, "basis": self.basis,
                "evidence": [list(e) for e in self.evidence]}

    def to_record(self) -> dict[str, object]:
        """What a prediction stores: no ``message`` (it quotes the note: "Already taking ...") and the evidence as
        [start, end] offsets."""
        return {"kind": self.kind, "severity": self.severity, "basis": self.basis,
                "evidence": [[e.start, e.end] for e in self.evidence]}


class CurrentDrug(NamedTuple):
    """A medication the note says the patient takes now, and where it says so."""

    ref: DrugRef
    quote: Quote

    def to_record(self) -> dict[str, object]:
        """Offsets and identity; the name only when it is not the note's own words (an unresolved drug is named by
        them, lower-cased)."""
        own = self.ref.drugbank_id is None and self.ref.name == self.quote.text.lower()
        return {"start": self.quote.start, "end": self.quote.end, "drugbank_id": self.ref.drugbank_id,
                "canonical": None if own else self.ref.name}


@dataclass(frozen=True)
class Allergy:
    """An allergy found in the note (a drug mention whose status is ``allergy``)."""

    text: str
    start: int
    end: int
    drugbank_id: str | None = None
    canonical: str | None = None

    def to_record(self) -> dict[str, object]:
        """Offsets and identity (the dictionary's or the class table's name), not the words of the note."""
        return {"start": self.start, "end": self.end, "drugbank_id": self.drugbank_id, "canonical": self.canonical}


def _groups_of_drug(drug: str, drug_class: str) -> set[str]:
    d, c = drug.lower(), drug_class.lower()
    return {g for g, spec in ALLERGY_GROUPS.items()
            if d in spec["members"] or any(w in c for w in spec["class_words"])}


def _groups_of_allergy(a: Allergy) -> set[str]:
    words = {a.text.lower().strip(), (a.canonical or "").lower()}
    return {g for g, spec in ALLERGY_GROUPS.items() if words & set(spec["terms"]) or words & set(spec["members"])}


def allergy_flags(t: Treatment, allergies: Sequence[Allergy]) -> list[Flag]:
    out: list[Flag] = []
    cand_groups = _groups_of_drug(t.drug, t.drug_class)
    for a in allergies:
        ev = (Quote(a.start, a.end, a.text),)
        same = (a.drugbank_id and a.drugbank_id == t.drugbank_id) or (a.canonical or a.text).lower() == t.drug.lower()
        shared = cand_groups & _groups_of_allergy(a)
        if same or shared:
            what = "this drug" if same else f"its class ({', '.join(sorted(shared))})"
            out.append(Flag("allergy", "contraindicated",
                            f"The note lists an allergy to {a.text}, which covers {what}.",
                            f"Allergy list in the note; {ALLERGY_SOURCE}", ev))
            continue
        cross = {x for g in _groups_of_allergy(a) for x in ALLERGY_GROUPS[g]["cross"]} & cand_groups
        if cross:
            out.append(Flag("allergy", "major",
                            f"Allergy to {a.text}: possible cross-reactivity with {', '.join(sorted(cross))}.",
                            ALLERGY_SOURCE, ev))
    return out


#: Class families: knowledge-base class wordings that name the same kind of therapy ("evidence-based beta
#: blocker", "beta blocker (rate control)"), from ``data/class_families.yaml`` of :mod:`core.knowledge`. Checked
#: in order; the first contained in a class names its family.
CLASS_FAMILIES: tuple[str, ...] = class_families()


def class_family(drug_class: str) -> str | None:
    """The family of a knowledge-base class wording (see :data:`CLASS_FAMILIES`), or None.

    A parenthesis qualifies the class and is not read: "analgesic (when NSAIDs are contraindicated)" is no NSAID,
    "nondihydropyridine calcium channel blocker (beta blocker ineffective)" no beta blocker."""
    c = f" {re.sub(r'[(][^)]*[)]', ' ', drug_class.lower()).replace('-', ' ').replace('(', ' ').replace(')', ' ')} "
    for fam in CLASS_FAMILIES:
        if f" {fam.replace('-', ' ')} " in c or f" {fam.replace('-', ' ')}s " in c:
            return fam
    return None


def duplication_flags(t: Treatment, current: Sequence[CurrentDrug],
                      class_of: dict[str, set[str]]) -> list[Flag]:
    """Already taking this drug, or another drug of the same class family (``class_of``: drug name -> the
    families of its knowledge-base classes)."""
    out = []
    fam = class_family(t.drug_class)
    for ref, ev in current:
        if (ref.drugbank_id and ref.drugbank_id == t.drugbank_id) or ref.name.lower() == t.drug.lower():
            out.append(Flag("duplication", "moderate", f"Already taking {ev.text}: continue or adjust rather than add.",
                            "Current medications in the note", (ev,)))
        elif fam is not None and fam in class_of.get(ref.name.lower(), set()):
            out.append(Flag("duplication", "major",
                            f"Already taking {ev.text}, another {fam}: therapeutic duplication.",
                            "Current medications in the note; drug classes of the knowledge base", (ev,)))
    return out


def interaction_flags(t: Treatment, current: Sequence[CurrentDrug],
                      checker: InteractionChecker) -> list[Flag]:
    out = []
    cand = DrugRef(t.drug, t.drugbank_id)
    for ref, ev in current:
        if (ref.drugbank_id and ref.drugbank_id == t.drugbank_id) or ref.name.lower() == t.drug.lower():
            continue
        for it in checker.against(cand, [ref]):
            out.append(Flag("interaction", it.severity, f"With {ev.text}: {it.mechanism}. {it.advice}".strip(),
                            it.source, (ev,)))
    return out


def context_flags(t: Treatment, ctx: PatientContext, source: str) -> list[Flag]:
    out = []
    for tag in t.contraindications:
        if tag in ctx.tags:
            ev = tuple(Quote(e.start, e.end, e.text) for e in ctx.why(tag))
            reasons = "; ".join(dict.fromkeys(e.reason for e in ctx.why(tag)))
            out.append(Flag("contraindication", "contraindicated",
                            f"Contraindicated in {tag.replace('_', ' ')} ({reasons}).", source, ev))
    for tag in t.cautions:
        if tag in ctx.tags:
            ev = tuple(Quote(e.start, e.end, e.text) for e in ctx.why(tag))
            out.append(Flag("caution", "moderate", f"Use with caution in {tag.replace('_', ' ')}.", source, ev))
    return out
