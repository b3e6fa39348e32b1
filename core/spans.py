"""Character-offset spans over a note's text, as in spaCy's ``Span``.

Every model and rule in NoteLens reports what it found as :class:`Span` objects whose ``start``/``end``
index the original text (``text[start:end]`` is the mention).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Span:
    """A labelled character span.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        label: Entity type, e.g. ``DRUG``, ``STRENGTH``, ``CONDITION``.
        group: Links attributes to the entity they belong to (a drug's attributes share its group).
        status: Assertion status (``current``, ``negated``, ``allergy``, ``present``, ``family`` ...).
        code: Normalized identity where known (ICD-10-CM code, DrugBank id).
        score: The model's confidence in the span, where a model produced it.
        meta: Other attributes (free-form, JSON-serializable).
    """

    start: int
    end: int
    label: str
    group: int | None = None
    status: str | None = None
    code: str | None = None
    score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text_of(self, text: str) -> str:
        """The covered text."""
        return text[self.start:self.end]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        for k in ("group", "status", "code", "score"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.meta:
            d["meta"] = dict(self.meta)
        return d


class Quote(NamedTuple):
    """Words of the note at character offsets: the evidence a flag, a suggestion or a context tag rests on."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A mention a span tagger found (a drug, a condition): its span over the note and the words it covers."""

    span: Span
    text: str

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end
