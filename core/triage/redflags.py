"""Urgency red flags: transparent rules that raise a note's triage priority.

Each rule in :data:`RED_FLAG_RULES` is a named red flag with a severity and a description. A rule fires when
one of its *alternatives* is found: a tuple of concepts (regular expressions over the note) that must all be
asserted present, and, for more than one concept, lie in the same sentence or within ``window`` characters
of each other ("chest pain" with "diaphoresis"; "fever" with "BP 82/50"). Rules and concepts are data,
``core/triage/data/red_flags.yaml``, read through :class:`RedFlagTables` when this module is imported.

Every concept match goes through :func:`core.nlp.context.assert_spans` (``kind="condition"``): negated
("denies chest pain", "negative for SI/HI"), historical ("history of stroke"), family ("mother had a
stroke") and hypothetical ("return if chest pain") mentions do not count. Suspected mentions ("concern
for sepsis", "rule out stroke", status ``possible``) do count: missing a red flag costs more than an extra
look. Each trigger :class:`~core.spans.Span` carries the concept as ``label``, its assertion ``status`` and
exact character offsets into the note.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from core.knowledge.fields import Loc, Regex, Table, Text, matching, one_of, repeated, rows
from core.knowledge.schema import Row, load_cached
from core.labels import RED_FLAG_SEVERITIES
from core.spans import Span

__all__ = ["RedFlag", "RedFlagRule", "RED_FLAG_RULES", "CONCEPTS", "FLAG_STATUSES",
           "detect_red_flags"]

FLAG_STATUSES = frozenset({"present", "possible"})

#: The red-flag concepts and rules.
RED_FLAGS_PATH: Path = Path(__file__).resolve().parent / "data" / "red_flags.yaml"

_FRAGMENT = re.compile(r"\{([a-z_]+)\}")
_Name = matching("a snake_case name", r"[a-z][a-z0-9_]*")
_Severity = one_of("severity", RED_FLAG_SEVERITIES)


class RedFlagRuleSpec(Row):
    """A rule of ``red_flags.yaml`` (see :class:`RedFlagRule`)."""

    name: _Name
    severity: _Severity
    description: Text
    alternatives: Annotated[tuple[Annotated[tuple[_Name, ...], Field(min_length=1)], ...], Field(min_length=1)]
    window: Annotated[int, Field(strict=True, ge=1)] = 200


class RedFlagTables(Table):
    """``red_flags.yaml``: regex fragments, concepts (name -> patterns) and rules in order. Rules name known
    concepts, patterns name known fragments and compile once the fragments are in."""

    fragments: dict[_Name, Text] = {}
    concepts: dict[_Name, Annotated[tuple[Text | Regex, ...], Field(min_length=1)]]
    rules: Annotated[tuple[RedFlagRuleSpec, ...], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        fragments = raw.get("fragments") if isinstance(raw.get("fragments"), dict) else {}
        concepts = raw.get("concepts") if isinstance(raw.get("concepts"), dict) else {}
        for name, patterns in concepts.items():
            for i, item in enumerate(patterns if isinstance(patterns, list) else ()):
                text = item.get("pattern") if isinstance(item, dict) else item
                if not isinstance(text, str):
                    continue
                unknown = [f for f in _FRAGMENT.findall(text) if f not in fragments]
                if unknown:
                    yield ("concepts", name, i), f"unknown fragment {unknown[0]!r} (see fragments)"
                    continue
                try:
                    re.compile(_FRAGMENT.sub(lambda m: str(fragments[m[1]]), text))
                except re.error as exc:
                    yield ("concepts", name, i), f"not a valid regular expression ({exc})"
        for i, rule in rows(raw, "rules"):
            alternatives = rule.get("alternatives")
            for j, alt in enumerate(alternatives if isinstance(alternatives, list) else ()):
                for k, concept in enumerate(alt if isinstance(alt, list) else ()):
                    if isinstance(concept, str) and concept not in concepts:
                        yield ("rules", i, "alternatives", j, k), f"concept {concept!r} is not in concepts"
        yield from repeated(((("rules", i, "name"), r.get("name")) for i, r in rows(raw, "rules")), "rule name")

    def compiled(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        """Concept name -> compiled patterns, fragments in, in file order."""
        def compile_(item: str | Regex) -> re.Pattern[str]:
            rx = item if isinstance(item, Regex) else Regex(pattern=item)
            return re.compile(_FRAGMENT.sub(lambda m: self.fragments[m[1]], rx.pattern),
                              re.IGNORECASE if rx.ignore_case else 0)

        return {name: tuple(map(compile_, patterns)) for name, patterns in self.concepts.items()}


_TABLES = load_cached(RED_FLAGS_PATH, RedFlagTables)

# Concept name -> regular expressions (``data/red_flags.yaml``). Matches of the same concept that overlap keep the
# longest.
CONCEPTS: dict[str, tuple[re.Pattern[str], ...]] = _TABLES.compiled()


@dataclass(frozen=True)
class RedFlagRule:
    """A named red flag.

    Attributes:
        name: Identifier (``snake_case``), stable across versions.
        severity: ``critical`` or ``high`` (see :data:`core.labels.RED_FLAG_SEVERITIES`).
        description: What the flag means, for the UI legend.
        alternatives: Each a tuple of :data:`CONCEPTS` names that must all be present; any one alternative fires.
        window: For combinations, the largest distance in characters between the concepts' mentions when they
            are not in the same sentence.
    """

    name: str
    severity: str
    description: str
    alternatives: tuple[tuple[str, ...], ...]
    window: int = 200

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "severity": self.severity, "description": self.description,
                "alternatives": [list(a) for a in self.alternatives], "window": self.window}


@dataclass(frozen=True)
class RedFlag:
    """A red flag found in a note; ``triggers`` are the words that raised it (``text[s.start:s.end]``)."""

    name: str
    severity: str
    description: str
    triggers: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "severity": self.severity, "description": self.description,
                "triggers": [t.to_dict() for t in self.triggers]}


#: The rules, in order (``data/red_flags.yaml``).
RED_FLAG_RULES: tuple[RedFlagRule, ...] = tuple(
    RedFlagRule(r.name, r.severity, r.description, r.alternatives, r.window) for r in _TABLES.rules)

_SENT_END = re.compile(r"[.!?](?=\s)|\n")


def _sentence_ids(text: str):
    bounds = [m.end() for m in _SENT_END.finditer(text)]
    return lambda offset: bisect.bisect_right(bounds, offset)


def _find_concepts(text: str, needed: set[str]) -> list[Span]:
    found: list[Span] = []
    for concept in sorted(needed):
        matches = sorted(((m.start(), m.end()) for rx in CONCEPTS[concept] for m in rx.finditer(text)
                          if m.end() > m.start()), key=lambda se: (se[0], -se[1]))
        last_end = -1
        for start, end in matches:  # keep the longest of overlapping matches of one concept
            if start < last_end:
                continue
            found.append(Span(start, end, concept))
            last_end = end
    return found


def detect_red_flags(text: str) -> list[RedFlag]:
    """Red flags asserted present (or suspected) in ``text``, most severe first, then by position.

    Mentions that are negated, historical, hypothetical or about a family member raise nothing.
    """
    if not text or not text.strip():
        return []
    needed = {c for rule in RED_FLAG_RULES for alt in rule.alternatives for c in alt}
    candidates = _find_concepts(text, needed)
    if not candidates:
        return []
    from core.nlp.context import assert_spans

    present: dict[str, list[Span]] = {}
    for res in assert_spans(text, candidates, kind="condition"):
        if res.status in FLAG_STATUSES:
            sp = res.span
            meta = {"trigger": res.trigger} if res.trigger else {}
            present.setdefault(sp.label, []).append(Span(sp.start, sp.end, sp.label, status=res.status, meta=meta))
    if not present:
        return []
    sentence_of = _sentence_ids(text)

    def near(a: Span, b: Span, window: int) -> bool:
        if sentence_of(a.start) == sentence_of(b.start):
            return True
        return max(a.end, b.end) - min(a.start, b.start) <= window

    flags: list[RedFlag] = []
    for rule in RED_FLAG_RULES:
        triggers: dict[tuple[int, int, str], Span] = {}
        for alt in rule.alternatives:
            if not all(c in present for c in alt):
                continue
            anchor, others = alt[0], alt[1:]
            for a in present[anchor]:
                partners = [[b for b in present[c] if near(a, b, rule.window)] for c in others]
                if all(partners):
                    for sp in (a, *(b for group in partners for b in group)):
                        triggers[(sp.start, sp.end, sp.label)] = sp
        if triggers:
            ordered = tuple(sorted(triggers.values(), key=lambda s: (s.start, s.end, s.label)))
            flags.append(RedFlag(rule.name, rule.severity, rule.description, ordered))
    rank = {s: i for i, s in enumerate(RED_FLAG_SEVERITIES)}
    flags.sort(key=lambda f: (rank[f.severity], f.triggers[0].start))
    return flags
