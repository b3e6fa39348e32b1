"""Agreement between annotators (kappa, span F1, status, attributes) and the majority adjudication starts from."""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest

from core.ner.scoring import score_spans
from core.review.agreement import Annotation, SpanAnn, format_report, kappa, majority, pairwise
from core.spans import Span


def tri(item: Any, who: str, label: str | None) -> Annotation:
    return Annotation(item, who, "triage", label=label)


def ann(item: Any, who: str, *spans: SpanAnn, task: str = "drugs") -> Annotation:
    return Annotation(item, who, task, spans=spans)


def formula_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa from its definition: (p_o - p_e) / (1 - p_e), p_e from the two raters' marginals."""
    n = len(a)
    p_o = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[k] * cb[k] for k in set(a) | set(b)) / n ** 2
    return (p_o - p_e) / (1 - p_e)


# --- triage

def test_kappa_of_a_two_by_two_table_by_hand():
    # 10 items, A's label down, B's across:      B urgent  B routine
    #                                  A urgent      4          1
    #                                  A routine     2          3
    # p_o = (4 + 3) / 10 = 0.7; A: 5 urgent, 5 routine; B: 6 urgent, 4 routine
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5;  kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    pairs = [("urgent", "urgent")] * 4 + [("urgent", "routine")] + [("routine", "urgent")] * 2 \
        + [("routine", "routine")] * 3
    anns = [tri(i, "alice", a) for i, (a, _) in enumerate(pairs)] + [tri(i, "bob", b) for i, (_, b) in enumerate(pairs)]
    rep = pairwise("triage", anns)
    d = rep.as_dict()
    assert d["kind"] == "labels" and d["n_items"] == 10 and d["annotators"] == ["alice", "bob"]
    assert d["pairs"] == [{"a": "alice", "b": "bob", "n_items": 10, "kappa": 0.4, "agreement": 0.7}]
    assert d["overall"]["kappa"] == 0.4 and d["overall"]["agreement"] == 0.7
    assert rep.pair("bob", "alice").kappa() == pytest.approx(0.4)


def test_kappa_undefined_is_none_not_zero():
    same = [tri(i, w, "routine") for i in range(3) for w in ("a", "b")]
    d = pairwise("triage", same).as_dict()
    assert d["pairs"][0]["kappa"] is None and d["pairs"][0]["agreement"] == 1.0
    assert kappa([], []) is None
    # no shared item: the pair is listed with nothing to compare
    d = pairwise("triage", [tri(1, "a", "x"), tri(2, "b", "y")]).as_dict()
    assert d["n_items"] == 0
    assert d["pairs"] == [{"a": "a", "b": "b", "n_items": 0, "kappa": None, "agreement": None}]
    json.dumps(d, allow_nan=False)


def test_label_task_ignores_missing_labels_other_tasks_and_refuses_two_answers():
    anns = [tri(1, "a", "x"), tri(1, "b", None), tri(2, "a", "x"), tri(2, "b", "y"),
            ann(1, "c", SpanAnn(0, 3, "DRUG"))]
    d = pairwise("triage", anns).as_dict()
    assert d["n_items"] == 1 and d["annotators"] == ["a", "b"] and d["pairs"][0]["agreement"] == 0.0
    with pytest.raises(ValueError, match="twice"):
        pairwise("triage", [tri(1, "a", "x"), tri(1, "a", "y")])


# --- spans

def test_strict_and_overlapping_span_f1_by_label():
    a = ann(1, "a", SpanAnn(0, 7, "DRUG"), SpanAnn(10, 20, "DRUG"), SpanAnn(30, 38, "DRUG"),
            SpanAnn(50, 60, "CONDITION"))
    b = ann(1, "b", SpanAnn(0, 7, "DRUG"),          # same
            SpanAnn(11, 20, "DRUG"),                  # boundary: overlaps, not strict
            SpanAnn(30, 38, "CONDITION"),             # label: neither
            SpanAnn(50, 60, "CONDITION"), SpanAnn(70, 75, "DRUG"))  # same; extra
    d = pairwise("drugs", [a, b]).as_dict()
    assert d["labels"] == ["CONDITION", "DRUG"]
    s, o = d["pairs"][0]["strict"], d["pairs"][0]["overlapping"]
    # strict: matched 2 of a's 4 and b's 5 -> P 2/5, R 2/4, F1 2*2/9
    assert (s["matched"], s["n_a"], s["n_b"]) == (2, 4, 5)
    assert (s["precision"], s["recall"], s["f1"]) == (0.4, 0.5, round(4 / 9, 4))
    # overlapping adds the boundary disagreement: F1 2*3/9
    assert (o["matched"], o["f1"]) == (3, round(6 / 9, 4))
    # by label: DRUG a 3, b 3 (0-7, 11-20, 70-75); CONDITION a 1, b 2
    assert s["by_label"]["DRUG"] == {"precision": round(1 / 3, 4), "recall": round(1 / 3, 4), "f1": round(1 / 3, 4),
                                     "matched": 1, "n_a": 3, "n_b": 3}
    assert o["by_label"]["DRUG"]["f1"] == round(2 * 2 / 6, 4)
    assert s["by_label"]["CONDITION"]["f1"] == o["by_label"]["CONDITION"]["f1"] == round(2 / 3, 4)
    assert s["by_label"]["CONDITION"]["recall"] == 1.0 and s["by_label"]["CONDITION"]["precision"] == 0.5


def test_f1_is_symmetric_precision_and_recall_swap():
    x = ann(1, "x", SpanAnn(0, 5, "DRUG"), SpanAnn(8, 12, "DRUG"))
    y = ann(1, "y", SpanAnn(0, 5, "DRUG"), SpanAnn(9, 12, "DRUG"), SpanAnn(20, 25, "DRUG"))
    xy = pairwise("drugs", [x, y]).as_dict()["pairs"][0]["strict"]
    yx = pairwise("drugs", [Annotation(1, "z", "drugs", spans=x.spans), y]).as_dict()["pairs"][0]["strict"]
    # "y" < "z": y is now the reference
    assert xy["f1"] == yx["f1"] == 0.4
    assert (xy["precision"], xy["recall"]) == (yx["recall"], yx["precision"]) == (round(1 / 3, 4), 0.5)


def test_overlapping_pairs_one_to_one_and_takes_the_largest_pairing():
    # one long span against two inside it: one match, not two
    d = pairwise("drugs", [ann(1, "a", SpanAnn(0, 20, "DRUG")),
                           ann(1, "b", SpanAnn(0, 5, "DRUG"), SpanAnn(10, 15, "DRUG"))]).as_dict()
    assert d["pairs"][0]["overlapping"]["matched"] == 1
    # a greedy pairing by largest overlap would take a1-b1 (4 chars) and stop at one; the best pairing has two
    a = ann(1, "a", SpanAnn(0, 10, "DRUG"), SpanAnn(8, 20, "DRUG"))
    b = ann(1, "b", SpanAnn(5, 9, "DRUG"), SpanAnn(0, 3, "DRUG"))
    for pair in ([a, b], [Annotation(1, "c", "drugs", spans=a.spans), b]):
        o = pairwise("drugs", pair).as_dict()["pairs"][0]["overlapping"]
        assert (o["matched"], o["f1"]) == (2, 1.0)


def test_agrees_with_evaluation_scoring_on_non_overlapping_spans():
    rng = random.Random(3)
    text = " ".join(["word"] * 60)
    ga, gb = [], []
    for _ in range(30):
        doc_a, doc_b = [], []
        for slot in range(6):
            base = slot * 40
            lab = rng.choice(["DRUG", "CONDITION"])
            if rng.random() < 0.8:
                doc_a.append(Span(base, base + 9, lab))
            r = rng.random()
            if r < 0.5:
                doc_b.append(Span(base, base + 9, lab))
            elif r < 0.7:
                doc_b.append(Span(base + 5, base + 14, lab))
            elif r < 0.85:
                doc_b.append(Span(base, base + 9, "CONDITION" if lab == "DRUG" else "DRUG"))
        ga.append(doc_a)
        gb.append(doc_b)
    ref = score_spans(ga, gb, [text] * 30, labels=["CONDITION", "DRUG"])
    anns = [Annotation(k, w, "drugs", spans=tuple(SpanAnn(s.start, s.end, s.label) for s in doc))
            for w, docs in (("a", ga), ("b", gb)) for k, doc in enumerate(docs)]
    p = pairwise("drugs", anns).as_dict()["pairs"][0]
    for ours, theirs in (("strict", "strict"), ("overlapping", "lenient")):
        assert p[ours]["f1"] == ref[theirs]["f1"]
        assert p[ours]["precision"] == ref[theirs]["precision"] and p[ours]["recall"] == ref[theirs]["recall"]
        for lab in ("CONDITION", "DRUG"):
            assert p[ours]["by_label"][lab]["f1"] == ref[theirs]["per_label"][lab]["f1"]
    assert 0 < p["strict"]["f1"] < p["overlapping"]["f1"] < 1


def test_status_agreement_on_strictly_matched_spans():
    # matched spans' statuses  A: current current negated negated;  B: current negated negated negated
    # p_o = 3/4; A 2 current 2 negated, B 1 current 3 negated; p_e = (2*1 + 2*3)/16 = 0.5; kappa = 0.25/0.5 = 0.5
    a = ann(1, "a", SpanAnn(0, 5, "DRUG", "current"), SpanAnn(10, 15, "DRUG", "current"),
            SpanAnn(20, 25, "DRUG", "negated"), SpanAnn(30, 35, "DRUG", "negated"),
            SpanAnn(40, 45, "DRUG", "current"))
    b = ann(1, "b", SpanAnn(0, 5, "DRUG", "current"), SpanAnn(10, 15, "DRUG", "negated"),
            SpanAnn(20, 25, "DRUG", "negated"), SpanAnn(30, 35, "DRUG", "negated"),
            SpanAnn(41, 45, "DRUG", "allergy"))  # overlapping only: its status is not compared
    st = pairwise("drugs", [a, b]).as_dict()["pairs"][0]["status"]
    assert st == {"n_spans": 4, "agreement": 0.75, "kappa": 0.5}
    # a missing status is a value of its own
    st = pairwise("conditions", [ann(1, "a", SpanAnn(0, 5, "CONDITION"), task="conditions"),
                                 ann(1, "b", SpanAnn(0, 5, "CONDITION", "negated"), task="conditions")]
                  ).as_dict()["pairs"][0]["status"]
    assert st == {"n_spans": 1, "agreement": 0.0, "kappa": 0.0}


def test_attribute_f1_strict_by_label():
    a = ann(1, "a", SpanAnn(0, 5, "DRUG", attributes=((6, 10, "STRENGTH"), (11, 16, "FREQUENCY"))))
    b = ann(1, "b", SpanAnn(0, 5, "DRUG", attributes=((6, 10, "STRENGTH"), (11, 15, "FREQUENCY"))),
            SpanAnn(30, 35, "DRUG", attributes=((36, 40, "ROUTE"),)))
    d = pairwise("drugs", [a, b]).as_dict()
    at = d["pairs"][0]["attributes"]
    assert d["attribute_labels"] == ["FREQUENCY", "ROUTE", "STRENGTH"]
    # matched 1 (STRENGTH) of a's 2 and b's 3: F1 = 2/5
    assert (at["matched"], at["n_a"], at["n_b"], at["f1"]) == (1, 2, 3, 0.4)
    assert at["by_label"]["STRENGTH"]["f1"] == 1.0
    assert at["by_label"]["FREQUENCY"]["f1"] == 0.0 and at["by_label"]["ROUTE"]["f1"] == 0.0


def test_undefined_span_f1_and_empty_spans():
    d = pairwise("drugs", [ann(1, "a"), ann(1, "b")]).as_dict()
    assert d["n_items"] == 1 and d["pairs"][0]["strict"]["f1"] is None and d["overall"]["overlapping"]["f1"] is None
    json.dumps(d, allow_nan=False)
    with pytest.raises(ValueError):
        SpanAnn(5, 5, "DRUG")
    with pytest.raises(ValueError):
        SpanAnn(0, 5, "DRUG", attributes=((7, 6, "DOSE"),))


def test_three_annotators_three_pairs_pooled():
    a = ann(1, "ann", SpanAnn(0, 5, "DRUG"), SpanAnn(10, 15, "DRUG"))
    b = ann(1, "ben", SpanAnn(0, 5, "DRUG"))
    c = ann(1, "cy", SpanAnn(0, 5, "DRUG"), SpanAnn(11, 15, "DRUG"), SpanAnn(20, 25, "DRUG"))
    only = ann(2, "ann", SpanAnn(0, 5, "DRUG"))  # answered by one annotator: not doubly annotated
    rep = pairwise("drugs", [a, b, c, only])
    d = rep.as_dict()
    assert d["n_items"] == 1 and [(p["a"], p["b"]) for p in d["pairs"]] == [("ann", "ben"), ("ann", "cy"),
                                                                            ("ben", "cy")]
    strict = [(p["strict"]["matched"], p["strict"]["n_a"], p["strict"]["n_b"]) for p in d["pairs"]]
    assert strict == [(1, 2, 1), (1, 2, 3), (1, 1, 3)]
    # pooled: 3 matched, 5 + 7 spans -> F1 6/12; overlapping adds ann-cy's 10-15/11-15
    assert d["overall"]["strict"]["f1"] == 0.5 and d["overall"]["overlapping"]["f1"] == round(8 / 12, 4)
    assert d["overall"]["n_comparisons"] == 3
    # triage pooled kappa is kappa over every pair's judgments together
    labels = {"ann": "u", "ben": "u", "cy": "r"}
    labels2 = {"ann": "r", "ben": "r", "cy": "r"}
    anns = [tri(1, w, lab) for w, lab in labels.items()] + [tri(2, w, lab) for w, lab in labels2.items()]
    t = pairwise("triage", anns).as_dict()
    assert len(t["pairs"]) == 3 and t["n_items"] == 2
    # pairs (ann,ben): u/u r/r; (ann,cy): u/r r/r; (ben,cy): u/r r/r
    assert t["overall"]["kappa"] == round(formula_kappa(["u", "r", "u", "r", "u", "r"], ["u", "r", "r", "r", "r", "r"]),
                                          4)
    assert t["overall"]["agreement"] == round(4 / 6, 4)


# --- majority

def test_majority_label():
    m = majority([tri(7, "a", "cardio"), tri(7, "b", "cardio"), tri(7, "c", "neuro")])
    assert (m.label, m.tied, m.n_annotators, m.unanimous) == ("cardio", (), 3, False)
    m = majority([tri(7, "a", "neuro"), tri(7, "b", "cardio")])
    assert (m.label, m.tied) == (None, ("cardio", "neuro"))
    m = majority([tri(7, "a", "x"), tri(7, "b", "y"), tri(7, "c", "z")])
    assert (m.label, m.tied) == (None, ("x", "y", "z"))
    m = majority([tri(7, "a", "x"), tri(7, "b", "x"), tri(7, "c", None)])
    assert (m.label, m.n_annotators, m.unanimous) == ("x", 2, True)
    with pytest.raises(ValueError):
        majority([tri(7, "a", "x"), tri(8, "b", "x")])
    with pytest.raises(ValueError):
        majority([])


def test_majority_spans_three_annotators():
    strength = (6, 10, "STRENGTH")
    a = ann(3, "a", SpanAnn(0, 5, "DRUG", "current", (strength,)), SpanAnn(20, 25, "DRUG", "negated"),
            SpanAnn(40, 45, "DRUG"))
    b = ann(3, "b", SpanAnn(0, 5, "DRUG", "current", (strength, (11, 14, "DOSE"))),
            SpanAnn(20, 25, "DRUG", "current"), SpanAnn(41, 45, "DRUG"))
    c = ann(3, "c", SpanAnn(0, 5, "DRUG", "negated"), SpanAnn(60, 65, "DRUG"))
    m = majority([a, b, c])
    # 0-5 by all three (status 2 of 3 current; STRENGTH by 2 of 3, DOSE by 1); 20-25 by two who split on status;
    # 40-45 / 41-45 and 60-65 by one each: left out
    assert m.spans == (SpanAnn(0, 5, "DRUG", "current", (strength,)), SpanAnn(20, 25, "DRUG", None))
    assert not m.unanimous and m.label is None


def test_majority_spans_two_annotators_need_both():
    a = ann(4, "a", SpanAnn(0, 5, "DRUG", "current"), SpanAnn(10, 15, "DRUG", "current"))
    b = ann(4, "b", SpanAnn(0, 5, "DRUG", "current"))
    m = majority([a, b])
    assert m.spans == (SpanAnn(0, 5, "DRUG", "current"),) and not m.unanimous
    assert majority([a, Annotation(4, "b", "drugs", spans=a.spans)]).unanimous


# --- 20 notes, planted disagreements

TRIAGE = ("cardiology", "neurology", "respiratory", "gastro", "general")
STATUSES = ("current", "negated", "allergy")


def planted_review(seed: int = 14, n: int = 20) -> tuple[list[Annotation], dict[str, Any]]:
    """``n`` notes answered by ``ann1`` and ``ann2`` for triage and drugs, with planted disagreements, and the
    figures :func:`pairwise` should give, counted here from the plan (not through the module).

    Triage: ann2 copies ann1 except on 4 items, where it picks another service. Drugs: ann1 marks 1-4 ``DRUG``
    spans per note, in slots 30 characters apart, each with a status and a ``STRENGTH`` attribute; per span ann2
    either copies it (sometimes with another status or without the attribute), shifts its start by 2 (overlaps, not
    strict), relabels it ``DRUG_CLASS`` (keeps the attribute) or leaves it out; and sometimes adds a span of its own.
    """
    rng = random.Random(seed)
    items = [f"note-{i:02d}" for i in range(n)]
    anns: list[Annotation] = []
    la = [rng.choice(TRIAGE) for _ in items]
    lb = list(la)
    for i in rng.sample(range(n), 4):
        lb[i] = rng.choice([t for t in TRIAGE if t != la[i]])
    for item, x, y in zip(items, la, lb):
        anns += [Annotation(item, "ann1", "triage", label=x), Annotation(item, "ann2", "triage", label=y)]
    c = Counter()
    st_a: list[str] = []
    st_b: list[str] = []
    for item in items:
        sa, sb = [], []
        for slot in range(rng.randint(1, 4)):
            s, e = 30 * slot, 30 * slot + 8
            attr = ((e + 2, e + 6, "STRENGTH"),)
            status = rng.choice(STATUSES)
            sa.append(SpanAnn(s, e, "DRUG", status, attr))
            action = rng.choices(["same", "shift", "relabel", "drop"], weights=[6, 2, 1, 1])[0]
            c[action] += 1
            c["n_a"] += 1
            if action == "same":
                other = rng.choice(STATUSES) if rng.random() < 0.3 else status
                keep_attr = rng.random() < 0.8
                sb.append(SpanAnn(s, e, "DRUG", other, attr if keep_attr else ()))
                st_a.append(status)
                st_b.append(other)
                c["attr_matched"] += keep_attr
            elif action == "shift":
                sb.append(SpanAnn(s + 2, e, "DRUG", status, attr))
                c["attr_matched"] += 1
            elif action == "relabel":
                sb.append(SpanAnn(s, e, "DRUG_CLASS", status, attr))
                c["attr_matched"] += 1
        if rng.random() < 0.25:
            sb.append(SpanAnn(200, 207, "DRUG", "current"))
            c["extra"] += 1
        anns += [Annotation(item, "ann1", "drugs", spans=tuple(sa)), Annotation(item, "ann2", "drugs", spans=tuple(sb))]
    n_a = c["n_a"]
    n_b = n_a - c["drop"] + c["extra"]
    n_b_drug = c["same"] + c["shift"] + c["extra"]
    expected = {
        "n_items": n,
        "kappa": formula_kappa(la, lb),
        "agreement": (n - 4) / n,
        "strict_f1": 2 * c["same"] / (n_a + n_b),
        "overlapping_f1": 2 * (c["same"] + c["shift"]) / (n_a + n_b),
        "strict_f1_drug": 2 * c["same"] / (n_a + n_b_drug),
        "n_relabelled": c["relabel"],
        "status_agreement": sum(x == y for x, y in zip(st_a, st_b)) / len(st_a),
        "status_kappa": formula_kappa(st_a, st_b),
        # ann1 gives every span a STRENGTH; ann2 only the copies it kept
        "attribute_f1": 2 * c["attr_matched"] / (n_a + c["attr_matched"]),
        "counts": dict(c),
    }
    return anns, expected


def test_planted_twenty_notes():
    anns, exp = planted_review()
    counts = exp["counts"]
    assert all(counts[k] > 0 for k in ("same", "shift", "relabel", "drop", "extra"))  # every disagreement planted
    t = pairwise("triage", anns).as_dict()
    assert t["n_items"] == 20
    assert t["overall"]["kappa"] == round(exp["kappa"], 4) and t["overall"]["agreement"] == exp["agreement"] == 0.8
    d = pairwise("drugs", anns).as_dict()
    o = d["overall"]
    assert d["n_items"] == 20 and d["labels"] == ["DRUG", "DRUG_CLASS"]
    assert o["strict"]["f1"] == round(exp["strict_f1"], 4)
    assert o["overlapping"]["f1"] == round(exp["overlapping_f1"], 4)
    assert o["strict"]["f1"] < o["overlapping"]["f1"] < 1
    assert o["strict"]["by_label"]["DRUG"]["f1"] == round(exp["strict_f1_drug"], 4)
    assert o["strict"]["by_label"]["DRUG_CLASS"] == {"precision": 0.0, "recall": None, "f1": 0.0, "matched": 0,
                                                     "n_a": 0, "n_b": exp["n_relabelled"]}
    assert o["status"]["agreement"] == round(exp["status_agreement"], 4)
    assert o["status"]["kappa"] == round(exp["status_kappa"], 4)
    assert o["attributes"]["f1"] == round(exp["attribute_f1"], 4)
    assert d["pairs"][0]["strict"] == o["strict"]  # one pair: pooled is that pair
    json.dumps(d, allow_nan=False)


# --- JSON forms

def test_annotations_from_stored_answers_round_trip():
    s = SpanAnn(3, 9, "DRUG", "current", ((10, 14, "STRENGTH"),))
    assert SpanAnn.from_dict(s.to_dict()) == s
    assert SpanAnn.from_dict({"start": 3, "end": 9, "label": "DRUG", "status": "current",
                              "attributes": [[10, 14, "STRENGTH"]]}) == s
    a = Annotation.from_answer(5, "a", "drugs", {"spans": [s.to_dict()]})
    assert a == Annotation(5, "a", "drugs", spans=(s,)) == Annotation.from_answer(5, "a", "drugs", [s.to_dict()])
    assert Annotation.from_answer(5, "a", "triage", {"label": "cardiology"}).label == "cardiology"
    assert Annotation.from_answer(5, "a", "triage", "cardiology").label == "cardiology"
    assert Annotation.from_answer(5, "a", "drugs", None).spans == ()
    for task, bad in (("drugs", {"start": 1, "end": 2}), ("drugs", {"label": "x"}), ("drugs", [{"start": 1}]),
                      ("drugs", "aspirin"), ("triage", {"spans": []}), ("triage", 3)):
        with pytest.raises(ValueError):
            Annotation.from_answer(5, "a", task, bad)
    m = majority([a, Annotation(5, "b", "drugs", spans=(s,))])
    assert m.as_dict() == {"item_id": 5, "task": "drugs", "n_annotators": 2, "unanimous": True,
                           "spans": [s.to_dict()]}
    assert majority([tri(1, "a", "x"), tri(1, "b", "y")]).as_dict()["tied"] == ["x", "y"]


def test_format_report_rows():
    anns, exp = planted_review()
    text = format_report(pairwise("drugs", anns).as_dict())
    lines = text.splitlines()
    assert lines[0] == "drugs: 20 items answered by two or more of 2 annotators"
    assert lines[2].split() == ["ann1", "/", "ann2", "20", f"{exp['strict_f1']:.4f}", f"{exp['overlapping_f1']:.4f}",
                                f"{exp['status_agreement']:.4f}", f"{exp['status_kappa']:.4f}",
                                f"{exp['attribute_f1']:.4f}"]
    assert lines[5].split()[:2] == ["DRUG", str(exp["counts"]["n_a"])]
    assert lines[-2].split() == ["attribute", "n_a", "n_b", "strict", "F1"]
    assert lines[-1].split() == ["STRENGTH", str(exp["counts"]["n_a"]), str(exp["counts"]["attr_matched"]),
                                 f"{exp['attribute_f1']:.4f}"]
    t = format_report(pairwise("triage", [tri(1, "a", "x"), tri(1, "b", "x")]).as_dict()).splitlines()
    assert t[-1].split() == ["all", "pairs", "1", "-", "1.0000"]  # one label only: kappa undefined


def test_items_in_id_order_and_labels_of_doubly_annotated_items_only():
    anns = [ann(10, "a", SpanAnn(0, 5, "DRUG")), ann(10, "b"), ann(2, "a"), ann(2, "b"),
            ann(3, "a", SpanAnn(0, 5, "CONDITION", attributes=((6, 9, "DOSE"),)))]
    rep = pairwise("drugs", anns)
    assert rep.pairs[0].items == [2, 10] and rep.labels == ["DRUG"] and rep.attribute_labels == []
