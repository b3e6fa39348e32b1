"""What the condition model is trained on: synthesized notes and problem lists, and held-out condition names.

Default model: fine-tuned from all-MiniLM-L6-v2 on the synthesizer's notes (conditions and symptoms
as the notes name them, with negations, family and past history around them), problem-list passages
(:mod:`core.synth.problems`) naming ICD-10-CM, MeSH and knowledge-base conditions, and literature-style
passages (:mod:`core.synth.condition_literature`) that name MeSH diseases among genes, proteins, anatomy
and procedures, so the model learns what a condition name is rather than where templates put it; with a bucket of
ICD codes held out of training so that recall on names the model never saw is measured
(:func:`heldout_recall`). The task (:class:`core.tasks.conditions.ConditionTask`) trains it with
:mod:`core.ner.training`, as the drug model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.ner.data import AnnotatedDoc
from core.ner.scoring import score_tagger
from core.ner.training import SpanTrainConfig


@dataclass
class ConditionTrainConfig(SpanTrainConfig):
    """Hyper-parameters of the condition model (defaults: the shipped model, ~3 min on 2 CPU cores)."""

    seed: int = 23
    n_notes: int = 700
    n_passages: int = 4500
    val_passages: int = 240
    literature_share: float = 0.5     # of the passages, literature-style ones (the rest problem lists)
    unknown_min_score: float = 0.9    # a name no lexicon knows is kept only at this confidence (as for drugs)


def synthetic_docs(cfg: ConditionTrainConfig, split: str = "train", *, n_notes: int | None = None,
                   n_passages: int | None = None, seed: int | None = None) -> list[AnnotatedDoc]:
    """Synthesized notes and problem-list passages with CONDITION spans."""
    from core.synth.condition_literature import ConditionLiteratureWriter
    from core.synth.generator import NoteSynthesizer
    from core.synth.problems import ProblemListWriter

    seed = cfg.seed if seed is None else seed
    synth = NoteSynthesizer(seed=seed)
    docs = [AnnotatedDoc(n.text, tuple(s for s in n.spans if s.label == "CONDITION"))
            for n in synth.generate(cfg.n_notes if n_notes is None else n_notes)]
    total = cfg.n_passages if n_passages is None else n_passages
    n_lit = round(total * cfg.literature_share)
    docs.extend(AnnotatedDoc(p.text, p.spans) for p in ProblemListWriter(seed + 1, split=split).generate(total - n_lit))
    if n_lit:
        lit = ConditionLiteratureWriter(seed + 2, split=split)
        docs.extend(AnnotatedDoc(p.text, p.spans) for p in lit.generate(n_lit))
    return docs


def heldout_recall(pipe: Any, n: int = 300, seed: int = 7) -> dict[str, Any]:
    """Recall of condition names whose ICD codes or MeSH ids were never written in training (model alone), in
    problem lists and literature-style passages alike."""
    from core.synth.condition_literature import ConditionLiteratureWriter
    from core.synth.problems import ProblemListWriter

    docs = [AnnotatedDoc(p.text, p.spans) for p in ProblemListWriter(seed, split="heldout").generate(n // 2)]
    docs += [AnnotatedDoc(p.text, p.spans) for p in ConditionLiteratureWriter(seed, split="heldout").generate(n // 2)]
    s = score_tagger(pipe, docs, labels=["CONDITION"])
    return {"n": s["strict"]["per_label"]["CONDITION"]["support"], "strict_recall": s["strict"]["recall"],
            "lenient_recall": s["lenient"]["recall"]}
