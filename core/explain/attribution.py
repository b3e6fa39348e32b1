"""Word-level explanations of model outputs with Captum: the one attribution engine of NoteLens.

:func:`attribute_window` attributes any scalar output of a window (a triage logit, a drug entity's
log-probability, a treatment's ranking score) to the word-piece embeddings; :func:`explain` (triage),
:func:`core.explain.entity.explain_entity` and :func:`core.treatments.explain.explain_ranking` build on it.

:func:`explain` is a stateless call ``(pipeline, text, target) -> Explanation``. It attributes the
target's logit to the word-piece embeddings with Layer Integrated Gradients (or, when asked, the
cheaper gradient x input), sums piece scores into words with character offsets, and reports the
convergence delta and ERASER faithfulness (comprehensiveness and sufficiency of the top words).

Details:
- Baseline: the same window with every note token replaced by ``[PAD]`` ([CLS], [SEP] and the
  attention mask kept), i.e. "no words", the convention of transformers-interpret and Captum's BERT
  tutorials.
- Steps are adaptive: Gauss-Legendre quadrature with 16 steps (on the triage model most notes are
  within 5% there, while 8 steps often miss by 10-30%), raised by half (24, then 32) while a window's
  completeness gap ``|sum(attributions) - (f(x) - f(baseline))|`` exceeds ``tolerance`` of
  ``|f(x) - f(baseline)|``. The interpolation steps of a window go through the model in batches.
- Long notes: every token window of the pipeline is attributed; since the note's logit is the
  token-weighted mean of window logits, each window's attributions are scaled by its weight and
  summed, so the word scores explain exactly the number the note's prediction comes from. The reported
  convergence gap is the worst window's.
- Captum attaches hooks to the shared model while it runs: every call holds the pipeline's lock.
- Results are cached in memory (never on disk) by model version, text hash, target and method.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import torch
from captum.attr import LayerGradientXActivation, LayerIntegratedGradients

from core.calibration import softmax
from core.explain.words import merge_to_words, word_spans
from core.modeling import autocast

Method = Literal["ig", "gxi"]
#: Integrated Gradients adds steps until the word scores add up to the score change within this fraction
#: (the original paper's "within 5%").
GAP_TOLERANCE = 0.05
METHODS: dict[str, str] = {"ig": "Integrated Gradients", "gxi": "Gradient x input"}
#: Each task's default method, as :func:`choose_default` picks it from ``bench/explain.py`` (8 synthesized
#: 300-word notes per task, 2-core CPU, ``NOTELENS_THREADS=2 .venv/bin/python bench/explain.py``):
#:
#: - triage: Integrated Gradients, comprehensiveness 0.59 in 1.9 s; gradient x input 0.03 in 0.09 s.
#: - drug entities: Integrated Gradients 1.00 in 1.5 s; gradient x input 0.66 in 0.08 s.
#: - treatment ranking: both about 0.00 (the note's words hardly move a drug's share among its condition's
#:   candidates; the knowledge base's order and the flags do); gradient x input takes 0.20 s, IG 6.8 s.
DEFAULT_METHODS: dict[str, str] = {"triage": "ig", "drugs": "ig", "treatments": "gxi"}


def choose_default(measured: dict[str, dict[str, float]], within: float = 0.02) -> str:
    """The method to show by default, from measurements ``{method: {"comprehensiveness", "seconds_median"}}``.

    Faithfulness per second, without trading faithfulness for speed: of the methods whose
    comprehensiveness is within ``within`` of the best one (equally faithful), the fastest. A cheap method
    that explains less is not chosen however fast it is.
    """
    if not measured:
        raise ValueError("no measurements")
    best = max(m["comprehensiveness"] for m in measured.values())
    near = {k: m for k, m in measured.items() if m["comprehensiveness"] >= best - within}
    return min(near, key=lambda k: (near[k]["seconds_median"], k))


@dataclass(frozen=True)
class WordScore:
    """Attribution of one word: positive raised the target, negative lowered it."""

    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Explanation:
    """Word-level explanation of one prediction."""

    target: str
    method: str
    words: tuple[WordScore, ...]
    delta: float | None = None           # relative completeness gap (IG); None for other methods
    n_steps: int = 0
    seconds: float = 0.0
    model_version: str = ""
    target_probability: float = 0.0
    comprehensiveness: float | None = None
    sufficiency: float | None = None
    top_k: int = 0
    cached: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def top(self, k: int = 10, sign: int = 1) -> list[WordScore]:
        """The ``k`` words with the largest (sign=1) or most negative (sign=-1) scores."""
        ranked = sorted((w for w in self.words if w.score * sign > 0), key=lambda w: -w.score * sign)
        return ranked[:k]


class _Cache:
    """A small thread-safe LRU of explanations, in memory only."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._data: OrderedDict[tuple, Explanation] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> Explanation | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: tuple, value: Explanation) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


CACHE = _Cache()


def _baseline_ids(input_ids: torch.Tensor, special_ids: set[int], pad_id: int) -> torch.Tensor:
    base = torch.full_like(input_ids, pad_id)
    keep = torch.zeros_like(input_ids, dtype=torch.bool)
    for sid in special_ids:
        keep |= input_ids == sid
    return torch.where(keep, input_ids, base)


def _forward_fn(model: torch.nn.Module, device: torch.device):
    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        with autocast(device):
            return model(input_ids=input_ids, attention_mask=attention_mask).logits.float()

    return forward


def _next_steps(steps: int, max_steps: int) -> int:
    return min(max_steps, max(steps + 1, int(steps * 1.5)))


def attribute_window(forward: Any, layer: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor, method: Method,
                     *, special: set[int], pad: int, tolerance: float = GAP_TOLERANCE, start_steps: int = 16,
                     max_steps: int = 32, batch_tokens: int | None = None) -> tuple[np.ndarray, float | None, int]:
    """Token attributions of ``forward(ids, mask)`` (a scalar per row) to ``layer``'s output, for one window:
    the attribution engine every task's explanation goes through (triage, drug entities, treatment ranking).

    Integrated Gradients from the all-``[PAD]`` baseline (``[CLS]``/``[SEP]`` kept) with adaptive
    Gauss-Legendre steps (``start_steps``, raised by half while the completeness gap exceeds ``tolerance``
    of ``|f(x) - f(baseline)|``, up to ``max_steps``), the interpolation steps in batches of about
    ``batch_tokens`` tokens; or gradient x input. Returns ``(token_scores, relative completeness gap or None,
    steps)``. The caller holds the model's lock (Captum hooks the shared model).
    """
    if method == "gxi":
        attr = LayerGradientXActivation(forward, layer).attribute(ids, additional_forward_args=(mask,))
        return attr.sum(-1).detach().float().cpu().numpy()[0], None, 1
    lig = LayerIntegratedGradients(forward, layer)
    baseline = _baseline_ids(ids, special, pad)
    steps = start_steps
    if batch_tokens is None:
        # on a 2-core CPU 4k tokens per pass ran 10-15% faster than 8k (cache-friendlier); a GPU wants more
        batch_tokens = 4096 if ids.device.type == "cpu" else 65536
    internal = max(1, batch_tokens // ids.shape[1])
    while True:
        attr, d = lig.attribute(ids, baselines=baseline, additional_forward_args=(mask,), n_steps=steps,
                                method="gausslegendre", return_convergence_delta=True, internal_batch_size=internal)
        token_scores = attr.sum(-1).detach().float().cpu().numpy()[0]
        d = float(d.detach().float().cpu()[0])
        gap = float(token_scores.sum()) - d
        if abs(d) <= tolerance * max(abs(gap), 1e-6) or steps >= max_steps:
            return token_scores, abs(d) / max(abs(gap), 1e-6), steps
        steps = _next_steps(steps, max_steps)


def attribute_windows(pipe: Any, text: str, target_index: int, method: Method = "ig", *,
                      tolerance: float = GAP_TOLERANCE, start_steps: int = 16, max_steps: int = 32,
                      batch_tokens: int | None = None) -> tuple[list[float], dict[str, Any]]:
    """Word scores of ``text`` for the note-level logit of ``target_index`` (see module docstring).

    Each window is attributed at its own length (a short last window is not padded to the longest),
    and its steps grow by half (16, 24, 32) until its completeness gap is within ``tolerance``.
    """
    windows = pipe.preprocess([text])
    device = pipe.device
    weights = np.array([max(1, n) for n in windows.n_content], dtype=np.float64)
    weights = weights / weights.sum()
    tok = pipe.tokenizer
    special = {i for i in (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id) if i is not None}
    layer = pipe.model.bert.embeddings
    forward = _forward_fn(pipe.model, device)
    words = word_spans(text)
    scores = np.zeros(len(words))
    deltas: list[float] = []
    used_steps: list[int] = []
    for w in range(len(windows.input_ids)):
        n = int(windows.attention_mask[w].sum().item())
        ids = windows.input_ids[w:w + 1, :n].to(device)
        mask = windows.attention_mask[w:w + 1, :n].to(device)
        token_scores, rel, steps = attribute_window(lambda i, m: forward(i, m)[:, target_index], layer, ids, mask,
                                                    method, special=special, pad=tok.pad_token_id or 0,
                                                    tolerance=tolerance, start_steps=start_steps, max_steps=max_steps,
                                                    batch_tokens=batch_tokens)
        used_steps.append(steps)
        if rel is not None:
            deltas.append(rel)
        scores += weights[w] * np.asarray(merge_to_words(text, windows.offsets[w][:n], token_scores, words))
    rel = float(max(deltas)) if deltas else None   # the worst window's relative completeness gap
    return scores.tolist(), {"windows": len(windows.input_ids), "n_steps": max(used_steps), "delta": rel,
                             "words": words}


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given character spans blanked out (offsets of the rest kept)."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = [" "] * (b - a)
    return "".join(chars)


def _only(text: str, spans: list[tuple[int, int]]) -> str:
    keep = np.zeros(len(text), dtype=bool)
    for a, b in spans:
        keep[a:b] = True
    return "".join(c if k or c == "\n" else " " for c, k in zip(text, keep))


def faithfulness(pipe: Any, text: str, target_index: int, word_list: list[tuple[int, int]], scores: list[float],
                 fraction: float = 0.1) -> dict[str, float]:
    """ERASER comprehensiveness and sufficiency of the top ``fraction`` of words (at least one).

    comprehensiveness = p(target | note) - p(target | note without the top words): high is faithful.
    sufficiency = p(target | note) - p(target | only the top words): low is faithful.
    """
    k = max(1, int(round(fraction * len(word_list))))
    order = np.argsort(-np.asarray(scores), kind="stable")[:k]
    top = [word_list[i] for i in order]
    texts = [text, _without(text, top), _only(text, top)]
    logits, _ = pipe.note_logits(texts)
    p = softmax(logits, pipe.temperature)[:, target_index]
    return {"comprehensiveness": float(p[0] - p[1]), "sufficiency": float(p[0] - p[2]),
            "target_probability": float(p[0]), "top_k": k}


def explain(pipe: Any, text: str, target: str, method: Method = "ig", *, use_cache: bool = True,
            with_faithfulness: bool = True, **kwargs: Any) -> Explanation:
    """Explain ``pipe``'s score for ``target`` on ``text`` (thread-safe, cached in memory)."""
    if method not in METHODS:
        raise ValueError(f"unknown attribution method {method!r}; choose one of {sorted(METHODS)}")
    target_index = pipe.labels.index(target)
    key = (pipe.version, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), target, method,
           with_faithfulness)
    if use_cache and (hit := CACHE.get(key)) is not None:
        return replace(hit, cached=True)
    t0 = time.perf_counter()
    if not text.strip() or not word_spans(text):
        return Explanation(target=target, method=method, words=(), model_version=pipe.version)
    with pipe.lock:
        scores, info = attribute_windows(pipe, text, target_index, method, **kwargs)
    words = info["words"]
    faith: dict[str, float] = {}
    if with_faithfulness:
        faith = faithfulness(pipe, text, target_index, words, scores)
    exp = Explanation(
        target=target, method=method,
        words=tuple(WordScore(a, b, text[a:b], float(s)) for (a, b), s in zip(words, scores)),
        delta=info.get("delta"), n_steps=int(info.get("n_steps", 0)), seconds=time.perf_counter() - t0,
        model_version=pipe.version, target_probability=faith.get("target_probability", 0.0),
        comprehensiveness=faith.get("comprehensiveness"), sufficiency=faith.get("sufficiency"),
        top_k=int(faith.get("top_k", 0)), extra={"windows": info["windows"]})
    if use_cache:
        CACHE.put(key, exp)
    return exp


def explain_triage(pipe: Any, text: str, target: str | None = None, method: Method = "ig", **kwargs: Any) -> Explanation:
    """Explain a triage pipeline's score for ``target`` (default: its top service)."""
    if target is None:
        target = pipe(text).service
    return explain(pipe, text, target, method, **kwargs)
