"""The synthesizer's knowledge, joined once: its data files (:mod:`core.synth.tables`), the clinical wording of
conditions (:mod:`core.lexicon.clinical`) and the drug dictionary (:mod:`core.lexicon.drugs`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.knowledge.schema import DataFileError
from core.labels import SERVICES
from core.lexicon import clinical
from core.lexicon import drugs as lex
from core.synth import pools, tables


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


#: Profile names that are a drug plus a route or population ("fluticasone nasal"): same names and brands.
_SUFFIXES = (" nasal", " otic", " oral", " pediatric")


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


def _conds(rows: tuple[clinical.Condition, ...]) -> tuple[Cond, ...]:
    return tuple(Cond(r.code, r.names) for r in rows)


def _syms(rows: tuple[clinical.Symptom, ...]) -> tuple[Sym, ...]:
    return tuple(Sym(r.name, r.code) for r in rows)


def _profile(sig: tables.Sig) -> DrugProfile:
    return DrugProfile(sig.strengths, sig.unit, sig.form, sig.route, sig.freq)


def _cases(svc: str, diagnoses: dict[str, tuple[clinical.Condition, ...]]) -> tuple[dict, ...]:
    """The service's cases as the note writer reads them, each with its diagnoses from the clinical lexicon."""
    own = tables.cases(svc)
    ids = [c.id for c in own]
    if set(ids) != set(diagnoses):
        raise DataFileError(
            f"core/synth/data/cases/{svc}.yaml and {clinical.CLINICAL_CONDITIONS_PATH.name} (case_diagnoses > {svc}) "
            f"must name the same cases: only in the cases {sorted(set(ids) - set(diagnoses))}, "
            f"only in the diagnoses {sorted(set(diagnoses) - set(ids))}")
    return tuple({"id": c.id, "procs": list(c.procs), "dx": _conds(diagnoses[c.id]), "phrases": list(c.phrases),
                  "exam": list(c.exam), "findings": list(c.findings), "details": list(c.details),
                  "plan": list(c.plan), "ages": c.ages, "sex": c.sex} for c in own)


def _service(svc: str, conditions: clinical.ClinicalConditions, drugs: dict[str, DrugEntry]) -> dict:
    """One service's pools, as the note writer reads (and per note, narrows) them."""
    t = tables.service(svc)
    own = conditions.services[svc]
    return {"specialty": list(t.specialty), "titles": list(t.titles), "conditions": _conds(own.conditions),
            "symptoms": _syms(own.symptoms), "procedures": list(t.procedures), "diagnostics": list(t.diagnostics),
            "exam": list(t.exam), "findings": list(t.findings), "op_details": list(t.op_details),
            "phrases": list(t.phrases), "plan": list(t.plan), "labs": list(t.labs),
            "drugs": tuple(d for d in t.drugs if d in drugs), "ages": t.ages,
            "cases": _cases(svc, conditions.case_diagnoses.get(svc, {})),
            "exam_blocks": tuple((b.title, list(b.options)) for b in t.exam_blocks)}


def _profiled_drugs() -> dict[str, DrugEntry]:
    """Drugs with hand-written profiles, by profile name (sorted), with their names, brands and DrugBank ids."""
    table = tables.drugs()
    _, v2c = lex.drug_index()
    profiles: dict[str, list[DrugProfile]] = {}
    for p in table.profiles:
        profiles.setdefault(p.name, []).append(_profile(p))
    brands: dict[str, list[str]] = {}
    for generic, names in table.brands.items():
        gen_info = lex.resolve_drug(generic)
        for brand in names:
            bcanon = v2c.get(brand.lower())
            if bcanon is not None and (gen_info is None or bcanon != gen_info.canonical):
                continue   # the dictionary knows this brand as another drug
            brands.setdefault(generic, []).append(brand)
    drugs: dict[str, DrugEntry] = {}
    for name in sorted(profiles):
        info = lex.resolve_drug(name)
        base = name
        for suf in _SUFFIXES:
            if base.endswith(suf):
                base = base[: -len(suf)]
        names = table.name_variants.get(base, (base,))
        keys = sorted({info.canonical if info else base.lower()})
        drugs[name] = DrugEntry(name, names, tuple(brands.get(base, ())) + tuple(brands.get(name, ())),
                                info.drugbank_id if info else None, tuple(keys), tuple(profiles[name]))
    return drugs


@lru_cache(maxsize=1)
def load_kb() -> KB:
    drugs = _profiled_drugs()
    profiled = {k for e in drugs.values() for k in e.canonical_keys}
    generic = tuple(_profile(s) for s in tables.drugs().dictionary_profiles)
    dict_drugs = []
    for info in lex.common_drugs():
        if info.canonical in profiled:
            continue
        dict_drugs.append(DrugEntry(info.canonical, (info.canonical,),
                                    tuple(b for b in info.brands if b.isalpha() and len(b) > 3),
                                    info.drugbank_id, (info.canonical,), generic, True))
    conditions = clinical.clinical_conditions()
    services = {svc: _service(svc, conditions, drugs) for svc in SERVICES}
    return KB(services, _conds(conditions.comorbidities), _conds(conditions.peds_comorbidities),
              _conds(conditions.family_history), _syms(conditions.ros_negatives), drugs, tuple(dict_drugs),
              pools.icd_pools())
