"""Word-level explanations of model outputs: the one attribution engine of NoteLens.

:func:`attribute_window` attributes any scalar output of a window (a triage logit, a drug entity's
log-probability, a treatment's ranking score) to the word-piece embeddings; :func:`explained` is the one
entry every explanation goes through (method check, cache keyed by every argument and the caller's scope, timing):
:func:`core.explain.note.explain_note` (triage), :func:`core.explain.entity.explain_entity` and
:func:`core.treatments.explain.explain_ranking` build on both, and each task's ``explain`` calls one of them.

Each is a stateless call ``(pipeline, text, target) -> Explanation``: it attributes the target's score to the
word-piece embeddings with Layer Integrated Gradients (or, when asked, the cheaper gradient x input), sums piece
scores into words with character offsets, and reports the convergence gap and ERASER faithfulness
(comprehensiveness and sufficiency of the top words, :func:`eraser`).

Details:
- Baseline: the same window with every note token replaced by ``[PAD]`` ([CLS], [SEP] and the
  attention mask kept), i.e. "no words", the convention of transformers-interpret and Captum's BERT
  tutorials.
- Steps are adaptive and nothing is computed twice: the path integral is taken with the nested Clenshaw-Curtis
  rule, 16 steps first (17 nodes, end points included; on smooth integrands about as accurate as
  Gauss-Legendre of the same size, Trefethen 2008), and while a window's completeness gap
  ``|sum(attributions) - (f(x) - f(baseline))|`` exceeds ``tolerance`` of ``|f(x) - f(baseline)|`` the steps
  double (32, then 64 where allowed): the finer grid holds every node of the coarser one, whose integrand is
  kept on the device, so only the new nodes go through the model. Each level's new nodes go through the model
  in batches sized by device (one batch on a GPU); the only host round trip is the completeness check, once
  per level.
- Long notes: every token window of the pipeline is attributed; since the note's logit is the
  token-weighted mean of window logits, each window's attributions are scaled by its weight and
  summed, so the word scores explain exactly the number the note's prediction comes from. The reported
  convergence gap is the worst window's.
- The engine hooks the shared model's embedding layer while it runs: every call holds the pipeline's lock.
  (Captum's LayerIntegratedGradients computes the same attributions, checked in the tests; its restart at more
  steps redid every step and added a forward for the convergence delta.)
- Results are cached in memory (never on disk) by model version, text hash, target, method and every option.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import torch

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
#: - condition entities: the same engine and model family as drug entities, measured by the same benchmark.
DEFAULT_METHODS: dict[str, str] = {"triage": "ig", "drugs": "ig", "conditions": "ig", "treatments": "gxi"}


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

#: Whose explanations the cache holds for the current call (:func:`cache_scope`): ``""`` for the CLI and tests.
_SCOPE: ContextVar[str] = ContextVar("explanation_cache_scope", default="")


@contextmanager
def cache_scope(scope: str) -> Iterator[None]:
    """Explanations computed inside share the cache only with calls made under the same ``scope``.

    The cache is one per process; an explanation holds the note's words. The app passes one random token per
    browser session, so a session never gets (or learns from a hit's speed) another session's explanation.
    """
    token = _SCOPE.set(str(scope))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _baseline_ids(input_ids: torch.Tensor, special_ids: set[int], pad_id: int) -> torch.Tensor:
    base = torch.full_like(input_ids, pad_id)
    keep = torch.zeros_like(input_ids, dtype=torch.bool)
    for sid in special_ids:
        keep |= input_ids == sid
    return torch.where(keep, input_ids, base)


def logits_fn(model: torch.nn.Module, device: torch.device) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """``forward(ids, mask) -> float logits`` of a classifier, under the device's autocast."""
    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        with autocast(device):
            return model(input_ids=input_ids, attention_mask=attention_mask).logits.float()

    return forward


def special_ids(tokenizer: Any) -> set[int]:
    """Token ids an attribution baseline keeps (``[CLS]``, ``[SEP]``, ``[PAD]``)."""
    return {i for i in (tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id) if i is not None}


def _next_steps(steps: int, max_steps: int) -> int:
    """Steps double, so the finer grid holds every node of the coarser one (nothing already computed is redone)."""
    return min(max_steps, steps * 2)


def clenshaw_curtis(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``alpha_k = (1 - cos(k pi / steps)) / 2`` (k = 0..steps) on [0, 1] and weights of the Clenshaw-Curtis
    rule: about as accurate as Gauss-Legendre of the same size on smooth integrands, and nested (the nodes of
    ``steps`` are nodes of ``2 * steps``), which is why the engine uses it."""
    if steps < 1:
        raise ValueError("steps must be >= 1")
    k = np.arange(steps + 1)
    theta = k * np.pi / steps
    w = np.ones(steps + 1)
    for j in range(1, steps // 2 + 1):
        w -= (1.0 if 2 * j == steps else 2.0) / (4 * j * j - 1) * np.cos(2 * j * theta)
    w *= np.where((k == 0) | (k == steps), 1.0, 2.0) / steps
    return (1 - np.cos(theta)) / 2, w / 2


@contextmanager
def _replaced_output(layer: torch.nn.Module, make: Callable[[torch.Tensor], torch.Tensor]) -> Iterator[None]:
    """While inside, ``layer``'s output ``out`` is replaced by ``make(out)`` (how activations are read and set)."""
    handle = layer.register_forward_hook(lambda _m, _i, out: make(out))
    try:
        yield
    finally:
        handle.remove()


def _rows(n: int, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return ids.expand(n, -1), mask.expand(n, -1)


def _gradient_x_input(forward: Any, layer: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """One forward and one backward: ``d forward / d layer output`` times the layer output, per token."""
    seen: list[torch.Tensor] = []

    def grab(out: torch.Tensor) -> torch.Tensor:
        seen.append(out.detach().float().requires_grad_(True))
        return seen[-1]

    with torch.enable_grad(), _replaced_output(layer, grab):
        out = forward(ids, mask)
        (grad,) = torch.autograd.grad(out.sum(), seen[0])
    return (grad * seen[0]).sum(-1)[0].detach()


def attribute_window(forward: Any, layer: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor, method: Method,
                     *, special: set[int], pad: int, tolerance: float = GAP_TOLERANCE, start_steps: int = 16,
                     max_steps: int = 32, batch_tokens: int | None = None) -> tuple[np.ndarray, float | None, int]:
    """Token attributions of ``forward(ids, mask)`` (a scalar per row) to ``layer``'s output, for one window:
    the attribution engine every task's explanation goes through (triage, drug entities, treatment ranking).

    Integrated Gradients from the all-``[PAD]`` baseline (``[CLS]``/``[SEP]`` kept), the path integral of the
    gradient taken by the nested Clenshaw-Curtis rule (:func:`clenshaw_curtis`): ``start_steps`` first; while the
    completeness gap exceeds ``tolerance`` of ``|f(x) - f(baseline)|`` the steps double, up to ``max_steps``,
    and only the new nodes are evaluated (the integrand at every node is kept on the device). The nodes of a
    level go through the model in batches of about ``batch_tokens`` tokens (by device); the only host round
    trip is the completeness check, once per level. Or gradient x input (one forward and one backward).
    Returns ``(token_scores, relative completeness gap or None, steps)``. The caller holds the model's lock
    (the engine hooks the shared model's ``layer`` while it runs).
    """
    if method == "gxi":
        return _gradient_x_input(forward, layer, ids, mask).float().cpu().numpy(), None, 1
    baseline = _baseline_ids(ids, special, pad)
    if batch_tokens is None:
        # on a 2-core CPU 4k tokens per pass ran 10-15% faster than 8k (cache-friendlier); a GPU wants more
        batch_tokens = 4096 if ids.device.type == "cpu" else 65536
    internal = max(1, batch_tokens // ids.shape[1])
    # the layer's output on the input and on the baseline, and f at both ends, in one forward of two rows
    acts: list[torch.Tensor] = []
    with torch.no_grad(), _replaced_output(layer, lambda out: acts.append(out.detach().float()) or out):
        ends = forward(torch.cat([ids, baseline]), torch.cat([mask, mask])).detach().float()
    x, x0 = acts[0][:1], acts[0][1:]
    diff = x - x0
    change = ends[0] - ends[1]                                   # f(x) - f(baseline), on the device
    done: dict[Fraction, torch.Tensor] = {}                      # node alpha -> integrand per token
    steps = start_steps
    while True:
        alphas, weights = clenshaw_curtis(steps)
        keys = [Fraction(k, steps) for k in range(steps + 1)]
        todo = [i for i, key in enumerate(keys) if key not in done]
        for lo in range(0, len(todo), internal):
            chunk = todo[lo:lo + internal]
            a = torch.tensor(alphas[chunk], dtype=diff.dtype, device=diff.device).view(-1, 1, 1)
            point = (x0 + a * diff).requires_grad_(True)
            with torch.enable_grad(), _replaced_output(layer, lambda _out, p=point: p):
                out = forward(*_rows(len(chunk), ids, mask))
                (grad,) = torch.autograd.grad(out.sum(), point)
            rows = (grad.detach() * diff).sum(-1)                 # [len(chunk), tokens]
            for j, i in enumerate(chunk):
                done[keys[i]] = rows[j]
        integrand = torch.stack([done[key] for key in keys])
        token_scores = (torch.as_tensor(weights, dtype=integrand.dtype, device=integrand.device)[:, None]
                        * integrand).sum(0)
        gap, total = torch.stack([token_scores.sum() - change, change]).cpu().tolist()   # one sync per level
        rel = abs(gap) / max(abs(total), 1e-6)
        if rel <= tolerance or steps >= max_steps:
            return token_scores.cpu().numpy(), rel, steps
        steps = _next_steps(steps, max_steps)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, torch.Tensor):
        return _hashable(value.tolist())
    return value


def explained(kind: str, version: str, text: str, target: Any, method: str, options: dict[str, Any],
              compute: Callable[[], Explanation], *, use_cache: bool = True, scope: str | None = None) -> Explanation:
    """The one entry of every explanation: checks the method, returns a cached result when the same model, text,
    target, method and options were explained before, else times ``compute()`` and caches what it returns.

    Args:
        kind: What is explained (``note``, ``entity``, ``ranking``), so equal targets of two kinds never collide.
        version: The model version.
        text: The note (only its SHA-256 is kept in the key).
        target: What of the output is explained (a label, a span, a candidate), hashable.
        method: A key of :data:`METHODS`.
        options: Every other argument that can change the result (steps, tolerance, window length, features).
        compute: Computes the explanation (the caller's attribution under its model's lock).
        scope: Who may reuse the cached result (part of the key; default the enclosing :func:`cache_scope`'s).
    """
    if method not in METHODS:
        raise ValueError(f"unknown attribution method {method!r}; choose one of {sorted(METHODS)}")
    key = (_SCOPE.get() if scope is None else str(scope), kind, version,
           hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), _hashable(target), method,
           _hashable(options))
    if use_cache and (hit := CACHE.get(key)) is not None:
        return replace(hit, cached=True)
    t0 = time.perf_counter()
    exp = replace(compute(), seconds=time.perf_counter() - t0)
    if use_cache:
        CACHE.put(key, exp)
    return exp


def top_word_indices(scores: Sequence[float], fraction: float = 0.1) -> list[int]:
    """The ``fraction`` of words with the highest scores (at least one), best first: what ERASER removes or keeps."""
    k = max(1, int(round(fraction * len(scores))))
    return [int(i) for i in np.argsort(-np.asarray(scores), kind="stable")[:k]]


def eraser(p_full: float, p_without: float, p_only: float, k: int) -> dict[str, Any]:
    """ERASER faithfulness from the explained probability on the whole input, without the top ``k`` words, and with
    only them: comprehensiveness (high is faithful) and sufficiency (near zero is faithful)."""
    return {"target_probability": float(p_full), "comprehensiveness": float(p_full - p_without),
            "sufficiency": float(p_full - p_only), "top_k": int(k)}
