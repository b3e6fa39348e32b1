"""Strict (seqeval, exact span) and lenient (overlap) scoring of predicted character spans."""

from __future__ import annotations

import random

import pytest

from core.ner.scoring import format_report, score_spans
from core.spans import Span

TEXT = "Take aspirin 81 mg, metoprolol and warfarin daily."


def sp(text: str, mention: str, label: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``mention`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return Span(start, start + len(mention), label)


def prf(block: dict) -> tuple[float, float, float]:
    return block["precision"], block["recall"], block["f1"]


def test_offsets_used_below():
    assert sp(TEXT, "aspirin", "DRUG") == Span(5, 12, "DRUG")
    assert sp(TEXT, "81 mg", "STRENGTH") == Span(13, 18, "STRENGTH")
    assert sp(TEXT, "metoprolol", "DRUG") == Span(20, 30, "DRUG")
    assert sp(TEXT, "warfarin", "DRUG") == Span(35, 43, "DRUG")


def test_perfect_prediction():
    gold = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "81 mg", "STRENGTH"), sp(TEXT, "metoprolol", "DRUG")]
    r = score_spans([gold], [list(reversed(gold))], [TEXT])
    assert r["labels"] == ["DRUG", "STRENGTH"]
    assert (r["n_docs"], r["n_gold"], r["n_pred"]) == (1, 3, 3)
    for mode in ("strict", "lenient"):
        assert prf(r[mode]) == (1.0, 1.0, 1.0)
        assert r[mode]["per_label"] == {"DRUG": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2},
                                        "STRENGTH": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}}


def test_boundary_error_is_strict_wrong_lenient_right():
    gold = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "metoprolol", "DRUG"), sp(TEXT, "warfarin", "DRUG")]
    pred = [sp(TEXT, "aspirin 81", "DRUG"), sp(TEXT, "metoprolol", "DRUG")]
    r = score_spans([gold], [pred], [TEXT])
    # strict: 1 of 2 predictions, 1 of 3 gold: P 1/2, R 1/3, F1 2*(1/2)(1/3)/(5/6) = 0.4
    assert prf(r["strict"]) == (0.5, 0.3333, 0.4)
    # lenient: both predictions overlap a gold span: P 2/2, R 2/3, F1 2*(2/3)/(5/3) = 0.8
    assert prf(r["lenient"]) == (1.0, 0.6667, 0.8)
    assert r["strict"]["per_label"]["DRUG"]["support"] == 3


def test_prediction_ending_inside_a_word_is_strict_wrong():
    gold = [[Span(5, 12, "DRUG")]]  # aspirin
    for start, end in ((5, 11), (4, 12), (5, 13), (6, 12)):  # aspiri, " aspirin", "aspirin ", spirin
        r = score_spans(gold, [[Span(start, end, "DRUG")]], [TEXT])
        assert prf(r["strict"]) == (0.0, 0.0, 0.0), (start, end)
        assert prf(r["lenient"]) == (1.0, 1.0, 1.0), (start, end)


def test_wrong_label():
    gold = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "81 mg", "STRENGTH")]
    pred = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "81 mg", "DOSE")]
    r = score_spans([gold], [pred], [TEXT], labels=["DRUG", "STRENGTH", "DOSE"])
    assert r["labels"] == ["DRUG", "STRENGTH", "DOSE"]  # the given order
    for mode in ("strict", "lenient"):
        assert prf(r[mode]) == (0.5, 0.5, 0.5)
        per = r[mode]["per_label"]
        assert per["DRUG"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
        assert per["STRENGTH"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
        assert per["DOSE"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    # With the default labels (those in gold), the DOSE prediction is not scored at all.
    r = score_spans([gold], [pred], [TEXT])
    assert r["labels"] == ["DRUG", "STRENGTH"] and r["n_pred"] == 1
    assert prf(r["strict"]) == (1.0, 0.5, 0.6667)


def test_predicted_attributes_ignored_when_gold_has_only_drugs():
    gold = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "warfarin", "DRUG")]
    pred = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "81 mg", "STRENGTH"), sp(TEXT, "daily", "FREQUENCY"),
            sp(TEXT, "warfarin", "DRUG")]
    r = score_spans([gold], [pred], [TEXT])
    assert r["labels"] == ["DRUG"]
    assert (r["n_gold"], r["n_pred"]) == (2, 2)
    assert prf(r["strict"]) == prf(r["lenient"]) == (1.0, 1.0, 1.0)
    assert set(r["strict"]["per_label"]) == set(r["lenient"]["per_label"]) == {"DRUG"}


def test_per_label_figures():
    text = "aspirin 81 mg and lisinopril 10 mg, then Tylenol."
    gold = [sp(text, "aspirin", "DRUG"), sp(text, "81 mg", "STRENGTH"), sp(text, "lisinopril", "DRUG"),
            sp(text, "10 mg", "STRENGTH")]
    pred = [sp(text, "aspirin", "DRUG"), sp(text, "81 mg", "STRENGTH"), sp(text, "lisinopril", "DRUG"),
            sp(text, "10", "STRENGTH"), sp(text, "Tylenol", "DRUG")]
    r = score_spans([gold], [pred], [text])
    s, l_ = r["strict"], r["lenient"]
    assert s["per_label"]["DRUG"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert s["per_label"]["STRENGTH"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert prf(s) == (0.6, 0.75, 0.6667)  # 3 of 5 predicted, 3 of 4 gold
    assert l_["per_label"]["DRUG"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert l_["per_label"]["STRENGTH"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert prf(l_) == (0.8, 1.0, 0.8889)  # 4 of 5, 4 of 4, 2*0.8/1.8


def test_multiple_documents_are_scored_separately():
    texts = ["aspirin daily", "warfarin 5 mg", "heparin flush"]
    gold = [[Span(0, 7, "DRUG")], [Span(0, 8, "DRUG")], []]
    pred = [[Span(0, 7, "DRUG")], [], [Span(0, 8, "DRUG")]]  # doc 3's (0, 8) must not match doc 2's gold
    r = score_spans(gold, pred, texts)
    assert (r["n_docs"], r["n_gold"], r["n_pred"]) == (3, 2, 2)
    assert prf(r["strict"]) == (0.5, 0.5, 0.5)
    assert prf(r["lenient"]) == (0.5, 0.5, 0.5)


def test_empty_predictions_and_empty_everything():
    gold = [[sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "81 mg", "STRENGTH")], []]
    r = score_spans(gold, [[], []], [TEXT, ""])
    assert (r["n_gold"], r["n_pred"]) == (2, 0)
    for mode in ("strict", "lenient"):
        assert prf(r[mode]) == (0.0, 0.0, 0.0)
        assert r[mode]["per_label"]["STRENGTH"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    r = score_spans([[]], [[Span(0, 4, "DRUG")]], ["Take"])  # nothing annotated: no label is scored
    assert r["labels"] == [] and r["n_pred"] == 0
    assert prf(r["strict"]) == prf(r["lenient"]) == (0.0, 0.0, 0.0)
    r = score_spans([], [], [])
    assert r["n_docs"] == 0 and prf(r["strict"]) == (0.0, 0.0, 0.0)


def test_overlapping_spans_of_one_side_keep_the_longer():
    gold = [sp(TEXT, "aspirin", "DRUG")]
    pred = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "aspirin 81 mg", "DRUG")]
    r = score_spans([gold], [pred], [TEXT])
    assert r["n_pred"] == 1  # "aspirin 81 mg" kept, so the exact "aspirin" is lost
    assert prf(r["strict"]) == (0.0, 0.0, 0.0)
    assert prf(r["lenient"]) == (1.0, 1.0, 1.0)
    # Equal lengths: the earlier one is kept ("aspirin 81" over "irin 81 mg").
    pred = [Span(7, 18, "DRUG"), Span(5, 16, "DRUG")]
    r = score_spans([[Span(5, 16, "DRUG")]], [pred], [TEXT])
    assert r["n_pred"] == 1 and prf(r["strict"]) == (1.0, 1.0, 1.0)


def test_lenient_matching_is_one_to_one_by_largest_overlap():
    text = "aspirin-warfarin tablets"
    gold = [Span(0, 7, "DRUG"), Span(8, 16, "DRUG")]
    pred = [Span(0, 16, "DRUG")]  # covers both gold spans: matches only one
    r = score_spans([gold], [pred], [text])
    assert prf(r["lenient"]) == (1.0, 0.5, 0.6667)
    assert prf(r["strict"]) == (0.0, 0.0, 0.0)
    # Two predictions on one gold span: one matches, the other is a false positive.
    r = score_spans([[Span(0, 16, "DRUG")]], [gold], [text])
    assert prf(r["lenient"]) == (0.5, 1.0, 0.6667)


def test_strict_equals_exact_character_span_matching():
    """The seqeval strict figures equal exact (start, end, label) matching on random spans."""
    rng = random.Random(5)
    words = ["aspirin", "81", "mg", "PO", "q.d.", "-", "metoprolol", "(", "Lopressor", ")", "x", "7days"]

    def spans(n: int) -> list[Span]:
        out: list[Span] = []
        pos = 0
        while pos < n - 1 and len(out) < 4:
            start = rng.randrange(pos, n - 1)
            end = rng.randrange(start + 1, min(n, start + 15) + 1)
            out.append(Span(start, end, rng.choice(["DRUG", "STRENGTH"])))
            pos = end + rng.randrange(0, 3)
        return out

    texts, gold, pred = [], [], []
    for _ in range(150):
        text = "".join(w + rng.choice([" ", "  ", ", ", ""]) for w in rng.sample(words, 8))
        g = spans(len(text))
        p = [s if rng.random() < 0.5 else Span(max(0, s.start + rng.choice([-1, 0, 1])),
                                               min(len(text), s.end + rng.choice([-1, 0, 1])), s.label)
             for s in g if rng.random() < 0.8] if rng.random() < 0.7 else spans(len(text))
        kept: list[Span] = []
        for s in p:  # perturbed neighbours may now touch or overlap: keep each side free of overlaps
            if s.end > s.start and (not kept or kept[-1].end <= s.start):
                kept.append(s)
        texts.append(text)
        gold.append(g)
        pred.append(kept)
    r = score_spans(gold, pred, texts, labels=["DRUG", "STRENGTH"])
    gset = {(k, s.start, s.end, s.label) for k, doc in enumerate(gold) for s in doc}
    pset = {(k, s.start, s.end, s.label) for k, doc in enumerate(pred) for s in doc}
    # the generated spans of one side never overlap (or the scorer would drop some)
    assert (r["n_gold"], r["n_pred"]) == (len(gset), len(pset))
    tp = len(gset & pset)
    assert 0 < tp < min(len(gset), len(pset))
    p, rec = tp / len(pset), tp / len(gset)
    assert r["strict"]["precision"] == round(p, 4)
    assert r["strict"]["recall"] == round(rec, 4)
    assert r["strict"]["f1"] == round(2 * p * rec / (p + rec), 4)
    for lab in ("DRUG", "STRENGTH"):
        g_l = {x for x in gset if x[3] == lab}
        p_l = {x for x in pset if x[3] == lab}
        per = r["strict"]["per_label"][lab]
        assert per["precision"] == round(len(g_l & p_l) / len(p_l), 4)
        assert per["recall"] == round(len(g_l & p_l) / len(g_l), 4)
        assert per["support"] == len(g_l)


def test_invalid_input():
    with pytest.raises(ValueError, match="differ in length"):
        score_spans([[]], [], ["x"])
    with pytest.raises(ValueError, match="outside its text"):
        score_spans([[Span(0, 3, "DRUG")]], [[Span(2, 9, "DRUG")]], ["abcd"])


def test_format_report():
    gold = [sp(TEXT, "aspirin", "DRUG"), sp(TEXT, "metoprolol", "DRUG"), sp(TEXT, "warfarin", "DRUG")]
    pred = [sp(TEXT, "aspirin 81", "DRUG"), sp(TEXT, "metoprolol", "DRUG")]
    out = format_report(score_spans([gold], [pred], [TEXT]))
    lines = out.splitlines()
    assert "strict" in lines[0] and "lenient" in lines[0]
    assert lines[1].split() == ["label", "P", "R", "F1", "P", "R", "F1", "support"]
    assert lines[2].split() == ["DRUG", "0.5000", "0.3333", "0.4000", "1.0000", "0.6667", "0.8000", "3"]
    assert lines[3].split() == ["micro", "avg", "0.5000", "0.3333", "0.4000", "1.0000", "0.6667", "0.8000", "3"]
    assert lines[4] == "1 documents, 3 gold spans, 2 predicted"
