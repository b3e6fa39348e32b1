"""The explanation cache is scoped: the same note explained under two scopes (two browser sessions) is computed
twice, under one scope once, so a session never gets another's cached explanation."""

from __future__ import annotations

from core.explain import attribution as attr
from core.explain.attribution import Explanation, WordScore, cache_scope, explained

NOTE = "Zorblaxin 10 mg daily."


def counting() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> Explanation:
        calls.append(1)
        return Explanation(target="x", method="gxi", words=(WordScore(0, 9, NOTE[:9], 0.5),), model_version="v")

    return calls, compute


def test_same_note_under_two_scopes_is_computed_twice():
    attr.CACHE.clear()
    calls, compute = counting()
    a = explained("note", "v", NOTE, "x", "gxi", {}, compute, scope="session-a")
    b = explained("note", "v", NOTE, "x", "gxi", {}, compute, scope="session-b")
    assert len(calls) == 2 and not a.cached and not b.cached


def test_same_note_under_one_scope_is_computed_once():
    attr.CACHE.clear()
    calls, compute = counting()
    first = explained("note", "v", NOTE, "x", "gxi", {}, compute, scope="session-a")
    again = explained("note", "v", NOTE, "x", "gxi", {}, compute, scope="session-a")
    assert len(calls) == 1 and again.cached and again.words == first.words


def test_the_enclosing_cache_scope_is_the_default():
    attr.CACHE.clear()
    calls, compute = counting()
    with cache_scope("session-a"):
        explained("note", "v", NOTE, "x", "gxi", {}, compute)
        hit = explained("note", "v", NOTE, "x", "gxi", {}, compute)
    with cache_scope("session-b"):
        other = explained("note", "v", NOTE, "x", "gxi", {}, compute)
    explained("note", "v", NOTE, "x", "gxi", {}, compute)  # no scope (the CLI): its own
    assert hit.cached and not other.cached and len(calls) == 3
    assert explained("note", "v", NOTE, "x", "gxi", {}, compute, scope="session-a").cached
