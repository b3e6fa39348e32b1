"""The condition lexicon: every name NoteLens knows for a condition, with its ICD-10-CM code and, when the
treatment knowledge base has the condition, its id.

Sources, most trusted first: the knowledge base's names and synonyms (``kb``); hand-written clinical wording
with its codes (``lexicon``, e.g. "HLD" -> E78.5, from :mod:`core.lexicon.clinical`); official and cleaned
ICD-10-CM titles, billable codes and categories (``icd``). Names are indexed by their normalized words
(:func:`key`) and as sets of content words. Used by condition normalization (:mod:`core.conditions.normalize`);
the synthesizer writes the same clinical wording.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from core.lexicon import clinical, icd

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"of", "the", "a", "an", "and", "with", "in", "to", "or", "for", "by", "on"})
PRIORITY = {"kb": 0, "lexicon": 1, "icd": 2}


def key(text: str) -> str:
    """Normalized words: ``"Paget's disease of bone"`` -> ``"paget disease of bone"``."""
    t = text.lower().replace("\u2019", "'")
    t = re.sub(r"'s\b", "", t)
    return " ".join(_WORD.findall(t))


def content_words(k: str) -> frozenset[str]:
    """The words of a normalized name that carry meaning (no "of", "the", "with"...)."""
    return frozenset(w for w in k.split() if w not in _STOP)


@dataclass(frozen=True)
class Entry:
    """One name of a condition: its ICD-10-CM code, knowledge-base id (or None), source and the name itself."""

    code: str
    kb_id: str | None
    lexicon: str
    name: str


@dataclass
class Index:
    """Names by normalized words (``exact``), by content-word set (``tokens``), and those sets by word."""

    exact: dict[str, Entry]
    tokens: dict[frozenset[str], Entry]
    by_word: dict[str, list[frozenset[str]]]


def icd_title(code: str) -> str:
    """The official ICD-10-CM title of a code or category (the code itself when unknown)."""
    import simple_icd_10_cm as sicd

    try:
        return str(sicd.get_description(code))
    except ValueError:
        return code


def _add(idx: Index, name: str, entry: Entry) -> None:
    k = key(name)
    if not k:
        return
    old = idx.exact.get(k)
    if old is None or PRIORITY[entry.lexicon] < PRIORITY[old.lexicon]:
        idx.exact[k] = entry
    words = content_words(k)
    if not words:
        return
    old = idx.tokens.get(words)
    if old is None:
        for w in words:
            idx.by_word[w].append(words)
    if old is None or PRIORITY[entry.lexicon] < PRIORITY[old.lexicon]:
        idx.tokens[words] = entry


@lru_cache(maxsize=1)
def index() -> Index:
    """The condition lexicon (built once, about 2 s)."""
    import simple_icd_10_cm as sicd

    from core.knowledge.kb import load_kb

    idx = Index({}, {}, defaultdict(list))
    kb = load_kb()
    for cond in kb.conditions:
        code = cond.icd10[0]
        for name in (cond.name, *cond.synonyms):
            _add(idx, name, Entry(code, cond.id, "kb", name))
    for c in clinical.lexicon_conditions():
        for name in c.names:
            if len(name) > 2 or name.isupper():
                _add(idx, name, Entry(c.code, None, "lexicon", name))
    for code, title in icd.icd_titles().items():
        _add(idx, title, Entry(code, None, "icd", title))
        _add(idx, icd.clean_icd_title(title), Entry(code, None, "icd", title))
    for code in sicd.get_all_codes(with_dots=True):
        if sicd.is_category(code):
            _add(idx, str(sicd.get_description(code)), Entry(code, None, "icd", code))
    return idx


