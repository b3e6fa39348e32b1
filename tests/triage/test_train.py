import random

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from core.triage.train import balanced_class_weights, snippet_records, stratified_folds


def test_balanced_weights_match_scikit_learn():
    y = [0] * 50 + [1] * 5 + [3] * 10
    ours = balanced_class_weights(y, 5)
    ref = compute_class_weight("balanced", classes=np.array([0, 1, 3]), y=np.array(y))
    np.testing.assert_allclose(ours[[0, 1, 3]], ref)
    assert ours[2] == 0 and ours[4] == 0


def test_stratified_folds_partition_and_spread_labels():
    labels = ["a"] * 20 + ["b"] * 10 + ["c"] * 3
    folds = stratified_folds(labels, 5, seed=1)
    flat = sorted(i for f in folds for i in f)
    assert flat == list(range(len(labels)))
    for f in folds:
        assert sum(labels[i] == "a" for i in f) == 4 and sum(labels[i] == "b" for i in f) == 2


def test_snippets_are_short_pieces_of_the_same_note():
    recs = [(" ".join(f"w{i}" for i in range(300)), "x")]
    (text, label), = snippet_records(recs, random.Random(0))
    assert label == "x" and 15 <= len(text.split()) <= 80 and text in recs[0][0]
