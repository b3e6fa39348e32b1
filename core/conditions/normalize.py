"""Condition mention -> ICD-10-CM code and title, and the treatment knowledge base's condition.

Names come from the condition lexicon (:mod:`core.lexicon.conditions`: knowledge-base names, clinical wording,
ICD-10-CM titles, most trusted first). A mention is looked up by its normalized
words (lower case, possessives and punctuation dropped), then as a set of words in any order
(``tokens``: "diabetes mellitus type 2"), then by word overlap (``fuzzy``, Dice >= 0.75 over content
words, ties to the more trusted lexicon and the shorter title), then as the longest knowledge-base name
inside the mention (``contains``: "atrial fibrillation with rapid ventricular response"). A code that has no KB name is
mapped to a KB condition by its ICD-10-CM prefix.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.conditions.types import ConditionCode
from core.lexicon.conditions import PRIORITY, Entry, content_words, icd_title, index, key

#: Least Dice overlap of content words for a ``fuzzy`` match.
MIN_FUZZY = 0.75


def _kb_for(entry: Entry) -> str | None:
    if entry.kb_id:
        return entry.kb_id
    from core.knowledge.kb import load_kb

    found = load_kb().by_icd(entry.code)
    return found[0].id if found else None


def _result(entry: Entry, method: str, score: float = 1.0) -> ConditionCode:
    return ConditionCode(entry.code, icd_title(entry.code), _kb_for(entry), method, round(score, 3))


def normalize(mention: str) -> ConditionCode | None:
    """The code of a condition mention, or None when nothing is close enough."""
    k = key(mention)
    if not k:
        return None
    idx = index()
    hit = idx.exact.get(k)
    if hit is not None:
        return _result(hit, hit.lexicon)
    words = content_words(k)
    if not words:
        return None
    hit = idx.tokens.get(words)
    if hit is not None:
        return _result(hit, "tokens")
    best: tuple[float, int, int, Entry] | None = None
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
            rank = (-dice, PRIORITY[entry.lexicon], len(cand))
            if best is None or rank < (-best[0], best[1], best[2]):
                best = (dice, PRIORITY[entry.lexicon], len(cand), entry)
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
            entry = index().exact.get(nk)
            if entry is not None:
                return _result(entry, "contains", round(len(nk) / len(k), 3))
    return None


@lru_cache(maxsize=1)
def kb_phrases() -> tuple[tuple[str, str], ...]:
    """(name, KB condition id) for every knowledge-base name, longest first (for dictionary matching)."""
    from core.knowledge.kb import load_kb

    out = [(n, c.id) for c in load_kb().conditions for n in (c.name, *c.synonyms)]
    return tuple(sorted(set(out), key=lambda x: (-len(x[0]), x)))


@lru_cache(maxsize=1)
def _kb_pattern() -> re.Pattern[str]:
    from core.lexicon.mesh import flexible

    names = [n for n, _ in kb_phrases() if len(n) >= 3]
    lower = [flexible(n) for n in sorted({n for n in names if not n.isupper()}, key=len, reverse=True)]
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


@lru_cache(maxsize=1)
def _mesh_names() -> frozenset[str]:
    from core.lexicon.mesh import disease_variants

    return frozenset(n for n, _ in disease_variants())


#: Normalization methods that say a lexicon names the mention itself; word overlap (``fuzzy``) or a name inside a longer
#: mention (``contains``: "breast cancer, and the tumours") code a mention but do not make it a condition name.
EXACT_METHODS = frozenset({"kb", "lexicon", "icd", "tokens"})


def unspaced(mention: str) -> str:
    """A mention as written outside a tokenized corpus: ``ataxia - telangiectasia`` -> ``ataxia-telangiectasia``,
    ``Addison ' s disease`` -> ``Addison's disease``."""
    return re.sub(r"\s*'\s*s\b", "'s", re.sub(r"\s+-\s+", "-", mention))


def is_known(mention: str, text: str = "") -> bool:
    """Whether a lexicon knows the mention: a knowledge-base, clinical, ICD-10-CM or MeSH disease name (or one
    :func:`normalize` resolves), or an abbreviation ``text`` defines in parentheses ("myotonic dystrophy (DM)")."""
    m = mention.strip()
    if not m:
        return False
    if m.lower() in _mesh_names() or unspaced(m).lower() in _mesh_names():
        return True
    if m.isupper() and re.search(r"\(\s*" + re.escape(m) + r"\s*\)", text):
        return True
    return any(code is not None and code.method in EXACT_METHODS for code in (normalize(m), normalize(unspaced(m))))


def lexicon_spans(text: str) -> list[tuple[int, int]]:
    """Condition names the dictionaries alone find: MeSH disease names and variants
    (:func:`core.lexicon.mesh.disease_spans`) and the knowledge base's names, the longest where they overlap:
    what the pipeline adds to the model's spans, and alone the floor ``notelens evaluate conditions --dictionary``
    measures."""
    from core.lexicon.mesh import disease_spans

    found = sorted({*disease_spans(text), *dictionary_spans(text)}, key=lambda s: (s[0] - s[1], s[0]))
    out: list[tuple[int, int]] = []
    for a, b in found:
        if all(b <= x or y <= a for x, y in out):
            out.append((a, b))
    return sorted(out)


def warm() -> None:
    """Build the indexes now (about 2 s) rather than on the first note."""
    from core.lexicon.mesh import disease_spans

    index()
    _kb_pattern()
    _mesh_names()
    disease_spans("")
