"""Per-service pools of real vocabulary the synthesizer samples from: ICD-10-CM codes with clinical titles in
each service's code ranges, and MeSH disease names under each service's tree numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.lexicon import icd
from core.lexicon.mesh import disease_dictionary


def _in_range(code: str, lo: str, hi: str) -> bool:
    c3 = code[:3]
    return lo <= c3 <= hi


# Service -> ICD-10-CM category ranges (3-character, inclusive) sampled for extra condition variety.
ICD_RANGES: dict[str, list[tuple[str, str]]] = {
    "cardiology_pulmonology": [("I05", "I52"), ("I70", "I83"), ("I95", "I99"), ("J09", "J18"),
                               ("J20", "J22"), ("J40", "J47"), ("J60", "J99")],
    "gastroenterology": [("K20", "K95"), ("B15", "B19")],
    "neurology_neurosurgery": [("G00", "G55"), ("G57", "G99"), ("I60", "I69"), ("S06", "S06"),
                               ("S14", "S14"), ("S24", "S24"), ("S34", "S34")],
    "orthopedics": [("M00", "M99"), ("S22", "S23"), ("S32", "S33"), ("S42", "S43"), ("S52", "S53"),
                    ("S62", "S63"), ("S72", "S73"), ("S82", "S83"), ("S92", "S93")],
    "obstetrics_gynecology": [("O00", "O9A"), ("N70", "N98")],
    "urology": [("N20", "N23"), ("N30", "N39"), ("N40", "N53"), ("C61", "C61"), ("C67", "C67")],
    "nephrology": [("N00", "N19"), ("N25", "N29"), ("E86", "E87"), ("I12", "I13")],
    "hematology_oncology": [("C00", "C43"), ("C45", "C60"), ("C62", "C66"), ("C68", "C96"),
                            ("D50", "D89")],
    "ent": [("H60", "H95"), ("J00", "J06"), ("J30", "J39")],
    "ophthalmology": [("H00", "H59")],
    "psychiatry": [("F04", "F99")],
    "dermatology": [("L00", "L99"), ("C44", "C44"), ("D22", "D23")],
    "endocrinology": [("E00", "E35"), ("E66", "E66")],
    "pediatrics": [("P00", "P96"), ("Q00", "Q99")],
    "general_medicine": [("R00", "R69"), ("Z00", "Z13"), ("A00", "B09"), ("E78", "E78")],
}

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
    pools: dict[str, list[IcdEntry]] = {s: [] for s in ICD_RANGES}
    for code in sorted(titles):
        title = titles[code]
        if code.startswith("S") and not code.endswith("A"):
            continue  # only initial encounters of injuries
        if _BAD_WORDS.search(title):
            continue
        name = icd.clean_icd_title(title)
        if len(name) > 70 or len(name) < 4 or _BAD_NAMES.search(name):
            continue
        for service, ranges in ICD_RANGES.items():
            if any(_in_range(code, lo, hi) for lo, hi in ranges):
                pools[service].append(IcdEntry(code, title, name))
    return {s: tuple(v) for s, v in pools.items()}


# ------------------------------------------------------------------------------------------- MeSH

# MeSH disease tree prefixes -> services (for extra, un-coded condition mentions).
MESH_TREES: dict[str, tuple[str, ...]] = {
    "cardiology_pulmonology": ("C14.280", "C14.907", "C08.381", "C08.127"),
    "gastroenterology": ("C06.405", "C06.552", "C06.130", "C06.689"),
    "neurology_neurosurgery": ("C10.228", "C10.292", "C10.574", "C10.668"),
    "orthopedics": ("C05.550", "C05.116", "C05.651", "C26.404"),
    "obstetrics_gynecology": ("C13.703", "C13.351"),
    "urology": ("C12.200.777", "C12.050", "C12.294"),
    "nephrology": ("C12.200.777.419", "C12.050.351.968"),
    "hematology_oncology": ("C15.378", "C04.557", "C04.588"),
    "ent": ("C09.218", "C09.603", "C09.775"),
    "ophthalmology": ("C11.",),
    "psychiatry": ("F03.",),
    "dermatology": ("C17.800",),
    "endocrinology": ("C19.",),
    "pediatrics": ("C16.614",),
    "general_medicine": ("C01.",),
}


@lru_cache(maxsize=1)
def mesh_pools() -> dict[str, tuple[tuple[str, str], ...]]:
    """Service -> ((disease name, MeSH id), ...) with plain (uninverted, short) names."""
    c2d = disease_dictionary()
    pools: dict[str, list[tuple[str, str]]] = {s: [] for s in MESH_TREES}
    for canon in sorted(c2d):
        data = c2d[canon]
        name = canon
        if "," in name or len(name) > 40 or not re.fullmatch(r"[a-z][a-z \-']+", name):
            continue
        if re.search(r"\b(syndrome|type|disease,|animal|experimental|diseases|disorders|neoplasms)\b", name):
            continue
        trees = data.get("mesh_tree", [])
        for service, prefixes in MESH_TREES.items():
            if any(t.startswith(p) for t in trees for p in prefixes):
                pools[service].append((name, data.get("mesh_id", "")))
    return {s: tuple(v) for s, v in pools.items()}
