"""What the attribution engine sends through the model, counted on the CPU: the GPU-relevant properties (every
interpolation node of a level in as few batched passes as the memory cap allows, no node evaluated twice when the
steps grow, faithfulness in one batched forward) and agreement with Captum's implementation."""

import math

import numpy as np
import pytest
import torch
from captum.attr import LayerGradientXActivation, LayerIntegratedGradients

from core.explain import attribution as attr
from core.explain import note
from tests.conftest import CARDIO, ORTHO


@pytest.fixture()
def pipe(tiny_triage):
    tiny_triage.detect_flags = False
    return tiny_triage


class _Passes:
    """Counts the model's forward passes and the rows of each, while inside."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.rows: list[int] = []

    def __enter__(self) -> "_Passes":
        self._handle = self.model.register_forward_pre_hook(
            lambda _m, args, kwargs: self.rows.append(int(kwargs["input_ids"].shape[0])), with_kwargs=True)
        return self

    def __exit__(self, *exc) -> None:
        self._handle.remove()


def _window(pipe, text=CARDIO + " " + ORTHO):
    windows = pipe.preprocess([text])
    n = int(windows.attention_mask[0].sum())
    return windows.input_ids[:1, :n], windows.attention_mask[:1, :n]


def _attribute(pipe, ids, mask, method="ig", **kw):
    idx = pipe.labels.index("orthopedics")
    fwd = attr.logits_fn(pipe.model, pipe.device)
    tok = pipe.tokenizer
    return attr.attribute_window(lambda i, m: fwd(i, m)[:, idx], pipe.model.bert.embeddings, ids, mask, method,
                                 special=attr.special_ids(tok), pad=tok.pad_token_id, **kw)


def test_clenshaw_curtis_is_exact_for_polynomials_and_nested():
    for steps in (1, 2, 8, 16, 32):
        nodes, weights = attr.clenshaw_curtis(steps)
        assert len(nodes) == steps + 1 and weights.sum() == pytest.approx(1.0, abs=1e-12)
        for degree in range(steps + 1):
            assert weights @ nodes ** degree == pytest.approx(1 / (degree + 1), abs=1e-12)
    coarse, fine = attr.clenshaw_curtis(16)[0], attr.clenshaw_curtis(32)[0]
    assert np.allclose(fine[::2], coarse, atol=1e-15)


def test_interpolation_nodes_go_in_batches_capped_by_memory(pipe):
    ids, mask = _window(pipe)
    internal = 8
    with _Passes(pipe.model) as passes:
        _, _, steps = _attribute(pipe, ids, mask, tolerance=1e9, start_steps=16, max_steps=32,
                                 batch_tokens=internal * ids.shape[1])
    assert steps == 16
    # one no-grad pass of input and baseline, then the 17 nodes in ceil(17 / 8) passes of at most 8 rows
    assert passes.rows[0] == 2
    assert len(passes.rows) - 1 == math.ceil(17 / internal) and max(passes.rows[1:]) <= internal
    assert sum(passes.rows[1:]) == 17


def test_a_gpu_sized_batch_takes_a_level_in_one_pass(pipe):
    ids, mask = _window(pipe)
    with _Passes(pipe.model) as passes:
        _attribute(pipe, ids, mask, tolerance=1e9, batch_tokens=65536)   # what a GPU gets
    assert passes.rows == [2, 17]


def test_more_steps_evaluate_only_the_new_nodes(pipe):
    ids, mask = _window(pipe)
    with _Passes(pipe.model) as passes:
        _, _, steps = _attribute(pipe, ids, mask, tolerance=0.0, start_steps=16, max_steps=64, batch_tokens=65536)
    assert steps == 64
    # 17 nodes, then the 16 new nodes of 32 steps, then the 32 new of 64: 65 nodes in all (a restart: 17 + 33 + 65)
    assert passes.rows == [2, 17, 16, 32]


def test_more_steps_give_the_fine_grid_answer(pipe):
    """Reusing the coarse nodes changes nothing: 16 then 32 steps equals 32 steps from the start."""
    ids, mask = _window(pipe)
    grown, _, _ = _attribute(pipe, ids, mask, tolerance=0.0, start_steps=16, max_steps=32)
    direct, _, _ = _attribute(pipe, ids, mask, tolerance=0.0, start_steps=32, max_steps=32)
    assert np.allclose(grown, direct, rtol=1e-5, atol=1e-7)


def test_integrated_gradients_agree_with_captum(pipe):
    ids, mask = _window(pipe)
    idx = pipe.labels.index("orthopedics")
    fwd = attr.logits_fn(pipe.model, pipe.device)
    tok = pipe.tokenizer
    ours, rel, _ = _attribute(pipe, ids, mask, tolerance=0.0, start_steps=64, max_steps=64)
    base = attr._baseline_ids(ids, attr.special_ids(tok), tok.pad_token_id)
    theirs, delta = LayerIntegratedGradients(fwd, pipe.model.bert.embeddings).attribute(
        ids, baselines=base, target=idx, additional_forward_args=(mask,), n_steps=64, method="gausslegendre",
        return_convergence_delta=True)
    theirs = theirs.sum(-1)[0].detach().numpy()
    scale = np.abs(theirs).max()
    assert np.allclose(ours, theirs, atol=1e-3 * scale)
    assert rel < 0.01 and abs(float(delta[0])) < 0.01 * abs(theirs.sum())


def test_gradient_x_input_agrees_with_captum_in_one_pass(pipe):
    ids, mask = _window(pipe)
    idx = pipe.labels.index("orthopedics")
    fwd = attr.logits_fn(pipe.model, pipe.device)
    with _Passes(pipe.model) as passes:
        ours, rel, steps = _attribute(pipe, ids, mask, "gxi")
    assert passes.rows == [1] and rel is None and steps == 1
    theirs = LayerGradientXActivation(fwd, pipe.model.bert.embeddings).attribute(
        ids, target=idx, additional_forward_args=(mask,)).sum(-1)[0].detach().numpy()
    assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_hooks_are_removed_after_an_explanation(pipe):
    layer = pipe.model.bert.embeddings
    before = (len(layer._forward_hooks), len(layer._forward_pre_hooks))
    ids, mask = _window(pipe)
    _attribute(pipe, ids, mask)
    _attribute(pipe, ids, mask, "gxi")
    assert (len(layer._forward_hooks), len(layer._forward_pre_hooks)) == before


def test_note_faithfulness_is_one_batched_forward(pipe):
    exp = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", use_cache=False, with_faithfulness=False)
    with _Passes(pipe.model) as passes:
        note.note_faithfulness(pipe, CARDIO, pipe.labels.index("cardiology_pulmonology"),
                               [(w.start, w.end) for w in exp.words], [w.score for w in exp.words])
    assert passes.rows == [3]   # the note, without its top words, with only them


def test_explain_note_passes(pipe):
    """A one-window note: the end values, one pass per level, then the faithfulness forward."""
    with _Passes(pipe.model) as passes:
        exp = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", use_cache=False, tolerance=1e9,
                                batch_tokens=65536)
    assert exp.extra["windows"] == 1 and exp.n_steps == 16
    assert passes.rows == [2, 17, 3]
