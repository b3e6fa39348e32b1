"""Note triage inference, in the shape of a transformers pipeline: preprocess, forward, postprocess.

Notes longer than one window are split into overlapping windows of ``max_length`` tokens with
``stride`` tokens of overlap (the tokenizer's ``return_overflowing_tokens``); the window logits are
averaged, weighted by how many note tokens each window holds, so no part of a long note is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from core.calibration import softmax
from core.labels import UNCERTAIN, service_title
from core.modeling import ArtifactInfo, autocast
from core.pipeline import Pipeline
from core.triage.model import NoteClassifier


@dataclass(frozen=True)
class ServiceScore:
    """Calibrated probability of one service."""

    label: str
    probability: float

    @property
    def title(self) -> str:
        return service_title(self.label)


@dataclass(frozen=True)
class TriageResult:
    """What the triage model says of one note.

    Attributes:
        service: The most probable service (also when the model abstains).
        confidence: Its calibrated probability.
        uncertain: True when ``confidence < threshold``: route the note to a human.
        threshold: The abstention threshold in force.
        scores: Every service with its probability, most probable first.
        red_flags: Urgency red flags found by rule, each with its trigger words.
        model_version: Artifact version that produced the result.
        n_windows: How many token windows covered the note.
        n_tokens: Note length in tokens.
    """

    service: str
    confidence: float
    uncertain: bool
    threshold: float
    scores: tuple[ServiceScore, ...]
    red_flags: tuple[Any, ...] = ()
    model_version: str = "untrained"
    n_windows: int = 1
    n_tokens: int = 0

    @property
    def outcome(self) -> str:
        """The service to route to, or ``"uncertain"``."""
        return UNCERTAIN if self.uncertain else self.service

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable summary, red flags' trigger words as [start, end] offsets (no note text)."""
        flags = []
        for f in self.red_flags:
            flags.append({"name": f.name, "severity": f.severity,
                          "triggers": [[t.start, t.end] for t in f.triggers]})
        return {
            "outcome": self.outcome, "service": self.service, "confidence": round(self.confidence, 4),
            "uncertain": self.uncertain, "threshold": round(self.threshold, 4),
            "scores": {s.label: round(s.probability, 4) for s in self.scores},
            "red_flags": flags, "model_version": self.model_version,
            "n_windows": self.n_windows, "n_tokens": self.n_tokens,
        }

    def to_record(self) -> dict[str, Any]:
        """What a prediction stores: :meth:`to_dict`, which holds no string taken from the note (services, scores,
        red-flag names and their triggers' offsets)."""
        return self.to_dict()


@dataclass
class Windows:
    """Tokenized windows of one or more notes."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    offsets: list[list[tuple[int, int]]]
    note_index: list[int]
    n_content: list[int] = field(default_factory=list)


class TriagePipeline(Pipeline):
    """Calibrated note triage over a :class:`NoteClassifier` (thread-safe: passes hold ``self.lock``).

    Args:
        labels: The services, in the model's output order.
        temperature: Calibration temperature of the softmax.
        threshold: Calibrated confidence under which the answer is "uncertain: route to a human".
        max_length: Window length in tokens; longer notes are covered by windows overlapping by ``stride``.
        detect_flags: Also run the urgency red-flag rules.
    """

    task = "triage"

    def __init__(self, model: NoteClassifier, tokenizer: PreTrainedTokenizerBase, labels: Sequence[str], *,
                 temperature: float = 1.0, threshold: float = 0.0, version: str = "untrained",
                 device: str | None = None, max_length: int = 256, stride: int = 32,
                 batch_size: int = 16, detect_flags: bool = True) -> None:
        super().__init__(model, tokenizer, version=version, device=device)
        self.labels = list(labels)
        self.temperature = float(temperature)
        self.threshold = float(threshold)
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.detect_flags = detect_flags

    @classmethod
    def load_weights(cls, path: Path) -> tuple[torch.nn.Module, Any]:
        return NoteClassifier.from_pretrained(str(path)), AutoTokenizer.from_pretrained(str(path))

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        cal = info.calibration
        return {"labels": json.loads((path / "labels.json").read_text(encoding="utf-8")),
                "temperature": cal.get("temperature", 1.0), "threshold": cal.get("threshold", 0.0),
                "max_length": info.training.get("infer_max_length", 256)}

    # -- preprocess -------------------------------------------------------------------------------
    def preprocess(self, texts: Sequence[str]) -> Windows:
        """Tokenize ``texts`` into overlapping windows (every token of every note is in some window)."""
        enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_length, stride=self.stride,
                             return_overflowing_tokens=True, return_offsets_mapping=True, padding=True,
                             return_tensors="pt")
        mapping = enc.pop("overflow_to_sample_mapping").tolist()
        offsets = [[(int(a), int(b)) for a, b in row] for row in enc["offset_mapping"].tolist()]
        n_content = []
        for i, row in enumerate(offsets):
            mask = enc["attention_mask"][i].tolist()
            n_content.append(sum(1 for (a, b), m in zip(row, mask) if m and b > a))
        return Windows(enc["input_ids"], enc["attention_mask"], offsets, mapping, n_content)

    # -- forward ----------------------------------------------------------------------------------
    @torch.inference_mode()
    def forward(self, windows: Windows) -> np.ndarray:
        """Raw logits of each window, computed in batches on the pipeline's device."""
        out = []
        with self.lock:
            for i in range(0, len(windows.input_ids), self.batch_size):
                ids = windows.input_ids[i:i + self.batch_size].to(self.device)
                mask = windows.attention_mask[i:i + self.batch_size].to(self.device)
                # Trim padding columns shared by the whole batch.
                width = int(mask.sum(1).max().item())
                with autocast(self.device):
                    logits = self.model(input_ids=ids[:, :width], attention_mask=mask[:, :width]).logits
                out.append(logits.float().cpu())
        return torch.cat(out).numpy() if out else np.zeros((0, len(self.labels)))

    def note_logits(self, texts: Sequence[str]) -> tuple[np.ndarray, Windows]:
        """Per-note logits: window logits averaged with weights = tokens of the note in each window."""
        windows = self.preprocess(texts)
        window_logits = self.forward(windows)
        n = len(texts)
        agg = np.zeros((n, len(self.labels)))
        weight = np.zeros(n)
        for w, note in enumerate(windows.note_index):
            k = max(1, windows.n_content[w])
            agg[note] += k * window_logits[w]
            weight[note] += k
        return agg / np.maximum(weight, 1e-9)[:, None], windows

    # -- postprocess ------------------------------------------------------------------------------
    def postprocess(self, text: str, logits: np.ndarray, n_windows: int, n_tokens: int) -> TriageResult:
        probs = softmax(logits, self.temperature)
        order = np.argsort(-probs, kind="stable")
        scores = tuple(ServiceScore(self.labels[i], float(probs[i])) for i in order)
        top = scores[0]
        flags: tuple[Any, ...] = ()
        if self.detect_flags:
            from core.triage.redflags import detect_red_flags

            flags = tuple(detect_red_flags(text))
        return TriageResult(service=top.label, confidence=top.probability,
                            uncertain=top.probability < self.threshold, threshold=self.threshold,
                            scores=scores, red_flags=flags, model_version=self.version,
                            n_windows=n_windows, n_tokens=n_tokens)

    def __call__(self, text: str) -> TriageResult:
        logits, windows = self.note_logits([text])
        n_tokens = sum(windows.n_content) - self.stride * max(0, len(windows.n_content) - 1)
        return self.postprocess(text, logits[0], len(windows.note_index), max(n_tokens, 0))

    def predict_proba(self, texts: Sequence[str], chunk: int = 32, progress: Any = None) -> np.ndarray:
        """Calibrated probabilities for many notes (columns in ``self.labels`` order)."""
        rows = []
        for i in range(0, len(texts), chunk):
            logits, _ = self.note_logits(texts[i:i + chunk])
            rows.append(softmax(logits, self.temperature))
            if progress is not None:
                progress(len(texts[i:i + chunk]))
        return np.concatenate(rows) if rows else np.zeros((0, len(self.labels)))
