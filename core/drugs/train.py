"""What the drug-entity model is trained on: synthesized notes and passages, and held-out drug names.

Default model: fine-tuned from all-MiniLM-L6-v2 on what the product can obtain offline, namely notes
from the project's synthesizer (medication lists, sigs, tables, free text, brands, misspellings) and
literature-style passages (:mod:`core.synth.literature`), with a set of drug identities held out of
training entirely so that recall on names the model never saw can be measured (:func:`heldout_recall`).
Encoding, batching and the training loop are :mod:`core.ner.training`'s, shared with the condition model;
the task (:class:`core.tasks.drugs.DrugTask`) puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.labels import DRUG_LABELS
from core.ner.data import AnnotatedDoc
from core.ner.training import SpanTrainConfig


@dataclass
class DrugTrainConfig(SpanTrainConfig):
    """Hyper-parameters of the drug model (defaults: the shipped model, within ~4 min on 2 CPU cores)."""

    seed: int = 17
    n_notes: int = 900
    n_passages: int = 3000
    val_passages: int = 120
    unknown_min_score: float = 0.9    # a drug the dictionary does not know is kept only at this confidence
    #: Literature passages label only compound names that are medicines (see core.synth.literature.LiteratureWriter);
    #: False also labels investigational and foreign-only names (the models before DRUG_CLASS were trained so).
    medicines_only: bool = True
    #: Drug names (generic or brand; every name of their identity goes) never written in the training data: a
    #: systematic gap on purpose, e.g. to measure how many corrections fill it (bench/corrections_needed.py).
    exclude_drugs: tuple[str, ...] = ()


def synthetic_docs(cfg: DrugTrainConfig, split: str = "train", *, n_notes: int | None = None,
                   n_passages: int | None = None, seed: int | None = None) -> list[AnnotatedDoc]:
    """Synthesized notes and literature passages with drug, attribute and drug-class spans (``split``:
    train/heldout/all); what is no medicine (lab values, enzymes, names, research chemicals) is in the text unlabelled.
    """
    from core.synth.generator import NoteSynthesizer
    from core.synth.literature import LiteratureWriter

    seed = cfg.seed if seed is None else seed
    synth = NoteSynthesizer(seed=seed, drug_split=split, exclude_drugs=cfg.exclude_drugs)
    keep = set(DRUG_LABELS)
    docs = [AnnotatedDoc(n.text, tuple(s for s in n.spans if s.label in keep))
            for n in synth.generate(cfg.n_notes if n_notes is None else n_notes)]
    held, excluded = synth.heldout_canonicals, synth.excluded_canonicals

    def allowed(key: str) -> bool:
        return key not in excluded and {"train": key not in held, "heldout": key in held, "all": True}[split]

    writer = LiteratureWriter(seed + 1, allowed=allowed, medicines_only=cfg.medicines_only)
    for p in writer.generate(cfg.n_passages if n_passages is None else n_passages):
        docs.append(AnnotatedDoc(p.text, p.spans))
    return docs


def heldout_recall(pipe: Any, n_notes: int = 80, seed: int = 101) -> dict[str, Any]:
    """Recall (strict and overlap) of DRUG mentions of held-out drug names, in notes written with only them."""
    from core.synth.generator import NoteSynthesizer

    synth = NoteSynthesizer(seed=seed, drug_split="heldout")
    notes = synth.generate(n_notes)
    held = synth.heldout_drug_names
    preds = pipe.entities([n.text for n in notes])
    gold_n = strict = overlap = 0
    for note, pred in zip(notes, preds):
        pdrugs = [(s.start, s.end) for s in pred if s.label == "DRUG"]
        for g in note.spans_of("DRUG"):
            name = note.text[g.start:g.end].lower()
            if g.meta.get("canonical") not in synth.heldout_canonicals and name not in held:
                continue
            gold_n += 1
            strict += (g.start, g.end) in pdrugs
            overlap += any(a < g.end and g.start < b for a, b in pdrugs)
    return {"n": gold_n, "strict_recall": round(strict / gold_n, 4) if gold_n else None,
            "lenient_recall": round(overlap / gold_n, 4) if gold_n else None, "n_notes": n_notes}
