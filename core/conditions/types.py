"""Plain result types of the condition pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.spans import Mention, Span, offsets


@dataclass(frozen=True)
class ConditionCode:
    """A condition mention resolved to ICD-10-CM (and, when the knowledge base has it, a KB condition).

    Attributes:
        code: ICD-10-CM code or category, dotted (``E11.9``, ``I10``).
        title: Its official ICD-10-CM title.
        kb_id: The treatment knowledge base's condition id, or None.
        method: ``kb`` (a knowledge-base name), ``lexicon`` (a clinical synonym), ``icd`` (an ICD title),
            ``tokens`` (the same words in another order), ``fuzzy`` (word overlap), ``contains`` (a
            knowledge-base name inside a longer mention).
        score: 1.0 for exact methods; the overlap for fuzzy ones.
    """

    code: str
    title: str
    kb_id: str | None
    method: str
    score: float = 1.0


@dataclass(frozen=True)
class ConditionMention(Mention):
    """One condition mention with its status and codes."""

    status: str
    trigger: str | None = None
    trigger_span: tuple[int, int] | None = None
    normalized: ConditionCode | None = None
    source: str = "model"      # "model" or "dictionary" (a knowledge-base name the model missed)

    @property
    def present(self) -> bool:
        return self.status == "present"

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span.to_dict(), "text": self.text, "status": self.status, "trigger": self.trigger,
                "trigger_span": list(self.trigger_span) if self.trigger_span else None,
                "normalized": asdict(self.normalized) if self.normalized else None, "source": self.source}

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: offsets instead of the mention's and trigger's words; the codes and their
        ICD-10-CM titles."""
        return {"span": self.span.to_record(), "status": self.status, "trigger_span": offsets(self.trigger_span),
                "normalized": asdict(self.normalized) if self.normalized else None, "source": self.source}


@dataclass(frozen=True)
class ConditionResult:
    """All condition mentions of a note."""

    mentions: tuple[ConditionMention, ...]
    model_version: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def present(self) -> list[ConditionMention]:
        return [m for m in self.mentions if m.present]

    @property
    def entities(self) -> tuple[Span, ...]:
        """The mentions' spans (what corrections apply to, as a drug result's entities)."""
        return tuple(m.span for m in self.mentions)

    def to_dict(self) -> dict[str, Any]:
        return {"model_version": self.model_version, "mentions": [m.to_dict() for m in self.mentions],
                "entities": [e.to_dict() for e in self.entities]}

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: no string taken from the note."""
        return {"model_version": self.model_version, "mentions": [m.to_record() for m in self.mentions],
                "entities": [e.to_record() for e in self.entities]}
