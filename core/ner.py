"""Token classification shared by the drug and condition models: BIO encoding, training, inference.

Training: only the first sub-word piece of a word carries its tag; the other pieces are masked (-100)
and the inference pipeline's ``aggregation_strategy="first"`` reads the tag of the first piece, the same
rule.

Inference (:class:`SpanTagger`) has the shape of a transformers pipeline: the transformers
token-classification pipeline with ``aggregation_strategy="first"`` and ``stride`` (notes longer than
one window are covered by overlapping windows and every entity is mapped back to character offsets of
the original text), then exact, trimmed :class:`core.spans.Span` objects. Subclasses add their
``postprocess`` (drugs: attributes, normalization, assertion; conditions: ICD-10-CM and assertion).
"""

from __future__ import annotations

import bisect
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

import torch
from transformers import (AutoModelForTokenClassification, AutoTokenizer, BertConfig, BertForTokenClassification,
                          PreTrainedTokenizerBase)
from transformers import pipeline as hf_pipeline

from core.config import base_model_path, resolve_device
from core.modeling import autocast, load_info, setup_torch, train_steps
from core.spans import Span

IGNORE = -100
_EDGE_PUNCT = " \t\r\n,;:.()[]{}\"'"


def bio_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """``("O", "B-X", "I-X", ...)`` for entity labels ``X``."""
    return ("O",) + tuple(f"{p}-{lab}" for lab in labels for p in ("B", "I"))


class Doc(Protocol):
    text: str
    spans: tuple[Span, ...]


@dataclass
class TrainConfig:
    """Hyper-parameters of a span tagger (what :func:`fit` and the tasks' synthesizers read); each task
    subclasses it with its own defaults (``core.drugs.train.DrugTrainConfig``,
    ``core.conditions.train.ConditionTrainConfig``)."""

    seed: int = 0
    n_notes: int = 700
    n_passages: int = 2500
    val_notes: int = 60
    max_length: int = 160
    stride: int = 32
    infer_max_length: int = 512
    infer_stride: int = 64
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
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=512, num_labels=len(tags),
                         id2label=id2label, label2id=label2id)
        return BertForTokenClassification(cfg), tokenizer
    model = BertForTokenClassification.from_pretrained(str(base), num_labels=len(tags), id2label=id2label,
                                                       label2id=label2id, ignore_mismatched_sizes=True)
    return model, tokenizer


def fit(model: BertForTokenClassification, tokenizer: PreTrainedTokenizerBase, docs: Sequence[Doc],
        cfg: TrainConfig, *, tags: Sequence[str], labels: Sequence[str] | None = None, desc: str = "training",
        progress: bool = True) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``docs``; returns training statistics."""
    setup_torch()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    examples = encode(tokenizer, docs, tags=tags, max_length=cfg.max_length, stride=cfg.stride, labels=labels)
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

    stats = train_steps(model, lambda: batches(examples, cfg.tokens_per_batch, pad, rng), loss_fn,
                        total=int(round(n_batches(examples, cfg.tokens_per_batch) * cfg.epochs)), lr=cfg.lr,
                        head_lr=cfg.head_lr, weight_decay=cfg.weight_decay, warmup=cfg.warmup,
                        max_seconds=cfg.max_seconds, desc=desc, progress=progress)
    return {**stats, "windows": len(examples), "tokens": int(sum(len(e.input_ids) for e in examples))}


# ------------------------------------------------------------------------------------------ inference


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace and unbalanced edge punctuation."""
    while start < end and text[start] in _EDGE_PUNCT and not (text[start] == "(" and ")" in text[start:end]):
        start += 1
    while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1] in "-+" and end - start > 1
                           and text[end - 2].isspace()):
        ch = text[end - 1]
        if ch == ")" and "(" in text[start:end - 1]:
            break
        if ch == "." and end - start > 1 and "." in text[start:end - 1]:
            break  # "p.o.", "b.i.d."
        end -= 1
    return start, end


class SpanTagger:
    """Entity spans of notes from a token-classification model.

    Args:
        model: A ``BertForTokenClassification`` whose ``id2label`` are BIO tags.
        tokenizer: Its fast tokenizer.
        version: Model version (reported in every result).
        device: ``cpu``/``cuda``; default from the settings (GPU when present).
        max_length: Window length in tokens.
        stride: Tokens shared by consecutive windows.
        batch_size: Windows per forward pass.
    """

    task = "ner"

    def __init__(self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, *, version: str = "untrained",
                 device: str | None = None, max_length: int = 512, stride: int = 64, batch_size: int = 8) -> None:
        setup_torch()
        self.device = torch.device(device or resolve_device())
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.version = version
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        tokenizer.model_max_length = max_length
        self.ner = hf_pipeline("token-classification", model=self.model, tokenizer=tokenizer,
                               aggregation_strategy="first", stride=stride, device=self.device)
        # Captum hooks on the shared model corrupt concurrent passes: every pass holds this lock.
        self.lock = threading.RLock()

    @classmethod
    def artifact_params(cls, training: dict[str, Any]) -> dict[str, Any]:
        """Constructor arguments stored in an artifact's training metadata."""
        return {"max_length": training.get("infer_max_length", 512), "stride": training.get("infer_stride", 64)}

    @classmethod
    def from_artifact(cls, path: Path, device: str | None = None, **kwargs: Any) -> Any:
        """Load an artifact folder written by :func:`core.modeling.save_artifact`."""
        setup_torch()
        info = load_info(path)
        model = AutoModelForTokenClassification.from_pretrained(str(path))
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        params = cls.artifact_params(info.training)
        params.update(kwargs)
        return cls(model, tokenizer, version=info.version, device=device, **params)

    def entities(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entity spans of each text, exact character offsets, text order."""
        texts = list(texts)
        out: list[list[Span]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        with self.lock, torch.inference_mode(), autocast(self.device):
            raw = self.ner([texts[i] for i in todo], batch_size=self.batch_size)
        for i, ents in zip(todo, raw):
            out[i] = self.filter(texts[i], self._spans(texts[i], ents))
        return out

    def keep(self, text: str, start: int, end: int, label: str) -> bool:
        """Whether a predicted span is plausible (subclasses narrow this)."""
        return any(c.isalnum() for c in text[start:end])

    def filter(self, text: str, spans: list[Span]) -> list[Span]:
        """A hook over a text's spans after decoding (subclasses drop low-confidence ones)."""
        return spans

    def _spans(self, text: str, ents: list[dict[str, Any]]) -> list[Span]:
        spans: list[Span] = []
        for e in sorted(ents, key=lambda e: (e["start"], e["end"])):
            if e.get("start") is None:
                continue
            start, end = trim(text, int(e["start"]), int(e["end"]))
            label = str(e["entity_group"])
            if end <= start or not self.keep(text, start, end, label):
                continue
            if spans and spans[-1].end > start:
                continue  # overlapping windows can repeat an entity
            spans.append(Span(start, end, label, score=round(float(e["score"]), 4)))
        return spans

    def postprocess(self, text: str, entities: list[Span]) -> Any:
        """The task's result from a text's entity spans."""
        raise NotImplementedError

    def __call__(self, text: str) -> Any:
        return self.postprocess(text, self.entities([text])[0])

    def count_tokens(self, text: str) -> tuple[int, int]:
        """(tokens, windows) of ``text`` under this pipeline's window length and stride."""
        n = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        usable = self.max_length - 2
        windows = 1 if n <= usable else 1 + -(-(n - usable) // max(1, usable - self.stride))
        return n, windows
