"""The drug commands: evaluate on IOB and JSONL files with known answers, predict (JSON and FHIR), train --data."""

import json

import pytest
from typer.testing import CliRunner

from core.cli import app
from tests.conftest import SHARED_DATA

runner = CliRunner()
SENTENCE = "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily for pain ."


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


def _iob(path, rows):
    path.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in sent) for sent in rows) + "\n", encoding="utf-8")


def test_evaluate_iob_with_label_map_scores_drugs_only(tmp_path, tiny_drug_artifact):
    tokens = SENTENCE.split()
    tags = ["O"] * len(tokens)
    tags[tokens.index("metoprolol")] = "B-Chemical"
    tags[tokens.index("lisinopril")] = "B-Chemical"
    tags[tokens.index("pain")] = "B-Chemical"  # a gold "drug" the model cannot find: recall 2/3
    tags[tokens.index("BID")] = "B-Disease"  # unmapped type: ignored
    path = tmp_path / "gold.iob"
    _iob(path, [list(zip(tokens, tags))])
    res = runner.invoke(app, ["evaluate", "drugs", "--data", str(path), "--label-map", "Chemical=DRUG"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n_docs"] == 1 and out["labels"] == ["DRUG"]
    assert out["strict"]["precision"] == 1.0 and out["strict"]["recall"] == pytest.approx(0.6667, abs=1e-4)
    assert out["strict"]["per_label"]["DRUG"]["support"] == 3
    assert out["lenient"]["recall"] == pytest.approx(0.6667, abs=1e-4)


def test_evaluate_jsonl_scores_attributes_too(tmp_path, tiny_drug_artifact):
    text = "Continue metoprolol 25 mg PO BID for pain."
    spans = [{"start": 9, "end": 19, "label": "DRUG"}, {"start": 20, "end": 25, "label": "STRENGTH"},
             {"start": 26, "end": 28, "label": "ROUTE"}]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "drugs", "--data", str(path)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["labels"] == ["DRUG", "ROUTE", "STRENGTH"]
    assert out["strict"]["per_label"]["DRUG"]["f1"] == 1.0
    assert out["strict"]["per_label"]["STRENGTH"]["f1"] == 1.0


def test_evaluate_explains_a_file_with_nothing_to_score(tmp_path, tiny_drug_artifact):
    path = tmp_path / "gold.iob"
    _iob(path, [[("aspirin", "B-Chemical"), ("works", "O")]])
    res = runner.invoke(app, ["evaluate", "drugs", "--data", str(path), "--label-map", "Disease=DRUG"])
    assert res.exit_code == 2 and "--label-map" in res.output


def test_predict_drugs_json_and_fhir(tmp_path, tiny_drug_artifact):
    note = tmp_path / "note.txt"
    note.write_text("Continue warfarin 10 mg PO daily and aspirin 81 mg daily.", encoding="utf-8")
    res = runner.invoke(app, ["predict", "drugs", str(note)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert [m["text"] for m in out["mentions"]] == ["warfarin", "aspirin"]
    assert out["mentions"][0]["identity"]["drugbank_id"] == "DB00682"
    res = runner.invoke(app, ["predict", "drugs", str(note), "--fhir"])
    assert res.exit_code == 0, res.output
    bundle = json.loads(res.stdout)
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == 2
    assert {e["resource"]["status"] for e in bundle["entry"]} == {"active"}


def test_train_drugs_on_own_jsonl_saves_a_new_version(tmp_path, tiny_drug_artifact):
    from core.modeling import current_artifact, load_info, set_current
    from core.ner.data import write_jsonl
    from tests.conftest import toy_drug_docs

    path = tmp_path / "mine.jsonl"
    write_jsonl(toy_drug_docs(30), path)
    before = current_artifact("drugs")
    # the command users run, with a tiny model so that the test is fast
    res = runner.invoke(app, ["train", "drugs", "--data", str(path), "--epochs", "2", "--set", "tiny=true",
                              "--set", "max_length=64", "--set", "tokens_per_batch=512"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    after = current_artifact("drugs")
    assert after != before and out["version"] == after.name
    info = load_info(after)
    assert info.training["source"] == str(path) and info.training["n_train"] == 27
    assert info.training["unknown_min_score"] == 0.0 and info.training["epochs"] == 2.0
    set_current("drugs", before.name)   # put the fixture's model back for the other tests


@pytest.mark.skipif(not (SHARED_DATA / "bc5cdr_chem_devel.iob").exists(), reason="needs ../shared/data")
def test_evaluate_reads_the_real_corpus_format(tiny_drug_artifact, tmp_path):
    lines = (SHARED_DATA / "bc5cdr_chem_devel.iob").read_text(encoding="utf-8").split("\n\n")[:20]
    path = tmp_path / "head.iob"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "drugs", "--data", str(path), "--label-map", "Chemical=DRUG"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n_docs"] == 20 and out["labels"] == ["DRUG"] and out["strict"]["per_label"]["DRUG"]["support"] > 10
