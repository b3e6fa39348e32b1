"""The deterministic clinical-note synthesizer.

Every note is written section by section into a :class:`~core.synth.builder.Builder`, which records
exact character spans (DRUG and its attributes, CONDITION) as the text is produced, so spans never need
to be searched for afterwards. Each note draws from its own ``random.Random`` seeded by
``(seed, index, service)``, so notes are reproducible independently of the order they are asked for.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from core.labels import SERVICES
from core.spans import Span
from core.synth import cases as C
from core.synth import knowledge as K
from core.labels import CONDITION_STATUSES, DRUG_STATUSES
from core.lexicon import drugs as lex
from core.synth.builder import Builder
from core.synth.drugs import DrugWriter
from core.synth.kb import KB, Cond, DrugEntry, Sym, load_kb

#: The assertion statuses the synthesizer writes (a family member's drug and a suspected condition are not).
WRITTEN_DRUG_STATUSES = tuple(s for s in DRUG_STATUSES if s != "family")
WRITTEN_CONDITION_STATUSES = tuple(s for s in CONDITION_STATUSES if s != "possible")
STYLES = ("consult", "history_physical", "operative", "diagnostic_report", "soap", "discharge_summary",
          "letter", "progress_note")


@dataclass(frozen=True)
class SyntheticNote:
    """A generated note with its gold service label and spans."""

    text: str
    service: str
    spans: tuple[Span, ...]
    style: str
    seed: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def spans_of(self, label: str) -> list[Span]:
        return [s for s in self.spans if s.label == label]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "service": self.service, "style": self.style, "seed": self.seed,
                "spans": [s.to_dict() for s in self.spans], "meta": dict(self.meta)}


# Style weights per service (consult, history_physical, operative, diagnostic_report, soap,
# discharge_summary, letter, progress_note).
_STYLE_WEIGHTS: dict[str, tuple[int, ...]] = {
    "cardiology_pulmonology": (18, 14, 10, 20, 8, 12, 10, 8),
    "gastroenterology": (18, 10, 16, 20, 6, 10, 12, 8),
    "neurology_neurosurgery": (20, 12, 12, 18, 6, 10, 14, 8),
    "orthopedics": (16, 8, 28, 6, 10, 6, 14, 12),
    "obstetrics_gynecology": (14, 16, 22, 10, 10, 12, 6, 10),
    "urology": (18, 8, 24, 14, 8, 6, 14, 8),
    "nephrology": (24, 14, 8, 6, 12, 14, 12, 10),
    "hematology_oncology": (22, 12, 8, 12, 10, 10, 16, 10),
    "ent": (18, 8, 26, 10, 10, 4, 14, 10),
    "ophthalmology": (20, 6, 26, 12, 10, 2, 14, 10),
    "psychiatry": (30, 16, 0, 4, 16, 14, 8, 12),
    "dermatology": (22, 4, 16, 8, 16, 2, 14, 18),
    "endocrinology": (26, 10, 4, 8, 16, 6, 16, 14),
    "pediatrics": (10, 22, 6, 4, 28, 10, 6, 14),
    "general_medicine": (8, 24, 2, 4, 26, 18, 4, 14),
}

_SEX_P_FEMALE = {"obstetrics_gynecology": 1.0, "urology": 0.25, "endocrinology": 0.6}
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9]+)\}|\[\[([^\]|]+)(?:\|([^\]]*))?\]\]")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


_GENERIC_HPI = tuple(K.GENERIC_HPI) + tuple(C.EXTRA_GENERIC_HPI)
_VERBOSITY_SCALE = {"short": 1.0, "medium": 1.0, "long": 1.5, "xlong": 2.2}


def _join_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + (" and " if len(items) == 2 else ", and ") + items[-1]


class NoteSynthesizer:
    """Deterministic generator of realistic synthetic clinical notes with gold spans.

    Args:
        seed: Base seed; same seed -> identical notes.
        drug_split: ``"all"`` (every drug), ``"train"`` (held-out drugs never written) or ``"heldout"``
            (only held-out drugs are written, for testing a drug NER on unseen names).
        heldout_fraction: Share of drug identities held out (deterministic by name hash).
        exclude_drugs: Extra drug names (any variant or brand) never to write.
    """

    def __init__(self, seed: int = 13, *, drug_split: str = "all", heldout_fraction: float = 0.15,
                 exclude_drugs: Iterable[str] | None = None) -> None:
        if drug_split not in ("all", "train", "heldout"):
            raise ValueError("drug_split must be 'all', 'train' or 'heldout'")
        if not 0.0 <= heldout_fraction < 1.0:
            raise ValueError("heldout_fraction must be in [0, 1)")
        self.seed = seed
        self.drug_split = drug_split
        self.heldout_fraction = heldout_fraction
        self.kb: KB = load_kb()
        self._count = 0
        excluded: set[str] = set()
        for name in sorted(exclude_drugs or ()):
            info = lex.resolve_drug(name)
            excluded.add(info.canonical if info else name.lower())
        for entry in self.kb.drugs.values():  # names given as profile keys (e.g. "prenatal vitamins")
            if any(n.lower() in {x.lower() for x in (exclude_drugs or ())} for n in entry.names + (entry.key,)):
                excluded.update(entry.canonical_keys)
        self.excluded_canonicals = frozenset(excluded)
        all_entries = list(self.kb.drugs.values()) + list(self.kb.dictionary_drugs)
        self.heldout_canonicals = frozenset(
            k for e in all_entries for k in e.canonical_keys if lex.heldout_bucket(k) < heldout_fraction)
        self._allowed_cache: dict[str, bool] = {}
        self.drugs: dict[str, DrugEntry] = {k: e for k, e in self.kb.drugs.items() if self._allowed(e)}
        self.dictionary_drugs: tuple[DrugEntry, ...] = tuple(e for e in self.kb.dictionary_drugs if self._allowed(e))
        self._service_drugs: dict[str, tuple[DrugEntry, ...]] = {}
        for svc in SERVICES:
            pool = [self.drugs[d] for d in self.kb.services[svc]["drugs"] if d in self.drugs]
            self._service_drugs[svc] = tuple(pool)

    # ------------------------------------------------------------------------------ drug split
    def _allowed(self, entry: DrugEntry) -> bool:
        keys = entry.canonical_keys
        if any(k in self.excluded_canonicals for k in keys):
            return False
        held = any(k in self.heldout_canonicals for k in keys)
        if self.drug_split == "train":
            return not held
        if self.drug_split == "heldout":
            return held
        return True

    def allowed_drug_name(self, name: str) -> bool:
        info = lex.resolve_drug(name)
        key = info.canonical if info else name.lower()
        if key in self.excluded_canonicals:
            return False
        held = key in self.heldout_canonicals
        return {"train": not held, "heldout": held, "all": True}[self.drug_split]

    @property
    def heldout_drug_names(self) -> frozenset[str]:
        """Lower-case surface names (generic and brand) of the held-out drugs."""
        out = set()
        for e in list(self.kb.drugs.values()) + list(self.kb.dictionary_drugs):
            if any(k in self.heldout_canonicals for k in e.canonical_keys):
                out.update(n.lower() for n in e.names + e.brands)
        return frozenset(out)

    # ------------------------------------------------------------------------------------ API
    def note(self, service: str | None = None) -> SyntheticNote:
        """One note (``service=None``: a random service). Successive calls give different notes."""
        self._count += 1
        pick = random.Random(f"{self.seed}/pick/{self._count}")
        svc = service or pick.choice(SERVICES)
        return self._make(svc, f"{self.seed}/single/{self._count}/{svc}")

    def generate(self, n: int, services: Sequence[str] | None = None) -> list[SyntheticNote]:
        """``n`` notes balanced over ``services`` (default all 15), deterministic for a seed."""
        svcs = list(services) if services else list(SERVICES)
        for s in svcs:
            if s not in SERVICES:
                raise ValueError(f"unknown service {s!r}")
        order = [svcs[i % len(svcs)] for i in range(n)]
        random.Random(f"{self.seed}/order/{n}").shuffle(order)
        return [self._make(svc, f"{self.seed}/{i}/{svc}") for i, svc in enumerate(order)]

    def _make(self, service: str, seed_str: str) -> SyntheticNote:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        rng = random.Random(seed_str)
        ctx = _NoteWriter(self, service, rng)
        ctx.write()
        spans = tuple(sorted(ctx.b.spans, key=lambda s: (s.start, s.end)))
        return SyntheticNote(ctx.b.text, service, spans, ctx.style, seed_str,
                             {"verbosity": ctx.verbosity, "layout": ctx.b.layout})


# ======================================================================================= writer


class _NoteWriter:
    """Writes one note (all note-level random choices live here)."""

    def __init__(self, synth: NoteSynthesizer, service: str, rng: random.Random) -> None:
        self.s = synth
        self.kb = synth.kb
        self.service = service
        self.k = self.kb.services[service]
        self.rng = rng
        r = rng.random
        layout = "mts" if r() < 0.18 else ("inline" if r() < 0.3 else "lines")
        case = "upper" if r() < 0.03 else ("lower" if r() < 0.02 else None)
        self.b = Builder(rng, abbrev=(0.5 if r() < 0.35 else 0.0), typo_rate=(0.08 if r() < 0.3 else 0.0),
                         case=case, layout=layout)
        self.dw = DrugWriter(self.b, rng, misspell_rate=0.04 if r() < 0.5 else 0.0)
        self.style = rng.choices(STYLES, weights=_STYLE_WEIGHTS[service])[0]
        self.verbosity = rng.choices(("short", "medium", "long", "xlong"), weights=(2, 4, 4, 3))[0]
        self.header_case = rng.choices(("upper", "title"), weights=(8, 2))[0]
        # patient
        female = r() < _SEX_P_FEMALE.get(service, 0.5)
        self.female = female
        self.he, self.his, self.him = ("she", "her", "her") if female else ("he", "his", "him")
        self.sexword = rng.choice(("female", "woman", "lady") if female else ("male", "man", "gentleman"))
        lo, hi = self.k["ages"]
        if service == "pediatrics":
            self.age_years = rng.choices((0, rng.randint(1, 5), rng.randint(6, 17)), weights=(4, 4, 3))[0]
        else:
            self.age_years = rng.randint(lo, hi)
        if self.age_years < 18:
            if self.age_years == 0:
                self.sexword = rng.choice(("female infant", "baby girl", "infant") if female else ("male infant", "baby boy", "infant"))
            elif self.age_years < 13:
                self.sexword = rng.choice(("girl", "female") if female else ("boy", "male"))
            else:
                self.sexword = rng.choice(("adolescent female", "girl", "female") if female else ("adolescent male", "boy", "male"))
        self.age_str = self._age_string()
        self.is_child = self.age_years < 18
        if service == "pediatrics":
            infant = re.compile(r"baby|diaper|breastfeed|Born at|feeding well|fontanelle|Red reflex|newborn|infant", re.I)
            keep_infant = self.age_years < 2
            self.k = dict(self.k)
            for key in ("phrases", "plan", "exam", "findings"):
                self.k[key] = [t for t in self.k[key] if bool(infant.search(t)) == keep_infant or not infant.search(t)]
        # clinical content
        self.main = self._main_condition()
        self.second = self._main_condition()
        self.comorbid = self._comorbidities()
        self.proc = rng.choice(self.k["procedures"])
        self.test = rng.choice(self.k["diagnostics"])
        self.dr = rng.choice(K.DOCTORS)
        self.dr2 = rng.choice(K.DOCTORS)
        self.meds = self._med_list()
        self.case: dict[str, Any] | None = None
        self._pick_case()

    # ------------------------------------------------------------------------------- choices
    def _pick_case(self) -> None:
        """Maybe focus the note on one encounter type (procedure + matching diagnoses and wording)."""
        rng = self.rng
        cases = self.k.get("cases") or ()
        if not cases or rng.random() >= (0.85 if self.style == "operative" else 0.5):
            return
        case = cases[rng.randrange(len(cases))]
        self.case = case
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
            names = K.COMORBIDITY_DRUGS.get(c.code, [])
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
        pools = [p for p in (self.s._service_drugs[self.service], tuple(self.s.drugs.values()), self.s.dictionary_drugs) if p]
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
            "hr": lambda: rng.randint(52, 118), "bnp": lambda: rng.randint(80, 2400), "ldl": lambda: rng.randint(70, 190),
            "po2": lambda: rng.randint(55, 95), "alk": lambda: rng.randint(120, 480), "hgb": lambda: f"{rng.randint(6, 15)}.{rng.randint(0, 9)}",
            "lipase": lambda: rng.randint(40, 2400), "ast": lambda: rng.randint(20, 400), "alt": lambda: rng.randint(20, 450),
            "bili": lambda: f"{rng.randint(0, 9)}.{rng.randint(1, 9)}", "na": lambda: rng.randint(124, 146),
            "glu": lambda: rng.randint(70, 380), "b12": lambda: rng.randint(150, 900), "cr": lambda: f"{rng.randint(1, 8)}.{rng.randint(0, 9)}",
            "bun": lambda: rng.randint(12, 110), "plt": lambda: rng.choice((18, 45, 88, 120, 210, 310, 450)),
            "wbc": lambda: f"{rng.randint(2, 24)}.{rng.randint(0, 9)}", "tsh": lambda: f"{rng.randint(0, 12)}.{rng.randint(1, 9)}",
            "a1c": lambda: f"{rng.randint(5, 12)}.{rng.randint(0, 9)}", "bmi": lambda: rng.randint(19, 48),
            "sbp": lambda: rng.randint(100, 178), "dbp": lambda: rng.randint(58, 102), "g": lambda: rng.randint(1, 5),
            "p": lambda: rng.randint(0, 3), "ga": lambda: rng.randint(6, 41), "year": lambda: rng.randint(2005, 2023),
            "pct": lambda: rng.choice((5, 10, 25, 50, 75, 90, 95)),
            "visit": lambda: rng.choice(("2-month", "4-month", "6-month", "9-month", "12-month", "15-month", "18-month", "2-year", "4-year", "5-year", "annual")),
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

    # --------------------------------------------------------------------------------- write
    def write(self) -> None:
        getattr(self, f"_style_{self.style}")()
        extra = [self.sec_data, self.sec_plan, self.sec_family, self.sec_social]
        while len(self.b.text.split()) < 70 and extra:
            extra.pop(self.rng.randrange(len(extra)))()
        if self.b.layout != "mts" and self.rng.random() < 0.5:
            self.b.raw("\n")

    # ---- shared sections
    def sec_cc(self) -> None:
        rng = self.rng
        self.hdr("CHIEF COMPLAINT", "CHIEF COMPLAINT", "CC", "REASON FOR VISIT")
        kind = rng.random()
        if kind < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            self.b.add(rng.choice((".", "", ".", f" x {rng.randint(2, 10)} days.")))
        elif kind < 0.8:
            self.b.add(rng.choice(("Follow-up of ", "Evaluation of ", "", "Management of ")))
            self.cond(self.main, "present")
            self.b.add(".")
        else:
            self.b.add(rng.choice(('"I have been sick."', '"I have been feeling bad."', '"I have had this problem for a while."',
                                   '"Follow-up."', '"Check-up."', "Routine follow-up.")))

    def opener(self) -> None:
        rng, b = self.rng, self.b
        b.add(rng.choice(("This is a ", "The patient is a ", "Patient is a ", "", "This ", "Mr./Ms. X is a ")).replace(
            "Mr./Ms. X", ("Ms. " if self.female else "Mr. ") + self.rng.choice(K.DOCTORS)))
        b.add(f"{self.age_str} {self.sexword}")
        if self.comorbid and rng.random() < 0.75:
            b.add(rng.choice((" with a history of ", " with a past medical history significant for ", " with PMH of ",
                              " with known ")))
            for i, c in enumerate(self.comorbid[:3]):
                if i:
                    b.add(", " if i < len(self.comorbid[:3]) - 1 else " and ")
                self.cond(c, "present")
        b.add(rng.choice((" who presents with ", " who is seen today for ", " referred for evaluation of ",
                          " who comes in complaining of ", " presenting with ", " who presents for follow-up of ")))
        if rng.random() < 0.6:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            if rng.random() < 0.5:
                b.add(" and ")
                self.cond(self.main, "present")
        else:
            self.cond(self.main, "present")
        b.add(". ")

    def negatives(self, k: int | None = None) -> None:
        rng, b = self.rng, self.b
        k = k or rng.randint(2, 5)
        pool = list(self.kb.ros_negatives) + list(self.k["symptoms"])
        picks: list[Sym] = []
        seen = set()
        for sy in rng.sample(pool, min(len(pool), k + 3)):
            if sy.text not in seen and sy.text != "":
                seen.add(sy.text)
                picks.append(sy)
            if len(picks) == k:
                break
        b.add(rng.choice(("{He} denies ", "Denies ", "No ", "Negative for ", "{He} reports no ", "Pt denies ")).replace(
            "{He}", self.he.capitalize()))
        for i, sy in enumerate(picks):
            if i:
                last = (" or ", " and ", ", ") if len(picks) == 2 else (", or ", " or ", ", and ", " and ", ", ")
                b.add(", " if i < len(picks) - 1 else rng.choice(last))
            self.sym(sy, "negated")
        b.add(". ")

    def sec_hpi(self) -> None:
        rng = self.rng
        self.hdr("HISTORY OF PRESENT ILLNESS", "HISTORY OF PRESENT ILLNESS", "HPI", "HISTORY")
        if self.is_child and self.service == "pediatrics" and rng.random() < 0.4:
            self.say(rng.choice(("Mother brings in this ", "Parents bring in this ", "Here with mom, a ")))
            self.b.add(f"{self.age_str} ")
            self.b.add(rng.choice(("boy", "male") if not self.female else ("girl", "female")))
            self.b.add(" for ")
            self.cond(self.main, "present")
            self.b.add(". ")
        else:
            self.opener()
        self.sentences(self.k["phrases"], self.vcount(2, 4, 5))
        self.b.raw(" ")
        self.sentences(_GENERIC_HPI, self.vcount(1, 2, 4))
        self.b.raw(" ")
        self.drug_prose(self.vcount(0, 1, 3))
        if rng.random() < 0.75:
            self.negatives()
        if rng.random() < 0.3:
            self.b.add(rng.choice(("{He} has a remote history of ", "Prior history of ", "{He} had ")).replace(
                "{He}", self.he.capitalize()))
            c = rng.choice(self.kb.services[rng.choice(SERVICES)]["conditions"])
            self.cond(c, "historical")
            self.b.add(rng.choice((" years ago.", ", resolved.", " in the past. ", " as a child.")))

    def drug_prose(self, k: int) -> None:
        rng, b = self.rng, self.b
        for _ in range(k):
            e = self.any_drug()
            if e is None:
                return
            st = rng.choice(("negated", "discontinued", "historical", "hypothetical", "current", "discontinued"))
            He = self.he.capitalize()
            if st == "negated":
                b.add(rng.choice((f"{He} denies taking ", f"{He} is not on ", "Not currently taking ", "No ",
                                  f"{He} has never taken ", f"{He} is not taking any ")))
                self.dw.mention(e, "negated", attrs=False)
                b.add(rng.choice((". ", " at home. ", " currently. ", ". ")))
            elif st == "discontinued":
                if rng.random() < 0.5:
                    self.dw.mention(e, "discontinued", attrs=rng.random() < 0.3)
                    b.add(rng.choice((" was discontinued", " was stopped", " was held", " has been discontinued")))
                    b.add(rng.choice((" due to side effects. ", " because of cough. ", ". ", " secondary to nausea. ",
                                      " by the previous provider. ", " prior to admission. ")))
                else:
                    b.add(rng.choice((f"{He} stopped taking ", "Discontinued ", "D/c'd ", f"{He} self-discontinued ",
                                      "We will stop ", "Hold ")))
                    self.dw.mention(e, "discontinued", attrs=rng.random() < 0.3)
                    b.add(rng.choice((" several weeks ago. ", ". ", " last month. ", " for now. ")))
            elif st == "historical":
                b.add(rng.choice((f"{He} was previously on ", f"{He} took ", "Prior trial of ", f"{He} has tried ",
                                  "History of treatment with ")))
                self.dw.mention(e, "historical", attrs=rng.random() < 0.3)
                b.add(rng.choice((" in the past. ", " without benefit. ", " years ago. ", " with some improvement. ")))
            elif st == "hypothetical":
                b.add(rng.choice(("Will start ", "Plan to start ", "Consider starting ", "We discussed starting ",
                                  "If symptoms persist, may try ", "May benefit from ")))
                self.dw.mention(e, "hypothetical", attrs=rng.random() < 0.5)
                b.add(". ")
            else:
                b.add(rng.choice((f"{He} takes ", f"{He} is currently on ", f"{He} has been taking ", "Currently on ")))
                self.dw.mention(e, "current", attrs=rng.random() < 0.6)
                b.add(rng.choice((". ", " with good effect. ", " and tolerates it well. ", " as prescribed. ")))

    def sec_pmh(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PAST MEDICAL HISTORY", "PAST MEDICAL HISTORY", "PMH", "MEDICAL HISTORY", "PAST HISTORY")
        conds = list(self.comorbid)
        if rng.random() < 0.5:
            conds.append(self.main if rng.random() < 0.5 else self.second)
        if not conds:
            b.add(rng.choice(("Noncontributory.", "None.", "Negative.", "Unremarkable.")))
            return
        style = rng.randrange(3)
        for i, c in enumerate(conds):
            if style == 0:
                if i:
                    b.add(", ")
                self.cond(c, "present")
            elif style == 1:
                if i:
                    b.nl()
                b.raw(f"{i + 1}. " if rng.random() < 0.7 else "- ")
                self.cond(c, "present")
                b.add("." if rng.random() < 0.4 else "")
            else:
                if i:
                    b.add(". ")
                if rng.random() < 0.3:
                    b.add("History of ")
                self.cond(c, "present")
        b.add("." if style != 1 else "")

    def sec_psh(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PAST SURGICAL HISTORY", "PSH", "SURGICAL HISTORY")
        other = rng.sample(list(SERVICES), 2) if not self.is_child else ["ent"] * (rng.random() < 0.3)
        procs = [rng.choice(self.kb.services[o]["procedures"]) for o in other if o not in ("psychiatry", "pediatrics")]
        if rng.random() < 0.4:
            procs.append(self.proc)
        if not procs or rng.random() < 0.15:
            b.add(rng.choice(("None.", "Negative.", "No prior surgeries.")))
            return
        b.add(", ".join(p[0].upper() + p[1:] if rng.random() < 0.3 else p for p in procs) + ".")

    def sec_meds(self, title: str | None = None, status: str = "current") -> None:
        rng, b = self.rng, self.b
        if title:
            self.H(title)
        else:
            self.hdr("MEDICATIONS", "MEDICATIONS", "CURRENT MEDICATIONS", "HOME MEDICATIONS", "MEDS",
                     "OUTPATIENT MEDICATIONS", "MEDICATIONS ON ADMISSION")
        meds = self.meds
        if not meds:
            b.add(rng.choice(("None.", "No regular medications.", "Denies.", "None at this time.")))
            return
        style = rng.randrange(6)
        lower = rng.random() < 0.3
        if style == 0:  # comma list with sigs
            for i, e in enumerate(meds):
                if i:
                    b.add(", " if rng.random() < 0.8 else "; ")
                self.dw.mention(e, status, lowercase=lower, fmt=rng.choice((("D", "S", "Q"), ("D", "S"), ("D",),
                                                                            ("D", "S", "R", "Q"))))
            b.add(".")
        elif style == 1 or style == 5:  # numbered or dashed list
            for i, e in enumerate(meds):
                if i:
                    b.nl()
                b.raw(f"{i + 1}. " if style == 1 else rng.choice(("- ", "* ", "")))
                self.dw.mention(e, status, lowercase=lower)
                b.add("." if rng.random() < 0.3 else "")
        elif style == 2:  # table
            if rng.random() < 0.5 and b.layout != "mts":
                b.raw("Medication              Dose      Route   Frequency")
            for e in meds:
                b.nl()
                self.dw.table_row(e)
        elif style == 3:  # prose
            b.add(f"{self.he.capitalize()} takes ")
            for i, e in enumerate(meds):
                if i:
                    b.add(", " if i < len(meds) - 1 else " and ")
                self.dw.mention(e, status, fmt=rng.choice((("D", "S", "Q"), ("D", "S", "R", "Q"), ("D", "O", "R", "Q"))))
            b.add(".")
        else:  # one per line, terse
            for i, e in enumerate(meds):
                if i:
                    b.nl()
                self.dw.mention(e, status, lowercase=True,
                                fmt=rng.choice((("D", "S", "O", "R", "Q"), ("D", "F", "S", "Q"), ("D", "S", "F", "O", "R", "Q"))))

    def sec_allergies(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("ALLERGIES", "ALLERGIES", "DRUG ALLERGIES", "ALLERGIES/INTOLERANCES", "ALL")
        if rng.random() < 0.55:
            b.add(rng.choice(("NKDA.", "No known drug allergies.", "NKDA", "None known.", "No known allergies.", "NKA.")))
            return
        n = rng.choice((1, 1, 2, 3))
        picks = rng.sample(K.ALLERGY_DRUGS, n)
        for i, name in enumerate(picks):
            if i:
                b.add(rng.choice((", ", "; ", " and ")))
            if name in K.NON_DRUG_ALLERGENS or not self.s.allowed_drug_name(name):
                b.add(name.capitalize() if rng.random() < 0.5 else name)
            else:
                info = lex.resolve_drug(name)
                g = b.new_group()
                surface = name.capitalize() if rng.random() < 0.6 else name
                if name == "sulfamethoxazole" and rng.random() < 0.6:
                    surface = rng.choice(("sulfa", "Sulfa", "sulfa drugs"))
                b.span(surface, "DRUG", group=g, status="allergy", code=info.drugbank_id if info else None,
                       meta={"drug": name, "canonical": info.canonical if info else name})
            if rng.random() < 0.6:
                reaction = rng.choice(K.ALLERGY_REACTIONS)
                b.add(rng.choice((f" ({reaction})", f" - {reaction}", f", causes {reaction}", f" ({reaction})")))
        b.add(".")

    def sec_social(self) -> None:
        self.hdr("SOCIAL HISTORY", "SOCIAL HISTORY", "SH", "SOCIAL")
        pool = K.PEDS_SOCIAL if self.is_child and self.age_years < 14 else K.SOCIAL
        self.sentences(pool, self.vcount(1, 2, 3))

    def sec_family(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("FAMILY HISTORY", "FAMILY HISTORY", "FH", "FAMILY MEDICAL HISTORY")
        if rng.random() < 0.2:
            b.add(rng.choice(("Noncontributory.", "Unremarkable.", "Negative for similar problems.")))
            return
        n = rng.choice((1, 1, 2, 3))
        for i, c in enumerate(rng.sample(self.kb.family, n)):
            if i:
                b.add(" ")
            rel = rng.choice(K.RELATIVES)
            if rng.random() < 0.5:
                b.add(rel.capitalize() + rng.choice((" with ", " had ", " has ", " died of ")))
                self.cond(c, "family")
                b.add(".")
            else:
                b.add("Positive for ")
                self.cond(c, "family")
                b.add(f" in {self.his} {rel}.")

    def sec_ros(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("REVIEW OF SYSTEMS", "REVIEW OF SYSTEMS", "ROS")
        if self.service == "general_medicine" and rng.random() < 0.7:
            systems = C.GENERAL_ROS_SYSTEMS
            n = len(systems) if self.verbosity != "short" else rng.randint(5, len(systems))
            for i, (sysname, opts) in enumerate(systems[:n]):
                if i:
                    b.nl() if rng.random() < 0.6 else b.raw(" ")
                b.raw(f"{sysname}: ")
                self.say(rng.choice(opts))
            return
        if self.verbosity == "short" or rng.random() < 0.4:
            b.add("Positive for ")
            self.sym(rng.choice(self.k["symptoms"]), "present")
            b.add(". ")
            self.negatives()
            b.add(rng.choice(("All other systems reviewed and negative.", "Otherwise negative.", "")))
            return
        systems = ("Constitutional", "HEENT", "Cardiovascular", "Respiratory", "GI", "GU", "Musculoskeletal",
                   "Neurologic", "Psychiatric", "Skin")
        for i, sysname in enumerate(rng.sample(systems, rng.randint(3, 7))):
            if i:
                b.nl() if rng.random() < 0.5 else b.raw(" ")
            b.raw(f"{sysname}: ")
            if rng.random() < 0.25:
                self.sym(rng.choice(self.k["symptoms"]), "present")
                b.add(".")
            else:
                self.negatives(rng.randint(1, 3))

    def sec_exam(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("PHYSICAL EXAMINATION", "PHYSICAL EXAMINATION", "PHYSICAL EXAM", "EXAM", "EXAMINATION")
        vit = rng.random()
        if vit < 0.7:
            if self.is_child:
                b.add(f"Vitals: Temp {rng.randint(97, 103)}.{rng.randint(0, 9)}, HR {rng.randint(90, 170)}, "
                      f"RR {rng.randint(22, 50)}, weight {rng.randint(3, 14)}.{rng.randint(0, 9)} kg. ")
            else:
                b.add(f"VITAL SIGNS: BP {rng.randint(96, 182)}/{rng.randint(54, 104)}, pulse {rng.randint(52, 118)}, "
                      f"respirations {rng.randint(12, 26)}, temperature {rng.randint(97, 101)}.{rng.randint(0, 9)}, "
                      f"O2 sat {rng.randint(88, 100)}%. ")
        k = self.vcount(3, 6, 9)
        systems = list(K.GENERIC_EXAM)
        chosen = systems[:2] + rng.sample(systems[2:], min(max(k - 2, 0), len(systems) - 2))
        specific = rng.sample(self.k["exam"], min(len(self.k["exam"]), self.vcount(1, 2, 3) + 1))
        for i, sysname in enumerate(chosen):
            b.nl()
            b.raw(f"{sysname}: ")
            self.say(rng.choice(K.GENERIC_EXAM[sysname]))
            if specific and rng.random() < 0.35:
                b.raw(" ")
                self.say(specific.pop())
        for t in specific:
            b.nl()
            self.say(t)
        self.exam_blocks()

    def exam_blocks(self) -> None:
        """Service-typical structured exam paragraphs (neuro exam, mental status, skin, ENT, eye ...)."""
        rng, b = self.rng, self.b
        blocks = self.k.get("exam_blocks") or ()
        if not blocks or rng.random() < {"short": 0.6, "medium": 0.35, "long": 0.15, "xlong": 0.05}[self.verbosity]:
            return
        n = len(blocks) if self.verbosity in ("long", "xlong") else rng.randint(1, len(blocks))
        for title, options in blocks[:n]:
            b.nl()
            b.raw(f"{title if self.header_case == 'upper' else title.title()}: ")
            self.say(rng.choice(options))

    def sec_data(self) -> None:
        rng, b = self.rng, self.b
        self.hdr("LABORATORY DATA", "LABS", "DIAGNOSTIC DATA", "LABORATORY AND IMAGING", "STUDIES")
        labs = rng.sample(self.k["labs"], min(len(self.k["labs"]), rng.randint(1, 4)))
        b.add(", ".join(self._fill(x) for x in labs).capitalize() + ". ")
        if rng.random() < 0.7:
            b.add(self.test[0].upper() + self.test[1:] + rng.choice((": ", ": ", " results: ")))
            self.sentences(self.k["findings"], self.vcount(1, 1, 3))

    def _fill(self, t: str) -> str:
        return re.sub(r"\{([a-z0-9]+)\}", lambda m: self.num(m.group(1)), t)

    def sec_assessment(self, title: str | None = None, with_plan: bool = True) -> None:
        rng, b = self.rng, self.b
        if title:
            self.H(title)
        else:
            self.hdr("ASSESSMENT AND PLAN", "IMPRESSION AND PLAN", "ASSESSMENT/PLAN", "A/P", "IMPRESSION",
                     "ASSESSMENT")
        items = [self.main]
        if rng.random() < 0.5:
            items.append(self.second)
        gm = self.service == "general_medicine"
        items += self.comorbid if gm else self.comorbid[: rng.randint(0, 3)]
        if gm and rng.random() < 0.5:
            rng.shuffle(items)
        numbered = rng.random() < 0.6
        for i, c in enumerate(items):
            if numbered:
                if i:
                    b.nl()
                b.raw(f"{i + 1}. ")
            elif i:
                b.raw(" ")
            self.cond(c, "present")
            b.add("." if rng.random() < 0.6 else ":")
            own = C.PROBLEM_PLANS.get(c.code)
            if with_plan and own and c is not self.main and (gm or rng.random() < 0.5):
                b.raw(" ")
                self.say(rng.choice(own))
            elif with_plan and (i == 0 or (gm and rng.random() < 0.7) or rng.random() < 0.4):
                b.raw(" ")
                self.sentences(self.k["plan"], self.vcount(1, 2, 3) if i == 0 else 1)
        if rng.random() < 0.4:
            b.raw(" ")
            b.add(rng.choice(("Rule out ", "Differential includes ", "Concern for possible ", "Will evaluate for ",
                              "Cannot exclude ")))
            c = rng.choice(self.k["conditions"])
            self.cond(c, "hypothetical")
            b.add(".")
        if with_plan and rng.random() < 0.6:
            b.raw(" ")
            self.drug_prose(1)
        if gm and with_plan and rng.random() < 0.6:
            self.hdr("HEALTH MAINTENANCE", "PREVENTIVE CARE", "HEALTH MAINTENANCE")
            self.sentences(C.HEALTH_MAINTENANCE, self.vcount(1, 2, 3) + 1)

    def sec_plan(self) -> None:
        self.hdr("PLAN", "RECOMMENDATIONS", "PLAN", "DISPOSITION AND PLAN")
        self.sentences(self.k["plan"], self.vcount(1, 3, 5))
        if self.rng.random() < 0.6:
            self.b.raw(" ")
            self.drug_prose(1)
        if self.rng.random() < 0.3:
            self.b.raw(" ")
            self.b.add(self.rng.choice(("Return to clinic in 2 weeks.", "Follow up as scheduled.",
                                        f"Follow up with Dr. {self.dr2} in 1 month.", "RTC prn.")))

    # ---- styles
    def _title(self) -> None:
        if self.rng.random() < 0.45:
            self.b.raw(self.rng.choice(self.k["titles"]))
            self.b.raw("," if self.b.layout == "mts" else "\n")

    def _style_consult(self) -> None:
        rng, b = self.rng, self.b
        self._title()
        if rng.random() < 0.6:
            self.hdr("REASON FOR CONSULTATION", "REASON FOR REFERRAL", "CONSULTING PHYSICIAN", "REQUESTING PHYSICIAN")
            b.add(rng.choice(("Evaluation of ", "Consultation for ", "Management of ", "Possible ")))
            self.cond(self.main, "present" if rng.random() < 0.8 else "hypothetical")
            b.add(rng.choice((".", f". Requested by Dr. {self.dr}.", "")))
        self.sec_hpi()
        optional = [self.sec_pmh, self.sec_psh, self.sec_meds, self.sec_allergies, self.sec_social, self.sec_family]
        keep = [f for f in optional if rng.random() < {"short": 0.45, "medium": 0.75, "long": 0.95, "xlong": 1.0}[self.verbosity]]
        if rng.random() < 0.3:
            rng.shuffle(keep)
        for f in keep:
            f()
        if self.verbosity != "short" and rng.random() < 0.6:
            self.sec_ros()
        self.sec_exam()
        if rng.random() < 0.6:
            self.sec_data()
        self.sec_assessment()
        if rng.random() < 0.3:
            b.add(f" Thank you for this consultation. We will follow along with you.")

    def _style_history_physical(self) -> None:
        rng = self.rng
        self._title()
        self.sec_cc()
        self.sec_hpi()
        sections = [self.sec_pmh, self.sec_psh, self.sec_meds, self.sec_allergies, self.sec_social, self.sec_family]
        if rng.random() < 0.25:
            i = rng.randrange(len(sections) - 1)
            sections[i], sections[i + 1] = sections[i + 1], sections[i]
        for f in sections:
            if rng.random() < {"short": 0.6, "medium": 0.85, "long": 1.0, "xlong": 1.0}[self.verbosity]:
                f()
        if rng.random() < 0.7:
            self.sec_ros()
        self.sec_exam()
        if rng.random() < 0.5:
            self.sec_data()
        self.sec_assessment()

    def _style_soap(self) -> None:
        rng, b = self.rng, self.b
        self.H("SUBJECTIVE" if rng.random() < 0.8 else "S")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 3))
        b.raw(" ")
        self.sentences(_GENERIC_HPI, self.vcount(0, 1, 3))
        b.raw(" ")
        if rng.random() < 0.7:
            self.negatives()
        if rng.random() < 0.6:
            self.drug_prose(1)
        if rng.random() < 0.6:
            self.sec_meds()
        if rng.random() < 0.5:
            self.sec_allergies()
        self._more_history()
        self.H("OBJECTIVE" if rng.random() < 0.8 else "O")
        b.add(f"Vitals: BP {self.num('sbp')}/{self.num('dbp')}, HR {self.num('hr')}, temp 98.{self.num('n')}. ")
        self.sentences(self.k["exam"], self.vcount(1, 2, 4))
        self._more_exam()
        if rng.random() < 0.4:
            b.raw(" ")
            self.sentences(self.k["findings"], 1)
        self.sec_assessment(rng.choice(("ASSESSMENT", "A", "ASSESSMENT")), with_plan=False)
        self.H(rng.choice(("PLAN", "P", "PLAN")))
        self.sentences(self.k["plan"], self.vcount(1, 3, 4))
        if rng.random() < 0.7:
            b.raw(" ")
            self.drug_prose(1)

    def _style_progress_note(self) -> None:
        rng, b = self.rng, self.b
        if rng.random() < 0.5:
            b.raw(rng.choice(("PROGRESS NOTE", "FOLLOW-UP VISIT", "CLINIC NOTE", "Follow-up note")))
            b.raw("," if b.layout == "mts" else "\n")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 3))
        b.raw(" ")
        self.sentences(_GENERIC_HPI, self.vcount(0, 1, 2))
        b.raw(" ")
        if rng.random() < 0.5:
            self.negatives()
        if rng.random() < 0.5:
            self.sec_meds()
        if rng.random() < 0.3:
            self.sec_allergies()
        self._more_history()
        self.hdr("EXAM", "PHYSICAL EXAMINATION", "ON EXAM")
        self.sentences(self.k["exam"], self.vcount(1, 2, 3))
        self._more_exam()
        self.sec_assessment(rng.choice(("ASSESSMENT AND PLAN", "IMPRESSION", "A/P", "PLAN")))

    def _more_history(self) -> None:
        """Long follow-up notes also restate history (and, for primary care, a full review of systems)."""
        if self.verbosity not in ("long", "xlong"):
            return
        rng = self.rng
        if rng.random() < 0.6:
            self.sec_pmh()
        if rng.random() < 0.35:
            self.sec_social()
        if self.service == "general_medicine" or rng.random() < 0.3:
            self.sec_ros()

    def _more_exam(self) -> None:
        rng = self.rng
        if self.verbosity in ("long", "xlong"):
            self.exam_blocks()
            if rng.random() < 0.5:
                self.sec_data()

    def _style_operative(self) -> None:
        rng, b = self.rng, self.b
        if self.service == "psychiatry":
            return self._style_consult()
        if rng.random() < 0.4:
            b.raw(rng.choice(("OPERATIVE REPORT", "PROCEDURE NOTE", "OPERATIVE NOTE", "BRIEF OPERATIVE NOTE")))
            b.raw("," if b.layout == "mts" else "\n")
        self.hdr("PREOPERATIVE DIAGNOSIS", "PREOPERATIVE DIAGNOSES", "PRE-OP DIAGNOSIS", "PREPROCEDURE DIAGNOSIS")
        self.cond(self.main, "present")
        if rng.random() < 0.3:
            b.add(", ")
            self.cond(self.second, "present")
        self.hdr("POSTOPERATIVE DIAGNOSIS", "POSTOPERATIVE DIAGNOSES", "POST-OP DIAGNOSIS", "POSTPROCEDURE DIAGNOSIS")
        if rng.random() < 0.5:
            b.add(rng.choice(("Same.", "Same as above.", "Same")))
        else:
            self.cond(self.main, "present")
        self.hdr("PROCEDURE PERFORMED", "PROCEDURE", "PROCEDURES PERFORMED", "OPERATION", "NAME OF PROCEDURE")
        b.add(self.proc[0].upper() + self.proc[1:] + ".")
        if rng.random() < 0.7:
            self.hdr("SURGEON", "ATTENDING SURGEON", "PERFORMING PHYSICIAN")
            b.add(f"{self.dr2.upper() if rng.random() < 0.2 else self.dr2}, M.D." if rng.random() < 0.5 else f"Dr. {self.dr2}")
        self.hdr("ANESTHESIA", "ANESTHESIA", "TYPE OF ANESTHESIA")
        a = rng.random()
        if a < 0.45:
            b.add(rng.choice(("General endotracheal anesthesia.", "General.", "General via LMA.", "General endotracheal.")))
        elif a < 0.7:
            b.add(rng.choice(("Monitored anesthesia care with ", "MAC with ", "IV sedation with ", "Conscious sedation using ")))
            e1, e2 = self._entry_for("midazolam"), self._entry_for("fentanyl")
            if e1 is not None and e2 is not None:
                self.dw.mention(e1, "current", fmt=("D", "S", "R") if rng.random() < 0.5 else ("D",))
                b.add(" and ")
                self.dw.mention(e2, "current", fmt=("D", "S", "R") if rng.random() < 0.5 else ("D",))
            else:
                b.add("moderate sedation")
            b.add(".")
        elif a < 0.9:
            b.add(rng.choice(("Local with ", "Local anesthesia using ", "Local infiltration with ")))
            self.say(rng.choice(("[[lidocaine|local anesthetic]] with epinephrine.", "[[bupivacaine|local anesthetic]].",
                                 "1% [[lidocaine|local anesthetic]].")))
        else:
            b.add(rng.choice(("Spinal.", "Epidural.", "Regional block.")))
        if rng.random() < 0.7:
            self.hdr("ESTIMATED BLOOD LOSS", "EBL", "BLOOD LOSS")
            b.add(rng.choice(("Minimal.", "Less than 10 mL.", f"{rng.randint(1, 40) * 10} mL.", "Negligible.")))
        if rng.random() < 0.6:
            self.hdr("COMPLICATIONS")
            b.add(rng.choice(("None.", "None apparent.", "No immediate complications.")))
        if rng.random() < 0.4:
            self.hdr("SPECIMENS", "SPECIMEN")
            b.add(rng.choice(("Sent to pathology.", "None.", "As above to pathology.")))
        if rng.random() < 0.75:
            self.hdr("INDICATIONS", "INDICATIONS FOR PROCEDURE", "INDICATIONS FOR OPERATION", "HISTORY")
            self.opener()
            self.sentences(self.k["phrases"], self.vcount(0, 2, 3))
            b.add(rng.choice((" Risks, benefits and alternatives were discussed and informed consent was obtained.",
                              " The risks and benefits were explained and the patient wished to proceed.", "")))
        if rng.random() < 0.5:
            self.hdr("FINDINGS", "OPERATIVE FINDINGS")
            self.sentences(self.k["findings"], self.vcount(1, 2, 2))
        self.hdr("PROCEDURE IN DETAIL", "DESCRIPTION OF PROCEDURE", "PROCEDURE DETAILS", "DETAILS OF PROCEDURE",
                 "PROCEDURE NOTE")
        if self.verbosity in ("long", "xlong") and rng.random() < 0.7:
            n_open = self.vcount(1, 2, 2)
            for t in [C.OP_OPEN[i] for i in sorted(rng.sample(range(len(C.OP_OPEN)), min(n_open, len(C.OP_OPEN))))]:
                self.say(t)
                b.raw(" ")
        else:
            b.add(rng.choice(("The patient was brought to the operating room and placed in the supine position. ",
                              "After informed consent was obtained, the patient was taken to the procedure room. ",
                              "The patient was identified in the holding area and brought back to the OR. ")))
            b.add(rng.choice(("After adequate anesthesia, the area was prepped and draped in the usual sterile fashion. ",
                              "A time-out was performed. ", "")))
        details = list(self.k["op_details"])
        if self.case is not None:
            k = min(len(details), self.vcount(4, 6, 7))
            seq = [details[i] for i in sorted(rng.sample(range(len(details)), k))]
        else:
            k = min(len(details), self.vcount(3, 5, 7))
            start = rng.randrange(0, max(1, len(details) - k + 1))
            seq = details[start:start + k] if rng.random() < 0.85 else rng.sample(details, k)
        for i, t in enumerate(seq):
            if i:
                b.raw(" ")
            self.say(t)
        if self.verbosity in ("long", "xlong") and rng.random() < 0.7:
            n_close = self.vcount(1, 2, 2)
            for t in [C.OP_CLOSE[i] for i in sorted(rng.sample(range(len(C.OP_CLOSE)), min(n_close, len(C.OP_CLOSE))))]:
                b.raw(" ")
                self.say(t)
        b.add(rng.choice((" The patient tolerated the procedure well and was taken to the recovery room in stable condition.",
                          " Sponge and needle counts were correct. The patient was awakened and transferred to PACU in good condition.",
                          " There were no complications.")))
        if rng.random() < 0.4:
            self.hdr("DISPOSITION", "PLAN", "POSTOPERATIVE PLAN")
            self.sentences(self.k["plan"], self.vcount(1, 2, 2))
            if rng.random() < 0.5:
                b.raw(" ")
                self.sec_inline_discharge_meds()

    def sec_inline_discharge_meds(self) -> None:
        rng, b = self.rng, self.b
        e = self.any_drug()
        if e is None:
            return
        b.add(rng.choice(("Discharged home on ", "Prescription given for ", "Rx: ", "Sent home with ")))
        self.dw.mention(e, "current")
        b.add(".")

    def _style_diagnostic_report(self) -> None:
        rng, b = self.rng, self.b
        test = self.test
        b.raw(test.upper() if rng.random() < 0.7 else rng.choice(self.k["titles"]))
        b.raw("," if b.layout == "mts" else "\n")
        if rng.random() < 0.5:
            b.add(f"Referring physician: Dr. {self.dr}. ")
        self.hdr("INDICATION", "INDICATIONS", "CLINICAL HISTORY", "REASON FOR STUDY", "HISTORY")
        if rng.random() < 0.5:
            b.add(f"{self.age_str} {self.sexword} with ")
        if rng.random() < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
            b.add(rng.choice((". ", ", ")))
            if rng.random() < 0.5:
                b.add(rng.choice(("Rule out ", "Evaluate for ", "Assess for ")))
                self.cond(self.main, "hypothetical")
                b.add(".")
        else:
            self.cond(self.main, "present")
            b.add(".")
        if self.comorbid and rng.random() < 0.4:
            b.add(" History of ")
            self.cond(self.comorbid[0], "present")
            b.add(".")
        if self.verbosity != "short" or rng.random() < 0.5:
            self.hdr("PROCEDURE", "TECHNIQUE", "DESCRIPTION", "METHODS")
            k = self.vcount(2, 3, 4)
            self.sentences(self.k["op_details"], k)
        if self.service == "gastroenterology" and rng.random() < 0.6:
            self.hdr("MEDICATIONS", "SEDATION")
            first = True
            for name in ("fentanyl", "midazolam", "propofol"):
                e = self._entry_for(name)
                if e is not None and rng.random() < 0.7:
                    if not first:
                        b.add(", ")
                    first = False
                    g = self.dw.mention(e, "current", attrs=False)
                    b.raw(" ")
                    b.span(f"{rng.choice((25, 50, 75, 100))} {'mcg' if name == 'fentanyl' else 'mg'}", "DOSE", group=g)
                    if rng.random() < 0.5:
                        b.raw(" ")
                        b.span("IV", "ROUTE", group=g)
            if first:
                b.add("Moderate sedation per anesthesia.")
        if rng.random() < 0.4:
            self.hdr("COMPARISON", "PRIOR STUDIES")
            b.add(rng.choice(("None.", "None available.", f"Prior study from {rng.randint(2, 11)} months ago.")))
        self.hdr("FINDINGS", "FINDINGS", "RESULTS", "INTERPRETATION")
        self.sentences(self.k["findings"], self.vcount(3, 4, 6))
        if rng.random() < 0.4:
            b.raw(" ")
            b.add(rng.choice(("There is no evidence of ", "No ", "Negative for ")))
            self.cond(rng.choice(self.k["conditions"]), "negated")
            b.add(".")
        self.hdr("IMPRESSION", "IMPRESSION", "CONCLUSION", "SUMMARY")
        self.cond(self.main, "present")
        b.add(rng.choice((".", " as above.", ". Clinical correlation recommended.", ".")))
        if rng.random() < 0.5:
            self.hdr("RECOMMENDATIONS", "PLAN")
            self.sentences(self.k["plan"], self.vcount(1, 1, 3))

    def _style_discharge_summary(self) -> None:
        rng, b = self.rng, self.b
        b.raw(rng.choice(("DISCHARGE SUMMARY", "DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY")))
        b.raw("," if b.layout == "mts" else "\n")
        self.hdr("ADMISSION DIAGNOSIS", "ADMITTING DIAGNOSIS", "ADMISSION DIAGNOSES")
        if rng.random() < 0.5:
            self.sym(rng.choice(self.k["symptoms"]), "present")
        else:
            self.cond(self.main, "present")
        self.hdr("DISCHARGE DIAGNOSES", "DISCHARGE DIAGNOSIS", "FINAL DIAGNOSES")
        dx = [self.main] + self.comorbid[:rng.randint(0, 4)]
        for i, c in enumerate(dx):
            if i:
                b.nl()
            b.raw(f"{i + 1}. ")
            self.cond(c, "present")
        if rng.random() < 0.6:
            self.hdr("PROCEDURES", "PROCEDURES PERFORMED", "CONSULTATIONS")
            b.add(self.proc[0].upper() + self.proc[1:] + ".")
        if rng.random() < 0.5:
            self.sec_pmh()
        self.hdr("HOSPITAL COURSE", "HOSPITAL COURSE", "BRIEF HOSPITAL COURSE", "HISTORY AND HOSPITAL COURSE")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 3, 5))
        b.raw(" ")
        self.sentences(_GENERIC_HPI, self.vcount(0, 1, 2))
        b.raw(" ")
        b.add(rng.choice((f"{self.he.capitalize()} underwent {self.proc} without complications. ",
                          f"{self.test[0].upper() + self.test[1:]} was obtained. ", "")))
        self.sentences(self.k["findings"], self.vcount(0, 1, 2))
        b.raw(" ")
        self.drug_prose(self.vcount(1, 1, 3))
        self.sec_meds(rng.choice(("DISCHARGE MEDICATIONS", "MEDICATIONS AT DISCHARGE", "DISCHARGE MEDS")))
        if rng.random() < 0.5:
            self.sec_allergies()
        self.hdr("CONDITION ON DISCHARGE", "CONDITION AT DISCHARGE", "DISCHARGE CONDITION")
        b.add(rng.choice(("Stable.", "Good.", "Improved.", "Fair.")))
        self.hdr("DISPOSITION", "DISCHARGE DISPOSITION")
        b.add(rng.choice(("Home.", "Home with home health.", "Skilled nursing facility.", "Home with family.")))
        self.hdr("FOLLOW-UP", "FOLLOW UP", "DISCHARGE INSTRUCTIONS")
        b.add(f"Follow up with Dr. {self.dr2} in {rng.randint(1, 4)} weeks. ")
        self.sentences(self.k["plan"], self.vcount(1, 2, 3))

    def _style_letter(self) -> None:
        rng, b = self.rng, self.b
        nl2 = (lambda: b.raw(" ")) if b.layout == "mts" else (lambda: b.raw("\n\n"))
        b.raw(f"Dear Dr. {self.dr},")
        nl2()
        spec = rng.choice(self.k["specialty"])
        b.add(rng.choice((f"Thank you for referring your patient to our {spec} clinic. ",
                          f"Thank you for allowing me to participate in the care of your patient. ",
                          f"I had the pleasure of seeing your patient in {spec} follow-up today. ",
                          "Thank you for referring this patient for evaluation of ")))
        if b.parts[-1].endswith("of "):
            self.cond(self.main, "present" if rng.random() < 0.8 else "hypothetical")
            b.add(". ")
        self.opener()
        self.sentences(self.k["phrases"], self.vcount(1, 2, 4))
        b.raw(" ")
        self.sentences(_GENERIC_HPI, self.vcount(0, 1, 2))
        b.raw(" ")
        if rng.random() < 0.6:
            self.negatives()
        if rng.random() < 0.5:
            b.add(f"{self.his.capitalize()} medications include ")
            meds = self.meds[:5]
            if meds:
                for i, e in enumerate(meds):
                    if i:
                        b.add(", " if i < len(meds) - 1 else " and ")
                    self.dw.mention(e, "current", fmt=rng.choice((("D", "S", "Q"), ("D",), ("D", "S"))))
                b.add(". ")
            else:
                b.add("no regular medications. ")
        nl2()
        b.add("On examination, ")
        self.sentences(self.k["exam"], self.vcount(1, 2, 3))
        if rng.random() < 0.5:
            b.raw(" ")
            b.add(f"{self.test[0].upper() + self.test[1:]} showed: ")
            self.sentences(self.k["findings"], self.vcount(1, 1, 2))
        nl2()
        b.add(rng.choice(("In summary, ", "My impression is ", "Assessment: ", "Impression: ")))
        self.cond(self.main, "present")
        b.add(". ")
        self.sentences(self.k["plan"], self.vcount(1, 2, 4))
        b.raw(" ")
        self.drug_prose(self.vcount(0, 1, 1))
        nl2()
        b.add(rng.choice(("Thank you for this interesting referral. ", "I will keep you informed of ", "Please do not hesitate to contact me with any questions. ")))
        if b.parts[-1].endswith("of "):
            b.add(f"{self.his} progress. ")
        nl2()
        b.raw(rng.choice(("Sincerely,", "Best regards,", "Yours sincerely,", "Kind regards,")))
        b.raw(" " if b.layout == "mts" else "\n")
        b.raw(f"{rng.choice(K.DOCTORS)}, M.D.")
