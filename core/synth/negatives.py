"""What the synthesizer writes without a drug span: lab results, enzymes and genes, assay and study words, plant
compounds and research chemicals, personal names in note headers (``data/negatives.yaml``, :class:`NegativeTable`).

A drug mention is a medicine a patient could take. On real text a drug model also tagged enzymes ("CYP3A4"),
study abbreviations ("AUC"), research chemicals, analytes with a value ("potassium 4.1") and a patient's name in
the header; written here as plain text next to real drug spans, they teach it the difference.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Annotated

from pydantic import Field, model_validator

from core.knowledge.fields import Unique, one_of
from core.knowledge.schema import Row, load_cached
from core.labels import DRUG_STATUSES
from core.synth.tables import DATA_DIR

_Text = Annotated[str, Field(min_length=1)]
_Some = Annotated[tuple[_Text, ...], Field(min_length=1), Unique]


class Analyte(Row):
    """A lab analyte: how it is written and the values drawn for it."""

    names: _Some
    low: float
    high: float
    decimals: Annotated[int, Field(ge=0, le=2)]
    units: _Some

    @model_validator(mode="after")
    def _range(self) -> Analyte:
        if self.low >= self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        return self


class SurnameParts(Row):
    starts: _Some
    middles: _Some
    ends: _Some


class ClassSentence(Row):
    """A note sentence naming a drug class, with the status of the class mention."""

    status: one_of("status", DRUG_STATUSES)
    text: _Text


class NegativeTable(Row):
    """``negatives.yaml`` (see the file's header for what each list is)."""

    analytes: Annotated[tuple[Analyte, ...], Field(min_length=1)]
    panel_intros: _Some
    enzymes: _Some
    note_genetics: _Some
    assays: _Some
    pk_measures: _Some
    study_terms: _Some
    supplements: _Some
    supplement_sentences: _Some
    first_names: _Some
    surname_parts: SurnameParts
    header_lines: _Some
    provider_lines: _Some
    date_lines: _Some
    class_sentences: Annotated[tuple[ClassSentence, ...], Field(min_length=1)]
    allergy_classes: _Some
    substances: _Some


def negatives() -> NegativeTable:
    """The shipped table, read through its schema (once per process)."""
    return load_cached(DATA_DIR / "negatives.yaml", NegativeTable)


# -- substances that are not medicines ---------------------------------------------------------------------
#: Chemistry a dictionary entry without a product has in its name: locants ("2,3-", "5'-"), acids, sugars and
#: esters, radiolabels ("f-18"), stereo prefixes ("beta-d-"): metabolites and research chemicals.
_CHEMISTRY = re.compile(r"^\d|\d,\d|\d'|-\d+\b|\b\d+-|\bacid\b|\b(?:alpha|beta|l|d|n|o|s)-[a-z]-|\b[a-z]-\d|"
                        r"\b(?:f|c|i|tc|se|ga|in)-\d+\b|phosphate$|\bester\b|coa\b|ose\b")


def is_medicine(canonical: str) -> bool:
    """Whether a dictionary entry is a medicine a patient could take: it has a MedlinePlus monograph, an NHS
    medicines page or a brand (a marketed product)."""
    from core.lexicon import drugs as lex

    infos, _ = lex.drug_index()
    info = infos.get(canonical)
    if info is None:
        return False
    return info.common or bool(info.brands) or "nhs_url" in lex.drug_dictionary()["drug_canonical_to_data"][canonical]


@lru_cache(maxsize=1)
def research_chemicals() -> tuple[str, ...]:
    """Dictionary names of metabolites and research chemicals (no product, chemistry in the name, not one of the
    literature's medicines such as glucose), sorted."""
    from core.synth.literature import chemical_names
    from core.synth.tables import literature

    medicines = {e.lower() for e in literature().endogenous}
    return tuple(name for name, canon, _ in chemical_names()
                 if not is_medicine(canon) and _CHEMISTRY.search(name) and name not in medicines)


@lru_cache(maxsize=1)
def supplements() -> tuple[str, ...]:
    """The table's plant compounds and supplements that are no medicine of the dictionary (in file order)."""
    from core.lexicon import drugs as lex

    out = []
    for name in negatives().supplements:
        info = lex.resolve_drug(name)
        if info is None or not is_medicine(info.canonical):
            out.append(name)
    return tuple(out)


@lru_cache(maxsize=1)
def non_medicine_keys() -> frozenset[str]:
    """Canonical dictionary keys never to label as a drug (the two lists above)."""
    return frozenset(research_chemicals()) | frozenset(s.lower() for s in supplements())


# -- writing them ------------------------------------------------------------------------------------------
def lab_value(rng: random.Random, analyte: Analyte) -> str:
    """``potassium 4.1``, ``Na: 138 mmol/L``, ``creatinine of 1.2``: an analyte with its value."""
    v = rng.uniform(analyte.low, analyte.high)
    value = f"{v:.{analyte.decimals}f}"
    name = rng.choice(analyte.names)
    sep = rng.choice((" ", " ", ": ", " of ", " was ", " ")) if not name.endswith("+") else " "
    unit = f" {rng.choice(analyte.units)}" if rng.random() < 0.3 else ""
    return f"{name}{sep}{value}{unit}"


def lab_line(rng: random.Random, k: int | None = None) -> str:
    """A line of lab results: an intro and two to eight analytes with values."""
    table = negatives()
    k = k or rng.randint(2, 8)
    picks = rng.sample(table.analytes, min(k, len(table.analytes)))
    values = ", ".join(lab_value(rng, a) for a in picks)
    return f"{rng.choice(table.panel_intros)} {values}."


def surname(rng: random.Random) -> str:
    """A surname no list holds ("Quixote"-like): a start, maybe a middle, an end."""
    p = negatives().surname_parts
    middle = rng.choice(p.middles) if rng.random() < 0.5 else ""
    return rng.choice(p.starts) + middle + rng.choice(p.ends)


def person(rng: random.Random, known_surnames: tuple[str, ...] = ()) -> tuple[str, str]:
    """(first, last) name: a listed first name, a generated surname or (half the time) a known one."""
    first = rng.choice(negatives().first_names)
    last = rng.choice(known_surnames) if known_surnames and rng.random() < 0.5 else surname(rng)
    return first, last


def header(rng: random.Random, *, age: str, sex: str, known_surnames: tuple[str, ...] = (),
           sep: str = "\n") -> str:
    """A note header naming the patient (and often a provider and a date), lines joined by ``sep``."""
    table = negatives()
    first, last = person(rng, known_surnames)
    year = rng.randint(1930, 2020)
    dob = (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.5
           else f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{year}")
    date = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2015, 2025)}"
    fields = {"name": f"{first} {last}", "first": first, "last": last, "FIRST": first.upper(), "LAST": last.upper(),
              "dob": dob, "mrn": str(rng.randint(10 ** 6, 10 ** 8)), "date": date, "age": age, "sex": sex}
    lines = [rng.choice(table.header_lines).format(**fields)]
    if rng.random() < 0.5:
        lines.append(rng.choice(table.date_lines).format(**fields))
    if rng.random() < 0.6:
        pfirst, plast = person(rng, known_surnames)
        lines.append(rng.choice(table.provider_lines).format(**{**fields, "first": pfirst, "last": plast}))
    return sep.join(lines)


def fill(rng: random.Random, template: str, *, he: str = "he") -> str:
    """A note sentence of the table with its slots filled ({E} enzyme, {S}/{S2} supplements, {n}, {He})."""
    table = negatives()
    sup = supplements()
    s1, s2 = rng.sample(sup, 2) if len(sup) > 1 else (sup[0], sup[0])
    values = {"E": rng.choice(table.enzymes), "S": s1, "S2": s2, "n": str(rng.randint(20, 160)),
              "He": he.capitalize()}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def article(word: str) -> str:
    """``a`` or ``an`` before a class form ("an ACE inhibitor", "an SSRI", "a statin")."""
    if re.match(r"[A-Z0-9]{2,}", word):   # an acronym is spelt out: "an SSRI", "a PPI"
        return "an" if word[0] in "AEFHILMNORSX8" else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"
