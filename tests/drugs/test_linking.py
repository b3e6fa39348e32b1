"""Attribute-to-drug linking on hand-written sigs and on the synthesizer's gold links."""


import pytest

from core.drugs.linking import link_attributes
from core.spans import Span


def spans_of(text: str, items: list[tuple[str, str]]) -> list[Span]:
    """Spans for (substring, label) pairs, each found after the previous one."""
    out, pos = [], 0
    for sub, label in items:
        i = text.index(sub, pos)
        out.append(Span(i, i + len(sub), label))
        pos = i + len(sub)
    return out


def linked(text, spans):
    drugs = [s for s in spans if s.label == "DRUG"]
    attrs = [s for s in spans if s.label != "DRUG"]
    return {(text[l.attribute.start:l.attribute.end], l.attribute.label):
            text[drugs[l.drug_index].start:drugs[l.drug_index].end]
            for l in link_attributes(text, drugs, attrs)}


def test_two_drugs_in_one_sentence_each_get_their_own_sig():
    text = "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily."
    spans = spans_of(text, [("metoprolol", "DRUG"), ("25 mg", "STRENGTH"), ("PO", "ROUTE"), ("BID", "FREQUENCY"),
                            ("lisinopril", "DRUG"), ("10 mg", "STRENGTH"), ("daily", "FREQUENCY")])
    assert linked(text, spans) == {("25 mg", "STRENGTH"): "metoprolol", ("PO", "ROUTE"): "metoprolol",
                                   ("BID", "FREQUENCY"): "metoprolol", ("10 mg", "STRENGTH"): "lisinopril",
                                   ("daily", "FREQUENCY"): "lisinopril"}


def test_periods_inside_abbreviations_do_not_end_the_sentence():
    text = "Amoxicillin 500 mg p.o. t.i.d. x 10 days."
    spans = spans_of(text, [("Amoxicillin", "DRUG"), ("500 mg", "STRENGTH"), ("p.o.", "ROUTE"),
                            ("t.i.d.", "FREQUENCY"), ("x 10 days", "DURATION")])
    got = linked(text, spans)
    assert set(got.values()) == {"Amoxicillin"} and len(got) == 4


def test_amount_before_the_drug_links_forward():
    text = "She took 2 tablets of ibuprofen last night."
    spans = spans_of(text, [("2 tablets", "DOSE"), ("ibuprofen", "DRUG")])
    assert linked(text, spans) == {("2 tablets", "DOSE"): "ibuprofen"}


def test_table_rows_and_lines_do_not_mix():
    text = "Medications:\nMetoprolol | 25 mg | PO | BID\nAtorvastatin | 40 mg | PO | qhs\n"
    spans = spans_of(text, [("Metoprolol", "DRUG"), ("25 mg", "STRENGTH"), ("PO", "ROUTE"), ("BID", "FREQUENCY"),
                            ("Atorvastatin", "DRUG"), ("40 mg", "STRENGTH"), ("PO", "ROUTE"), ("qhs", "FREQUENCY")])
    got = linked(text, spans)
    assert got[("BID", "FREQUENCY")] == "Metoprolol" and got[("qhs", "FREQUENCY")] == "Atorvastatin"
    assert got[("40 mg", "STRENGTH")] == "Atorvastatin"


def test_sig_wrapped_onto_the_next_line():
    text = "1. Warfarin\n   5 mg PO daily\n\nAllergies: none"
    spans = spans_of(text, [("Warfarin", "DRUG"), ("5 mg", "STRENGTH"), ("daily", "FREQUENCY")])
    assert linked(text, spans) == {("5 mg", "STRENGTH"): "Warfarin", ("daily", "FREQUENCY"): "Warfarin"}


def test_attribute_with_no_drug_nearby_stays_unlinked():
    text = "Aspirin 81 mg daily.\n\nWalks 2 miles daily."
    spans = spans_of(text, [("Aspirin", "DRUG"), ("81 mg", "STRENGTH"), ("daily", "FREQUENCY"), ("daily", "FREQUENCY")])
    got = link_attributes(text, [spans[0]], spans[1:])
    assert [text[l.attribute.start:l.attribute.end] for l in got] == ["81 mg", "daily"]
    assert got[1].attribute.start < 20
    assert all(0 < l.score <= 1 for l in got)


def test_no_drugs_no_links():
    assert link_attributes("take 5 mg daily", [], [Span(5, 9, "STRENGTH")]) == []


@pytest.mark.parametrize("seed", [3, 11])
def test_links_agree_with_the_synthesizers_gold_groups(seed):
    from core.synth.generator import NoteSynthesizer

    notes = NoteSynthesizer(seed=seed).generate(40)
    gold = linked_n = right = 0
    for note in notes:
        drugs = sorted(note.spans_of("DRUG"), key=lambda s: s.start)
        attrs = [s for s in note.spans if s.label not in ("DRUG", "CONDITION") and s.group is not None]
        gold += len(attrs)
        for link in link_attributes(note.text, drugs, attrs):
            linked_n += 1
            right += drugs[link.drug_index].group == link.attribute.group
    assert gold > 100
    assert right / linked_n >= 0.97, f"precision {right}/{linked_n}"
    assert right / gold >= 0.95, f"recall {right}/{gold}"
