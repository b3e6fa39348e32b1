"""Per-service pools of real vocabulary the synthesizer samples from: ICD-10-CM codes with clinical titles in
each service's code ranges, and MeSH disease names under each service's tree numbers (``icd_ranges`` and
``mesh_trees`` of ``core/synth/data/services/<service>.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.lexicon import icd
from core.lexicon.mesh import disease_dictionary
from core.synth import tables


def _in_range(code: str, lo: str, hi: str) -> bool:
    c3 = code[:3]
    return lo <= c3 <= hi


_BAD_WORDS = re.compile(
    r"\b(sequela|subsequent|other specified|in diseases classified|due to other|encounter for other|"
    r"by other|other and|not otherwise|underdosing|poisoning|adverse effect|accidental|intentional|"
    r"assault|undetermined)\b", re.I)


_BAD_NAMES = re.compile(r"(^other |fetus [2-9]|\bof,|\bof$|score|\bsite\b|^[a-z]+ organism)", re.I)


@dataclass(frozen=True)
class IcdEntry:
    code: str
    title: str      # official
    name: str       # cleaned


@lru_cache(maxsize=1)
def icd_pools() -> dict[str, tuple[IcdEntry, ...]]:
    """Service -> billable ICD codes in its ranges with short cleaned titles (sorted by code)."""
    titles = icd.icd_titles()
    ranges_of = {s: t.icd_ranges for s, t in tables.services().items()}
    pools: dict[str, list[IcdEntry]] = {s: [] for s in ranges_of}
    for code in sorted(titles):
        title = titles[code]
        if code.startswith("S") and not code.endswith("A"):
            continue  # only initial encounters of injuries
        if _BAD_WORDS.search(title):
            continue
        name = icd.clean_icd_title(title)
        if len(name) > 70 or len(name) < 4 or _BAD_NAMES.search(name):
            continue
        for service, ranges in ranges_of.items():
            if any(_in_range(code, lo, hi) for lo, hi in ranges):
                pools[service].append(IcdEntry(code, title, name))
    return {s: tuple(v) for s, v in pools.items()}


# ------------------------------------------------------------------------------------------- MeSH

@lru_cache(maxsize=1)
def mesh_pools() -> dict[str, tuple[tuple[str, str], ...]]:
    """Service -> ((disease name, MeSH id), ...) with plain (uninverted, short) names."""
    c2d = disease_dictionary()
    trees_of = {s: t.mesh_trees for s, t in tables.services().items()}
    pools: dict[str, list[tuple[str, str]]] = {s: [] for s in trees_of}
    for canon in sorted(c2d):
        data = c2d[canon]
        name = canon
        if "," in name or len(name) > 40 or not re.fullmatch(r"[a-z][a-z \-']+", name):
            continue
        if re.search(r"\b(syndrome|type|disease,|animal|experimental|diseases|disorders|neoplasms)\b", name):
            continue
        trees = data.get("mesh_tree", [])
        for service, prefixes in trees_of.items():
            if any(t.startswith(p) for t in trees for p in prefixes):
                pools[service].append((name, data.get("mesh_id", "")))
    return {s: tuple(v) for s, v in pools.items()}
