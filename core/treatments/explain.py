"""Which words of the note drove a treatment's ranking (Captum, on the ranker's note tower).

The explained number is the candidate's log-share among its condition's candidates (softmax of the
ranker's scores), with the candidates' embeddings and features held fixed: Integrated Gradients over the
note's word-piece embeddings (baseline all ``[PAD]``, adaptive steps, see
:func:`core.explain.attribution.attribute_window`) or gradient x input, on the tokens the ranker reads
(its ``max_length``), summed into words. Faithfulness (ERASER): comprehensiveness and
sufficiency of the top 10% of words, on that share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from core.explain.attribution import Explanation, Method, WordScore, attribute_window, explained, special_ids
from core.explain.entity import window_faithfulness
from core.explain.words import merge_to_words, word_spans
from core.knowledge.kb import Condition
from core.modeling import autocast
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
    drugs = [x.drug for x in condition.treatments]
    if drug not in drugs:
        raise ValueError(f"{drug!r} is not a treatment of {condition.id!r}")
    target = drugs.index(drug)
    max_length = max_length or pipe.max_length   # the tokens the ranker scored, so the explained number is its own
    zero = [0.0] * len(FEATURES)
    rows = [list((features or {}).get(d, zero)) for d in drugs]

    def compute() -> Explanation:
        cands = [candidate_text(condition, x) for x in condition.treatments]
        f = torch.tensor(rows, device=pipe.device)
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

        pad = tok.pad_token_id or 0
        hi = max((b for _, b in offsets), default=0)
        words = [(a, b) for a, b in word_spans(text) if b <= hi]
        with pipe.lock:
            token_scores, delta, steps = attribute_window(forward, model.encoder.embeddings, ids, mask, method,
                                                          special=special_ids(tok), pad=pad)
            scores = merge_to_words(text, offsets, token_scores, words)
            faith = window_faithfulness(forward, ids, offsets, words, scores, pad, fraction)
        return Explanation(target=f"{drug} for {condition.name}", method=method,
                           words=tuple(WordScore(a, b, text[a:b], float(s)) for (a, b), s in zip(words, scores)),
                           delta=delta, n_steps=steps, model_version=pipe.version, **faith,
                           extra={"windows": 1, "truncated": hi < len(text.rstrip())})

    options = {"max_length": max_length, "fraction": fraction, "features": rows}
    return explained("ranking", pipe.version, text, (condition.id, drug), method, options, compute,
                     use_cache=use_cache)
