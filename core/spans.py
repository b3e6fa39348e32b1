"""Character-offset spans over a note's text, as in spaCy's ``Span``.

Every model and rule in NoteLens reports what it found as :class:`Span` objects whose ``start``/``end``
index the original text (``text[start:end]`` is the mention).

Results have two JSON forms: ``to_dict`` (what the page shows and a person downloads: the note's words included)
and ``to_record`` (what a prediction stores: offsets, labels, codes and vocabulary names, never a string taken
from the note, so a stored prediction says nothing of the note to someone who does not have it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: ``Span.meta`` string values kept by :meth:`Span.to_record` (rule and source names); any other string there may
#: be words of the note (a drug attribute's ``text``, a red flag's ``trigger``) and is left out.
RECORD_META_STRINGS: frozenset[str] = frozenset({"source", "link_rule"})


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

    def to_record(self) -> dict[str, Any]:
        """:meth:`to_dict` without note words: ``meta`` keeps numbers and the strings of
        :data:`RECORD_META_STRINGS` only."""
        d = self.to_dict()
        meta = {k: v for k, v in self.meta.items()
                if not isinstance(v, (str, dict, list, tuple)) or (k in RECORD_META_STRINGS and isinstance(v, str))}
        d.pop("meta", None)
        if meta:
            d["meta"] = meta
        return d


def offsets(pair: tuple[int, int] | None) -> list[int] | None:
    """``[start, end]`` of an optional (start, end) pair (a trigger's), the JSON form records use."""
    return [int(pair[0]), int(pair[1])] if pair else None


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
