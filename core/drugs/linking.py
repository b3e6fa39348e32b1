"""Linking attribute spans (STRENGTH, DOSE, ROUTE, ...) to the drug they describe.

Sigs are written drug first ("metoprolol 25 mg PO BID"), sometimes amount first ("25 mg of
metoprolol"), in tables ("Metoprolol | 25 mg | PO | BID") and occasionally wrapped onto the next line.
The rule, measured on the synthesizer's linked spans (``tests/drugs/test_linking.py``):

1. An attribute belongs to the nearest drug *before* it in the same segment (a line, or a sentence
   ended by ``.``/``;``), provided no other drug lies between them.
2. Otherwise to the nearest drug *after* it in the same segment, when the gap is short.
3. Otherwise (a sig wrapped onto the next line) to the last drug of the previous non-empty line, when
   that line holds a drug and the attribute's line holds none.

Each link has a score in (0, 1] that decays with the characters between the two spans.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.spans import Span

_SEGMENT_END = re.compile(r"\n|[.;](?=\s+[A-Z0-9])|[.;]\s*$")
FOLLOWING_MAX_GAP = 40
WRAPPED_MAX_GAP = 120
DECAY_CHARS = 60.0


@dataclass(frozen=True)
class Link:
    """``attribute`` belongs to ``drugs[drug_index]`` with confidence ``score``."""

    attribute: Span
    drug_index: int
    score: float
    rule: str


def _segment_bounds(text: str, spans: Sequence[Span]) -> list[int]:
    """Sorted offsets where segments end (line breaks and sentence ends outside any entity: "p.o. BID")."""
    inside = sorted((s.start, s.end) for s in spans)
    starts = [s for s, _ in inside]

    def within(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return any(inside[x][0] <= pos < inside[x][1] for x in range(max(0, k - 3), k + 1))

    bounds = [m.start() for m in _SEGMENT_END.finditer(text) if text[m.start()] == "\n" or not within(m.start())]
    bounds.append(len(text))
    return bounds


def _segment_of(bounds: list[int], pos: int) -> int:
    return bisect.bisect_left(bounds, pos)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def link_attributes(text: str, drugs: Sequence[Span], attributes: Sequence[Span]) -> list[Link]:
    """Link each attribute to a drug; attributes with no plausible drug are left out.

    Args:
        text: The note.
        drugs: ``DRUG`` spans, in text order.
        attributes: Attribute spans, in any order.
    """
    if not drugs:
        return []
    bounds = _segment_bounds(text, [*drugs, *attributes])
    drug_segments = [_segment_of(bounds, d.start) for d in drugs]
    drug_lines = [_line_of(text, d.start) for d in drugs]
    starts = [d.start for d in drugs]
    links: list[Link] = []
    for a in attributes:
        seg = _segment_of(bounds, a.start)
        i = bisect.bisect_right(starts, a.start) - 1  # last drug starting before the attribute
        if i >= 0 and drug_segments[i] == seg and drugs[i].end <= a.start:
            gap = a.start - drugs[i].end
            links.append(Link(a, i, math.exp(-gap / DECAY_CHARS) ** 0.5, "before"))
            continue
        j = i + 1
        if j < len(drugs) and drug_segments[j] == seg and drugs[j].start >= a.end:
            gap = drugs[j].start - a.end
            if gap <= FOLLOWING_MAX_GAP:
                links.append(Link(a, j, math.exp(-gap / DECAY_CHARS) * 0.9, "after"))
                continue
        line = _line_of(text, a.start)
        if i >= 0 and line not in drug_lines and drug_lines[i] < line:
            # The attribute's line holds no drug: a sig wrapped from the previous line(s).
            between = text[drugs[i].end:a.start]
            if len(between) <= WRAPPED_MAX_GAP and "\n\n" not in between:
                links.append(Link(a, i, math.exp(-len(between) / DECAY_CHARS) * 0.8, "wrapped"))
    return links
