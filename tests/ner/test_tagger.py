"""Span edges: a predicted span never starts or ends on whitespace or stray punctuation."""

import pytest

from core.ner.tagger import trim


@pytest.mark.parametrize(("text", "span", "expected"), [
    ("1C(\x1f0", (3, 5), "0"),  # U+001F is whitespace to Python, a character to the tokenizer
    ("take\u00a0aspirin\u2003daily", (4, 12), "aspirin"),
    (" (metoprolol, ", (0, 14), "metoprolol"),
    ("aspirin (ASA) x", (0, 13), "aspirin (ASA)"),
    ("given p.o. now", (6, 10), "p.o."),
])
def test_trim_drops_any_whitespace_and_unbalanced_punctuation(text, span, expected):
    start, end = trim(text, *span)
    assert text[start:end] == expected


def test_trim_of_only_whitespace_is_empty():
    start, end = trim("a \x1c\x1d\x1e\x1f b", 1, 7)
    assert start == end
