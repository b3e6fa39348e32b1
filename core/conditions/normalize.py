"""Condition mention -> ICD-10-CM code and title, and the treatment knowledge base's condition.

Lexicons, most trusted first: the knowledge base's names and synonyms (``kb``); the synthesizer's
hand-written clinical wording with its codes (``lexicon``, e.g. "HLD" -> E78.5); official and cleaned
ICD-10-CM titles, billable codes and categories (``icd``). A mention is looked up by its normalized
words (lower case, possessives and punctuation dropped), then as a set of words in any order
(``tokens``: "diabetes mellitus type 2"), then by word overlap (``fuzzy``, Dice >= 0.75 over content
words, ties to the more trusted lexicon and the shorter title), then as the longest knowledge-base name
inside the mention (``contains``: "atrial fibrillation with rapid ventricular response"). A code that has no KB name is mapped
to a KB condition by its ICD-10-CM prefix.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from core.conditions.types import ConditionCode

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"of", "the", "a", "an", "and", "with", "in", "to", "or", "for", "by", "on"})
_PRIORITY = {"kb": 0, "lexicon": 1, "icd": 2}
MIN_FUZZY = 0.75


def key(text: str) -> str:
    """Normalized words: ``"Paget's disease of bone"`` -> ``"paget disease of bone"``."""
    t = text.lower().replace("\u2019", "'")
    t = re.sub(r"'s\b", "", t)
    return " ".join(_WORD.findall(t))


def _content(k: str) -> frozenset[str]:
    return frozenset(w for w in k.split() if w not in _STOP)


@dataclass(frozen=True)
class _Entry:
    code: str
    kb_id: str | None
    lexicon: str
    name: str


@dataclass
class _Index:
    exact: dict[str, _Entry]
    tokens: dict[frozenset[str], _Entry]
    by_word: dict[str, list[frozenset[str]]]


def _title(code: str) -> str:
    import simple_icd_10_cm as icd

    try:
        return str(icd.get_description(code))
    except ValueError:
        return code


def _add(idx: _Index, name: str, entry: _Entry) -> None:
    k = key(name)
    if not k:
        return
    old = idx.exact.get(k)
    if old is None or _PRIORITY[entry.lexicon] < _PRIORITY[old.lexicon]:
        idx.exact[k] = entry
    words = _content(k)
    if not words:
        return
    old = idx.tokens.get(words)
    if old is None:
        for w in words:
            idx.by_word[w].append(words)
    if old is None or _PRIORITY[entry.lexicon] < _PRIORITY[old.lexicon]:
        idx.tokens[words] = entry


@lru_cache(maxsize=1)
def _index() -> _Index:
    from core.synth import vocab as V
    from core.synth.kb import load_kb as load_synth_kb
    from core.treatments.kb import load_kb

    idx = _Index({}, {}, defaultdict(list))
    kb = load_kb()
    for cond in kb.conditions:
        code = cond.icd10[0]
        for name in (cond.name, *cond.synonyms):
            _add(idx, name, _Entry(code, cond.id, "kb", name))
    synth = load_synth_kb()
    conds = list(synth.comorbidities) + list(synth.peds_comorbidities) + list(synth.family)
    for svc in synth.services.values():
        conds.extend(svc["conditions"])
    for c in conds:
        for name in c.names:
            if len(name) > 2 or name.isupper():
                _add(idx, name, _Entry(c.code, None, "lexicon", name))
    for code, title in V.icd_titles().items():
        _add(idx, title, _Entry(code, None, "icd", title))
        _add(idx, V.clean_icd_title(title), _Entry(code, None, "icd", title))
    import simple_icd_10_cm as icd

    for code in icd.get_all_codes(with_dots=True):
        if icd.is_category(code):
            _add(idx, str(icd.get_description(code)), _Entry(code, None, "icd", code))
    return idx


def _kb_for(entry: _Entry) -> str | None:
    if entry.kb_id:
        return entry.kb_id
    from core.treatments.kb import load_kb

    found = load_kb().by_icd(entry.code)
    return found[0].id if found else None


def _result(entry: _Entry, method: str, score: float = 1.0) -> ConditionCode:
    return ConditionCode(entry.code, _title(entry.code), _kb_for(entry), method, round(score, 3))


def normalize(mention: str) -> ConditionCode | None:
    """The code of a condition mention, or None when nothing is close enough."""
    k = key(mention)
    if not k:
        return None
    idx = _index()
    hit = idx.exact.get(k)
    if hit is not None:
        return _result(hit, hit.lexicon)
    words = _content(k)
    if not words:
        return None
    hit = idx.tokens.get(words)
    if hit is not None:
        return _result(hit, "tokens")
    best: tuple[float, int, int, _Entry] | None = None
    seen: set[frozenset[str]] = set()
    for w in words:
        for cand in idx.by_word.get(w, ()):
            if cand in seen:
                continue
            seen.add(cand)
            entry = idx.tokens[cand]
            dice = 2 * len(words & cand) / (len(words) + len(cand))
            if dice < MIN_FUZZY:
                continue
            rank = (-dice, _PRIORITY[entry.lexicon], len(cand))
            if best is None or rank < (-best[0], best[1], best[2]):
                best = (dice, _PRIORITY[entry.lexicon], len(cand), entry)
    if best is not None:
        return _result(best[3], "fuzzy", best[0])
    return _contained(k)


def _contained(k: str) -> ConditionCode | None:
    """The longest knowledge-base name inside the mention ("atrial fibrillation with rapid ventricular
    response" -> atrial fibrillation), as whole words."""
    padded = f" {k} "
    for name, _ in kb_phrases():
        nk = key(name)
        if len(nk) >= 4 and f" {nk} " in padded:
            entry = _index().exact.get(nk)
            if entry is not None:
                return _result(entry, "contains", round(len(nk) / len(k), 3))
    return None


@lru_cache(maxsize=1)
def kb_phrases() -> tuple[tuple[str, str], ...]:
    """(name, KB condition id) for every knowledge-base name, longest first (for dictionary matching)."""
    from core.treatments.kb import load_kb

    out = [(n, c.id) for c in load_kb().conditions for n in (c.name, *c.synonyms)]
    return tuple(sorted(set(out), key=lambda x: (-len(x[0]), x)))


@lru_cache(maxsize=1)
def _kb_pattern() -> re.Pattern[str]:
    names = [n for n, _ in kb_phrases() if len(n) >= 3]
    lower = sorted({re.escape(n) for n in names if not n.isupper()}, key=len, reverse=True)
    upper = sorted({re.escape(n) for n in names if n.isupper()}, key=len, reverse=True)
    parts = []
    if lower:
        parts.append(r"(?i:" + "|".join(lower) + ")")
    if upper:
        parts.append("|".join(upper))
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")


def dictionary_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of knowledge-base condition names in ``text`` (longest match, no overlaps)."""
    return [(m.start(), m.end()) for m in _kb_pattern().finditer(text)]


def warm() -> None:
    """Build the indexes now (about 2 s) rather than on the first note."""
    _index()
    _kb_pattern()
