"""Fine-tuning, calibration and evaluation of the triage model.

The default model is trained only on notes the product synthesizes itself (``core.synth``); ``train
--data`` fine-tunes on a user's labelled notes instead. Both paths share :func:`fit`.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from core.calibration import choose_threshold, expected_calibration_error, fit_temperature, softmax
from core.config import base_model_path
from core.device import device_batch, device_stats, place, to_device, training_device
from core.labels import SERVICE_DESCRIPTIONS
from core.metrics import classification_summary
from core.modeling import TrainConfig, autocast, freeze_lower, report_stage, setup_torch, tiny_bert_config, train_steps
from core.triage.model import NoteClassifier, load_base
from core.triage.pipeline import TriagePipeline

Record = tuple[str, str]  # (text, label)


@dataclass
class TriageTrainConfig(TrainConfig):
    """Knobs of one triage training run (defaults: the shipped model; saved in the artifact's metadata)."""

    seed: int = 13
    n_notes: int = 3000          # synthetic notes for the default model (2,000 before the weak services' cases)
    val_notes: int = 240         # held-out synthetic notes for calibration and metrics
    max_length: int = 256        # training window, in tokens
    infer_max_length: int = 512  # inference window
    windows_per_note: int = 1    # windows sampled from each note per epoch
    batch_size: int = 16
    gpu_batch_size: int = 32     # on a CUDA device unless batch_size was set (core.device.device_batch); 0: batch_size
    lr: float = 1e-4
    head_lr: float = 2e-3
    label_smoothing: float = 0.1
    freeze_layers: int = 2       # lowest encoder layers kept frozen (with the embeddings): ~35% faster steps
    target_accuracy: float = 0.9  # selective accuracy the abstention threshold is chosen for
    balance_classes: bool = False  # weight the loss by inverse label frequency (imbalanced user data)
    labels: tuple[str, ...] = ()   # the services the head predicts; empty: the data's (every service by default)


def read_labelled_csv(path: Path) -> list[Record]:
    """Read a CSV with columns ``text`` and ``label`` (other columns ignored).

    Raises:
        ValueError: the file lacks either column or holds no usable rows.
    """
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "text" not in reader.fieldnames or "label" not in reader.fieldnames:
            raise ValueError(f"{path}: expected a CSV with columns 'text' and 'label', got {reader.fieldnames}")
        rows = [(r["text"], r["label"].strip()) for r in reader if r.get("text", "").strip() and r.get("label")]
    if not rows:
        raise ValueError(f"{path}: no rows with both text and label")
    return rows


def training_windows(tokenizer: PreTrainedTokenizerBase, records: Sequence[Record], label_index: dict[str, int],
                     max_length: int, per_note: int, rng: random.Random) -> list[tuple[list[int], int]]:
    """Sample up to ``per_note`` token windows from each note (the first window always among them)."""
    enc = tokenizer([t for t, _ in records], truncation=True, max_length=max_length, stride=max_length // 4,
                    return_overflowing_tokens=True)
    by_note: dict[int, list[list[int]]] = {}
    for ids, note in zip(enc["input_ids"], enc["overflow_to_sample_mapping"]):
        by_note.setdefault(note, []).append(ids)
    out = []
    for note in sorted(by_note):
        wins = by_note[note]
        picked = [wins[0]] + rng.sample(wins[1:], min(len(wins) - 1, max(0, per_note - 1)))
        out.extend((ids, label_index[records[note][1]]) for ids in picked)
    return out


def snippet_records(records: Sequence[Record], rng: random.Random, n_words: tuple[int, int] = (15, 80)) -> list[Record]:
    """Short word snippets of notes: harder, more ambiguous inputs for calibration."""
    out = []
    for text, label in records:
        words = text.split()
        k = rng.randint(*n_words)
        start = rng.randint(0, max(0, len(words) - k))
        out.append((" ".join(words[start:start + k]), label))
    return out


def _batches(examples: list[tuple[list[int], int]], batch_size: int, pad_id: int, rng: random.Random):
    order = list(range(len(examples)))
    rng.shuffle(order)
    for i in range(0, len(order), batch_size):
        chunk = [examples[j] for j in order[i:i + batch_size]]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for r, (seq, _) in enumerate(chunk):
            ids[r, :len(seq)] = torch.tensor(seq)
            mask[r, :len(seq)] = 1
        yield ids, mask, torch.tensor([y for _, y in chunk])


def balanced_class_weights(label_ids: Sequence[int], n_labels: int) -> np.ndarray:
    """scikit-learn's "balanced" weights, ``n_samples / (n_present_classes * count)``; 0 for absent labels."""
    counts = np.bincount(np.asarray(label_ids, dtype=int), minlength=n_labels).astype(np.float64)
    present = counts > 0
    w = np.zeros(n_labels)
    w[present] = counts.sum() / (present.sum() * counts[present])
    return w


@torch.no_grad()
def init_head_from_descriptions(model: NoteClassifier, tokenizer: PreTrainedTokenizerBase, labels: Sequence[str],
                                scale: float = 5.0) -> bool:
    """Start the head at zero-shot routing: each class's weight is the embedding of its description.

    Returns False (head left as is) when some label has no description (a user's own label set).
    """
    if any(l not in SERVICE_DESCRIPTIONS for l in labels):
        return False
    texts = [f"{l.replace('_', ' ')}: {SERVICE_DESCRIPTIONS[l]}" for l in labels]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    emb = model.embed(enc["input_ids"], enc["attention_mask"])
    emb = emb - emb.mean(0, keepdim=True)
    emb = torch.nn.functional.normalize(emb, dim=-1)
    model.classifier.weight.copy_(emb * scale)
    model.classifier.bias.zero_()
    return True


def fit(model: NoteClassifier, tokenizer: PreTrainedTokenizerBase, records: Sequence[Record], labels: Sequence[str],
        cfg: TriageTrainConfig, *, progress: bool = True, desc: str = "training",
        device: str | torch.device | None = None) -> dict[str, Any]:
    """Fine-tune ``model`` in place on ``records`` on ``device`` (default: the configured one, where the model is
    moved first); returns training statistics, with the device."""
    setup_torch()
    device = training_device(device)
    place(model, device)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    label_index = {l: i for i, l in enumerate(labels)}
    examples = training_windows(tokenizer, records, label_index, cfg.max_length, cfg.windows_per_note, rng)
    batch_size = device_batch(cfg, "batch_size", device)
    class_weight = None
    if cfg.balance_classes:
        w = balanced_class_weights([y for _, y in examples], len(labels))
        class_weight = torch.tensor(w, dtype=torch.float32, device=device)
    if cfg.freeze_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    freeze_lower(model.bert, cfg.freeze_layers)

    def loss_fn(batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
        ids, mask, y = batch
        with autocast(device):
            logits = model(input_ids=to_device(ids, device), attention_mask=to_device(mask, device)).logits.float()
        return torch.nn.functional.cross_entropy(logits, to_device(y, device), weight=class_weight,
                                                 label_smoothing=cfg.label_smoothing)

    pad = tokenizer.pad_token_id or 0
    stats = train_steps(model, lambda: _batches(examples, batch_size, pad, rng), loss_fn,
                        total=int(round(math.ceil(len(examples) / batch_size) * cfg.epochs)), lr=cfg.lr,
                        head_lr=cfg.head_lr, weight_decay=cfg.weight_decay, warmup=cfg.warmup,
                        max_seconds=cfg.max_seconds, desc=desc, progress=progress, device=device)
    return {**stats, **device_stats(device), "windows": len(examples), "device_batch_size": batch_size}


def calibrate(logits: np.ndarray, labels: np.ndarray, target_accuracy: float) -> dict[str, Any]:
    """Fit the temperature on held-out ``logits`` and choose the abstention threshold."""
    before = expected_calibration_error(softmax(logits), labels)
    temperature = fit_temperature(logits, labels)
    probs = softmax(logits, temperature)
    threshold = choose_threshold(probs, labels, target_accuracy)
    return {"temperature": temperature, "threshold": threshold, "target_accuracy": target_accuracy,
            "ece_before": round(before, 4), "ece_after": round(expected_calibration_error(probs, labels), 4),
            "n": int(len(labels))}


def evaluate_records(pipe: TriagePipeline, records: Sequence[Record], progress: bool = False) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1, ECE, coverage of ``pipe`` on labelled notes."""
    bar = tqdm(total=len(records), desc="evaluating", unit="note", disable=not progress, file=sys.stderr)
    probs = pipe.predict_proba([t for t, _ in records], progress=bar.update)
    bar.close()
    return summarize_probs(pipe, records, probs)


def summarize_probs(pipe: TriagePipeline, records: Sequence[Record], probs: np.ndarray) -> dict[str, Any]:
    """Metrics of calibrated ``probs`` (rows in ``records`` order) with ``pipe``'s labels and threshold."""
    pred = [pipe.labels[i] for i in probs.argmax(1)]
    abstain = [bool(p.max() < pipe.threshold) for p in probs]
    return classification_summary([l for _, l in records], pred, probs, pipe.labels, abstain)


def _new_model(labels: Sequence[str], init: Path | None, tiny: bool) -> tuple[NoteClassifier, PreTrainedTokenizerBase]:
    base = init or base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_path() if tiny else base))
    if tiny:
        return NoteClassifier(tiny_bert_config(tokenizer.vocab_size, num_labels=len(labels))), tokenizer
    if init is not None:
        model = NoteClassifier.from_pretrained(str(init))
        if list(model.config.id2label.values()) != list(labels):
            # Keep the fine-tuned encoder, give it a new head for the user's label set.
            model = NoteClassifier.from_pretrained(str(init), num_labels=len(labels), ignore_mismatched_sizes=True,
                                                   id2label=dict(enumerate(labels)),
                                                   label2id={l: i for i, l in enumerate(labels)})
        return model, tokenizer
    return load_base(base, list(labels)), tokenizer


def train_pipeline(train: Sequence[Record], val: Sequence[Record], labels: Sequence[str], cfg: TriageTrainConfig, *,
                   init: Path | None = None, progress: bool = True,
                   log: Callable[[str], None] = print) -> tuple[TriagePipeline, dict[str, Any], dict[str, Any]]:
    """Fine-tune, calibrate on ``val`` and measure: (pipeline, training statistics, metrics and calibration)."""
    setup_torch()
    torch.manual_seed(cfg.seed)  # a new head (or a tiny model) starts from the same weights every run
    model, tokenizer = _new_model(labels, init, cfg.tiny)
    if init is None and not cfg.tiny:
        init_head_from_descriptions(model, tokenizer, labels)
    device = training_device()
    stats = fit(model, tokenizer, train, labels, cfg, progress=progress, device=device)
    log(f"trained {stats['steps']} steps on {stats['windows']} windows in {stats['seconds']} s on {stats['device']}")
    # Calibration and validation run where the model trained (the pipeline keeps it there).
    pipe = TriagePipeline(model, tokenizer, labels, max_length=cfg.infer_max_length, detect_flags=False,
                          device=device)
    # One pass over the held-out notes and short snippets of them (harder, more ambiguous inputs)
    # serves both calibration and the validation metrics.
    report_stage("calibrating")
    cal_set = list(val) + snippet_records(val, random.Random(cfg.seed + 1))
    bar = tqdm(total=len(cal_set), desc="calibrating", unit="note", disable=not progress, file=sys.stderr)
    chunks = []
    for i in range(0, len(cal_set), 32):
        chunks.append(pipe.note_logits([t for t, _ in cal_set[i:i + 32]])[0])
        bar.update(len(cal_set[i:i + 32]))
    bar.close()
    logits = np.concatenate(chunks)
    y = np.array([pipe.labels.index(l) for _, l in cal_set])
    cal = calibrate(logits, y, cfg.target_accuracy)
    pipe.temperature, pipe.threshold = cal["temperature"], cal["threshold"]
    log(f"calibrated: temperature {cal['temperature']:.3f}, threshold {cal['threshold']:.3f}")
    metrics = summarize_probs(pipe, val, softmax(logits[:len(val)], pipe.temperature))
    pipe.detect_flags = True
    return pipe, stats, {"validation": metrics, "calibration": cal}


def synthetic_records(n: int, seed: int) -> list[Record]:
    """``n`` synthesized notes balanced over the 15 services."""
    from core.synth import NoteSynthesizer

    synth = NoteSynthesizer(seed=seed)
    return [(note.text, note.service) for note in synth.generate(n)]


def stratified_folds(labels: Sequence[str], k: int, seed: int) -> list[list[int]]:
    """Test indices of ``k`` folds with each label spread evenly (scikit-learn's StratifiedKFold).

    A label with fewer than ``k`` notes is spread as far as it goes (scikit-learn warns; that is expected).
    """
    import warnings

    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return [sorted(test.tolist()) for _, test in skf.split(np.zeros(len(labels)), list(labels))]


def split_by_index(records: Sequence[Record], held: Sequence[int]) -> tuple[list[Record], list[Record]]:
    """(records not in ``held``, records in ``held`` in index order)."""
    held_set = set(held)
    return ([r for i, r in enumerate(records) if i not in held_set], [records[i] for i in sorted(held_set)])


def validation_split(records: Sequence[Record], seed: int, fraction: float = 0.15) -> tuple[list[Record], list[Record]]:
    """Stratified (train, validation) split holding out about ``fraction`` of the notes for calibration."""
    folds = stratified_folds([l for _, l in records], max(2, round(1 / fraction)), seed)
    return split_by_index(records, folds[0])
