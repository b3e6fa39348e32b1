"""Treatment suggestions for the conditions a note describes, each with its basis and safety flags.

Pipeline: condition mentions (:mod:`core.conditions`) -> present conditions the knowledge base knows ->
their candidate treatments -> the fine-tuned ranker's score for this note -> safety checks against the
patient context, current medications and allergies (:mod:`core.treatments.safety`). A contraindicated
candidate is withheld: it is never a suggestion, and the withheld list says why. Negated, family,
historical and hypothetical conditions drive nothing.

Each suggestion carries its knowledge-base role (``line``). Whatever the ranker scores, an adjunct (an add-on
to a primary agent), a supportive row (symptom relief, or prevention around the disease) or a specialist-only
row never ranks above a first-line row of the same condition the patient can start (:func:`first_line_first`);
alternatives stay where the ranker puts them, so the note's context can still raise one to the top.

Decision support only: every suggestion shows the knowledge-base row and source, the note's words
it rests on, and its flags; the clinician decides.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from core.conditions.types import ConditionMention, ConditionResult
from core.knowledge.kb import Condition, KnowledgeBase, Treatment, load_kb
from core.labels import severity_rank
from core.spans import Quote
from core.treatments.interactions import DrugRef, InteractionChecker, default_checker
from core.treatments.patient import PatientContext, patient_context
from core.treatments.ranker import RankerPipeline, candidate_features, candidate_text, prior_score
from core.treatments.safety import (
    Allergy,
    CurrentDrug,
    Flag,
    allergy_flags,
    class_family,
    context_flags,
    duplication_flags,
    interaction_flags,
)

DISCLAIMER = ("Decision support only. These are candidate treatments from NoteLens' knowledge base, ordered by a "
              "model for this note; each shows its source and the note's words it rests on. They are not "
              "orders: check them against the full record and current guidelines. The clinician decides.")


@dataclass(frozen=True)
class Suggestion:
    """One candidate treatment for one condition."""

    condition_id: str
    condition_name: str
    drug: str
    drugbank_id: str | None
    drug_class: str
    line: str
    kb_rank: int
    source: str                       # the knowledge-base source, as a citation
    score: float                      # the ranker's logit (or the knowledge-base prior without a ranker)
    fit: float                        # sigmoid(score)
    flags: tuple[Flag, ...] = ()
    evidence: tuple[Quote, ...] = ()   # condition mentions in the note
    rank: int = 0                     # 1-based, within its condition
    features: tuple[float, ...] = ()  # what the ranker was given (core.treatments.ranker.FEATURES)

    @property
    def taken(self) -> bool:
        """The patient already takes this drug or another of its class (a duplication flag)."""
        return any(f.kind == "duplication" for f in self.flags)

    @property
    def withheld(self) -> bool:
        return any(f.severity == "contraindicated" for f in self.flags)

    @property
    def top_severity(self) -> str | None:
        return min((f.severity for f in self.flags), key=severity_rank, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {"condition_id": self.condition_id, "condition": self.condition_name, "drug": self.drug,
                "drugbank_id": self.drugbank_id, "class": self.drug_class, "line": self.line, "kb_rank": self.kb_rank,
                "source": self.source, "score": round(self.score, 4), "fit": round(self.fit, 4), "rank": self.rank,
                "withheld": self.withheld, "flags": [f.to_dict() for f in self.flags],
                "evidence": [list(e) for e in self.evidence]}

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: the knowledge base's names and codes, flags and evidence as offsets."""
        return {**self.to_dict(), "flags": [f.to_record() for f in self.flags],
                "evidence": [[e.start, e.end] for e in self.evidence]}


@dataclass(frozen=True)
class TreatmentResult:
    """Everything the Treatment page shows for a note."""

    conditions: ConditionResult
    suggestions: tuple[Suggestion, ...]          # shown, best first within each condition
    withheld: tuple[Suggestion, ...]             # contraindicated: never suggested
    context: PatientContext
    current: tuple[CurrentDrug, ...]
    allergies: tuple[Allergy, ...]
    versions: dict[str, str]
    seconds: float = 0.0
    unmatched: tuple[ConditionMention, ...] = ()  # present conditions the knowledge base has no row for
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def model_version(self) -> str:
        """One version naming every model that produced the result (conditions, ranker, knowledge base)."""
        v = self.versions
        return f"{v.get('conditions')}+{v.get('ranker')}+kb{v.get('kb')}"

    def by_condition(self) -> dict[str, list[Suggestion]]:
        out: dict[str, list[Suggestion]] = {}
        for s in self.suggestions:
            out.setdefault(s.condition_id, []).append(s)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"conditions": self.conditions.to_dict(), "suggestions": [s.to_dict() for s in self.suggestions],
                "withheld": [s.to_dict() for s in self.withheld], "context_tags": sorted(self.context.tags),
                "age": self.context.age, "current": [[c.quote.text, c.ref.drugbank_id] for c in self.current],
                "allergies": [a.text for a in self.allergies], "versions": dict(self.versions),
                "disclaimer": DISCLAIMER}

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: no string taken from the note (current drugs, allergies, context evidence and
        conditions the knowledge base lacks as offsets with their codes)."""
        return {"conditions": self.conditions.to_record(), "suggestions": [s.to_record() for s in self.suggestions],
                "withheld": [s.to_record() for s in self.withheld], "context_tags": sorted(self.context.tags),
                "age": self.context.age,
                "context_evidence": [{"tag": e.tag, "start": e.start, "end": e.end} for e in self.context.evidence],
                "current": [c.to_record() for c in self.current], "allergies": [a.to_record() for a in self.allergies],
                "unmatched": [[m.start, m.end] for m in self.unmatched], "versions": dict(self.versions)}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


class TreatmentEngine:
    """Conditions + drugs + ranker + safety checks.

    Args:
        conditions: A :class:`core.conditions.pipeline.ConditionPipeline` (callable text -> ConditionResult).
        drugs: A :class:`core.drugs.pipeline.DrugPipeline` for current medications and allergies, or None.
        ranker: The fine-tuned :class:`RankerPipeline`, or None (knowledge-base order).
        checker: Interaction checker (default: the product's rules plus the ANSM thesaurus).
        kb: The knowledge base (default: the shipped one).
    """

    def __init__(self, conditions: Any, drugs: Any = None, ranker: RankerPipeline | None = None,
                 checker: InteractionChecker | None = None, kb: KnowledgeBase | None = None) -> None:
        self.conditions = conditions
        self.drugs = drugs
        self.ranker = ranker
        self.checker = checker or default_checker()
        self.kb = kb or load_kb()
        self._class_of: dict[str, set[str]] = {}
        for c in self.kb.conditions:
            for t in c.treatments:
                fam = class_family(t.drug_class)
                if fam:
                    self._class_of.setdefault(t.drug.lower(), set()).add(fam)

    @property
    def versions(self) -> dict[str, str]:
        out = {"conditions": getattr(self.conditions, "version", "?"), "kb": str(self.kb.version)}
        if self.drugs is not None:
            out["drugs"] = self.drugs.version
        out["ranker"] = self.ranker.version if self.ranker is not None else "knowledge-base order"
        return out

    def __call__(self, text: str, *, drug_result: Any = None, condition_result: ConditionResult | None = None
                 ) -> TreatmentResult:
        t0 = time.perf_counter()
        cres = condition_result or self.conditions(text)
        if drug_result is None and self.drugs is not None:
            drug_result = self.drugs(text)
        ctx = patient_context(text, cres.mentions)
        current, allergies = [], []
        for m in (drug_result.mentions if drug_result is not None else ()):
            ident = m.identity
            ev = Quote(m.span.start, m.span.end, m.text)
            if m.status == "allergy":
                allergies.append(Allergy(m.text, m.span.start, m.span.end, ident.drugbank_id if ident else None,
                                         ident.canonical if ident else None))
            elif m.status == "current":
                name = ident.canonical if ident else m.text.lower()
                current.append(CurrentDrug(DrugRef(name, ident.drugbank_id if ident else None), ev))
        # a drug class is never a current drug, but "allergic to penicillins" is an allergy to all of them
        for c in (getattr(drug_result, "classes", ()) if drug_result is not None else ()):
            if c.status == "allergy":
                allergies.append(Allergy(c.text, c.span.start, c.span.end, None,
                                         c.identity.name.lower() if c.identity else None))
        found: dict[str, list[ConditionMention]] = {}
        unmatched = []
        for m in cres.mentions:
            if not m.present:
                continue
            kb_id = m.normalized.kb_id if m.normalized else None
            if kb_id is None:
                unmatched.append(m)
            else:
                found.setdefault(kb_id, []).append(m)
        pairs: list[tuple[Condition, Treatment]] = []
        seen: set[tuple[str, str]] = set()
        for kb_id in found:
            cond = self.kb.condition(kb_id)
            for t in cond.treatments:
                if (cond.id, t.drug) not in seen:
                    seen.add((cond.id, t.drug))
                    pairs.append((cond, t))
        flags_of: list[list[Flag]] = []
        features: list[list[float]] = []
        citations: list[str] = []
        for _, t in pairs:
            src = self.kb.sources.get(t.source)
            citation = f"{src.title} ({src.body}, {src.year})" if src else t.source
            citations.append(citation)
            flags = (context_flags(t, ctx, citation) + allergy_flags(t, allergies)
                     + duplication_flags(t, current, self._class_of) + interaction_flags(t, current, self.checker))
            flags.sort(key=lambda f: severity_rank(f.severity))
            flags_of.append(flags)
            taking = any(f.kind == "duplication" and f.severity == "moderate" for f in flags)
            allergic = any(f.kind == "allergy" and f.severity == "contraindicated" for f in flags)
            features.append(candidate_features(t, ctx.tags, taking=taking, allergic=allergic))
        if self.ranker is not None and pairs:
            scores = self.ranker.scores(text, [candidate_text(c, t) for c, t in pairs], features)
        else:
            scores = [prior_score(f) for f in features]
        shown: list[Suggestion] = []
        withheld: list[Suggestion] = []
        for (cond, t), score, flags, feats, citation in zip(pairs, scores, flags_of, features, citations):
            ev = tuple(Quote(m.span.start, m.span.end, m.text) for m in found[cond.id])
            s = Suggestion(cond.id, cond.name, t.drug, t.drugbank_id, t.drug_class, t.line, t.rank, citation,
                           float(score), _sigmoid(float(score)), tuple(flags), ev, features=tuple(feats))
            (withheld if s.withheld else shown).append(s)
        ranked: list[Suggestion] = []
        for cid in found:
            group = first_line_first(sorted((s for s in shown if s.condition_id == cid), key=_order))
            ranked.extend(_with_rank(s, i + 1) for i, s in enumerate(group))
        return TreatmentResult(cres, tuple(ranked), tuple(withheld), ctx,
                               tuple(current), tuple(allergies),
                               self.versions, time.perf_counter() - t0, tuple(unmatched))


def _order(s: Suggestion) -> tuple[float, float, int]:
    # a major flag or a drug already taken sinks below unflagged candidates; then the ranker's score
    sink = 1.0 if s.top_severity == "major" or s.taken else 0.0
    return (sink, -s.score, s.kb_rank)


#: Roles that never rank above a first-line row of the same condition the patient can start: an add-on or
#: supportive care needs a primary agent, and a specialist starts a specialist-only row after what a generalist
#: can start (among alternatives, the ranker decides).
BELOW_FIRST_LINE: frozenset[str] = frozenset({"adjunct", "supportive", "specialist"})


def first_line_first(group: Sequence[Suggestion]) -> list[Suggestion]:
    """One condition's suggestions, in the ranker's order, with every adjunct, supportive or specialist row that came
    before the last first-line row the patient can start moved to just below it (a stable partition: the order within
    each part is the ranker's).

    A first-line row can be started when it is shown (a contraindicated one is withheld) and the patient does not
    already take it or its class (:attr:`Suggestion.taken`): an add-on is what one adds to the primary agent the
    patient is on, and a drug already taken sinks to the bottom anyway. A first-line row with a major flag still
    holds the others back: the clinician weighs the flag.
    """
    anchors = [i for i, s in enumerate(group) if s.line == "first" and not s.taken]
    if not anchors:
        return list(group)
    head, tail = group[:anchors[-1] + 1], list(group[anchors[-1] + 1:])
    return [s for s in head if s.line not in BELOW_FIRST_LINE] + [s for s in head if s.line in BELOW_FIRST_LINE] + tail


def _with_rank(s: Suggestion, rank: int) -> Suggestion:
    from dataclasses import replace

    return replace(s, rank=rank)


def top_suggestions(result: TreatmentResult, k: int) -> list[Suggestion]:
    """The note's ``k`` best suggestions over all its conditions: each condition's in its order (so the first-line
    rule holds here too), merged by the next one of each (unflagged first, then by score)."""
    return list(islice(heapq.merge(*result.by_condition().values(), key=_order), k))
