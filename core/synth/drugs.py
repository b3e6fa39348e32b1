"""Writing drug mentions with their attributes (STRENGTH, DOSE, ROUTE, FREQUENCY, FORM, DURATION).

How each part of a sig is worded (routes, frequencies, forms, dose units, durations, slot orders) is data:
``core/synth/data/sigs.yaml``.
"""

from __future__ import annotations

import random
from functools import lru_cache

from core.synth import tables
from core.synth.builder import Builder, misspell
from core.synth.kb import DrugEntry, DrugProfile

_COUNT_WORDS = {1: ("1", "one"), 2: ("2", "two"), 3: ("3", "three")}


@lru_cache(maxsize=1)
def _sigs() -> tables.SigTable:
    return tables.sigs()


@lru_cache(maxsize=1)
def _short_course() -> frozenset[str]:
    """Drugs usually prescribed for a course (a duration is often written after their sig)."""
    return frozenset(_sigs().short_course)


def fmt_strength(rng: random.Random, value: str, unit: str) -> str:
    if unit in ("%",):
        return f"{value}%"
    if unit == "drop" or unit == "tablet":
        return f"{value} {unit}"
    sep = " " if rng.random() < 0.75 else ""
    if unit in ("mg/5 mL", "mg/mL", "units/mL", "mg/kg", "mg/m2"):
        sep = " "
    u = unit
    if unit == "units" and rng.random() < 0.2:
        u = "U"
    if unit == "mg" and rng.random() < 0.05:
        u = "MG"
    return f"{value}{sep}{u}"


def fmt_dose(rng: random.Random, form: str) -> str | None:
    units = _sigs().dose_units.get(form)
    if not units:
        if form in ("suspension", "solution", "syrup", "drops"):
            return rng.choice(("5 mL", "2.5 mL", "7.5 mL", "1 tsp", "10 mL", "1 mL", "4 mL"))
        if form in ("cream", "ointment", "gel"):
            return rng.choice(("a thin layer", "thin film", "small amount"))
        return None
    n = 2 if form in ("inhaler", "nasal spray") and rng.random() < 0.7 else (1 if rng.random() < 0.8 else 2)
    sing, plur = rng.choice(units)
    word = rng.choice(_COUNT_WORDS[n]) if n != 1 or rng.random() < 0.3 else "1"
    return f"{word} {sing if n == 1 else plur}"


class DrugWriter:
    """Writes drug mentions into a :class:`Builder` and records the spans."""

    def __init__(self, b: Builder, rng: random.Random, *, misspell_rate: float = 0.03, brand_rate: float = 0.15):
        self.b = b
        self.rng = rng
        self.misspell_rate = misspell_rate
        self.brand_rate = brand_rate

    def surface(self, entry: DrugEntry, *, allow_brand: bool = True) -> tuple[str, dict]:
        rng = self.rng
        meta: dict = {"drug": entry.key, "canonical": entry.canonical_keys[0]}
        if allow_brand and entry.brands and rng.random() < (self.brand_rate if not entry.from_dictionary else 0.3):
            name = rng.choice(entry.brands)
            name = name if name[0].isupper() else name.capitalize()
            meta["brand"] = True
        else:
            name = rng.choice(entry.names)
            r = rng.random()
            if name.isupper() or any(c.isupper() for c in name[1:]):
                pass
            elif r < 0.42:
                name = name[0].upper() + name[1:]
            elif r < 0.46:
                name = name.upper()
        if rng.random() < self.misspell_rate and len(name) > 5 and " " not in name:
            name = misspell(rng, name)
            meta["misspelled"] = True
        return name, meta

    def mention(self, entry: DrugEntry, status: str, *, attrs: bool = True, fmt: tuple[str, ...] | None = None,
                lowercase: bool = False) -> int:
        """Write the drug (and, when ``attrs``, a sig) and return its group id."""
        rng, b = self.rng, self.b
        g = b.new_group()
        name, meta = self.surface(entry)
        if lowercase and not meta.get("brand"):
            name = name.lower()
        b.span(name, "DRUG", group=g, status=status, code=entry.code, meta=meta)
        if not attrs:
            return g
        prof: DrugProfile = rng.choice(entry.profiles)
        if fmt is None:
            fmt = rng.choice(_sigs().formats)
        self._sig(prof, fmt, g, entry)
        return g

    def _sig(self, prof: DrugProfile, fmt: tuple[str, ...], g: int, entry: DrugEntry) -> None:
        rng, b, sigs = self.rng, self.b, _sigs()
        dose_as_amount = prof.unit in ("units",) and prof.form == "pen" or prof.unit in ("drop", "tablet")
        for slot in fmt[1:]:
            if slot == "S":
                val = rng.choice(prof.strengths)
                b.raw(" ")
                b.span(fmt_strength(rng, val, prof.unit), "DOSE" if dose_as_amount else "STRENGTH", group=g)
            elif slot == "F":
                b.raw(" ")
                b.span(rng.choice(sigs.forms.get(prof.form, (prof.form,))), "FORM", group=g)
            elif slot == "O":
                dose = fmt_dose(rng, prof.form)
                if dose:
                    b.raw(" ")
                    b.span(dose, "DOSE", group=g)
            elif slot == "R":
                b.raw(" ")
                b.span(rng.choice(sigs.routes.get(prof.route, (prof.route,))), "ROUTE", group=g)
            elif slot == "Q":
                b.raw(" ")
                b.span(rng.choice(sigs.frequencies.get(prof.freq, ("daily",))), "FREQUENCY", group=g)
            elif slot == "(":
                b.raw(" (")
            elif slot == ")":
                b.raw(")")
            elif slot in (",", "-"):
                b.raw("," if slot == "," else " -")
            else:
                b.raw(" " + slot)
        if "Q" in fmt and (entry.key in _short_course() and rng.random() < 0.6 or rng.random() < 0.06):
            b.raw(" ")
            b.span(rng.choice(sigs.durations), "DURATION", group=g)

    def table_row(self, entry: DrugEntry, width: int = 24) -> int:
        """``Name        10 mg     PO     daily`` (columns padded with spaces or ``|``)."""
        rng, b, sigs = self.rng, self.b, _sigs()
        g = b.new_group()
        name, meta = self.surface(entry)
        b.span(name, "DRUG", group=g, status="current", code=entry.code, meta=meta)
        prof = rng.choice(entry.profiles)
        pipe = rng.random() < 0.4
        pad = max(1, width - len(name))
        b.raw(" | " if pipe else " " * pad)
        s = fmt_strength(rng, rng.choice(prof.strengths), prof.unit)
        b.span(s, "STRENGTH", group=g)
        b.raw(" | " if pipe else " " * max(1, 10 - len(s)))
        r = rng.choice(sigs.routes.get(prof.route, (prof.route,)))
        b.span(r, "ROUTE", group=g)
        b.raw(" | " if pipe else " " * max(1, 8 - len(r)))
        b.span(rng.choice(sigs.frequencies.get(prof.freq, ("daily",))), "FREQUENCY", group=g)
        return g
