"""Literature-style condition passages: exact spans, the held-out split, negatives left unlabelled."""

from __future__ import annotations

import re

from core.synth.condition_literature import ConditionLiteratureWriter, abbreviation, disease_names, table
from core.synth.problems import HELDOUT_FRACTION, _bucket


def test_spans_are_exact_and_trimmed():
    for p in ConditionLiteratureWriter(seed=3).generate(150):
        assert p.text == p.text.strip()
        for s in p.spans:
            surface = p.text[s.start:s.end]
            assert s.label == "CONDITION" and surface == surface.strip() and surface
            # a span never starts or ends inside a word
            assert s.start == 0 or not p.text[s.start - 1].isalnum()
            assert s.end == len(p.text) or not p.text[s.end].isalnum()


def test_the_same_seed_writes_the_same_passages():
    a = [(p.text, p.spans) for p in ConditionLiteratureWriter(seed=5).generate(20)]
    b = [(p.text, p.spans) for p in ConditionLiteratureWriter(seed=5).generate(20)]
    c = [(p.text, p.spans) for p in ConditionLiteratureWriter(seed=6).generate(20)]
    assert a == b and a != c


def test_heldout_names_are_never_written_in_training():
    train, heldout = set(disease_names("train")), set(disease_names("heldout"))
    assert len(heldout) > 500 and len(train) > 10 * len(heldout) // 2
    only_heldout = heldout - train
    written = {p.text[s.start:s.end].lower() for p in ConditionLiteratureWriter(seed=1).generate(400)
               for s in p.spans}
    assert not (written & only_heldout)
    assert 0 < HELDOUT_FRACTION < 1 and 0 <= _bucket("MESH:D001943") < 1


def test_genes_anatomy_and_procedures_are_left_unlabelled():
    t = table()
    negatives = {w.lower() for w in (*t.anatomy, *t.procedures, *t.assays, *t.cells)}
    seen_negative = 0
    for p in ConditionLiteratureWriter(seed=9).generate(300):
        labelled = {p.text[s.start:s.end].lower() for s in p.spans}
        assert not (labelled & negatives)
        seen_negative += sum(1 for w in negatives if w in p.text.lower())
        assert not any(re.fullmatch(r"[A-Za-z]+-?\d+[A-Za-z0-9]*", x) and x.upper() == x for x in labelled
                       if len(x) > 5)
    assert seen_negative > 100


def test_abbreviations_and_composites_are_written():
    passages = ConditionLiteratureWriter(seed=2).generate(300)
    spans = [p.text[s.start:s.end] for p in passages for s in p.spans]
    assert any(re.search(r" (and|or) ", s) for s in spans)        # "breast and ovarian neoplasms"
    assert any(s.isupper() and 2 <= len(s) <= 6 for s in spans)  # "(DMD)" and its later uses
    assert abbreviation("duchenne muscular dystrophy") == "DMD"


def test_tokenized_names_keep_the_span_on_the_spaced_name() -> None:
    from core.synth.condition_literature import tokenized

    assert tokenized("Addison's disease") == "Addison ' s disease"
    assert tokenized("ataxia-telangiectasia") == "ataxia - telangiectasia"
    writer = ConditionLiteratureWriter(seed=11)
    spaced = [p.text[s.start:s.end] for p in writer.generate(400) for s in p.spans if " - " in p.text[s.start:s.end]]
    assert spaced and all(not n.startswith((" ", "-")) and not n.endswith((" ", "-")) for n in spaced)
