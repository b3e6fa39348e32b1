"""Short notes for one condition in a sampled patient context, with the knowledge base's ideal order.

Used to fine-tune the treatment ranker (:mod:`core.treatments.train`): each note names a condition of
the treatment knowledge base and a patient context (age, pregnancy, breastfeeding, renal and hepatic
function, comorbidities, current medications, allergies) in the words clinicians use, and the relevance
of every candidate treatment follows the knowledge base: first-line before alternatives and specialist-only
rows, then adjuncts, then supportive rows, a drug preferred in this context first (never an add-on, supportive or
specialist row above a first-line one), a caution halves the fit, a contraindication, an allergy or a drug the
patient already takes leaves none.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from core.knowledge.kb import Condition, KnowledgeBase, Treatment
from core.synth import tables

_OPENERS = ("presents for management of {c}.", "is seen for follow-up of {c}.", "was recently diagnosed with {c}.",
            "is referred for {c}.", "comes in with worsening {c}.")
_PLANS = ("Plan: discuss treatment options.", "Plan: start therapy as below.", "Plan: initiate treatment.",
          "Will start medication today.", "")


@dataclass
class PlanNote:
    """A training note with its condition, context tags and the ideal relevance of each candidate."""

    text: str
    condition: Condition
    tags: set[str]
    current: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    relevance: list[float] = field(default_factory=list)


#: Relevance of an ``adjunct`` and a ``supportive`` row, below every alternative's (0.25 at least).
ADJUNCT_RELEVANCE, SUPPORTIVE_RELEVANCE = 0.22, 0.15
#: Roles that never rank above a first-line row the patient can start (as :mod:`core.treatments.suggest` orders
#: them), and their share of the lowest such row's relevance at most.
BELOW_FIRST_LINE, BELOW_SHARE = frozenset({"specialist", "adjunct", "supportive"}), 0.9


def relevance(cond: Condition, tags: set[str], current: set[str], allergies: set[str]) -> list[float]:
    """The knowledge base's ideal fit of each of ``cond``'s treatments in this context (0 = never).

    By role: first-line rows (1.0, less down the list), then alternatives and specialist-only rows (0.5, less down
    the list), adjuncts, supportive rows. A preference, a caution, a contraindication, an allergy or the drug being
    taken change that; a specialist, adjunct or supportive row then still stays below every first-line row the patient
    can start (not ruled out, not already taken), as the suggestions' order rule keeps it.
    """
    out = []
    n_first = n_alt = 0
    for t in cond.treatments:
        if t.line == "first":
            base = max(0.6, 1.0 - 0.06 * n_first)
            n_first += 1
        elif t.line in ("alternative", "specialist"):
            base = max(0.25, 0.5 - 0.04 * n_alt)
            n_alt += 1
        else:
            base = ADJUNCT_RELEVANCE if t.line == "adjunct" else SUPPORTIVE_RELEVANCE
        if set(t.preferred_in) & tags:
            base = 1.3
        if set(t.cautions) & tags:
            base *= 0.5
        if set(t.contraindications) & tags or t.drug.lower() in allergies:
            base = 0.0
        if t.drug.lower() in current:
            base = 0.05
        out.append(base)
    return below_first_line(cond, out, current)


def below_first_line(cond: Condition, rel: list[float], current: set[str] = frozenset()) -> list[float]:
    """``rel`` (one relevance per treatment of ``cond``) with every specialist, adjunct or supportive row lowered to
    below the lowest first-line row the patient can start (relevance above 0, not in ``current``), if any."""
    open_first = [r for t, r in zip(cond.treatments, rel) if t.line == "first" and r > 0
                  and t.drug.lower() not in current]
    if not open_first:
        return list(rel)
    cap = BELOW_SHARE * min(open_first)
    return [min(r, cap) if t.line in BELOW_FIRST_LINE else r for t, r in zip(cond.treatments, rel)]


class PlanWriter:
    """Writes :class:`PlanNote` examples from the treatment knowledge base."""

    def __init__(self, kb: KnowledgeBase, seed: int = 41) -> None:
        self.kb = kb
        self.rng = random.Random(seed)
        self.conditions = [c for c in kb.conditions if len(c.treatments) >= 2]

    def _relevant_tags(self, cond: Condition) -> list[str]:
        tags = set()
        for t in cond.treatments:
            tags.update(t.contraindications)
            tags.update(t.cautions)
            tags.update(t.preferred_in)
        return sorted(tags)

    def note(self) -> PlanNote:
        rng = self.rng
        tag_phrases = tables.plan_tags().tag_phrases   # how a note states each tag (data/plan_tags.yaml)
        cond = rng.choice(self.conditions)
        name = rng.choice((cond.name, *cond.synonyms)) if cond.synonyms and rng.random() < 0.5 else cond.name
        tags: set[str] = set()
        # tags that matter to this condition's treatments are sampled often; others rarely
        for tag in self._relevant_tags(cond):
            if rng.random() < 0.22:
                tags.add(tag)
        for tag in tag_phrases:
            if rng.random() < 0.03:
                tags.add(tag)
        if "child" in tags and "elderly" in tags:
            tags.discard(rng.choice(("child", "elderly")))
        female = rng.random() < 0.5 or bool(tags & {"pregnancy", "breastfeeding"})
        if "pregnancy" in tags or "breastfeeding" in tags:
            tags.discard("elderly")
            tags.discard("child")
            age = rng.randint(19, 42)
        elif "child" in tags:
            age = rng.randint(2, 16)
        elif "elderly" in tags:
            age = rng.randint(66, 92)
        else:
            age = rng.randint(19, 64)
        current: list[Treatment] = []
        if rng.random() < 0.3:
            current.append(rng.choice(cond.treatments))
        allergies: list[Treatment] = []
        if rng.random() < 0.15:
            allergies.append(rng.choice(cond.treatments))
        other = rng.sample(self.conditions, 2)
        other_meds = [rng.choice(c.treatments).drug for c in other if c.id != cond.id and rng.random() < 0.5]
        sex = ("woman" if female else "man") if age >= 18 else ("girl" if female else "boy")
        lines = [f"HPI: {age}-year-old {sex} " + rng.choice(_OPENERS).format(c=name)]
        stated = sorted(tags - {"child", "elderly"})   # sorted first: set order varies between processes
        rng.shuffle(stated)
        for tag in stated:
            if tag in tag_phrases:
                lines.append(rng.choice(tag_phrases[tag]).format(w=rng.randint(8, 36), g=rng.randint(8, 28)))
        meds = [t.drug for t in current] + other_meds
        listed = ", ".join(meds) if meds else rng.choice(("none", "no regular medications"))
        lines.append("Medications: " + listed + ".")
        lines.append("Allergies: " + (", ".join(t.drug for t in allergies) if allergies else "NKDA") + ".")
        lines.append(f"Assessment: {name}.")
        plan = rng.choice(_PLANS)
        if plan:
            lines.append(plan)
        text = rng.choice(("\n", " ")).join(lines)
        rel = relevance(cond, tags, {m.lower() for m in meds}, {t.drug.lower() for t in allergies})
        return PlanNote(text, cond, tags, meds, [t.drug for t in allergies], rel)

    def generate(self, n: int) -> list[PlanNote]:
        return [self.note() for _ in range(n)]


def target_distribution(rel: list[float], temperature: float = 0.15) -> list[float]:
    """Softmax of relevances (ListNet's target)."""
    m = max(rel)
    e = [math.exp((r - m) / temperature) for r in rel]
    z = sum(e)
    return [x / z for x in e]
