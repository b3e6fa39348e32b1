"""Annotators' corrections of drug predictions: building them, and turning them into training spans.

A correction is a small JSON object stored as ``Feedback.correction`` on the drug prediction it judges
(the prediction keeps the model's entities, so applying the corrections of a note, oldest first, to the
model's entities gives the annotated entities ``train drugs --with-feedback`` learns from):

- ``{"kind": "false_drug", "start", "end", "text"}``: the model's drug at these offsets is not a drug.
- ``{"kind": "missed_drug", "start", "end", "text"}``: a drug the model did not find.
- ``{"kind": "attribute", "drug": [s, e], "label", "start", "end", "text"}``: the drug's ``label``
  attribute is this text (``start``/``end`` null and ``"remove": true`` when it has none).
- ``{"kind": "status", "drug": [s, e], "status", "text"}``: the drug's assertion status is ``status``.
- ``{"kind": "confirm"}``: everything shown is right.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.drugs.types import DrugResult
from core.labels import ATTRIBUTE_LABELS, DRUG_STATUSES
from core.spans import Span

KINDS: dict[str, str] = {
    "false_drug": "Not a drug",
    "missed_drug": "Add a missed drug",
    "attribute": "Fix an attribute",
    "status": "Fix the status",
    "confirm": "All correct",
}
#: The feedback verdict each kind of correction is stored with.
VERDICT_FOR: dict[str, str] = {"false_drug": "wrong", "missed_drug": "partially_correct",
                               "attribute": "partially_correct", "status": "partially_correct",
                               "confirm": "correct"}
SEARCH_CHARS = 200


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


def _mention(result: DrugResult, index: int):
    if not 0 <= index < len(result.mentions):
        raise ValueError(f"there is no drug #{index + 1}")
    return result.mentions[index]


def false_drug(result: DrugResult, index: int) -> dict[str, Any]:
    m = _mention(result, index)
    return {"kind": "false_drug", "start": m.start, "end": m.end, "text": m.text}


def missed_drug(text: str, start: int, end: int, result: DrugResult | None = None) -> dict[str, Any]:
    start, end = _trimmed(text, start, end)
    if result is not None:
        for m in result.mentions:
            if m.start == start and m.end == end:
                raise ValueError(f"“{m.text}” is already found as a drug")
    return {"kind": "missed_drug", "start": start, "end": end, "text": text[start:end]}


def attribute_fix(text: str, result: DrugResult, index: int, label: str, value: str) -> dict[str, Any]:
    """The drug's ``label`` attribute is ``value`` (looked up after the drug, then before); blank removes it."""
    if label not in ATTRIBUTE_LABELS:
        raise ValueError(f"attribute must be one of {', '.join(ATTRIBUTE_LABELS)}")
    m = _mention(result, index)
    base = {"kind": "attribute", "drug": [m.start, m.end], "label": label}
    if not value.strip():
        return {**base, "start": None, "end": None, "text": "", "remove": True}
    low, needle = text.lower(), value.strip().lower()
    pos = low.find(needle, m.end, m.end + SEARCH_CHARS + len(needle))
    if pos < 0:
        pos = low.rfind(needle, max(0, m.start - SEARCH_CHARS), m.start)
    if pos < 0:
        raise ValueError(f"“{value.strip()}” is not written near “{m.text}”")
    return {**base, "start": pos, "end": pos + len(needle), "text": text[pos:pos + len(needle)]}


def status_fix(result: DrugResult, index: int, status: str) -> dict[str, Any]:
    if status not in DRUG_STATUSES:
        raise ValueError(f"status must be one of {', '.join(DRUG_STATUSES)}")
    m = _mention(result, index)
    return {"kind": "status", "drug": [m.start, m.end], "status": status, "text": m.text}


def apply_corrections(text: str, entities: Sequence[dict[str, Any]], corrections: Sequence[Any]) -> list[Span]:
    """The model's entities (``DrugResult.to_dict()["entities"]``) with the corrections applied, oldest first.

    Status corrections do not change spans (they are kept for the assertion rules); corrections that
    point outside the text are skipped.
    """
    spans = {(int(e["start"]), int(e["end"])): str(e["label"]) for e in entities
             if 0 <= int(e["start"]) < int(e["end"]) <= len(text)}
    for c in corrections:
        if not isinstance(c, dict):
            continue
        kind = c.get("kind")
        if kind == "false_drug":
            spans.pop((c.get("start"), c.get("end")), None)
        elif kind == "missed_drug" and _valid(text, c.get("start"), c.get("end")):
            for key in [k for k in spans if k[0] < c["end"] and c["start"] < k[1]]:
                spans.pop(key)
            spans[(c["start"], c["end"])] = "DRUG"
        elif kind == "attribute" and c.get("label") in ATTRIBUTE_LABELS:
            drug = tuple(c.get("drug") or ())
            near = [k for k, lab in spans.items() if lab == c["label"] and len(drug) == 2
                    and abs(k[0] - drug[1]) <= SEARCH_CHARS]
            for key in near[:1]:
                spans.pop(key)
            if not c.get("remove") and _valid(text, c.get("start"), c.get("end")):
                for key in [k for k in spans if k[0] < c["end"] and c["start"] < k[1]]:
                    spans.pop(key)
                spans[(c["start"], c["end"])] = c["label"]
    return [Span(a, b, lab) for (a, b), lab in sorted(spans.items())]


def _valid(text: str, start: Any, end: Any) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
