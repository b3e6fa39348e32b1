"""The attribution engine on a tiny model: completeness, word offsets, long notes, cache, threads."""

import numpy as np
import pytest

from core.explain import attribution as attr
from tests.conftest import CARDIO, ORTHO, same_alone_and_together


@pytest.fixture()
def pipe(tiny_triage):
    tiny_triage.detect_flags = False
    return tiny_triage


def test_words_carry_exact_offsets(pipe):
    text = "Pt c/o <b>chest</b> pain; metoprolol 25mg — café."
    exp = attr.explain(pipe, text, "cardiology_pulmonology", use_cache=False)
    assert exp.words
    for w in exp.words:
        assert text[w.start:w.end] == w.text


def test_ig_completeness_sums_to_the_logit_difference(pipe):
    exp = attr.explain(pipe, CARDIO, "cardiology_pulmonology", use_cache=False, tolerance=0.01, max_steps=128)
    assert exp.method == "ig"
    assert exp.delta is not None and exp.delta <= 0.01 or exp.n_steps == 128
    # sum of word scores == f(x) - f(baseline) up to the reported delta
    windows = pipe.preprocess([CARDIO])
    import torch

    idx = pipe.labels.index("cardiology_pulmonology")
    ids, mask = windows.input_ids, windows.attention_mask
    tok = pipe.tokenizer
    base = attr._baseline_ids(ids, {tok.cls_token_id, tok.sep_token_id, tok.pad_token_id}, tok.pad_token_id)
    fwd = attr._forward_fn(pipe.model, pipe.device)
    with torch.no_grad():
        gap = float(fwd(ids, mask)[0, idx] - fwd(base, mask)[0, idx])
    total = sum(w.score for w in exp.words)
    assert total == pytest.approx(gap, rel=0.05, abs=1e-3)


def test_steps_adapt_to_tolerance(pipe):
    loose = attr.explain(pipe, ORTHO, "orthopedics", use_cache=False, tolerance=10.0)
    strict = attr.explain(pipe, ORTHO, "orthopedics", use_cache=False, tolerance=1e-9, max_steps=32)
    assert loose.n_steps == 16
    assert strict.n_steps == 32


def test_long_note_is_explained_over_all_windows(pipe):
    text = "Routine visit. " * 150 + ORTHO
    exp = attr.explain(pipe, text, "orthopedics", use_cache=False)
    assert exp.extra["windows"] > 1
    assert exp.words[-1].end == len(text.rstrip())
    tail = [w for w in exp.words if w.start >= text.index(ORTHO)]
    assert any(abs(w.score) > 0 for w in tail)  # the last window contributes


def test_cache_hits_by_version_text_target_and_method(pipe):
    attr.CACHE.clear()
    a = attr.explain(pipe, CARDIO, "cardiology_pulmonology")
    b = attr.explain(pipe, CARDIO, "cardiology_pulmonology")
    assert not a.cached and b.cached and a.words == b.words
    c = attr.explain(pipe, CARDIO, "orthopedics")
    d = attr.explain(pipe, CARDIO, "cardiology_pulmonology", method="gxi")
    assert not c.cached and not d.cached
    assert attr.CACHE.hits == 1


def test_gradient_x_input_method(pipe):
    exp = attr.explain(pipe, CARDIO, "cardiology_pulmonology", method="gxi", use_cache=False)
    assert exp.n_steps == 1 and exp.delta is None and len(exp.words) > 10


def test_unknown_method_is_refused(pipe):
    with pytest.raises(ValueError):
        attr.explain(pipe, CARDIO, "cardiology_pulmonology", method="magic")


def test_four_threads_get_what_they_get_alone(pipe):
    notes = [CARDIO, ORTHO, CARDIO + " " + ORTHO, "Follow up. " * 30 + ORTHO]
    targets = ["cardiology_pulmonology", "orthopedics", "orthopedics", "orthopedics"]
    same_alone_and_together(lambda n, t: attr.explain(pipe, n, t, use_cache=False), list(zip(notes, targets)))


def test_faithfulness_on_a_model_with_a_known_answer(pipe):
    """Word-removal metrics computed by hand agree with the engine's."""
    exp = attr.explain(pipe, CARDIO, "cardiology_pulmonology", use_cache=False)
    assert exp.top_k == max(1, round(0.1 * len(exp.words)))
    order = np.argsort([-w.score for w in exp.words], kind="stable")[: exp.top_k]
    top = [(exp.words[i].start, exp.words[i].end) for i in order]
    removed = attr._without(CARDIO, top)
    only = attr._only(CARDIO, top)
    p = pipe.predict_proba([CARDIO, removed, only])[:, pipe.labels.index("cardiology_pulmonology")]
    assert exp.comprehensiveness == pytest.approx(p[0] - p[1], abs=1e-6)
    assert exp.sufficiency == pytest.approx(p[0] - p[2], abs=1e-6)
    # removing the most positive words lowers the target more than removing random ones does
    rng = np.random.default_rng(0)
    rand = [(exp.words[i].start, exp.words[i].end) for i in rng.choice(len(exp.words), exp.top_k, replace=False)]
    p_rand = pipe.predict_proba([attr._without(CARDIO, rand)])[0, pipe.labels.index("cardiology_pulmonology")]
    assert p[0] - p[1] >= p[0] - p_rand - 1e-6
