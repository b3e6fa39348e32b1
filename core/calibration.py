"""Confidence calibration: temperature scaling, expected calibration error, and the abstention threshold."""

from __future__ import annotations

import numpy as np
import torch


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray, max_iter: int = 200) -> float:
    """Temperature T minimizing the negative log-likelihood of ``softmax(logits / T)`` (Guo et al., 2017).

    Optimized over log T so T stays positive; a single scalar cannot change which class wins, only how
    confident the model says it is.
    """
    z = torch.as_tensor(np.asarray(logits), dtype=torch.float64)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    t = float(log_t.exp().item())
    return float(np.clip(t, 0.05, 20.0))


def reliability_bins(probs: np.ndarray, labels: np.ndarray, n_bins: int = 15) -> list[dict[str, float | int]]:
    """The reliability diagram's points: equal-width bins of the top probability (the first bin includes 0), each
    ``{lo, hi, confidence, accuracy, n}`` with the bin's mean confidence and accuracy; empty bins are left out.
    :func:`expected_calibration_error` is computed from these bins, so the diagram and the ECE agree."""
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels)
    if len(labels) == 0:
        return []
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    out: list[dict[str, float | int]] = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if in_bin.any():
            out.append({"lo": round(float(lo), 4), "hi": round(float(hi), 4),
                        "confidence": float(conf[in_bin].mean()), "accuracy": float(correct[in_bin].mean()),
                        "n": int(in_bin.sum())})
    return out


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, n_bins: int = 15) -> float:
    """ECE with equal-width confidence bins: sum over bins of |accuracy - confidence| weighted by bin size."""
    bins = reliability_bins(probs, labels, n_bins)
    total = sum(int(b["n"]) for b in bins)
    return float(sum(b["n"] / total * abs(b["accuracy"] - b["confidence"]) for b in bins)) if total else 0.0


def choose_threshold(probs: np.ndarray, labels: np.ndarray, target_accuracy: float = 0.9,
                     min_threshold: float = 0.2) -> float:
    """Lowest confidence threshold at which the predictions kept reach ``target_accuracy``.

    Notes whose top calibrated probability falls below the threshold are routed to a human. Returns
    ``min_threshold`` when even every prediction together meets the target, and the largest observed
    confidence when no threshold does.
    """
    probs = np.asarray(probs, dtype=np.float64)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(labels)
    order = np.argsort(-conf, kind="stable")
    cum_acc = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    ok = np.nonzero(cum_acc >= target_accuracy)[0]
    if len(ok) == 0:
        return float(conf.max()) if len(conf) else 1.0
    # The largest prefix (lowest confidence) whose accuracy still meets the target.
    k = ok.max()
    if k == len(order) - 1:
        return float(min_threshold)
    return float(max(min_threshold, conf[order][k]))
