"""Annotators' corrections of a span tagger's output (drugs, conditions): building them from what a person picked
on a page, checking them, and turning them into training spans.

A correction is a small JSON object stored as ``Feedback.correction`` on the prediction it judges (the prediction
keeps the model's entities, so applying a note's corrections, oldest first, to the model's entities gives the
annotated entities that ``train <task> --with-feedback`` learns from). For a tagger of ``DRUG`` entities
(``noun`` "drug"; conditions the same with "condition"):

- ``{"kind": "false_drug", "start", "end", "text"}``: the model's drug at these offsets is not a drug.
- ``{"kind": "missed_drug", "start", "end", "text"}``: a drug the model did not find.
- ``{"kind": "attribute", "drug": [s, e], "label", "start", "end", "text"}``: the drug's ``label`` attribute is
  this text (``start``/``end`` null and ``"remove": true`` when it has none); only for taggers with attributes.
- ``{"kind": "status", "drug": [s, e], "status", "text"}``: the mention's assertion status is ``status``.
- ``{"kind": "confirm"}``: everything shown is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.feedback import Correction
from core.spans import Span

#: How far around a mention an attribute's words are looked for (characters).
SEARCH_CHARS = 200


def find_text(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th (1-based) case-insensitive match of ``needle`` in ``text``."""
    needle = needle.strip()
    if not needle:
        raise ValueError("type the words of the note to mark")
    if occurrence < 1:
        raise ValueError("occurrence must be 1 or more")
    low, pos = text.lower(), -1
    for _ in range(occurrence):
        pos = low.find(needle.lower(), pos + 1)
        if pos < 0:
            raise ValueError(f"“{needle}” does not occur {occurrence} time(s) in the note")
    return pos, pos + len(needle)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"offsets {start}-{end} are outside the note (0-{len(text)})")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValueError("the selected text is only whitespace")
    return start, end


def _valid(text: str, start: Any, end: Any) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


@dataclass(frozen=True)
class SpanCorrections:
    """The corrections a span task accepts.

    Attributes:
        label: The entity label the mentions carry (``DRUG``, ``CONDITION``).
        noun: How a page names one (``drug``); the stored kinds are ``false_<noun>`` and ``missed_<noun>``.
        statuses: The assertion statuses a mention may be corrected to.
        attribute_labels: Attribute labels linked to a mention (drugs: STRENGTH, DOSE...); none for conditions.
    """

    label: str
    noun: str
    statuses: tuple[str, ...]
    attribute_labels: tuple[str, ...] = ()

    @property
    def kinds(self) -> dict[str, str]:
        """Stored kind -> how the page names it, in the order the page offers them."""
        out = {f"false_{self.noun}": f"Not a {self.noun}", f"missed_{self.noun}": f"Add a missed {self.noun}"}
        if self.attribute_labels:
            out["attribute"] = "Fix an attribute"
        out.update({"status": "Fix the status", "confirm": "All correct"})
        return out

    @property
    def on_mention(self) -> frozenset[str]:
        """Kinds that correct one of the mentions shown (the page asks which)."""
        return frozenset({f"false_{self.noun}", "attribute", "status"})

    def verdict(self, kind: str) -> str:
        if kind == f"false_{self.noun}":
            return "wrong"
        return "correct" if kind == "confirm" else "partially_correct"

    def build(self, text: str, mentions: Sequence[Any], kind: str, *, index: int | None = None,
              needle: str = "", occurrence: int = 1, start: int | None = None, end: int | None = None,
              label: str | None = None, value: str = "", status: str | None = None) -> Correction:
        """A checked correction of ``kind`` from what the page collected.

        Args:
            text: The note.
            mentions: The mentions shown (objects with ``start``, ``end`` and ``text``).
            kind: One of :attr:`kinds`.
            index: Which mention (false, attribute, status).
            needle, occurrence, start, end: Where a missed mention is: its words and which occurrence, or offsets.
            label, value: An attribute's label and its words (blank removes it).
            status: The right status.

        Raises:
            ValueError: an unknown kind or an incomplete or impossible correction (the message fits the page).
        """
        if kind not in self.kinds:
            raise ValueError(f"unknown correction {kind!r}")
        if kind in self.on_mention:
            if index is None:
                raise ValueError(f"Choose the {self.noun} to correct.")
            if not 0 <= index < len(mentions):
                raise ValueError(f"there is no {self.noun} #{index + 1}")
            m = mentions[index]
        if kind == f"false_{self.noun}":
            payload = {"kind": kind, "start": m.start, "end": m.end, "text": m.text}
        elif kind == f"missed_{self.noun}":
            if start is None or end is None:
                start, end = find_text(text, needle or "", int(occurrence))
            start, end = _trimmed(text, int(start), int(end))
            for other in mentions:
                if other.start == start and other.end == end:
                    raise ValueError(f"“{other.text}” is already found as a {self.noun}")
            payload = {"kind": kind, "start": start, "end": end, "text": text[start:end]}
        elif kind == "attribute":
            payload = self._attribute(text, m, label, value)
        elif kind == "status":
            if status not in self.statuses:
                raise ValueError(f"status must be one of {', '.join(self.statuses)}")
            payload = {"kind": kind, self.noun: [m.start, m.end], "status": status, "text": m.text}
        else:
            payload = {"kind": "confirm"}
        said = f": “{payload['text']}”" if payload.get("text") else ""
        return Correction(kind, self.verdict(kind), payload, f"{self.kinds[kind]}{said}")

    def _attribute(self, text: str, m: Any, label: str | None, value: str) -> dict[str, Any]:
        """The mention's ``label`` attribute is ``value`` (looked up after the mention, then before); blank removes
        it."""
        if label not in self.attribute_labels:
            raise ValueError(f"attribute must be one of {', '.join(self.attribute_labels)}")
        base = {"kind": "attribute", self.noun: [m.start, m.end], "label": label}
        if not value.strip():
            return {**base, "start": None, "end": None, "text": "", "remove": True}
        low, needle = text.lower(), value.strip().lower()
        pos = low.find(needle, m.end, m.end + SEARCH_CHARS + len(needle))
        if pos < 0:
            pos = low.rfind(needle, max(0, m.start - SEARCH_CHARS), m.start)
        if pos < 0:
            raise ValueError(f"“{value.strip()}” is not written near “{m.text}”")
        return {**base, "start": pos, "end": pos + len(needle), "text": text[pos:pos + len(needle)]}

    def apply(self, text: str, entities: Sequence[dict[str, Any]], corrections: Sequence[Any]) -> list[Span]:
        """The model's entities (a stored prediction's ``entities``: start, end, label) with the corrections
        applied, oldest first.

        Status corrections do not change spans (they are kept for the assertion rules); corrections that point
        outside the text are skipped.
        """
        spans = {(int(e["start"]), int(e["end"])): str(e["label"]) for e in entities
                 if 0 <= int(e["start"]) < int(e["end"]) <= len(text)}
        for c in corrections:
            if not isinstance(c, dict):
                continue
            kind = c.get("kind")
            if kind == f"false_{self.noun}":
                spans.pop((c.get("start"), c.get("end")), None)
            elif kind == f"missed_{self.noun}" and _valid(text, c.get("start"), c.get("end")):
                for key in [k for k in spans if k[0] < c["end"] and c["start"] < k[1]]:
                    spans.pop(key)
                spans[(c["start"], c["end"])] = self.label
            elif kind == "attribute" and c.get("label") in self.attribute_labels:
                owner = tuple(c.get(self.noun) or ())
                near = [k for k, lab in spans.items() if lab == c["label"] and len(owner) == 2
                        and abs(k[0] - owner[1]) <= SEARCH_CHARS]
                for key in near[:1]:
                    spans.pop(key)
                if not c.get("remove") and _valid(text, c.get("start"), c.get("end")):
                    for key in [k for k in spans if k[0] < c["end"] and c["start"] < k[1]]:
                        spans.pop(key)
                    spans[(c["start"], c["end"])] = c["label"]
        return [Span(a, b, lab) for (a, b), lab in sorted(spans.items())]
