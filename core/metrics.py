"""Classification metrics (scikit-learn) in the JSON shape the CLI prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from core.calibration import expected_calibration_error, reliability_bins


def headline_figures(metrics: dict[str, Any], keys: Sequence[str]) -> dict[str, float]:
    """The figures of one recorded measurement named in ``keys``, in that order, rounded (span F1s, nested under
    ``strict`` / ``lenient``, come out as ``strict_f1`` / ``lenient_f1``); what is not a number is left out. The model
    comparison and the Model facts cards both read evaluations through here."""
    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    out = {f"{kind}_f1": metrics[kind]["f1"] for kind in ("strict", "lenient")
           if isinstance(metrics.get(kind), dict) and number(metrics[kind].get("f1"))}
    out.update({k: metrics[k] for k in keys if number(metrics.get(k))})
    return {k: round(float(out[k]), 4) for k in keys if k in out}

def classification_summary(gold: Sequence[str], pred: Sequence[str], probs: np.ndarray | None = None,
                           labels: Sequence[str] | None = None,
                           abstain: Sequence[bool] | None = None) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1, the confusion matrix (``{"labels", "matrix"}``, rows the true labels, over
    the labels present), ECE with its reliability bins (:func:`core.calibration.reliability_bins`) and, with
    ``abstain``, coverage and selective accuracy.

    Args:
        gold: True labels.
        pred: Predicted labels (the top service, whether or not the model abstained).
        probs: Calibrated probabilities, columns in ``labels`` order (for ECE).
        labels: Column order of ``probs``.
        abstain: True where the model routed the note to a human.
    """
    gold = list(gold)
    pred = list(pred)
    present = sorted(set(gold) | set(pred))
    per_class = f1_score(gold, pred, labels=present, average=None, zero_division=0)
    out: dict[str, Any] = {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)) if gold else 0.0,
        "macro_f1": float(f1_score(gold, pred, labels=present, average="macro", zero_division=0)) if gold else 0.0,
        "per_class": {lab: round(float(f), 4) for lab, f in zip(present, per_class)},
        "confusion": {"labels": present,
                      "matrix": confusion_matrix(gold, pred, labels=present).tolist() if gold else []},
    }
    if probs is not None and labels is not None:
        index = {lab: i for i, lab in enumerate(labels)}
        known = [i for i, g in enumerate(gold) if g in index]
        y = np.array([index[gold[i]] for i in known], dtype=int)
        out["ece"] = expected_calibration_error(np.asarray(probs)[known], y)
        out["reliability"] = reliability_bins(np.asarray(probs)[known], y)
    if abstain is not None:
        kept = [i for i, a in enumerate(abstain) if not a]
        out["coverage"] = len(kept) / len(gold) if gold else 0.0
        out["selective_accuracy"] = (float(np.mean([gold[i] == pred[i] for i in kept])) if kept else None)
    return out
