"""Which words of the note drove a treatment's ranking score (Captum, on the ranker's note tower).

The explained number is ``log sigmoid(score)`` of one candidate for the note, with the candidate's
embedding held fixed: Integrated Gradients over the note's word-piece embeddings (baseline all
``[PAD]``, adaptive steps, see :func:`core.explain.attribution.attribute_window`) or gradient x input, on the
tokens the ranker reads (its ``max_length``), summed into words. Faithfulness (ERASER): comprehensiveness and
sufficiency of the top 10% of words, on ``sigmoid(score)``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from typing import Sequence

import torch

from core.explain.attribution import CACHE, METHODS, Explanation, Method, WordScore, attribute_window
from core.explain.entity import faithfulness
from core.explain.words import merge_to_words, word_spans
from core.modeling import autocast
from core.spans import Span
from core.treatments.kb import Condition
from core.treatments.ranker import FEATURES, RankerPipeline, candidate_text


def explain_ranking(pipe: RankerPipeline, text: str, condition: Condition, drug: str, method: Method = "ig", *,
                    features: Sequence[float] | None = None, use_cache: bool = True, max_length: int | None = None,
                    fraction: float = 0.1) -> Explanation:
    """Explain the ranker's score of ``drug`` (a treatment of ``condition``) for the note ``text``.

    ``features`` (the candidate's :data:`core.treatments.ranker.FEATURES`, as the engine scored it) are held
    fixed: the explanation is of the note's words.
    """
    if method not in METHODS:
        raise ValueError(f"unknown attribution method {method!r}; choose one of {sorted(METHODS)}")
    t = next((x for x in condition.treatments if x.drug == drug), None)
    if t is None:
        raise ValueError(f"{drug!r} is not a treatment of {condition.id!r}")
    cand = candidate_text(condition, t)
    max_length = max_length or pipe.max_length   # the tokens the ranker scored, so the explained number is its score
    f = torch.tensor([list(features) if features is not None else [0.0] * len(FEATURES)], device=pipe.device)
    key = ("ranking", pipe.version, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), cand, method,
           max_length, tuple(f[0].tolist()))
    if use_cache and (hit := CACHE.get(key)) is not None:
        return replace(hit, cached=True)
    t0 = time.perf_counter()
    tok = pipe.tokenizer
    enc = tok(text, truncation=True, max_length=max_length, return_offsets_mapping=True, return_tensors="pt")
    ids = enc["input_ids"].to(pipe.device)
    offsets = [tuple(int(x) for x in o) for o in enc["offset_mapping"][0]]
    mask = torch.ones_like(ids)
    v = pipe.candidate_embeddings([cand])[0].detach().clone()
    model = pipe.model

    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        with autocast(pipe.device):
            u = model.embed(input_ids, attention_mask)
        return torch.nn.functional.logsigmoid(model.score(u, v.to(u.dtype).expand(u.shape[0], -1),
                                                          f.expand(u.shape[0], -1)))

    special = {i for i in (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id) if i is not None}
    pad = tok.pad_token_id or 0
    hi = max((b for _, b in offsets), default=0)
    words = [(a, b) for a, b in word_spans(text) if b <= hi]
    with pipe.lock:
        token_scores, delta, steps = attribute_window(forward, model.encoder.embeddings, ids, mask, method,
                                                      special=special, pad=pad)
        scores = merge_to_words(text, offsets, token_scores, words)
        faith = faithfulness(forward, ids, offsets, words, scores, Span(0, 0, "NONE"), pad, fraction)
    exp = Explanation(target=f"{drug} for {condition.name}", method=method,
                      words=tuple(WordScore(a, b, text[a:b], float(s)) for (a, b), s in zip(words, scores)),
                      delta=delta, n_steps=steps, seconds=time.perf_counter() - t0, model_version=pipe.version,
                      target_probability=faith["target_probability"], comprehensiveness=faith["comprehensiveness"],
                      sufficiency=faith["sufficiency"], top_k=faith["top_k"],
                      extra={"windows": 1, "truncated": hi < len(text.rstrip())})
    if use_cache:
        CACHE.put(key, exp)
    return exp
