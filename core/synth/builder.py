"""Incremental text builder that records exact character spans while a note is written."""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Any

from core.spans import Span
from core.synth import tables

_WORD_RE = re.compile(r"[A-Za-z]{5,}")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[dict[str, str], re.Pattern[str]]:
    """Plain-text abbreviations clinicians use (``data/abbreviations.yaml``) and a regex of their phrases,
    longest first; applied to filler text only, never inside spans."""
    table = tables.abbreviations().abbreviations
    pattern = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in table), key=len, reverse=True)) + r")\b")
    return table, pattern


class Builder:
    """Append-only note text with spans.

    ``abbrev`` (probability of abbreviating each matching phrase), ``typo_rate`` (probability per
    plain chunk of one misspelt word), ``case`` (``None``/``upper``/``lower`` for the whole note) and
    ``layout`` (``lines``/``inline``/``mts``) are note-level style choices.
    """

    __slots__ = ("rng", "parts", "spans", "pos", "abbrev", "typo_rate", "case", "layout", "_group")

    def __init__(self, rng: random.Random, *, abbrev: float = 0.0, typo_rate: float = 0.0,
                 case: str | None = None, layout: str = "lines") -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.pos = 0
        self.abbrev = abbrev
        self.typo_rate = typo_rate
        self.case = case
        self.layout = layout
        self._group = 0

    # -------------------------------------------------------------------------------- primitives
    def _emit(self, s: str) -> tuple[int, int]:
        if self.case == "upper":
            s = s.upper()
        elif self.case == "lower":
            s = s.lower()
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def raw(self, s: str) -> None:
        """Structural text (headers, separators), never altered except for note casing."""
        if s:
            self._emit(s)

    def add(self, s: str) -> None:
        """Filler text: may be abbreviated or get a typo."""
        if not s:
            return
        rng = self.rng
        if self.abbrev and rng.random() < 0.8:
            p = self.abbrev
            table, pattern = _abbreviations()
            s = pattern.sub(lambda m: table[m.group(1)] if rng.random() < p else m.group(1), s)
        if self.typo_rate and len(s) > 25 and rng.random() < self.typo_rate:
            s = typo_in_text(rng, s)
        self._emit(s)

    def span(self, s: str, label: str, *, group: int | None = None, status: str | None = None,
             code: str | None = None, meta: dict[str, Any] | None = None) -> Span:
        start, end = self._emit(s)
        sp = Span(start, end, label, group=group, status=status, code=code, meta=meta or {})
        self.spans.append(sp)
        return sp

    def new_group(self) -> int:
        self._group += 1
        return self._group

    # ------------------------------------------------------------------------------- structure
    def nl(self, n: int = 1) -> None:
        """Line break (``,`` in MTSamples-style single-line layout)."""
        if self.layout == "mts":
            self._emit(",")
        else:
            self._emit("\n" * n)

    def header(self, title: str) -> None:
        if self.pos:
            if self.layout == "mts":
                self._emit(",")
            else:
                self._emit("\n\n" if self.rng.random() < 0.85 else "\n")
        if self.layout == "mts":
            self._emit(f"{title}:,  ")
        elif self.layout == "inline":
            self._emit(f"{title}: ")
        else:
            self._emit(f"{title}:\n" if self.rng.random() < 0.6 else f"{title}: ")

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def words(self) -> int:
        return sum(p.count(" ") + p.count("\n") for p in self.parts)


def typo_in_text(rng: random.Random, s: str) -> str:
    words = list(_WORD_RE.finditer(s))
    if not words:
        return s
    m = words[rng.randrange(len(words))]
    return s[:m.start()] + misspell(rng, m.group(0)) + s[m.end():]


def misspell(rng: random.Random, w: str) -> str:
    """One realistic typing error (swap, drop, double, or wrong vowel) in a word of 4+ letters."""
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if kind == 1:
        return w[:i] + w[i + 1:]
    if kind == 2:
        return w[:i] + w[i] + w[i:]
    vowels = "aeiou"
    for j in range(i, len(w)):
        if w[j].lower() in vowels:
            repl = rng.choice([v for v in vowels if v != w[j].lower()])
            return w[:j] + (repl.upper() if w[j].isupper() else repl) + w[j + 1:]
    return w[:i] + w[i + 1] + w[i] + w[i + 2:]
