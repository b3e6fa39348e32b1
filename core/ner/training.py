"""Training a span tagger (token classification over BIO tags), shared by the drug and condition models.

Only the first sub-word piece of a word carries its tag; the other pieces are masked (-100), and the
inference pipeline's ``aggregation_strategy="first"`` (:class:`core.ner.tagger.SpanTagger`) reads the tag of
the first piece: the same rule.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import torch
from transformers import AutoTokenizer, BertForTokenClassification, PreTrainedTokenizerBase

from core.config import base_model_path
from core.device import device_batch, device_stats, place, to_device, training_device
from core.modeling import TrainConfig, autocast, freeze_lower, setup_torch, tiny_bert_config, train_steps
from core.spans import Span

IGNORE = -100


def bio_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """``("O", "B-X", "I-X", ...)`` for entity labels ``X``."""
    return ("O",) + tuple(f"{p}-{lab}" for lab in labels for p in ("B", "I"))


class Doc(Protocol):
    text: str
    spans: tuple[Span, ...]


@dataclass
class SpanTrainConfig(TrainConfig):
    """Hyper-parameters of a span tagger; the drug and condition tasks subclass it with their own defaults."""

    n_notes: int = 700
    n_passages: int = 2500            # literature-style or problem-list passages besides the notes
    val_notes: int = 60
    val_passages: int = 120
    max_length: int = 160
    stride: int = 32
    infer_stride: int = 64
    tokens_per_batch: int = 2048
    gpu_tokens_per_batch: int = 4096  # on a CUDA device unless tokens_per_batch was set (core.device.device_batch)
    measure_heldout: bool = True      # recall on names never written in training (default models)
    freeze_layers: int = 0            # 2: ~45% faster steps (fwd+bwd measured), effect on real text not measured yet


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]


def encode(tokenizer: PreTrainedTokenizerBase, docs: Sequence[Doc], *, tags: Sequence[str], max_length: int,
           stride: int, labels: Sequence[str] | None = None) -> list[Example]:
    """Tokenize documents into windows with a BIO tag on the first piece of every word.

    A word is tagged with the span it starts in: ``B-`` when it is the span's first word, ``I-`` after.
    Spans whose label is not in ``labels`` (default: every label of ``tags``) are ignored.
    """
    ids = {t: i for i, t in enumerate(tags)}
    keep = set(labels) if labels is not None else {t[2:] for t in tags if t != "O"}
    out: list[Example] = []
    for lo in range(0, len(docs), 256):
        chunk = docs[lo:lo + 256]
        enc = tokenizer([d.text for d in chunk], truncation=True, max_length=max_length, stride=stride,
                        return_overflowing_tokens=True, return_offsets_mapping=True)
        for w, sample in enumerate(enc["overflow_to_sample_mapping"]):
            doc = chunk[sample]
            spans = sorted((s for s in doc.spans if s.label in keep), key=lambda s: s.start)
            starts = [s.start for s in spans]
            labs: list[int] = []
            prev_word = None
            for (a, b), wid in zip(enc["offset_mapping"][w], enc.word_ids(w)):
                if wid is None or b <= a or wid == prev_word:
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
    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and spans[k].start <= pos < spans[k].end:
        return k
    # a word starting just before a span (e.g. the span starts mid-word): tag by the span it overlaps
    if k + 1 < len(spans) and spans[k + 1].start <= pos:
        return k + 1
    return None


def batches(examples: list[Example], tokens_per_batch: int, pad_id: int,
            rng: random.Random) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Length-bucketed batches of about ``tokens_per_batch`` padded tokens, in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].input_ids), rng.random()))
    groups: list[list[int]] = []
    cur: list[int] = []
    longest = 0
    for i in order:
        n = len(examples[i].input_ids)
        if cur and max(longest, n) * (len(cur) + 1) > tokens_per_batch:
            groups.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        groups.append(cur)
    rng.shuffle(groups)
    for b in groups:
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
    return sum(1 for _ in batches(examples, tokens_per_batch, 0, random.Random(0)))


def new_model(tags: Sequence[str], init: Path | None = None,
              tiny: bool = False) -> tuple[BertForTokenClassification, Any]:
    """A token-classification model over ``tags`` from the base encoder (or ``init``, or a tiny config)."""
    id2label = dict(enumerate(tags))
    label2id = {t: i for i, t in id2label.items()}
    base = init or base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    if tiny:
        cfg = tiny_bert_config(tokenizer.vocab_size, num_labels=len(tags), id2label=id2label, label2id=label2id)
        return BertForTokenClassification(cfg), tokenizer
    model = BertForTokenClassification.from_pretrained(str(base), num_labels=len(tags), id2label=id2label,
                                                       label2id=label2id, ignore_mismatched_sizes=True)
    return model, tokenizer


def fit(model: BertForTokenClassification, tokenizer: PreTrainedTokenizerBase, docs: Sequence[Doc],
        cfg: SpanTrainConfig, *, tags: Sequence[str], labels: Sequence[str] | None = None, desc: str = "training",
        progress: bool = True, device: str | torch.device | None = None) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``docs`` on ``device`` (default: the configured one, where the model is moved
    first); returns training statistics, with the device. The model stays there, so the validation pipeline built
    on it (default device: the same configured one) scores it there too."""
    setup_torch()
    device = training_device(device)
    place(model, device)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    examples = encode(tokenizer, docs, tags=tags, max_length=cfg.max_length, stride=cfg.stride, labels=labels)
    tokens_per_batch = device_batch(cfg, "tokens_per_batch", device)
    if cfg.freeze_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    freeze_lower(model.bert, cfg.freeze_layers)
    pad = tokenizer.pad_token_id or 0

    def loss_fn(batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
        ids, mask, labs = batch
        with autocast(device):
            logits = model(input_ids=to_device(ids, device), attention_mask=to_device(mask, device)).logits.float()
        return torch.nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), to_device(labs, device).view(-1),
                                                 ignore_index=IGNORE)

    stats = train_steps(model, lambda: batches(examples, tokens_per_batch, pad, rng), loss_fn,
                        total=int(round(n_batches(examples, tokens_per_batch) * cfg.epochs)), lr=cfg.lr,
                        head_lr=cfg.head_lr, weight_decay=cfg.weight_decay, warmup=cfg.warmup,
                        max_seconds=cfg.max_seconds, desc=desc, progress=progress, device=device)
    return {**stats, **device_stats(device), "windows": len(examples),
            "tokens": int(sum(len(e.input_ids) for e in examples)), "device_tokens_per_batch": tokens_per_batch}


