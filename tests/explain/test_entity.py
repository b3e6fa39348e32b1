"""Explanations of one drug entity: word-level scores with offsets, completeness, faithfulness, cache, lock."""

import threading

import pytest

from core.explain.attribution import CACHE
from core.explain.entity import explain_entity
from core.spans import Span

TEXT = "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily for pain."


def _span(pipe, name):
    return next(m.span for m in pipe(TEXT).mentions if m.text == name)


def test_words_have_offsets_and_integrated_gradients_converges(tiny_drugs):
    exp = explain_entity(tiny_drugs, TEXT, _span(tiny_drugs, "metoprolol"), use_cache=False)
    assert exp.target == "DRUG 'metoprolol'"
    assert [w.text for w in exp.words][:3] == ["Continue", "metoprolol", "25"]
    assert all(TEXT[w.start:w.end] == w.text for w in exp.words)
    assert exp.delta is not None and exp.delta <= 0.05 or exp.n_steps == 32
    assert 0.0 < exp.target_probability <= 1.0
    assert exp.comprehensiveness is not None and exp.sufficiency is not None
    assert exp.top_k == max(1, round(0.1 * len(exp.words)))
    assert exp.model_version == tiny_drugs.version


def test_gradient_x_input_and_cache(tiny_drugs):
    CACHE.clear()
    span = _span(tiny_drugs, "lisinopril")
    first = explain_entity(tiny_drugs, TEXT, span, method="gxi")
    again = explain_entity(tiny_drugs, TEXT, span, method="gxi")
    assert not first.cached and again.cached and again.words == first.words
    assert first.delta is None


def test_bad_span_and_method(tiny_drugs):
    with pytest.raises(ValueError):
        explain_entity(tiny_drugs, TEXT, Span(0, 999, "DRUG"))
    with pytest.raises(ValueError):
        explain_entity(tiny_drugs, TEXT, _span(tiny_drugs, "lisinopril"), method="shap")


def test_concurrent_explanations_match_sequential_ones(tiny_drugs):
    spans = [_span(tiny_drugs, "metoprolol"), _span(tiny_drugs, "lisinopril")]
    alone = [explain_entity(tiny_drugs, TEXT, s, use_cache=False).words for s in spans]
    results: dict[int, tuple] = {}

    def work(i):
        results[i] = explain_entity(tiny_drugs, TEXT, spans[i % 2], use_cache=False).words

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert [round(w.score, 5) for w in results[i]] == [round(w.score, 5) for w in alone[i % 2]]
