"""The drug pipeline: exact offsets for any input, long notes, linking, normalization and assertion."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.drugs.pipeline import DrugPipeline, plausible
from core.labels import DRUG_LABELS
from core.spans import Span


@pytest.fixture(scope="module")
def random_pipe():
    """An untrained tiny model whose head favours entity tags: it predicts spans everywhere."""
    from core.ner.training import bio_tags, new_model

    torch.manual_seed(0)
    model, tok = new_model(bio_tags(DRUG_LABELS), tiny=True)
    with torch.no_grad():
        model.classifier.bias[0] = -2.0  # make "O" rare so that many spans come out
    return DrugPipeline(model, tok, max_length=64, stride=16, normalize=False, assertion=False)


def check_spans(text: str, spans: list[Span]) -> None:
    prev_end = 0
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= prev_end, "spans overlap or are out of order"
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert s.label in DRUG_LABELS
        assert 0.0 <= (s.score or 0.0) <= 1.0
        prev_end = s.end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.sampled_from(["<script>alert(1)</script>", "metoprolol", "25mg", "\u00e9", "\u200b", "\t", "\n",
                              "x" * 300, "caf\u00e9", "\U0001F48A", "&amp;", " ", "(", ")", "5-FU", "-"]),
             max_size=60).map("".join),
))
def test_offsets_are_exact_and_inside_the_text_for_any_input(random_pipe, text):
    spans = random_pipe.entities([text])[0]
    check_spans(text, spans)
    result = random_pipe.postprocess(text, spans)
    for m in result.mentions:
        assert m.text == text[m.start:m.end]
        for a in m.attributes:
            assert a.meta["text"] == text[a.start:a.end]


def test_empty_and_blank_notes_give_nothing(random_pipe):
    assert random_pipe.entities(["", "   \n\t"]) == [[], []]
    assert random_pipe("").mentions == ()


def test_long_note_is_covered_by_windows(tiny_drugs):
    line = "Walks the dog every morning and reads the paper. "
    text = line * 60 + "Continue warfarin 10 mg PO daily."
    n_tokens, n_windows = tiny_drugs.count_tokens(text)
    assert n_tokens > tiny_drugs.max_length and n_windows > 1
    result = tiny_drugs(text)
    assert [m.text for m in result.mentions] == ["warfarin"]
    m = result.mentions[0]
    assert m.start == text.index("warfarin")
    assert m.attribute("STRENGTH") == "10 mg" and m.attribute("FREQUENCY") == "daily"


def test_tiny_model_finds_drugs_with_their_own_sigs(tiny_drugs):
    text = "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily for pain."
    result = tiny_drugs(text)
    assert [m.text for m in result.mentions] == ["metoprolol", "lisinopril"]
    meto, lisi = result.mentions
    assert meto.attribute("STRENGTH") == "25 mg" and meto.attribute("ROUTE") == "PO"
    assert lisi.attribute("STRENGTH") == "10 mg"
    assert result.model_version == tiny_drugs.version
    assert result.to_dict()["mentions"][0]["text"] == "metoprolol"


def test_plausibility_filter():
    text = "P < 0.05, K+ and Ca(2+), aspirin"
    assert not plausible(text, 0, 1, "DRUG")
    assert plausible(text, text.index("K+"), text.index("K+") + 1, "DRUG")
    assert plausible(text, text.index("Ca"), text.index("Ca") + 2, "DRUG")
    assert plausible(text, text.index("aspirin"), len(text), "DRUG")
    assert not plausible(text, 1, 2, "STRENGTH")


def _entities(text: str, items: list[tuple[str, str]]) -> list[Span]:
    out, pos = [], 0
    for sub, label in items:
        i = text.index(sub, pos)
        out.append(Span(i, i + len(sub), label, score=0.9))
        pos = i + len(sub)
    return out


@pytest.mark.parametrize("text,drugs,expected", [
    ("Denies taking aspirin, ibuprofen or naproxen.", ["aspirin", "ibuprofen", "naproxen"],
     ["negated", "negated", "negated"]),
    ("Allergic to penicillin (rash). Takes amoxicillin today.", ["penicillin", "amoxicillin"], ["allergy", "current"]),
    ("Lisinopril was discontinued because of cough.", ["Lisinopril"], ["discontinued"]),
    ("Will start metformin next week if A1c remains high.", ["metformin"], ["hypothetical"]),
    ("Continue atorvastatin 40 mg nightly.", ["atorvastatin"], ["current"]),
    ("No aspirin. Warfarin 5 mg daily.", ["aspirin", "Warfarin"], ["negated", "current"]),
])
def test_assertion_status_of_each_drug(tiny_drugs, text, drugs, expected):
    result = tiny_drugs.postprocess(text, _entities(text, [(d, "DRUG") for d in drugs]))
    assert [m.status for m in result.mentions] == expected
    for m in result.mentions:
        assert m.span.status == m.status
        if m.status != "current":
            assert m.trigger and m.trigger_span and text[m.trigger_span[0]:m.trigger_span[1]] == m.trigger


def test_brand_is_normalized_and_linked(tiny_drugs):
    text = "Takes Lasix 40 mg PO daily and xyzzyquab 2 tabs at bedtime."
    ents = _entities(text, [("Lasix", "DRUG"), ("40 mg", "STRENGTH"), ("PO", "ROUTE"), ("daily", "FREQUENCY"),
                            ("xyzzyquab", "DRUG"), ("2 tabs", "DOSE"), ("at bedtime", "FREQUENCY")])
    result = tiny_drugs.postprocess(text, ents)
    lasix, unknown = result.mentions
    assert lasix.identity is not None and lasix.identity.canonical == "furosemide"
    assert lasix.identity.drugbank_id == lasix.span.code and lasix.span.code.startswith("DB")
    assert lasix.attribute("STRENGTH") == "40 mg" and lasix.attribute("FREQUENCY") == "daily"
    assert unknown.identity is None and not unknown.resolved and unknown.span.code is None
    assert unknown.attribute("DOSE") == "2 tabs" and unknown.attribute("FREQUENCY") == "at bedtime"
    assert result.orphan_attributes == []
