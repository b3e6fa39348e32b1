"""The typer CLI: evaluate prints one JSON object last; train --data; predict."""

import csv
import json

import pytest
from typer.testing import CliRunner

from core.cli import app
from core.config import get_settings
from tests.conftest import CARDIO, ORTHO, SHARED_DATA, tiny_records

runner = CliRunner()


def _last_json(output: str) -> dict:
    line = [l for l in output.strip().splitlines() if l.strip()][-1]
    return json.loads(line)


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "text", "label"])
        for i, (t, l) in enumerate(rows):
            w.writerow([i, t, l])


def test_evaluate_small_csv(tmp_path, tiny_triage_artifact):
    path = tmp_path / "small.csv"
    rows = [(CARDIO, "cardiology_pulmonology"), (ORTHO, "orthopedics"), (CARDIO, "cardiology_pulmonology"),
            (ORTHO, "orthopedics")]
    _write_csv(path, rows)
    res = runner.invoke(app, ["evaluate", "triage", "--data", str(path)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n"] == 4
    assert out["accuracy"] == 1.0 and out["macro_f1"] == 1.0
    assert set(out["per_class"]) == {"cardiology_pulmonology", "orthopedics"}
    assert 0.0 <= out["ece"] <= 1.0


def test_evaluate_rejects_a_csv_without_the_columns(tmp_path, tiny_triage_artifact):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "triage", "--data", str(path)])
    assert res.exit_code == 2
    assert "text" in res.output and "label" in res.output


@pytest.mark.skipif(not (SHARED_DATA / "mtsamples_triage_dev.csv").exists(), reason="shared evaluation data absent")
def test_evaluate_on_mtsamples_dev(tiny_triage_artifact):
    res = runner.invoke(app, ["evaluate", "triage", "--data", str(SHARED_DATA / "mtsamples_triage_dev.csv")])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n"] == 741
    assert {"accuracy", "macro_f1", "per_class", "ece", "n"} <= set(out)
    assert len(out["per_class"]) >= 15


def test_predict_reads_a_file_and_explains(tmp_path, tiny_triage_artifact):
    note = tmp_path / "note.txt"
    note.write_bytes(CARDIO.encode("cp1252"))
    res = runner.invoke(app, ["predict", "triage", str(note), "--explain"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["service"] in out["scores"]
    assert out["explanation"]["top_words"]


def test_predict_refuses_an_empty_note(tmp_path, tiny_triage_artifact):
    note = tmp_path / "empty.txt"
    note.write_text("   \n", encoding="utf-8")
    res = runner.invoke(app, ["predict", "triage", str(note)])
    assert res.exit_code == 2
    assert "empty" in res.output.lower()


def test_predict_refuses_what_is_not_text(tmp_path, tiny_triage_artifact):
    import random

    blob = tmp_path / "scan.txt"
    blob.write_bytes(random.Random(7).randbytes(4096))
    res = runner.invoke(app, ["predict", "triage", str(blob)])
    assert res.exit_code == 2 and "scan.txt" in res.output and "was not read" in res.output


def test_train_on_own_data_cross_validation(tmp_path, tiny_triage_artifact):
    path = tmp_path / "own.csv"
    _write_csv(path, tiny_records(40))
    res = runner.invoke(app, ["train", "triage", "--data", str(path), "--cv", "2", "--epochs", "2"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["k"] == 2 and len(out["folds"]) == 2
    assert sum(f["n"] for f in out["folds"]) == 40


def test_train_on_own_data_saves_a_new_version(tmp_path, monkeypatch, tiny_triage_artifact):
    from core.modeling import current_artifact, load_info

    path = tmp_path / "own.csv"
    _write_csv(path, tiny_records(40))
    models = tmp_path / "models"
    # start from the tiny model, save into a separate models folder
    import shutil

    (models / "triage").mkdir(parents=True)
    shutil.copytree(tiny_triage_artifact, models / "triage" / tiny_triage_artifact.name)
    (models / "triage" / "CURRENT").write_text(tiny_triage_artifact.name, encoding="utf-8")
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(models))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, ["train", "triage", "--data", str(path), "--epochs", "1"])
        assert res.exit_code == 0, res.output
        new = current_artifact("triage")
        assert new is not None and new.name != tiny_triage_artifact.name
        info = load_info(new)
        assert info.labels == ["cardiology_pulmonology", "orthopedics"]
        assert info.training["source"] == str(path) and info.data_hash
        assert _last_json(res.stdout)["version"] == info.version
        # the new model is what the pages use from now on: a model change in the audit trail
        from core.audit import list_events

        (event,) = list_events(1, action="model_promoted")
        assert event.target == f"model:triage/{info.version}" and event.actor.startswith("cli")
        assert event.details["source"] == str(path)[-200:] and event.details["n_train"] == info.training["n_train"]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_feedback_flows_back_into_training_records(tiny_triage_artifact):
    from core.db.engine import init_db
    from core.db.store import record_feedback, record_prediction
    from core.tasks import get_task
    from core.tasks.workflows import stored_feedback

    init_db()
    task = get_task("triage")
    before = len(stored_feedback(task))
    pid = record_prediction("triage", "v-test", ORTHO, {"service": "cardiology_pulmonology"})
    record_feedback(pid, user_name="Dr A", user_role="annotator", verdict="wrong", correction="orthopedics",
                    note_text=ORTHO)
    pid2 = record_prediction("triage", "v-test", CARDIO, {"service": "cardiology_pulmonology"})
    record_feedback(pid2, user_name="Dr A", user_role="clinician", verdict="correct", note_text=CARDIO)
    pid3 = record_prediction("triage", "v-test", CARDIO, {"service": "cardiology_pulmonology"})
    record_feedback(pid3, user_name="Dr A", user_role="clinician", verdict="wrong")   # no note, no label: skipped
    recs = stored_feedback(task)
    assert recs[before:] == [(ORTHO, "orthopedics"), (CARDIO, "cardiology_pulmonology")]


def test_evaluate_dictionary_alone_scores_the_floor_without_a_model(tmp_path):
    # no model is trained in this test: the dictionary floor needs none
    path = tmp_path / "conds.jsonl"
    text = "Germline mutations in BRCA1 cause hereditary breast cancer and ovarian cancer in carriers."
    spans = [{"start": text.index(n), "end": text.index(n) + len(n), "label": "CONDITION"}
             for n in ("hereditary breast cancer", "ovarian cancer")]
    path.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "conditions", "--data", str(path), "--dictionary"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["model_version"] == "dictionary alone"
    # MeSH knows both names; "hereditary breast cancer" is found whole or as "breast cancer" (a boundary miss)
    assert out["lenient"]["recall"] == 1.0 and 0.5 <= out["strict"]["recall"] <= 1.0
    assert out["lenient"]["precision"] == 1.0  # BRCA1 and "carriers" are not conditions


def test_evaluate_dictionary_needs_data_and_a_span_task(tmp_path):
    res = runner.invoke(app, ["evaluate", "conditions", "--dictionary"])
    assert res.exit_code != 0 and "--data" in res.output
    path = tmp_path / "x.csv"
    _write_csv(path, [(CARDIO, "cardiology_pulmonology")])
    res = runner.invoke(app, ["evaluate", "triage", "--dictionary", "--data", str(path)])
    assert res.exit_code != 0 and "no dictionary" in res.output
