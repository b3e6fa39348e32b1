"""The treatment commands: evaluate treatments / interactions (last line JSON), predict, clear errors."""

import json

from typer.testing import CliRunner

from core.cli import app
from core.knowledge.kb import load_kb

runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


def test_evaluate_treatments_prints_the_figures(tmp_path, tiny_condition_artifact, tiny_ranker_artifact):
    gout = load_kb().condition("gout").treatments
    rows = ["disease\tdrug\tdrugbank_id\tcategory"] + [f"gout\t{t.drug}\t{t.drugbank_id}\tDM" for t in gout]
    rows.append("made-up syndrome\taspirin\tDB00945\tSYM")
    path = tmp_path / "ind.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    details = tmp_path / "details.json"
    res = runner.invoke(app, ["evaluate", "treatments", "--indications", str(path), "--details", str(details)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n_diseases"] == 2 and out["coverage"] == 0.5
    assert out["precision_at_3"] == 1.0 and out["precision_at_5"] == 1.0 and out["not_in_top5"] == 0
    assert out["versions"]["ranker"].startswith("ranker-")
    assert [d["disease"] for d in json.loads(details.read_text())] == ["gout", "made-up syndrome"]


def test_evaluate_interactions_prints_recall(tmp_path, tiny_drug_artifact):
    path = tmp_path / "pairs.tsv"
    path.write_text("drug_a\tdrug_b\nwarfarin\tibuprofen\nmetformin\tamoxicillin\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "interactions", "--pairs", str(path)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n_pairs"] == 2 and 0 <= out["n_recognized"] <= 2 and 0.0 <= out["recall"] <= 1.0


def test_bad_files_get_a_clear_message(tmp_path, tiny_condition_artifact, tiny_drug_artifact):
    path = tmp_path / "bad.tsv"
    path.write_text("name\tother\nx\ty\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "treatments", "--indications", str(path)])
    assert res.exit_code == 2 and "missing column" in res.output
    res = runner.invoke(app, ["evaluate", "interactions", "--pairs", str(path)])
    assert res.exit_code == 2 and "missing column" in res.output


def test_predict_treatments_json(tmp_path, tiny_condition_artifact, tiny_ranker_artifact, tiny_drug_artifact):
    note = tmp_path / "note.txt"
    note.write_text("Assessment: gout. Denies asthma.", encoding="utf-8")
    res = runner.invoke(app, ["predict", "treatments", str(note)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert {s["condition_id"] for s in out["suggestions"]} == {"gout"}
    assert out["disclaimer"].startswith("Decision support only")
