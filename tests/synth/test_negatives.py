"""What the drug model's training data teaches is no medicine: drug classes are DRUG_CLASS spans, never DRUG; lab
values, enzymes, assay and study words, research chemicals, plant compounds and header names are in the text without
a span; all of it the same for a seed."""

from __future__ import annotations

import re

import pytest

from core.drugs.train import DrugTrainConfig, synthetic_docs
from core.labels import DRUG_CLASS_LABEL
from core.lexicon.drug_classes import normalize_class
from core.synth import NoteSynthesizer
from core.synth import negatives as neg
from core.synth.literature import LiteratureWriter
from core.synth.tables import literature


@pytest.fixture(scope="module")
def notes():
    return NoteSynthesizer(seed=21, drug_split="train").generate(240)


@pytest.fixture(scope="module")
def passages():
    return LiteratureWriter(22).generate(500)


def covered(spans, start: int, end: int) -> list:
    return [s for s in spans if s.start < end and start < s.end]


def test_classes_are_drug_class_spans_and_never_drug(notes, passages):
    docs = [(n.text, n.spans) for n in notes] + [(p.text, p.spans) for p in passages]
    n_class = {"notes": sum(s.label == DRUG_CLASS_LABEL for n in notes for s in n.spans),
               "passages": sum(s.label == DRUG_CLASS_LABEL for p in passages for s in p.spans)}
    assert n_class["notes"] > 30 and n_class["passages"] > 100, n_class
    for text, spans in docs:
        for s in spans:
            words = text[s.start:s.end]
            if s.label == "DRUG":
                assert normalize_class(words) is None, words
            elif s.label == DRUG_CLASS_LABEL:
                assert normalize_class(words) is not None, words


def test_every_literature_class_is_in_the_class_table():
    assert [c for c in literature().classes if normalize_class(c) is None] == []


def test_lab_values_are_written_without_a_span(notes):
    table = neg.negatives()
    names = sorted({n for a in table.analytes for n in a.names}, key=len, reverse=True)
    lab = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?: |: | of | was )\d+(?:\.\d)?\b")
    found = 0
    for note in notes:
        for intro in table.panel_intros:
            at = note.text.find(intro)
            while at >= 0:
                line_end = note.text.find(".", at + len(intro))
                for m in lab.finditer(note.text, at, line_end):
                    found += 1
                    assert covered(note.spans, m.start(), m.end()) == [], m.group(0)
                at = note.text.find(intro, line_end)
    assert found > 100


def test_enzymes_assays_and_non_medicines_are_never_drugs(passages):
    table = neg.negatives()
    plain = set(table.enzymes) | set(table.assays) | set(table.pk_measures) | set(table.study_terms)
    plain |= set(neg.supplements()) | set(table.substances)
    words = {w.lower() for w in plain}
    text = " ".join(p.text.lower() for p in passages)
    seen = {w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)}
    assert {"cyp3a4", "auc", "elisa"} <= seen and len(seen) > 40, sorted(seen)
    plain = words | set(neg.research_chemicals())
    for p in passages:   # a medicine may contain one ("ammonium lactate"): none is a drug span of its own
        assert not [s for s in p.spans if s.label == "DRUG" and p.text[s.start:s.end].lower() in plain]


def test_header_names_are_never_drug_spans(notes):
    headers = 0
    for note in notes:
        m = re.search(r"^(?:Patient|Patient Name|PATIENT|Name|RE|Pt|Patient name): ([A-Za-z]+,? [A-Za-z]+)",
                      note.text, re.M)
        if m is None:
            continue
        headers += 1
        assert covered(note.spans, m.start(1), m.end(1)) == [], m.group(0)
        assert all(s.start >= m.end() for s in note.spans), note.text[:200]   # nothing in the header is a span
    assert headers > 40


def test_names_are_generated_beyond_the_lists():
    import random

    rng = random.Random(0)
    names = {neg.surname(rng) for _ in range(300)}
    assert len(names) > 200 and not names & set(neg.negatives().first_names)


def test_training_documents_are_the_same_for_a_seed():
    cfg = DrugTrainConfig(n_notes=12, n_passages=12)
    a, b = synthetic_docs(cfg), synthetic_docs(cfg)
    assert [(d.text, d.spans) for d in a] == [(d.text, d.spans) for d in b]
    assert any(s.label == DRUG_CLASS_LABEL for d in a for s in d.spans)
    c = synthetic_docs(cfg, seed=cfg.seed + 1)
    assert [d.text for d in a] != [d.text for d in c]
