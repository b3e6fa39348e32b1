"""Explaining a note classifier (triage): which words raised or lowered one service's score.

The explained number is the note's logit of the target service. A note longer than one window is attributed
window by window; since the note's logit is the token-weighted mean of its windows' logits, each window's word
scores are scaled by its weight and summed, so the word scores explain exactly the number the prediction comes
from. The reported convergence gap is the worst window's. Faithfulness: ERASER comprehensiveness and sufficiency
of the top 10% of words, on the calibrated probability of the service, with those words blanked out of (or
kept alone in) the note's text.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.calibration import softmax
from core.explain.attribution import (
    GAP_TOLERANCE,
    Explanation,
    Method,
    WordScore,
    attribute_window,
    eraser,
    explained,
    logits_fn,
    special_ids,
    top_word_indices,
)
from core.explain.words import merge_to_words, word_spans


def attribute_windows(pipe: Any, text: str, target_index: int, method: Method = "ig", *,
                      tolerance: float = GAP_TOLERANCE, start_steps: int = 16, max_steps: int = 32,
                      batch_tokens: int | None = None) -> tuple[list[float], dict[str, Any]]:
    """Word scores of ``text`` for the note-level logit of ``target_index`` (see the module docstring).

    Each window is attributed at its own length (a short last window is not padded to the longest),
    and its steps double on a nested grid (16, 32; the finished nodes reused) until its completeness gap is within
    ``tolerance``.
    """
    windows = pipe.preprocess([text])
    device = pipe.device
    weights = np.array([max(1, n) for n in windows.n_content], dtype=np.float64)
    weights = weights / weights.sum()
    tok = pipe.tokenizer
    special = special_ids(tok)
    layer = pipe.model.bert.embeddings
    forward = logits_fn(pipe.model, device)
    words = word_spans(text)
    scores = np.zeros(len(words))
    deltas: list[float] = []
    used_steps: list[int] = []
    for w in range(len(windows.input_ids)):
        n = int(windows.attention_mask[w].sum().item())
        ids = windows.input_ids[w:w + 1, :n].to(device)
        mask = windows.attention_mask[w:w + 1, :n].to(device)
        token_scores, rel, steps = attribute_window(lambda i, m: forward(i, m)[:, target_index], layer, ids, mask,
                                                    method, special=special, pad=tok.pad_token_id or 0,
                                                    tolerance=tolerance, start_steps=start_steps, max_steps=max_steps,
                                                    batch_tokens=batch_tokens)
        used_steps.append(steps)
        if rel is not None:
            deltas.append(rel)
        scores += weights[w] * np.asarray(merge_to_words(text, windows.offsets[w][:n], token_scores, words))
    rel = float(max(deltas)) if deltas else None   # the worst window's relative completeness gap
    return scores.tolist(), {"windows": len(windows.input_ids), "n_steps": max(used_steps), "delta": rel,
                             "words": words}


def without(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given character spans blanked out (offsets of the rest kept)."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = [" "] * (b - a)
    return "".join(chars)


def only(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with everything but the given spans (and line breaks) blanked out."""
    keep = np.zeros(len(text), dtype=bool)
    for a, b in spans:
        keep[a:b] = True
    return "".join(c if k or c == "\n" else " " for c, k in zip(text, keep))


def note_faithfulness(pipe: Any, text: str, target_index: int, word_list: list[tuple[int, int]],
                      scores: list[float], fraction: float = 0.1) -> dict[str, Any]:
    """ERASER comprehensiveness and sufficiency of the top ``fraction`` of words (at least one), on the calibrated
    probability of the target with those words blanked out of the note, or kept alone in it."""
    top = [word_list[i] for i in top_word_indices(scores, fraction)]
    logits, _ = pipe.note_logits([text, without(text, top), only(text, top)])
    p = softmax(logits, pipe.temperature)[:, target_index]
    return eraser(p[0], p[1], p[2], len(top))


def explain_note(pipe: Any, text: str, target: str, method: Method = "ig", *, use_cache: bool = True,
                 with_faithfulness: bool = True, **options: Any) -> Explanation:
    """Explain a note classifier's score for the label ``target`` on ``text`` (thread-safe, cached in memory).

    ``options`` (``tolerance``, ``start_steps``, ``max_steps``, ``batch_tokens``) go to :func:`attribute_windows`.
    """
    target_index = pipe.labels.index(target)

    def compute() -> Explanation:
        if not text.strip() or not word_spans(text):
            return Explanation(target=target, method=method, words=(), model_version=pipe.version)
        with pipe.lock:
            scores, info = attribute_windows(pipe, text, target_index, method, **options)
        words = info["words"]
        faith = note_faithfulness(pipe, text, target_index, words, scores) if with_faithfulness else {}
        return Explanation(
            target=target, method=method,
            words=tuple(WordScore(a, b, text[a:b], float(s)) for (a, b), s in zip(words, scores)),
            delta=info.get("delta"), n_steps=int(info.get("n_steps", 0)), model_version=pipe.version,
            target_probability=faith.get("target_probability", 0.0), comprehensiveness=faith.get("comprehensiveness"),
            sufficiency=faith.get("sufficiency"), top_k=int(faith.get("top_k", 0)), extra={"windows": info["windows"]})

    return explained("note", pipe.version, text, target, method, {**options, "faithfulness": with_faithfulness},
                     compute, use_cache=use_cache)
