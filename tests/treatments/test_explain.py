"""Captum explanations of a treatment's ranking score: word offsets, faithfulness fields, cache, errors."""

import pytest

from core.treatments.explain import explain_ranking
from core.treatments.kb import load_kb

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
