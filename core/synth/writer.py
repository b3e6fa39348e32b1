"""The note writer's state and helpers: one note's random choices (patient, conditions, medications, case)
and the primitives every section writes with (headers, condition and symptom spans, template sentences).

The sections (:mod:`core.synth.sections`) and the note styles (:mod:`core.synth.styles`) build on this class;
:class:`core.synth.generator.NoteSynthesizer` makes one writer per note.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from core.lexicon import drugs as lex
from core.synth import tables
from core.synth.builder import Builder
from core.synth.drugs import DrugWriter
from core.synth.kb import Cond, DrugEntry, Sym
from core.synth.tables import STYLES

if TYPE_CHECKING:
    from core.synth.generator import NoteSynthesizer

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9]+)\}|\[\[([^\]|]+)(?:\|([^\]]*))?\]\]")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_VERBOSITY_SCALE = {"short": 1.0, "medium": 1.0, "long": 1.5, "xlong": 2.2}


class WriterBase:
    """One note's state: every note-level random choice is made here, in a fixed order (same seed, same note)."""

    def __init__(self, synth: NoteSynthesizer, service: str, rng: random.Random, *,
                 extra_rng: random.Random | None = None) -> None:
        self.s = synth
        #: Draws of the negatives and drug classes (:mod:`core.synth.negatives`), apart from ``rng``; they are
        #: written with ``Builder.raw``/``span``, which draw nothing, so the rest of the note does not change.
        self.xr = extra_rng if extra_rng is not None else random.Random(f"{service}/negatives")
        self.kb = synth.kb
        self.common = tables.common()
        self.drug_table = tables.drugs()
        service_table = tables.service(service)
        self.service = service
        self.k = self.kb.services[service]
        self.rng = rng
        r = rng.random
        layout = "mts" if r() < 0.18 else ("inline" if r() < 0.3 else "lines")
        case = "upper" if r() < 0.03 else ("lower" if r() < 0.02 else None)
        self.b = Builder(rng, abbrev=(0.5 if r() < 0.35 else 0.0), typo_rate=(0.08 if r() < 0.3 else 0.0),
                         case=case, layout=layout)
        self.dw = DrugWriter(self.b, rng, misspell_rate=0.04 if r() < 0.5 else 0.0)
        self.style = rng.choices(STYLES, weights=service_table.weights)[0]
        self.verbosity = rng.choices(("short", "medium", "long", "xlong"), weights=(2, 4, 4, 3))[0]
        self.header_case = rng.choices(("upper", "title"), weights=(8, 2))[0]
        # patient
        female = r() < service_table.female_share
        self.female = female
        self.he, self.his, self.him = ("she", "her", "her") if female else ("he", "his", "him")
        self.sexword = rng.choice(("female", "woman", "lady") if female else ("male", "man", "gentleman"))
        self._draw_age(*self.k["ages"])
        # clinical content
        self.main = self._main_condition()
        self.second = self._main_condition()
        self.comorbid = self._comorbidities()
        self.proc = rng.choice(self.k["procedures"])
        self.test = rng.choice(self.k["diagnostics"])
        self.dr = rng.choice(self.common.doctors)
        self.dr2 = rng.choice(self.common.doctors)
        self.meds = self._med_list()
        self.case: dict[str, Any] | None = None
        self._pick_case()

    # ------------------------------------------------------------------------------- choices
    def _set_sex(self, female: bool) -> None:
        """The patient's sex, pronouns and the word for an adult (a case of one sex changes them)."""
        self.female = female
        self.he, self.his, self.him = ("she", "her", "her") if female else ("he", "his", "him")
        self._draw_age(self.age_years, self.age_years, redraw=True)

    def _draw_age(self, lo: int, hi: int, *, redraw: bool = False) -> None:
        """The patient's age and the words for it. A pediatrics note mixes infants, small and older children; a
        ``redraw`` (a case for another age range) also rewords an adult."""
        rng, female, service = self.rng, self.female, self.service
        if service == "pediatrics" and (lo, hi) == tuple(self.k["ages"]):
            self.age_years = rng.choices((0, rng.randint(1, 5), rng.randint(6, 17)), weights=(4, 4, 3))[0]
        else:
            self.age_years = rng.randint(lo, hi)
        if self.age_years < 18:
            if self.age_years == 0:
                self.sexword = rng.choice(("female infant", "baby girl", "infant") if female
                                          else ("male infant", "baby boy", "infant"))
            elif self.age_years < 13:
                self.sexword = rng.choice(("girl", "female") if female else ("boy", "male"))
            else:
                self.sexword = rng.choice(("adolescent female", "girl", "female") if female
                                          else ("adolescent male", "boy", "male"))
        elif redraw:
            self.sexword = rng.choice(("female", "woman", "lady") if female else ("male", "man", "gentleman"))
        self.age_str = self._age_string()
        self.is_child = self.age_years < 18
        if service == "pediatrics":
            infant = re.compile(r"baby|diaper|breastfeed|Born at|feeding well|fontanelle|Red reflex|newborn|infant",
                                re.I)
            keep_infant = self.age_years < 2
            self.k = dict(self.k)
            for key in ("phrases", "plan", "exam", "findings"):
                self.k[key] = [t for t in self.k[key] if bool(infant.search(t)) == keep_infant or not infant.search(t)]

    def _pick_case(self) -> None:
        """Maybe focus the note on one encounter type (procedure + matching diagnoses and wording)."""
        rng = self.rng
        cases = self.k.get("cases") or ()
        if not cases or rng.random() >= (0.85 if self.style == "operative" else 0.5):
            return
        case = cases[rng.randrange(len(cases))]
        self.case = case
        if case.get("sex") and (case["sex"] == "female") != self.female:
            self._set_sex(case["sex"] == "female")
        if case.get("ages") and not case["ages"][0] <= self.age_years <= case["ages"][1]:
            # an encounter of children (a neonatal circumcision) or adults only: the patient is redrawn for it
            self._draw_age(*case["ages"], redraw=True)
            self.comorbid = self._comorbidities()
            self.meds = self._med_list()
        self.proc = rng.choice(case["procs"])
        if case["dx"]:
            self.main = rng.choice(case["dx"])
            self.second = rng.choice(case["dx"]) if rng.random() < 0.5 else self.second
        k = dict(self.k)
        for key in ("phrases", "exam", "findings", "plan"):
            own = list(case.get(key, ()))
            if own:
                k[key] = own + (list(k[key]) if len(own) < 4 and rng.random() < 0.5 else [])
        if case.get("details"):
            k["op_details"] = list(case["details"])
        self.k = k

    def _age_string(self) -> str:
        rng, a = self.rng, self.age_years
        if a == 0:
            kind = rng.randrange(3)
            if kind == 0:
                return f"{rng.randint(1, 6)}-day-old"
            if kind == 1:
                return f"{rng.randint(1, 8)}-week-old"
            return f"{rng.randint(1, 11)}-month-old"
        if a < 3 and rng.random() < 0.5:
            return f"{a * 12 + rng.randint(0, 11)}-month-old"
        return f"{a}-year-old"

    def _main_condition(self) -> Cond:
        rng = self.rng
        pool = self.kb.icd_pools.get(self.service, ())
        icd_p = 0.12 if self.service in ("pediatrics", "general_medicine", "obstetrics_gynecology") else 0.22
        if pool and rng.random() < icd_p:
            e = pool[rng.randrange(len(pool))]
            return Cond(e.code, (e.name,))
        return rng.choice(self.k["conditions"])

    def _comorbidities(self) -> list[Cond]:
        rng = self.rng
        if self.is_child:
            pool = self.kb.peds_comorbidities
            n = rng.choice((0, 0, 1, 1, 2)) if self.age_years >= 2 else 0
        else:
            pool = self.kb.comorbidities
            n = rng.choice((1, 1, 2, 2, 3, 3, 4, 5)) if self.age_years > 40 else rng.choice((0, 0, 1, 1, 2))
            if self.service == "general_medicine":
                n = rng.choice((2, 3, 4, 4, 5, 6)) if self.age_years > 35 else rng.choice((1, 2, 2, 3))
        picks = rng.sample(pool, min(n, len(pool)))
        if not self.is_child and self.age_years > 40 and rng.random() < 0.3:
            common = [c for c in pool if c.code in ("I10", "E11.9", "E78.5")]  # the most prevalent chronic problems
            extra = rng.choice(common) if common else None
            if extra is not None and extra not in picks:
                picks.insert(0, extra)
        return [c for c in picks if c.code != self.main.code]

    def _med_list(self) -> list[DrugEntry]:
        rng = self.rng
        s = self.s
        meds: list[DrugEntry] = []
        svc_pool = s._service_drugs[self.service]
        n_svc = rng.choice((0, 1, 1, 2, 2, 3, 4))
        if svc_pool:
            meds += rng.sample(svc_pool, min(n_svc, len(svc_pool)))
        for c in self.comorbid:
            names = self.drug_table.comorbidity_drugs.get(c.code, ())
            if names and rng.random() < 0.75:
                e = s.drugs.get(rng.choice(names))
                if e is not None:
                    meds.append(e)
        n_dict = sum(rng.random() < p for p in (0.25, 0.1, 0.05))
        if s.drug_split == "heldout":
            n_dict += rng.choice((1, 2, 3))
        if s.dictionary_drugs:
            for _ in range(n_dict):
                meds.append(s.dictionary_drugs[rng.randrange(len(s.dictionary_drugs))])
        seen, out = set(), []
        for m in meds:
            if m.key not in seen:
                seen.add(m.key)
                out.append(m)
        rng.shuffle(out)
        return out

    def any_drug(self) -> DrugEntry | None:
        rng = self.rng
        pools = [p for p in (self.s._service_drugs[self.service], tuple(self.s.drugs.values()),
                             self.s.dictionary_drugs) if p]
        if not pools:
            return None
        pool = pools[0] if rng.random() < 0.6 else rng.choice(pools)
        return pool[rng.randrange(len(pool))]

    # ------------------------------------------------------------------------------- helpers
    def H(self, title: str) -> None:
        if self.header_case == "title" and title.isupper():
            title = title.title().replace("And ", "and ").replace("Of ", "of ")
        self.b.header(title)

    def hdr(self, *variants: str) -> None:
        self.H(self.rng.choice(variants))

    def cond(self, c: Cond, status: str, *, name: str | None = None) -> None:
        rng = self.rng
        if name is None:
            name = c.names[0] if rng.random() < 0.55 else rng.choice(c.names)
        if rng.random() < 0.25 and name[0].islower():
            name = name[0].upper() + name[1:]
        self.b.span(name, "CONDITION", status=status, code=c.code)

    def sym(self, sy: Sym, status: str) -> None:
        self.b.span(sy.text, "CONDITION", status=status, code=sy.code)

    def num(self, key: str) -> str:
        rng = self.rng
        gen: dict[str, Callable[[], Any]] = {
            "n": lambda: rng.randint(2, 6), "ef": lambda: rng.choice((20, 25, 30, 35, 40, 45, 50, 55, 60, 65)),
            "hr": lambda: rng.randint(52, 118), "bnp": lambda: rng.randint(80, 2400),
            "ldl": lambda: rng.randint(70, 190), "po2": lambda: rng.randint(55, 95),
            "alk": lambda: rng.randint(120, 480), "hgb": lambda: f"{rng.randint(6, 15)}.{rng.randint(0, 9)}",
            "lipase": lambda: rng.randint(40, 2400), "ast": lambda: rng.randint(20, 400),
            "alt": lambda: rng.randint(20, 450), "bili": lambda: f"{rng.randint(0, 9)}.{rng.randint(1, 9)}",
            "na": lambda: rng.randint(124, 146), "glu": lambda: rng.randint(70, 380),
            "b12": lambda: rng.randint(150, 900), "cr": lambda: f"{rng.randint(1, 8)}.{rng.randint(0, 9)}",
            "bun": lambda: rng.randint(12, 110), "plt": lambda: rng.choice((18, 45, 88, 120, 210, 310, 450)),
            "wbc": lambda: f"{rng.randint(2, 24)}.{rng.randint(0, 9)}",
            "tsh": lambda: f"{rng.randint(0, 12)}.{rng.randint(1, 9)}",
            "a1c": lambda: f"{rng.randint(5, 12)}.{rng.randint(0, 9)}", "bmi": lambda: rng.randint(19, 48),
            "sbp": lambda: rng.randint(100, 178), "dbp": lambda: rng.randint(58, 102), "g": lambda: rng.randint(1, 5),
            "p": lambda: rng.randint(0, 3), "ga": lambda: rng.randint(6, 41), "year": lambda: rng.randint(2005, 2023),
            "pct": lambda: rng.choice((5, 10, 25, 50, 75, 90, 95)),
            "visit": lambda: rng.choice(("2-month", "4-month", "6-month", "9-month", "12-month", "15-month",
                                         "18-month", "2-year", "4-year", "5-year", "annual")),
            "nextvisit": lambda: rng.choice(("2 months", "4 months", "6 months", "9 months", "12 months", "1 year")),
            "ordinal": lambda: rng.choice(_ORDINALS),
        }
        f = gen.get(key)
        return str(f()) if f else key

    def say(self, template: str) -> None:
        """Write a template sentence, expanding placeholders (spans for {cond}, {sym}, [[drug]])."""
        b, rng = self.b, self.rng
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            if m.start() > pos:
                b.add(template[pos:m.start()])
            pos = m.end()
            key = m.group(1)
            if m.group(2):  # [[drug|fallback]]
                entry = self._entry_for(m.group(2))
                if entry is not None:
                    self.dw.mention(entry, "current", attrs=False)
                else:
                    b.add(m.group(3) or "medication")
                continue
            if key == "cond":
                self.cond(self.main, "present")
            elif key == "cond2":
                self.cond(self.second, "present")
            elif key == "sym":
                self.sym(rng.choice(self.k["symptoms"]), "present")
            elif key == "proc":
                b.add(self.proc)
            elif key == "test":
                b.add(self.test)
            elif key == "side":
                b.add(rng.choice(("right", "left")))
            elif key == "age":
                b.add(self.age_str)
            elif key in ("he", "his", "him"):
                b.add(getattr(self, key))
            elif key in ("He", "His", "Him"):
                w = getattr(self, key.lower())
                b.add(w[0].upper() + w[1:])
            elif key == "pt":
                b.add(rng.choice(("the patient", "patient", "pt")))
            elif key == "dr":
                b.add(f"Dr. {self.dr}")
            elif key == "clock":
                b.add(f"{rng.randint(0, 23):02d}:{rng.choice(('00', '15', '30', '45'))}")
            else:
                b.add(self.num(key))
        if pos < len(template):
            b.add(template[pos:])

    def _entry_for(self, name: str) -> DrugEntry | None:
        e = self.s.drugs.get(name)
        if e is not None:
            return e
        if name in self.kb.drugs:
            return None  # known but held out / excluded
        info = lex.resolve_drug(name)
        if info is None or not self.s.allowed_drug_name(name):
            return None
        return DrugEntry(name, (name,), (), info.drugbank_id, (info.canonical,), self.kb.dictionary_drugs[0].profiles
                         if self.kb.dictionary_drugs else ())

    def sentences(self, pool: Sequence[str], k: int) -> None:
        picks = self.rng.sample(list(pool), min(k, len(pool)))
        for i, t in enumerate(picks):
            if i:
                self.b.raw(" ")
            self.say(t)

    def vcount(self, short: int, medium: int, long: int) -> int:
        v = self.verbosity
        base = short if v == "short" else medium if v == "medium" else round(long * _VERBOSITY_SCALE[v])
        return max(0, base + self.rng.choice((-1, 0, 0, 1)))

