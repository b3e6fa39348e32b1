"""The knowledge-base facts a treatment row shows (core/treatments/present.py kb_basis): the cited source's title,
body and year, and the knowledge base's version, read from the knowledge base itself."""

from __future__ import annotations

from dataclasses import replace

from core.knowledge.kb import load_kb
from core.treatments.present import kb_basis, suggestion_rows
from core.treatments.suggest import Suggestion


def suggestion(condition_id: str, drug: str) -> Suggestion:
    return Suggestion(condition_id=condition_id, condition_name=condition_id, drug=drug, drugbank_id=None,
                      drug_class="", line="first", kb_rank=0, source="the citation", score=0.0, fit=0.5, rank=1)


def test_each_row_cites_its_source_body_year_and_the_kb_version():
    kb = load_kb()
    for cond in kb.conditions[:25]:
        for t in cond.treatments:
            src = kb.sources[t.source]
            assert kb_basis(suggestion(cond.id, t.drug), kb) == {"source": src.title, "body": src.body,
                                                                 "year": str(src.year), "KB version": str(kb.version)}


def test_a_changed_kb_changes_the_row_and_an_unknown_one_says_so():
    kb = load_kb()
    cond = kb.conditions[0]
    t = cond.treatments[0]
    newer = replace(kb, version=kb.version + 1,
                    sources={**kb.sources, t.source: replace(kb.sources[t.source], year=kb.sources[t.source].year + 1)})
    row = suggestion_rows([suggestion(cond.id, t.drug)], newer)[0]
    assert row["KB version"] == str(kb.version + 1) and row["year"] == str(kb.sources[t.source].year + 1)
    assert kb_basis(suggestion("no_such_condition", t.drug), kb) == {
        "source": "the citation", "body": "unknown", "year": "unknown", "KB version": str(kb.version)}
    assert "body" not in suggestion_rows([suggestion(cond.id, t.drug)])[0]      # without a KB: the rows as before
