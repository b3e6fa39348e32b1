"""classification_summary's confusion matrix and reliability bins, checked on hand-counted cases; the ECE is the
bins' weighted gap."""

from __future__ import annotations

import numpy as np
import pytest

from core.calibration import expected_calibration_error, reliability_bins
from core.metrics import classification_summary, headline_figures


def test_confusion_rows_are_the_true_labels_over_the_labels_present():
    gold = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "b", "a", "b", "a", "b"]
    out = classification_summary(gold, pred)
    assert out["confusion"] == {"labels": ["a", "b", "c"], "matrix": [[2, 1, 0], [1, 1, 0], [0, 1, 0]]}
    assert "reliability" not in out  # no probabilities, no diagram


def test_reliability_bins_hand_counted():
    # top probabilities 0.95 (right), 0.92 (wrong), 0.55 (right), 0.5 (wrong, on the bin edge: the lower bin)
    probs = np.array([[0.95, 0.05], [0.08, 0.92], [0.55, 0.45], [0.5, 0.5]])
    labels = np.array([0, 0, 0, 1])
    bins = reliability_bins(probs, labels, n_bins=10)
    assert [(b["lo"], b["hi"], b["n"]) for b in bins] == [(0.4, 0.5, 1), (0.5, 0.6, 1), (0.9, 1.0, 2)]
    assert [b["accuracy"] for b in bins] == [0.0, 1.0, 0.5]
    assert [b["confidence"] for b in bins] == pytest.approx([0.5, 0.55, 0.935])
    expected = (1 * 0.5 + 1 * 0.45 + 2 * abs(0.5 - 0.935)) / 4
    assert expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(expected)
    assert reliability_bins(np.zeros((0, 2)), np.array([])) == []


def test_summary_reliability_uses_the_probability_columns_and_skips_unknown_gold():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    out = classification_summary(["x", "y", "zzz"], ["x", "y", "x"], probs, ["x", "y"])
    assert sum(b["n"] for b in out["reliability"]) == 2  # "zzz" is not a column: not in the diagram nor the ECE
    assert all(b["accuracy"] == 1.0 for b in out["reliability"])
    assert out["ece"] == pytest.approx(1 - (0.9 + 0.8) / 2)


def test_headline_figures_flatten_span_f1s_keep_the_order_and_skip_what_is_not_a_number():
    metrics = {"strict": {"f1": 0.81234}, "lenient": {"f1": "n/a"}, "accuracy": 1, "ece": True, "n": 40,
               "macro_f1": 0.5}
    assert list(headline_figures(metrics, ("macro_f1", "accuracy", "ece", "strict_f1", "lenient_f1")).items()) == \
        [("macro_f1", 0.5), ("accuracy", 1.0), ("strict_f1", 0.8123)]
