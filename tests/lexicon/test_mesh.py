"""The MeSH dictionary tagger: whole names however a text spaces hyphens and possessives, never half a word."""

from __future__ import annotations

import pytest

from core.lexicon.mesh import disease_spans, name_key


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b in disease_spans(text)]


@pytest.mark.parametrize("text", [
    "ataxia-telangiectasia", "ataxia - telangiectasia", "Ataxia telangiectasia",
    "Addison's disease", "Addison ' s disease", "addison disease",
])
def test_a_name_matches_in_any_spacing(text: str) -> None:
    assert _found(f"Patients with {text} were seen.") == [text]


def test_longest_name_first_and_never_inside_a_hyphenated_word() -> None:
    assert _found("non-small cell lung cancer") == ["non-small cell lung cancer"]
    assert _found("a small cell lung cancer-like lesion") == []
    assert _found("Breast cancer, ovarian cancer; cancer") == ["Breast cancer", "ovarian cancer", "cancer"]


def test_offsets_are_exact_around_punctuation() -> None:
    text = "(Crohn's disease), [Graves' disease]."
    assert _found(text) == ["Crohn's disease", "Graves' disease"]


def test_name_keys_ignore_spacing_and_possessives() -> None:
    assert name_key("Addison ' s disease") == name_key("addison disease") == ("addison", "disease")
    assert name_key("ataxia - telangiectasia") == name_key("ataxia-telangiectasia")
