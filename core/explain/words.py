"""Words of a note with character offsets, and merging of sub-word scores into them.

A word is a run of letters/digits with their combining accents (joined by inner hyphens, apostrophes or
dots, so "5-FU", "don't" and "0.5" stay whole) or a run of other non-space characters. Tokenizer pieces
are mapped to the word that contains their first character, and their scores are summed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

# combining marks (a decomposed "é" is "e" + U+0301) belong to the letter before them, as the tokenizer has it
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTERS = rf"\w[\w{_MARKS}]*"
WORD_RE = re.compile(rf"{_LETTERS}(?:[-'’.]{_LETTERS})*|[^\w\s]+", re.UNICODE)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of ``text``."""
    return [m.span() for m in WORD_RE.finditer(text)]


def merge_to_words(text: str, token_offsets: Iterable[tuple[int, int]], token_scores: Iterable[float],
                   words: Sequence[tuple[int, int]] | None = None) -> list[float]:
    """Sum token scores into word scores.

    Args:
        text: The note.
        token_offsets: ``(start, end)`` of each token in ``text``; ``(0, 0)`` for special tokens (skipped).
        token_scores: One score per token.
        words: Word spans (default: :func:`word_spans`).

    Returns:
        One score per word, in ``words`` order.
    """
    words = list(words) if words is not None else word_spans(text)
    starts = [s for s, _ in words]
    out = [0.0] * len(words)
    for (a, b), score in zip(token_offsets, token_scores):
        if b <= a:
            continue
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < words[i][1]:
            out[i] += float(score)
        else:  # a token that starts in whitespace (should not happen): give it to the next word
            j = i + 1
            if j < len(words) and words[j][0] < b:
                out[j] += float(score)
    return out
