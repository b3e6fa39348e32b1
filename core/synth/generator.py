"""The deterministic clinical-note synthesizer.

Every note is written section by section (:class:`core.synth.styles.NoteWriter`) into a
:class:`~core.synth.builder.Builder`, which records exact character spans (DRUG and its attributes, CONDITION)
as the text is produced, so spans never need to be searched for afterwards. Each note draws from its own
``random.Random`` seeded by ``(seed, index, service)``, so notes are reproducible independently of the order
they are asked for.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.labels import CONDITION_STATUSES, DRUG_STATUSES, SERVICES
from core.lexicon import drugs as lex
from core.spans import Span
from core.synth.kb import KB, DrugEntry, load_kb
from core.synth.styles import NoteWriter
from core.synth.tables import STYLES

#: The assertion statuses the synthesizer writes (a family member's drug and a suspected condition are not).
WRITTEN_DRUG_STATUSES = tuple(s for s in DRUG_STATUSES if s != "family")
WRITTEN_CONDITION_STATUSES = tuple(s for s in CONDITION_STATUSES if s != "possible")

__all__ = ["NoteSynthesizer", "SyntheticNote", "STYLES", "WRITTEN_DRUG_STATUSES", "WRITTEN_CONDITION_STATUSES"]


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
        # names given as profile keys ("prenatal vitamins"), and profiles of an excluded drug with an identity of their
        # own ("ciprofloxacin otic" writes "ciprofloxacin")
        given = {x.lower() for x in (exclude_drugs or ())} | excluded
        for entry in self.kb.drugs.values():
            if any(n.lower() in given for n in entry.names + (entry.key,)):
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

    def excluded_drug_name(self, name: str) -> bool:
        """Whether ``name`` is one of ``exclude_drugs`` (never written, not even without a span)."""
        info = lex.resolve_drug(name)
        return (info.canonical if info else name.lower()) in self.excluded_canonicals

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
        # what the drug model must learn not to call a drug (and drug classes) is drawn from a stream of its own, so
        # that the rest of a seeded note keeps its draws (a header can only spare a short note an extra section)
        ctx = NoteWriter(self, service, rng, extra_rng=random.Random(f"{seed_str}/negatives"))
        ctx.write()
        spans = tuple(sorted(ctx.b.spans, key=lambda s: (s.start, s.end)))
        return SyntheticNote(ctx.b.text, service, spans, ctx.style, seed_str,
                             {"verbosity": ctx.verbosity, "layout": ctx.b.layout, "age_years": ctx.age_years,
                              "sex": "female" if ctx.female else "male",
                              "case": ctx.case["id"] if ctx.case else None})
