"""The drug dictionary of ``drug-named-entity-recognition`` (canonical names, DrugBank ids, every variant and
brand), read from the installed package's pickled file, and the project's own drug-name tables (form and salt
words, abbreviations, brands the dictionary lacks: ``data/drug_names.yaml``, read through
:class:`DrugNameTables`).

The dictionary's ``mesh_id`` is often the drug's *class* and is never used as an identity; the DrugBank id is.
"""

from __future__ import annotations

import bz2
import pickle
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from core.knowledge.fields import Lower, Unique, matching
from core.knowledge.schema import Row, load_cached
from core.lexicon.packages import package_dir


@dataclass(frozen=True)
class DrugInfo:
    canonical: str                # dictionary key (lower case)
    name: str                     # display name from the dictionary
    drugbank_id: str | None
    brands: tuple[str, ...]       # variants flagged is_brand
    common: bool                  # has a MedlinePlus monograph (a drug patients actually take)


@lru_cache(maxsize=1)
def drug_dictionary() -> dict:
    path = package_dir("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        return pickle.load(fh)


_DB_RE = re.compile(r"^DB\d{5}$")


@lru_cache(maxsize=1)
def drug_index() -> tuple[dict[str, DrugInfo], dict[str, str]]:
    """(canonical -> DrugInfo, any variant lower-case -> canonical)."""
    d = drug_dictionary()
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


# -- the project's drug-name tables -----------------------------------------------------------------------
#: Form, salt and unit words, abbreviations and brands :mod:`core.drugs.normalize` uses beside the dictionary.
DRUG_NAMES_PATH: Path = Path(__file__).resolve().parent / "data" / "drug_names.yaml"


def _one_word(value: str) -> str:
    if re.search(r"[\s.,;:]", value):
        raise ValueError(f"{value!r} must be one word without . , ; : (words are compared without them)")
    return value


_Words = Annotated[tuple[Annotated[Lower, AfterValidator(_one_word)], ...], Unique]
#: Abbreviations and brands are looked up by the mention without punctuation or spaces.
_Compact = matching("a compact key (lower-case letters and digits only)", r"[a-z0-9]+")


class DrugNameTables(Row):
    """``drug_names.yaml`` (see the file for what each table does). Lower case throughout: mentions are
    case-folded before any lookup, so an upper-case entry would never match."""

    form_words: _Words
    salt_words: _Words
    units: _Words
    abbreviations: dict[_Compact, Lower]
    extra_brands: dict[_Compact, Lower]
    brand_overrides: dict[Lower, Lower]
    same_drug: dict[Lower, Lower]


def drug_name_tables() -> DrugNameTables:
    """The shipped drug-name tables, read through their schema (once per process)."""
    return load_cached(DRUG_NAMES_PATH, DrugNameTables)
