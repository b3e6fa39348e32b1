"""Captum explanations of a treatment's ranking score: word offsets, faithfulness fields, cache, errors."""

import pytest

from core.knowledge.kb import load_kb
from core.treatments.explain import explain_ranking
from tests.conftest import same_alone_and_together

NOTE = "78-year-old man with gout and eGFR 22. Allergic to sulfa. <b>Assessment</b>: gout flare."


def test_words_cover_the_note_with_exact_offsets(tiny_ranker):
    gout = load_kb().condition("gout")
    exp = explain_ranking(tiny_ranker, NOTE, gout, gout.treatments[0].drug, use_cache=False)
    assert exp.words and all(NOTE[w.start:w.end] == w.text for w in exp.words)
    assert {"eGFR", "sulfa", "gout"} <= {w.text for w in exp.words}
    assert exp.method == "ig" and exp.n_steps >= 16 and exp.delta is not None
    assert 0.0 <= exp.target_probability <= 1.0
    assert exp.comprehensiveness is not None and exp.sufficiency is not None and exp.top_k >= 1
    assert gout.treatments[0].drug in exp.target


def test_cache_and_methods(tiny_ranker):
    gout = load_kb().condition("gout")
    drug = gout.treatments[1].drug
    first = explain_ranking(tiny_ranker, NOTE, gout, drug)
    again = explain_ranking(tiny_ranker, NOTE, gout, drug)
    assert again.cached and not first.cached and again.words == first.words
    gxi = explain_ranking(tiny_ranker, NOTE, gout, drug, method="gxi", use_cache=False)
    assert gxi.method == "gxi" and gxi.delta is None and len(gxi.words) == len(first.words)


def test_bad_requests_are_refused(tiny_ranker):
    gout = load_kb().condition("gout")
    with pytest.raises(ValueError, match="not a treatment"):
        explain_ranking(tiny_ranker, NOTE, gout, "lisinopril")
    with pytest.raises(ValueError, match="unknown attribution method"):
        explain_ranking(tiny_ranker, NOTE, gout, gout.treatments[0].drug, method="lime")


def test_four_threads_explaining_rankings_get_what_they_get_alone(tiny_ranker):
    kb = load_kb()
    first = {c: kb.condition(c).treatments[0].drug for c in ("migraine", "asthma")}
    jobs = [(NOTE, kb.condition("gout"), "allopurinol"),
            ("Assessment: hypertension. 24 weeks pregnant.", kb.condition("hypertension"), "labetalol"),
            ("Migraine with aura, two attacks a month.", kb.condition("migraine"), first["migraine"]),
            ("Asthma, uses albuterol daily. " * 5, kb.condition("asthma"), first["asthma"])]
    same_alone_and_together(lambda t, c, d: explain_ranking(tiny_ranker, t, c, d, use_cache=False), jobs)


def test_the_explained_number_is_the_drugs_share_among_the_candidates(tiny_ranker):
    import math

    from core.treatments.ranker import FEATURES, candidate_text

    gout = load_kb().condition("gout")
    feats = {t.drug: [float(i == 0)] + [0.0] * (len(FEATURES) - 1) for i, t in enumerate(gout.treatments)}
    scores = tiny_ranker.scores(NOTE, [candidate_text(gout, t) for t in gout.treatments],
                                [feats[t.drug] for t in gout.treatments])
    z = sum(math.exp(s) for s in scores)
    drug = gout.treatments[1].drug
    exp = explain_ranking(tiny_ranker, NOTE, gout, drug, features=feats, use_cache=False)
    assert exp.target_probability == pytest.approx(math.exp(scores[1]) / z, abs=1e-4)
