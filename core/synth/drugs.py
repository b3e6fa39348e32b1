"""Writing drug mentions with their attributes (STRENGTH, DOSE, ROUTE, FREQUENCY, FORM, DURATION)."""

from __future__ import annotations

import random

from core.synth.builder import Builder, misspell
from core.synth.kb import DrugEntry, DrugProfile

ROUTES: dict[str, tuple[str, ...]] = {
    "PO": ("PO", "PO", "po", "p.o.", "by mouth", "orally", "oral"),
    "IV": ("IV", "IV", "intravenously", "IVPB"),
    "SC": ("subcut", "SC", "SQ", "subcutaneously", "subQ"),
    "IM": ("IM", "intramuscularly", "IM"),
    "INH": ("inhaled", "via inhaler", "by inhalation", "INH"),
    "NAS": ("each nostril", "intranasally", "in each nostril", "nasally"),
    "OPH": ("OU", "OD", "OS", "in both eyes", "in the right eye", "in the left eye", "OU"),
    "OTIC": ("in the affected ear", "AU", "AD", "in the right ear"),
    "TOP": ("topically", "to affected area", "topical", "to the affected areas"),
    "SL": ("SL", "sublingually", "under the tongue"),
    "local": ("locally", "subcutaneously", "by local infiltration"),
}

FREQUENCIES: dict[str, tuple[str, ...]] = {
    "daily": ("daily", "daily", "once daily", "qd", "q.d.", "QD", "once a day", "every day", "qday"),
    "daily_am": ("every morning", "qAM", "daily before breakfast", "q.a.m.", "daily"),
    "bid": ("BID", "b.i.d.", "twice daily", "twice a day", "bid", "q12h", "every 12 hours"),
    "bid_meals": ("BID with meals", "twice daily with meals", "b.i.d. with meals", "BID"),
    "tid": ("TID", "t.i.d.", "three times daily", "three times a day", "tid", "q8h"),
    "tid_meals": ("TID with meals", "with meals", "TID AC", "three times daily with meals", "AC"),
    "tid_prn": ("TID prn", "three times daily as needed", "t.i.d. p.r.n. spasm", "TID PRN"),
    "qid": ("QID", "q.i.d.", "four times daily", "four times a day", "qid", "q6h"),
    "qhs": ("qhs", "at bedtime", "q.h.s.", "nightly", "QHS", "every night at bedtime", "at night"),
    "prn": ("as needed", "PRN", "prn", "p.r.n."),
    "prn_chest": ("q5min prn chest pain", "every 5 minutes as needed for chest pain", "PRN chest pain", "q5 min x3 prn"),
    "prn_sob": ("q4-6h prn wheezing", "every 4 hours as needed for shortness of breath", "q4h PRN", "q6h prn SOB", "PRN"),
    "prn_headache": ("at onset of headache, may repeat in 2 hours", "PRN migraine", "as needed for headache", "prn"),
    "q4h_prn": ("q4h prn pain", "every 4 hours as needed for pain", "q4-6h PRN", "q4h p.r.n.", "every 4-6 hours as needed"),
    "q6h_prn": ("q6h prn", "every 6 hours as needed", "q6h PRN pain", "q.6h. p.r.n.", "every 6 hours as needed for pain"),
    "q8h_prn": ("q8h prn", "every 8 hours as needed", "q8h PRN nausea", "every 8 hours as needed for nausea"),
    "q8h": ("q8h", "every 8 hours", "q.8h.", "TID"),
    "q6h": ("q6h", "every 6 hours", "q.6h."),
    "weekly": ("weekly", "once weekly", "once a week", "every week", "q week"),
    "weekly3": ("three times weekly", "3 times a week", "Mon/Wed/Fri"),
    "q2w": ("every 2 weeks", "q2 weeks", "every other week", "q14 days"),
    "q3w": ("every 3 weeks", "q21 days", "q3 weeks"),
    "q8w": ("every 8 weeks", "q8 weeks"),
    "q3m": ("every 3 months", "q3 months", "every 12 weeks"),
    "monthly": ("monthly", "once a month", "every month", "q month"),
    "once": ("once", "x1", "one dose", "now", "STAT"),
}

FORMS: dict[str, tuple[str, ...]] = {
    "tablet": ("tablet", "tab", "tablet", "tabs"),
    "ER tablet": ("ER", "XL", "extended-release tablet", "SR", "ER tablet"),
    "DR tablet": ("DR tablet", "delayed-release tablet", "DR"),
    "XL tablet": ("XL", "extended-release tablet", "XL tablet"),
    "ER capsule": ("ER capsule", "XR", "ER", "extended-release capsule"),
    "capsule": ("capsule", "cap", "capsule", "caps"),
    "SL tablet": ("SL tablet", "sublingual tablet", "SL tab"),
    "SL film": ("SL film", "sublingual film", "film"),
    "ODT": ("ODT", "orally disintegrating tablet", "ODT tablet"),
    "inhaler": ("inhaler", "HFA", "MDI", "inhaler", "HFA inhaler", "Diskus"),
    "eye drops": ("ophthalmic solution", "eye drops", "drops", "ophthalmic drops", "gtts"),
    "otic drops": ("otic drops", "otic solution", "ear drops"),
    "nasal spray": ("nasal spray", "spray", "NS"),
    "cream": ("cream", "cream", "topical cream"),
    "ointment": ("ointment", "oint"),
    "gel": ("gel", "topical gel"),
    "injection": ("injection", "inj", "injection", "solution"),
    "infusion": ("infusion", "IV infusion", "in 250 mL NS"),
    "pen": ("pen", "FlexPen", "prefilled pen", "pen injector"),
    "suspension": ("suspension", "oral suspension", "susp", "liquid"),
    "solution": ("solution", "oral solution", "syrup"),
    "syrup": ("syrup", "liquid"),
    "drops": ("drops", "oral drops", "liquid"),
    "powder": ("powder", "packet", "powder for solution"),
}

_COUNT_WORDS = {1: ("1", "one"), 2: ("2", "two"), 3: ("3", "three")}
_DOSE_UNITS: dict[str, tuple[tuple[str, str], ...]] = {
    # form -> (singular, plural) unit words for DOSE
    "tablet": (("tab", "tabs"), ("tablet", "tablets"), ("pill", "pills")),
    "ER tablet": (("tab", "tabs"), ("tablet", "tablets")),
    "DR tablet": (("tablet", "tablets"),), "XL tablet": (("tablet", "tablets"),),
    "capsule": (("cap", "caps"), ("capsule", "capsules")), "ER capsule": (("capsule", "capsules"),),
    "SL tablet": (("tablet", "tablets"),), "ODT": (("tablet", "tablets"),), "SL film": (("film", "films"),),
    "inhaler": (("puff", "puffs"), ("inhalation", "inhalations")),
    "eye drops": (("drop", "drops"), ("gtt", "gtts")), "otic drops": (("drop", "drops"),),
    "nasal spray": (("spray", "sprays"),), "powder": (("capful", "capfuls"), ("packet", "packets")),
}
_DURATIONS = ("for 7 days", "x 10 days", "for 10 days", "for 5 days", "x5 days", "for 2 weeks", "for 14 days",
              "for 3 days", "for one week", "for 6 weeks", "for 3 months", "x 7d", "for 1 month", "for 4 weeks")
_SHORT_COURSE = {"amoxicillin", "azithromycin", "cephalexin", "ciprofloxacin", "nitrofurantoin", "levofloxacin",
                 "doxycycline", "metronidazole", "prednisone", "cefdinir", "sulfamethoxazole", "amoxicillin clavulanate",
                 "fluconazole", "valacyclovir", "acyclovir", "ceftriaxone", "oxycodone", "hydrocodone", "tramadol",
                 "prednisolone", "methylprednisolone", "clindamycin", "ondansetron", "benzonatate", "cyclobenzaprine",
                 "amoxicillin pediatric", "azithromycin pediatric", "cefdinir pediatric", "ciprofloxacin otic",
                 "amoxicillin clavulanate pediatric", "terbinafine", "enoxaparin", "mupirocin", "oxymetazoline"}

# Formats: sequences of slots. D=drug, S=strength, F=form, O=dose, R=route, Q=frequency, U=duration.
_FORMATS = (
    ("D", "S", "R", "Q"), ("D", "S", "R", "Q"), ("D", "S", "F", "R", "Q"), ("D", "S", ",", "O", "R", "Q"),
    ("D", "F", "S", "Q"), ("D", "S", "F", ",", "take", "O", "R", "Q"), ("D", "S", "Q"), ("D", "S", "Q"),
    ("D", "S"), ("D",), ("D", "S", "O", "R", "Q"), ("D", "O", "R", "Q"), ("D", "S", "F", "O", "R", "Q"),
    ("D", "(", "S", ")", "O", "R", "Q"), ("D", "S", "-", "O", "Q"),
)


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
    units = _DOSE_UNITS.get(form)
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
            fmt = rng.choice(_FORMATS)
        self._sig(prof, fmt, g, entry)
        return g

    def _sig(self, prof: DrugProfile, fmt: tuple[str, ...], g: int, entry: DrugEntry) -> None:
        rng, b = self.rng, self.b
        dose_as_amount = prof.unit in ("units",) and prof.form == "pen" or prof.unit in ("drop", "tablet")
        for slot in fmt[1:]:
            if slot == "S":
                val = rng.choice(prof.strengths)
                b.raw(" ")
                b.span(fmt_strength(rng, val, prof.unit), "DOSE" if dose_as_amount else "STRENGTH", group=g)
            elif slot == "F":
                b.raw(" ")
                b.span(rng.choice(FORMS.get(prof.form, (prof.form,))), "FORM", group=g)
            elif slot == "O":
                dose = fmt_dose(rng, prof.form)
                if dose:
                    b.raw(" ")
                    b.span(dose, "DOSE", group=g)
            elif slot == "R":
                b.raw(" ")
                b.span(rng.choice(ROUTES.get(prof.route, (prof.route,))), "ROUTE", group=g)
            elif slot == "Q":
                b.raw(" ")
                b.span(rng.choice(FREQUENCIES.get(prof.freq, ("daily",))), "FREQUENCY", group=g)
            elif slot == "(":
                b.raw(" (")
            elif slot == ")":
                b.raw(")")
            elif slot in (",", "-"):
                b.raw("," if slot == "," else " -")
            else:
                b.raw(" " + slot)
        if "Q" in fmt and (entry.key in _SHORT_COURSE and rng.random() < 0.6 or rng.random() < 0.06):
            b.raw(" ")
            b.span(rng.choice(_DURATIONS), "DURATION", group=g)

    def table_row(self, entry: DrugEntry, width: int = 24) -> int:
        """``Name        10 mg     PO     daily`` (columns padded with spaces or ``|``)."""
        rng, b = self.rng, self.b
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
        r = rng.choice(ROUTES.get(prof.route, (prof.route,)))
        b.span(r, "ROUTE", group=g)
        b.raw(" | " if pipe else " " * max(1, 8 - len(r)))
        b.span(rng.choice(FREQUENCIES.get(prof.freq, ("daily",))), "FREQUENCY", group=g)
        return g
