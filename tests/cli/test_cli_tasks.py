"""The CLI's commands exist for every registered task: conditions and the ranker get --data, evaluate and predict
because they are registered; evaluations are recorded beside the model; the pages quote them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from core.cli import app
from core.tasks import TASKS
from tests.conftest import toy_condition_docs

runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


@pytest.mark.parametrize("command", ["train", "evaluate", "predict"])
def test_every_task_has_every_command(command):
    for name in [*TASKS, "ranker"]:
        res = runner.invoke(app, [command, name, "--help"])
        assert res.exit_code == 0, (command, name, res.output)


def test_evaluate_conditions_on_an_annotated_file(tmp_path, tiny_condition_artifact):
    from core.modeling import evaluations
    from core.ner.data import write_jsonl

    path = tmp_path / "gold.jsonl"
    write_jsonl(toy_condition_docs(12), path)
    res = runner.invoke(app, ["evaluate", "conditions", "--data", str(path)])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n_docs"] == 12 and out["labels"] == ["CONDITION"]
    assert {"precision", "recall", "f1"} <= set(out["strict"]) and {"precision", "recall", "f1"} <= set(out["lenient"])
    assert "micro avg" in res.stderr   # the human-readable table
    recorded = evaluations(tiny_condition_artifact)[-1]
    assert recorded["data"] == str(path) and recorded["metrics"]["n_docs"] == 12 and len(recorded["sha256"]) == 64


def test_evaluate_without_data_uses_the_synthetic_held_out_notes(tiny_ranker_artifact, tiny_condition_artifact):
    res = runner.invoke(app, ["evaluate", "ranker"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["n"] == 8 and 0 <= out["ndcg@3"] <= 1 and out["model_version"].startswith("ranker-")


def test_train_the_ranker_on_judged_notes_and_refuse_a_bad_file(tmp_path, tiny_ranker_artifact,
                                                                  tiny_condition_artifact):
    from core.modeling import load_info, set_current

    path = tmp_path / "judged.jsonl"
    lines = [{"text": f"Assessment: gout, flare number {i}. 70-year-old man.", "condition": "gout",
              "accept": ["colchicine"], "reject": []} for i in range(8)]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["train", "ranker", "--data", str(path), "--init", "base", "--set", "tiny=true",
                              "--set", "max_length=96"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    info = load_info(TASKS["treatments"].current())
    assert out["version"] == info.version and info.training["source"] == str(path) and info.training["n_train"] == 8
    set_current("ranker", tiny_ranker_artifact.name)   # the fixture's model back for the other tests
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Gout.", "condition": "gout", "accept": ["aspirin"]}\n', encoding="utf-8")
    res = runner.invoke(app, ["train", "ranker", "--data", str(bad)])
    assert res.exit_code == 2 and f"{bad}:1" in res.output and "not a treatment of 'gout'" in res.output


def test_train_with_feedback_and_unknown_options_for_a_task(tiny_triage_artifact):
    res = runner.invoke(app, ["train", "drugs", "--balance"])
    assert res.exit_code == 2 and "drugs has no training option balance_classes" in res.output
    res = runner.invoke(app, ["train", "conditions", "--set", "nope=1"])
    assert res.exit_code == 2 and "no training option 'nope'" in res.output


def test_predict_conditions_explains_each_mention(tmp_path, tiny_condition_artifact):
    note = tmp_path / "note.txt"
    note.write_text("Assessment: gout. Denies asthma.", encoding="utf-8")
    res = runner.invoke(app, ["predict", "conditions", str(note), "--explain", "--targets", "2"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert [m["text"] for m in out["mentions"]][:2] == ["gout", "asthma"]
    assert len(out["explanations"]) == 2 and out["explanations"][0]["target"] == "CONDITION 'gout'"
    res = runner.invoke(app, ["predict", "conditions", str(note), "--format", "fhir"])
    assert res.exit_code == 2 and "conditions has no format 'fhir'" in res.output


def test_the_triage_page_quotes_the_model_and_its_recorded_evaluations(tmp_path, tiny_triage_artifact):
    import shutil

    from core.modeling import load_info, record_evaluation
    from core.triage.present import outcome_text, threshold_basis

    artifact = tmp_path / "triage-copy"
    shutil.copytree(tiny_triage_artifact, artifact)
    (artifact / "evaluations.jsonl").unlink(missing_ok=True)
    info = load_info(artifact)
    target = round(100 * info.calibration["target_accuracy"])
    basis = threshold_basis(artifact)
    assert f"right {target} in 100 there" in basis and "not been measured on real notes" in basis
    record_evaluation(artifact, {"task": "triage", "data": "/data/site_notes.csv", "sha256": "0" * 64,
                                 "metrics": {"n": 57, "selective_accuracy": 0.8312}})
    basis = threshold_basis(artifact)
    assert "on 57 labelled notes of site_notes.csv" in basis and "83 in 100" in basis
    assert "not been measured" not in basis
    assert threshold_basis(None) == "The threshold comes with the model."

    class Uncertain:
        service, confidence, threshold, uncertain = "dermatology", 0.31, 0.42, True

    headline, detail = outcome_text(Uncertain(), artifact)
    assert headline == "Uncertain: route to a human" and "Dermatology at 31%" in detail and "83 in 100" in detail
