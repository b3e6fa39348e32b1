import numpy as np
import pytest

from core.calibration import choose_threshold, expected_calibration_error, fit_temperature, softmax


def _overconfident(n=4000, k=5, seed=0):
    """Logits whose true temperature is 3: the model is three times too sure of itself."""
    rng = np.random.default_rng(seed)
    true_logits = rng.normal(0, 1.5, size=(n, k))
    probs = softmax(true_logits)
    labels = np.array([rng.choice(k, p=p) for p in probs])
    return true_logits * 3.0, labels


def test_temperature_recovers_known_scale():
    logits, labels = _overconfident()
    t = fit_temperature(logits, labels)
    assert t == pytest.approx(3.0, rel=0.1)


def test_temperature_scaling_lowers_ece_and_keeps_argmax():
    logits, labels = _overconfident()
    before = expected_calibration_error(softmax(logits), labels)
    t = fit_temperature(logits, labels)
    after = expected_calibration_error(softmax(logits, t), labels)
    assert after < before / 2
    assert (softmax(logits, t).argmax(1) == logits.argmax(1)).all()


def test_ece_of_perfectly_calibrated_and_wrong_models():
    probs = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(probs, np.array([0, 1])) == 0.0
    assert expected_calibration_error(probs, np.array([1, 0])) == pytest.approx(1.0)


def test_threshold_reaches_target_selective_accuracy():
    logits, labels = _overconfident(seed=1)
    probs = softmax(logits, fit_temperature(logits, labels))
    thr = choose_threshold(probs, labels, target_accuracy=0.9)
    kept = probs.max(1) >= thr
    assert 0 < kept.sum() < len(kept)
    assert (probs[kept].argmax(1) == labels[kept]).mean() >= 0.9
    # a lower threshold would miss the target
    assert thr > probs.max(1).min()


def test_threshold_floor_when_everything_is_right():
    probs = np.array([[0.6, 0.4], [0.3, 0.7]])
    assert choose_threshold(probs, np.array([0, 1]), 0.9, min_threshold=0.2) == 0.2
