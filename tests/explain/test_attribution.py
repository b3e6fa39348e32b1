"""The attribution engine on a tiny model: completeness, word offsets, long notes, cache, threads."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from core.explain import attribution as attr
from core.explain import note
from tests.conftest import CARDIO, ORTHO, same_alone_and_together


@pytest.fixture()
def pipe(tiny_triage):
    tiny_triage.detect_flags = False
    return tiny_triage


@pytest.mark.parametrize("text", [
    "Pt c/o <b>chest</b> pain; metoprolol 25mg — café.",
    # accents the uncased tokenizer strips, full-width letters, an emoji, a combining mark, a CJK word,
    # a zero-width space and long drug names split into many pieces
    "Ärztin: naïve ＡＢＣ pt 💊 e\u0301tat 胸痛 hydrochlorothiazide\u200bmethylprednisolone x2/day (q.i.d.)",
])
def test_words_carry_exact_offsets(pipe, text):
    exp = note.explain_note(pipe, text, "cardiology_pulmonology", use_cache=False)
    assert exp.words
    for w in exp.words:
        assert text[w.start:w.end] == w.text
    # every word piece falls inside exactly one word, so no piece's score is lost or counted twice
    pieces = [(a, b) for a, b in pipe.tokenizer(text, return_offsets_mapping=True)["offset_mapping"] if b > a]
    assert len(pieces) > len(text.split())
    for a, b in pieces:
        assert sum(1 for w in exp.words if w.start <= a and b <= w.end) == 1, text[a:b]


def test_ig_completeness_sums_to_the_logit_difference(pipe):
    exp = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", use_cache=False, tolerance=0.01, max_steps=128)
    assert exp.method == "ig"
    assert exp.delta is not None and exp.delta <= 0.01 or exp.n_steps == 128
    # sum of word scores == f(x) - f(baseline) up to the reported delta
    windows = pipe.preprocess([CARDIO])
    import torch

    idx = pipe.labels.index("cardiology_pulmonology")
    ids, mask = windows.input_ids, windows.attention_mask
    tok = pipe.tokenizer
    base = attr._baseline_ids(ids, {tok.cls_token_id, tok.sep_token_id, tok.pad_token_id}, tok.pad_token_id)
    fwd = attr.logits_fn(pipe.model, pipe.device)
    with torch.no_grad():
        gap = float(fwd(ids, mask)[0, idx] - fwd(base, mask)[0, idx])
    total = sum(w.score for w in exp.words)
    assert total == pytest.approx(gap, rel=0.05, abs=1e-3)


def test_steps_adapt_to_tolerance(pipe):
    loose = note.explain_note(pipe, ORTHO, "orthopedics", use_cache=False, tolerance=10.0)
    strict = note.explain_note(pipe, ORTHO, "orthopedics", use_cache=False, tolerance=1e-9, max_steps=32)
    assert loose.n_steps == 16
    assert strict.n_steps == 32


def test_long_note_is_explained_over_all_windows(pipe):
    text = "Routine visit. " * 150 + ORTHO
    exp = note.explain_note(pipe, text, "orthopedics", use_cache=False)
    assert exp.extra["windows"] > 1
    assert exp.words[-1].end == len(text.rstrip())
    tail = [w for w in exp.words if w.start >= text.index(ORTHO)]
    assert any(abs(w.score) > 0 for w in tail)  # the last window contributes


def test_cache_hits_by_version_text_target_and_method(pipe):
    attr.CACHE.clear()
    a = note.explain_note(pipe, CARDIO, "cardiology_pulmonology")
    b = note.explain_note(pipe, CARDIO, "cardiology_pulmonology")
    assert not a.cached and b.cached and a.words == b.words
    c = note.explain_note(pipe, CARDIO, "orthopedics")
    d = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", method="gxi")
    assert not c.cached and not d.cached
    assert attr.CACHE.hits == 1


def test_gradient_x_input_method(pipe):
    exp = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", method="gxi", use_cache=False)
    assert exp.n_steps == 1 and exp.delta is None and len(exp.words) > 10


def test_unknown_method_is_refused(pipe):
    with pytest.raises(ValueError):
        note.explain_note(pipe, CARDIO, "cardiology_pulmonology", method="magic")


def test_four_threads_get_what_they_get_alone(pipe):
    notes = [CARDIO, ORTHO, CARDIO + " " + ORTHO, "Follow up. " * 30 + ORTHO]
    targets = ["cardiology_pulmonology", "orthopedics", "orthopedics", "orthopedics"]
    same_alone_and_together(lambda n, t: note.explain_note(pipe, n, t, use_cache=False), list(zip(notes, targets)))


def test_faithfulness_on_a_model_with_a_known_answer(pipe):
    """Word-removal metrics computed by hand agree with the engine's."""
    exp = note.explain_note(pipe, CARDIO, "cardiology_pulmonology", use_cache=False)
    assert exp.top_k == max(1, round(0.1 * len(exp.words)))
    order = np.argsort([-w.score for w in exp.words], kind="stable")[: exp.top_k]
    top = [(exp.words[i].start, exp.words[i].end) for i in order]
    removed = note.without(CARDIO, top)
    only = note.only(CARDIO, top)
    p = pipe.predict_proba([CARDIO, removed, only])[:, pipe.labels.index("cardiology_pulmonology")]
    assert exp.comprehensiveness == pytest.approx(p[0] - p[1], abs=1e-6)
    assert exp.sufficiency == pytest.approx(p[0] - p[2], abs=1e-6)
    # removing the most positive words lowers the target more than removing random ones does
    rng = np.random.default_rng(0)
    rand = [(exp.words[i].start, exp.words[i].end) for i in rng.choice(len(exp.words), exp.top_k, replace=False)]
    p_rand = pipe.predict_proba([note.without(CARDIO, rand)])[0, pipe.labels.index("cardiology_pulmonology")]
    assert p[0] - p[1] >= p[0] - p_rand - 1e-6


# -- a model whose answer is known: only the word "chest" moves the first label's logit ------------
class _KeywordModel(torch.nn.Module):
    """logit[0] = weight x (number of "chest" tokens), logit[1] = 0: linear in the embeddings, so
    Integrated Gradients and gradient x input are exact and every other word's attribution is 0."""

    def __init__(self, vocab_size: int, keyword_id: int, weight: float = 2.0) -> None:
        super().__init__()
        self.bert = torch.nn.Module()
        self.bert.embeddings = torch.nn.Embedding(vocab_size, 2)
        with torch.no_grad():
            self.bert.embeddings.weight.zero_()
            self.bert.embeddings.weight[keyword_id, 0] = 1.0
        self.head = torch.nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            self.head.weight.copy_(torch.tensor([[weight, 0.0], [0.0, 0.0]]))

    def forward(self, input_ids, attention_mask):
        h = self.bert.embeddings(input_ids) * attention_mask[..., None]
        return SimpleNamespace(logits=self.head(h.sum(1)))


@pytest.fixture(scope="module")
def keyword_pipe():
    from transformers import AutoTokenizer

    from core.config import base_model_path
    from core.triage.pipeline import TriagePipeline

    tok = AutoTokenizer.from_pretrained(str(base_model_path()))
    (keyword_id,) = tok("chest", add_special_tokens=False)["input_ids"]
    model = _KeywordModel(tok.vocab_size, keyword_id)
    return TriagePipeline(model, tok, ["chest", "other"], max_length=32, stride=8, detect_flags=False,
                          device="cpu", version="keyword")


@pytest.mark.parametrize("method", ["ig", "gxi"])
def test_known_answer_attributions_and_faithfulness(keyword_pipe, method):
    text = "Severe chest pain at rest, worse on exertion."
    exp = note.explain_note(keyword_pipe, text, "chest", method, use_cache=False)
    by_word = {w.text: w.score for w in exp.words}
    assert by_word.pop("chest") == pytest.approx(2.0, abs=1e-3)
    assert all(s == 0.0 for s in by_word.values())
    assert [w.text for w in exp.top(1)] == ["chest"]
    # removing "chest" takes the logit from 2 to 0; keeping only "chest" keeps it at 2
    assert exp.top_k == 1
    assert exp.comprehensiveness == pytest.approx(1 / (1 + np.exp(-2.0)) - 0.5, abs=1e-3)
    assert exp.sufficiency == pytest.approx(0.0, abs=1e-6)
    if method == "ig":
        assert exp.delta == pytest.approx(0.0, abs=1e-3) and exp.n_steps == 16


def test_known_answer_across_windows(keyword_pipe):
    """A keyword in the last of several windows gets exactly the note's logit: windows are weighted as the
    prediction weights them, and the words only one window sees are not lost."""
    text = "Routine follow up visit today. " * 12 + "Now chest pain."
    windows = keyword_pipe.preprocess([text])
    assert len(windows.input_ids) > 2
    logits, _ = keyword_pipe.note_logits([text])
    exp = note.explain_note(keyword_pipe, text, "chest", use_cache=False)
    chest = [w for w in exp.words if w.text == "chest"]
    assert len(chest) == 1 and chest[0].start == text.index("chest")
    assert chest[0].score == pytest.approx(float(logits[0, 0]), rel=1e-3)
    assert 0 < chest[0].score < 2.0  # one window of several: its weight, not the whole logit
    assert sum(abs(w.score) for w in exp.words if w.text != "chest") == 0.0


def test_choose_default_keeps_faithfulness_then_takes_the_fastest():
    ig = {"comprehensiveness": 0.59, "seconds_median": 2.0}
    assert attr.choose_default({"ig": ig, "gxi": {"comprehensiveness": 0.03, "seconds_median": 0.1}}) == "ig"
    assert attr.choose_default({"ig": ig, "gxi": {"comprehensiveness": 0.58, "seconds_median": 0.1}}) == "gxi"
    # both explain nothing: the cheaper one
    assert attr.choose_default({"ig": {"comprehensiveness": 0.001, "seconds_median": 7.0},
                                "gxi": {"comprehensiveness": -0.002, "seconds_median": 0.2}}) == "gxi"
    with pytest.raises(ValueError):
        attr.choose_default({})


def test_shipped_defaults_are_known_methods_for_every_task():
    from core.tasks import TASKS

    assert set(attr.DEFAULT_METHODS) == set(TASKS)
    assert set(attr.DEFAULT_METHODS.values()) <= set(attr.METHODS)


def test_the_cache_key_covers_every_option(pipe):
    """A call with other steps, tolerance or faithfulness is computed anew, not served a stale result."""
    attr.CACHE.clear()
    base = note.explain_note(pipe, ORTHO, "orthopedics", start_steps=16, max_steps=16)
    assert note.explain_note(pipe, ORTHO, "orthopedics", start_steps=16, max_steps=16).cached
    other = note.explain_note(pipe, ORTHO, "orthopedics", start_steps=8, max_steps=8)
    assert not other.cached and other.n_steps == 8 and base.n_steps == 16
    assert not note.explain_note(pipe, ORTHO, "orthopedics", start_steps=16, max_steps=16,
                                 with_faithfulness=False).cached
    assert not note.explain_note(pipe, ORTHO, "orthopedics", start_steps=16, max_steps=16, tolerance=0.5).cached
