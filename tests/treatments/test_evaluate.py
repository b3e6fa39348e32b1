"""The evaluators on small files whose answers are known."""

import pytest

from core.knowledge.kb import load_kb
from core.treatments.evaluate import evaluate_interactions, evaluate_treatments, read_indications
from core.treatments.interactions import default_checker
from core.treatments.suggest import TreatmentEngine
from tests.treatments.test_suggest import drugs_in


def write_tsv(path, header, rows):
    path.write_text("\n".join(["\t".join(header), *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def test_precision_coverage_and_non_indications(tmp_path, tiny_conditions):
    engine = TreatmentEngine(tiny_conditions, drugs=None, ranker=None)   # knowledge-base order
    htn = list(load_kb().condition("hypertension").treatments)
    first, second, third = htn[0], htn[1], htn[2]
    rows = [("hypertension", first.drug, first.drugbank_id, "DM"),
            ("hypertension", third.drug, third.drugbank_id, "SYM"),
            ("hypertension", second.drug, second.drugbank_id, "NOT"),        # suggested second: a non-indication
            ("moonlit zebra quux", "aspirin", "DB00945", "DM")]                # no knowledge-base row
    path = write_tsv(tmp_path / "ind.tsv", ("disease", "drug", "drugbank_id", "category"), rows)
    res = evaluate_treatments(engine, read_indications(path))
    assert res["n_diseases"] == 2 and res["coverage"] == 0.5
    assert res["precision_at_3"] == pytest.approx(2 / 3, abs=1e-4)
    assert res["not_in_top5"] == 1
    covered = next(d for d in res["details"] if d["covered"])
    assert covered["conditions"] == ["hypertension"]


def test_read_indications_validates(tmp_path):
    bad = write_tsv(tmp_path / "bad.tsv", ("disease", "drug", "drugbank_id", "category"),
                    [("gout", "x", "DB1", "MAYBE")])
    with pytest.raises(ValueError, match="category"):
        read_indications(bad)
    missing = write_tsv(tmp_path / "m.tsv", ("disease", "drug"), [("gout", "x")])
    with pytest.raises(ValueError, match="missing column"):
        read_indications(missing)


def test_interaction_recall_over_recognized_pairs(tmp_path):
    def drugs(text):
        names = [n for n in ("warfarin", "ibuprofen", "tranylcypromine", "sertraline", "amlodipine", "metformin")
                 if n in text]
        return drugs_in(text, **dict.fromkeys(names, "current"))

    rows = [("warfarin", "ibuprofen"), ("tranylcypromine", "sertraline"), ("amlodipine", "metformin"),
            ("warfarin", "unknownium")]
    path = write_tsv(tmp_path / "pairs.tsv", ("drug_a", "drug_b"), rows)
    res = evaluate_interactions(drugs, default_checker(), path)
    assert res["n_pairs"] == 4 and res["n_recognized"] == 3
    assert res["n_flagged"] == 2 and res["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert res["missed"] == ["amlodipine + metformin"]
