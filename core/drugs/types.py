"""Plain result types of the drug-entity pipeline (no torch, no UI).

Entities are :class:`core.spans.Span` objects over the original note text; a :class:`DrugMention`
gathers one ``DRUG`` span with the attribute spans linked to it, its assertion status and its
normalized identity. A :class:`DrugClassMention` is a ``DRUG_CLASS`` span ("statins"): named apart, never a
medication the patient takes (not in ``mentions``, the FHIR export or the treatment checks' current drugs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.labels import DRUG_CLASS_LABEL, TAKEN_STATUSES
from core.lexicon.drug_classes import ClassIdentity
from core.spans import Mention, Span, offsets


@dataclass(frozen=True)
class DrugIdentity:
    """A drug mention resolved against the ``drug-named-entity-recognition`` dictionary.

    Attributes:
        canonical: The dictionary's canonical (generic) name, lower case.
        name: Display name of the generic drug.
        drugbank_id: DrugBank accession (``DB00264``); the reliable identity. The dictionary's
            ``mesh_id`` is often the drug's class and is deliberately not carried.
        method: How it was resolved: ``exact`` (generic name), ``brand``, ``variant`` (a synonym or salt
            form), ``fuzzy`` (a likely misspelling).
        score: 1.0 for exact/brand/variant matches; the similarity for fuzzy ones.
        matched: The dictionary string that matched.
    """

    canonical: str
    name: str
    drugbank_id: str | None
    method: str
    score: float
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {"canonical": self.canonical, "name": self.name, "drugbank_id": self.drugbank_id,
                "method": self.method, "score": round(self.score, 4), "matched": self.matched}

    def to_record(self) -> dict[str, Any]:
        """The dictionary's identity without ``matched`` (a brand or variant matched is how the note wrote it)."""
        return {"canonical": self.canonical, "name": self.name, "drugbank_id": self.drugbank_id,
                "method": self.method, "score": round(self.score, 4)}


@dataclass(frozen=True)
class DrugMention(Mention):
    """One medication mention with its linked attributes.

    Attributes:
        span: The ``DRUG`` span (``group`` is the mention's index, ``status`` its assertion status,
            ``code`` its DrugBank id when resolved, ``score`` the model's confidence).
        attributes: Attribute spans linked to this drug (``STRENGTH``, ``DOSE``, ...), in text order; each
            span's ``meta["text"]`` holds its text.
        identity: The normalized identity, or ``None`` when the dictionary does not know the name
            (the mention is still shown, marked unresolved).
        status: Assertion status, one of :data:`core.labels.DRUG_STATUSES`.
        trigger: The words that decided the status (``None`` for the default, ``current``).
        trigger_span: Character offsets of the trigger in the note.
        attribute_texts: Label -> the attribute's text (several joined with ``; ``).
    """

    attributes: tuple[Span, ...] = ()
    identity: DrugIdentity | None = None
    status: str = "current"
    trigger: str | None = None
    trigger_span: tuple[int, int] | None = None
    attribute_texts: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def resolved(self) -> bool:
        return self.identity is not None

    @property
    def taken(self) -> bool:
        """Whether the note says the patient takes this drug now (what FHIR export and interaction checks use)."""
        return self.status in TAKEN_STATUSES

    def attribute(self, label: str) -> str | None:
        """The text of this drug's ``label`` attributes (joined with ``; `` when there are several)."""
        return self.attribute_texts.get(label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.span.start, "end": self.span.end, "text": self.text, "score": self.span.score,
            "status": self.status, "trigger": self.trigger,
            "trigger_span": list(self.trigger_span) if self.trigger_span else None,
            "identity": self.identity.to_dict() if self.identity else None,
            "attributes": [a.to_dict() for a in self.attributes],
        }

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: offsets instead of the mention's, trigger's and attributes' words."""
        return {"start": self.span.start, "end": self.span.end, "score": self.span.score,
                "status": self.status, "trigger_span": offsets(self.trigger_span),
                "identity": self.identity.to_record() if self.identity else None,
                "attributes": [a.to_record() for a in self.attributes]}


@dataclass(frozen=True)
class DrugClassMention(Mention):
    """A drug class named in the note ("on a statin", "allergic to penicillins").

    Attributes:
        span: The ``DRUG_CLASS`` span (``group`` its index among the classes, ``status`` its assertion status).
        identity: The class as the knowledge base names it, or ``None`` when the class table does not know it.
        status: Assertion status, one of :data:`core.labels.DRUG_STATUSES` (``allergy`` in an allergy list).
    """

    identity: ClassIdentity | None = None
    status: str = "current"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.span.start, "end": self.span.end, "text": self.text, "score": self.span.score,
                "status": self.status, "identity": self.identity.to_dict() if self.identity else None}

    def to_record(self) -> dict[str, Any]:
        """Offsets, status and the class as the knowledge base names it (not the form the note wrote)."""
        identity = {"name": self.identity.name, "family": self.identity.family} if self.identity else None
        return {"start": self.span.start, "end": self.span.end, "score": self.span.score, "status": self.status,
                "identity": identity}


@dataclass(frozen=True)
class DrugResult:
    """Everything the drug pipeline found in one note.

    Attributes:
        mentions: Drug mentions in text order.
        entities: Every entity span the model found (drugs and attributes, linked or not), in text order.
        model_version: Version of the token-classification model.
        n_tokens: Tokens in the note.
        n_windows: Overlapping windows the note was split into.
        classes: Drug classes named in the note, in text order (not medications: never in ``mentions``).
    """

    mentions: tuple[DrugMention, ...]
    entities: tuple[Span, ...]
    model_version: str
    n_tokens: int = 0
    n_windows: int = 1
    classes: tuple[DrugClassMention, ...] = ()

    @property
    def orphan_attributes(self) -> list[Span]:
        """Attribute spans not linked to any drug."""
        linked = {(a.start, a.end) for m in self.mentions for a in m.attributes}
        return [e for e in self.entities if e.label not in ("DRUG", DRUG_CLASS_LABEL)
                and (e.start, e.end) not in linked]

    def render_spans(self) -> list[Span]:
        """Spans for highlighting: drugs (with status), their attributes (inheriting the drug's status), classes."""
        out: list[Span] = []
        for m in self.mentions:
            out.append(m.span)
            out.extend(Span(a.start, a.end, a.label, group=m.span.group, status=m.status, score=a.score)
                       for a in m.attributes)
        out.extend(self.orphan_attributes)
        out.extend(c.span for c in self.classes)
        return sorted(out, key=lambda s: (s.start, s.end))

    def to_dict(self) -> dict[str, Any]:
        return {"model_version": self.model_version, "n_tokens": self.n_tokens, "n_windows": self.n_windows,
                "mentions": [m.to_dict() for m in self.mentions],
                "classes": [c.to_dict() for c in self.classes],
                "entities": [e.to_dict() for e in self.entities]}

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores (:meth:`core.spans.Span.to_record`): no string taken from the note."""
        return {"model_version": self.model_version, "n_tokens": self.n_tokens, "n_windows": self.n_windows,
                "mentions": [m.to_record() for m in self.mentions],
                "classes": [c.to_record() for c in self.classes],
                "entities": [e.to_record() for e in self.entities]}
