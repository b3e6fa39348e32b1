"""Parsed knowledge base: hand-written knowledge (``knowledge.py``) joined to the real vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.labels import SERVICES
from core.synth import cases as C
from core.synth import knowledge as K
from core.lexicon import drugs as lex
from core.lexicon import icd
from core.synth import pools


@dataclass(frozen=True)
class Cond:
    code: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Sym:
    text: str
    code: str | None


@dataclass(frozen=True)
class DrugProfile:
    strengths: tuple[str, ...]
    unit: str
    form: str
    route: str
    freq: str


@dataclass(frozen=True)
class DrugEntry:
    """One drug the synthesizer can write: display name(s), DrugBank id and typical sigs."""

    key: str                          # profile name or dictionary canonical
    names: tuple[str, ...]            # generic surface forms
    brands: tuple[str, ...]           # brand surface forms
    code: str | None                  # DrugBank id
    canonical_keys: tuple[str, ...]   # identities for the held-out split
    profiles: tuple[DrugProfile, ...]
    from_dictionary: bool = False


_SUFFIXES = (" nasal", " otic", " oral", " pediatric")

_NAME_VARIANTS = {
    "metoprolol succinate": ("metoprolol succinate", "metoprolol succ", "metoprolol"),
    "metoprolol tartrate": ("metoprolol tartrate", "metoprolol", "metoprolol tart"),
    "amoxicillin clavulanate": ("amoxicillin-clavulanate", "amoxicillin/clavulanate", "amox-clav"),
    "sulfamethoxazole": ("sulfamethoxazole-trimethoprim", "TMP-SMX", "sulfamethoxazole/trimethoprim"),
    "vitamin D": ("vitamin D3", "vitamin D", "cholecalciferol"),
    "polyethylene glycol": ("polyethylene glycol", "PEG 3350", "MiraLax"),
    "hydrochlorothiazide": ("hydrochlorothiazide", "HCTZ"),
    "potassium chloride": ("potassium chloride", "KCl", "K-Dur"),
    "nitroglycerin": ("nitroglycerin", "NTG", "nitroglycerin"),
    "insulin glargine": ("insulin glargine", "glargine"),
    "acetaminophen": ("acetaminophen", "acetaminophen", "APAP"),
    "prenatal vitamins": ("prenatal vitamins", "prenatal vitamin", "PNV"),
    "isosorbide mononitrate": ("isosorbide mononitrate", "Imdur"),
    "hydrocodone": ("hydrocodone-acetaminophen", "hydrocodone/APAP", "Norco"),
    "epoetin alfa": ("epoetin alfa", "EPO", "Epogen"),
}


def _lines(block: str) -> list[list[str]]:
    return [ln.split("|") for ln in block.strip().splitlines() if ln.strip()]


def _conds(block: str) -> tuple[Cond, ...]:
    out = []
    for parts in _lines(block):
        if icd.is_valid_icd(parts[0]):
            out.append(Cond(icd.dotted(parts[0]), tuple(parts[1:])))
    return tuple(out)


def _syms(block: str | list[str]) -> tuple[Sym, ...]:
    rows = [ln.split("|") for ln in block] if isinstance(block, list) else _lines(block)
    out = []
    for parts in rows:
        code = parts[1] if len(parts) > 1 and parts[1] and icd.is_valid_icd(parts[1]) else None
        out.append(Sym(parts[0], icd.dotted(code) if code else None))
    return tuple(out)


@dataclass(frozen=True)
class KB:
    services: dict[str, dict]
    comorbidities: tuple[Cond, ...]
    peds_comorbidities: tuple[Cond, ...]
    family: tuple[Cond, ...]
    ros_negatives: tuple[Sym, ...]
    drugs: dict[str, DrugEntry]           # profiled drugs by profile name
    dictionary_drugs: tuple[DrugEntry, ...]
    icd_pools: dict[str, tuple[pools.IcdEntry, ...]]


_GENERIC_PROFILES = (
    DrugProfile(("5", "10", "20", "25", "50", "100"), "mg", "tablet", "PO", "daily"),
    DrugProfile(("100", "200", "250", "500"), "mg", "tablet", "PO", "bid"),
    DrugProfile(("10", "25", "50"), "mg", "capsule", "PO", "tid"),
    DrugProfile(("1", "2", "4"), "mg", "injection", "IV", "q6h"),
)


def _refined(svc: str) -> dict:
    """The service's hand-written knowledge with :mod:`core.synth.cases` removals and additions applied."""
    k = dict(K.SERVICES_KNOWLEDGE[svc])
    for key, drop in C.REMOVE.get(svc, {}).items():
        if isinstance(k[key], str):
            k[key] = "\n".join(ln for ln in k[key].strip().splitlines() if ln.split("|")[0] not in drop and ln.split("|")[0].strip())
        else:
            k[key] = [x for x in k[key] if x not in drop]
    for key, add in C.EXTRA.get(svc, {}).items():
        if isinstance(k.get(key), str):
            k[key] = k[key].rstrip() + "\n" + str(add).strip()
        else:
            k[key] = list(k.get(key, [])) + list(add)  # type: ignore[arg-type]
    return k


@lru_cache(maxsize=1)
def load_kb() -> KB:
    infos, v2c = lex.drug_index()
    profiles: dict[str, list[DrugProfile]] = {}
    for parts in _lines(K.DRUG_PROFILES):
        name, strengths, unit, form, route, freq = parts
        profiles.setdefault(name, []).append(DrugProfile(tuple(strengths.split(",")), unit, form, route, freq))
    brands: dict[str, list[str]] = {}
    for brand, generic in _lines(K.BRANDS):
        gen_info = lex.resolve_drug(generic)
        bcanon = v2c.get(brand.lower())
        if bcanon is not None and (gen_info is None or bcanon != gen_info.canonical):
            continue
        brands.setdefault(generic, []).append(brand)
    drugs: dict[str, DrugEntry] = {}
    for name in sorted(profiles):
        info = lex.resolve_drug(name)
        base = name
        for suf in _SUFFIXES:
            if base.endswith(suf):
                base = base[: -len(suf)]
        names = _NAME_VARIANTS.get(base, (base,))
        keys = sorted({info.canonical if info else base.lower()})
        drugs[name] = DrugEntry(name, names, tuple(brands.get(base, ())) + tuple(brands.get(name, ())),
                                info.drugbank_id if info else None, tuple(keys), tuple(profiles[name]))
    profiled = {k for e in drugs.values() for k in e.canonical_keys}
    dict_drugs = []
    for info in lex.common_drugs():
        if info.canonical in profiled:
            continue
        dict_drugs.append(DrugEntry(info.canonical, (info.canonical,),
                                    tuple(b for b in info.brands if b.isalpha() and len(b) > 3),
                                    info.drugbank_id, (info.canonical,), _GENERIC_PROFILES, True))
    services = {}
    for svc in SERVICES:
        k = _refined(svc)
        k["conditions"] = _conds(k["conditions"])
        k["symptoms"] = _syms(k["symptoms"])
        k["cases"] = tuple(dict(c, dx=_conds(str(c.get("dx", "")))) for c in C.CASES.get(svc, ()))
        k["exam_blocks"] = tuple(C.EXAM_BLOCKS.get(svc, ()))
        k["drugs"] = tuple(d for d in k["drugs"] if d in drugs)
        services[svc] = k
    return KB(services, _conds(K.COMORBIDITIES), _conds(K.PEDS_COMORBIDITIES), _conds(K.FAMILY_HISTORY_CONDITIONS),
              _syms(K.GENERIC_ROS_NEG), drugs, tuple(dict_drugs), pools.icd_pools())
