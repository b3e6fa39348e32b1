"""Which words of the note drove a treatment's ranking (Captum, on the ranker's note tower).

The explained number is the candidate's log-share among its condition's candidates (softmax of the
ranker's scores), with the candidates' embeddings and features held fixed: Integrated Gradients over the
note's word-piece embeddings (baseline all ``[PAD]``, adaptive steps, see
:func:`core.explain.attribution.attribute_window`) or gradient x input, on the tokens the ranker reads
(its ``max_length``), summed into words. Faithfulness (ERASER): comprehensiveness and
sufficiency of the top 10% of words, on that share.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from typing import Mapping, Sequence

import torch

from core.explain.attribution import CACHE, METHODS, Explanation, Method, WordScore, attribute_window
from core.explain.entity import faithfulness
from core.explain.words import merge_to_words, word_spans
from core.modeling import autocast
from core.spans import Span
from core.knowledge.kb import Condition
from core.treatments.ranker import FEATURES, RankerPipeline, candidate_text


def explain_ranking(pipe: RankerPipeline, text: str, condition: Condition, drug: str, method: Method = "ig", *,
                    features: Mapping[str, Sequence[float]] | None = None, use_cache: bool = True,
                    max_length: int | None = None, fraction: float = 0.1) -> Explanation:
    """Explain why ``drug`` ranks where it does among ``condition``'s treatments for the note ``text``.

    The explained number is ``log p(drug)``, the softmax of the ranker's scores over the condition's
    candidates (what the ranker is trained on): a drug's absolute score saturates, its share among the
    alternatives does not. ``features`` maps each candidate drug to its :data:`core.treatments.ranker.FEATURES`
    as the engine scored it (default all zero); they are held fixed: the explanation is of the note's words.
    """
    if method not in METHODS:
        raise ValueError(f"unknown attribution method {method!r}; choose one of {sorted(METHODS)}")
    drugs = [x.drug for x in condition.treatments]
    if drug not in drugs:
        raise ValueError(f"{drug!r} is not a treatment of {condition.id!r}")
    target = drugs.index(drug)
    cands = [candidate_text(condition, x) for x in condition.treatments]
    max_length = max_length or pipe.max_length   # the tokens the ranker scored, so the explained number is its own
    zero = [0.0] * len(FEATURES)
    f = torch.tensor([list((features or {}).get(d, zero)) for d in drugs], device=pipe.device)
    key = ("ranking", pipe.version, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), condition.id,
           drug, method, max_length, tuple(map(tuple, f.tolist())))
    if use_cache and (hit := CACHE.get(key)) is not None:
        return replace(hit, cached=True)
    t0 = time.perf_counter()
    tok = pipe.tokenizer
    enc = tok(text, truncation=True, max_length=max_length, return_offsets_mapping=True, return_tensors="pt")
    ids = enc["input_ids"].to(pipe.device)
    offsets = [tuple(int(x) for x in o) for o in enc["offset_mapping"][0]]
    mask = torch.ones_like(ids)
    v = pipe.candidate_embeddings(cands).detach().clone()
    model = pipe.model
    k = len(cands)

    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        with autocast(pipe.device):
            u = model.embed(input_ids, attention_mask)
        b = u.shape[0]
        scores = model.score(u.repeat_interleave(k, 0), v.to(u.dtype).repeat(b, 1), f.repeat(b, 1)).view(b, k)
        return torch.log_softmax(scores, -1)[:, target]

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
