"""Faithfulness of a model's explanations, measured on its held-out notes (core.tasks.workflows.measure_faithfulness):
recorded beside the artifact, shown by the Model facts card, measured last by the first-run trainer, and on the
command line (``notelens evaluate TASK --faithfulness``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core import facts
from core.config import Settings, get_settings
from core.modeling import evaluations, set_current
from core.tasks import TASKS, comparison, get_task
from core.tasks import background as bg
from core.tasks import workflows as wf
from core.training_status import read_statuses


@pytest.fixture
def triage_copy(tiny_triage_artifact, tmp_path) -> Path:
    """The tiny triage model copied into tmp_path (recording into the session's model would change other tests')."""
    return Path(shutil.copytree(tiny_triage_artifact, tmp_path / "triage" / tiny_triage_artifact.name))


def test_the_figures_are_recorded_beside_the_model_and_shown_on_its_card(triage_copy):
    task = get_task("triage")
    card = facts.build(task, path=triage_copy)
    assert any("not measured" in line for line in next(s for s in card.sections if s.key == "explanation").lines)

    m = wf.measure_faithfulness(task, n_notes=2, model=triage_copy)
    assert m["n"] == 2 and m["method"] in ("ig", "gxi")
    assert isinstance(m["comprehensiveness"], float) and isinstance(m["sufficiency"], float)
    assert m["comprehensiveness_median"] is not None and 0.0 <= m["warned_share"] <= 1.0
    assert 0 < m["seconds_median"] <= m["note_seconds_median"]  # the explanation's time, then the note's (run too)
    assert m["model_version"] == triage_copy.name
    if m["method"] == "ig":
        assert m["delta_abs_mean"] is not None and m["delta_abs_mean"] >= 0.0
    entry = evaluations(triage_copy)[-1]
    assert entry["data"] == wf.FAITHFULNESS_DATA and entry["task"] == "triage" and entry["metrics"] == m
    assert "seed" in entry

    card = facts.build(task, path=triage_copy)
    section = next(s for s in card.sections if s.key == "explanation")
    assert not any("not measured" in line for line in section.lines)
    (row,) = section.table
    assert row["measured on"] == wf.FAITHFULNESS_DATA
    assert (row["n"], row["comprehensiveness"], row["sufficiency"]) == (2, m["comprehensiveness"], m["sufficiency"])
    assert row["warned_share"] == m["warned_share"] and row["seconds_median"] == m["seconds_median"]
    # not a performance measurement: no row without figures among the held-out sets, and no weakness from it
    assert all(x.data != wf.FAITHFULNESS_DATA for x in card.synthetic + card.external)
    assert all(w.measured_on != wf.FAITHFULNESS_DATA for w in card.weaknesses)
    # `models list` summarizes it as a set measured, with its size
    assert comparison.summary(evaluations(triage_copy))[wf.FAITHFULNESS_DATA]["n"] == 2


def test_a_span_model_is_measured_on_the_notes_it_finds_something_in(tiny_drug_artifact, tmp_path):
    task = get_task("drugs")
    copy = Path(shutil.copytree(tiny_drug_artifact, tmp_path / tiny_drug_artifact.name))
    m = wf.measure_faithfulness(task, n_notes=1, model=copy, record=False)
    assert m["n"] == 1 and m["method"] and isinstance(m["comprehensiveness"], float)
    assert m["notes_without_output"] >= 0
    assert evaluations(copy) == evaluations(tiny_drug_artifact)  # record=False writes nothing


def test_no_output_to_explain_is_an_error_not_an_empty_record(triage_copy, monkeypatch):
    task = get_task("triage")
    monkeypatch.setattr(type(task), "targets", lambda self, result: [])
    before = evaluations(triage_copy)
    with pytest.raises(ValueError, match=f"none of the {wf.SCAN_FACTOR} held-out notes had a triage output to explain"):
        wf.measure_faithfulness(task, n_notes=1, model=triage_copy)  # 5 notes run (SCAN_FACTOR), not all 240
    with pytest.raises(ValueError, match="at least 1 note"):
        wf.measure_faithfulness(task, n_notes=0, model=triage_copy)
    assert evaluations(triage_copy) == before


def test_the_command_line_option(triage_copy):
    from typer.testing import CliRunner

    from core.cli import app

    res = CliRunner().invoke(app, ["evaluate", "triage", "--faithfulness", "--notes", "2", "--model",
                                   str(triage_copy)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert out["task"] == "triage" and out["n"] == 2 and "comprehensiveness" in out
    assert evaluations(triage_copy)[-1]["data"] == wf.FAITHFULNESS_DATA

    data = triage_copy.parent / "notes.csv"
    data.write_text("text,label\nchest pain,cardiology_pulmonology\n")
    res = CliRunner().invoke(app, ["evaluate", "triage", "--faithfulness", "--data", str(data)])
    assert res.exit_code == 2 and "no --data" in res.output


# -- the first-run trainer's last stage -----------------------------------------------------------------------------
def fake_train(models_dir_order: list[str]):
    """A stand-in for workflows.train that writes a model folder a loader would find."""
    def train(task, *, if_missing, models_dir, progress, log):
        models_dir_order.append(task.name)
        path = models_dir / task.artifact / f"{task.name}-v1"
        path.mkdir(parents=True)
        (path / "metadata.json").write_text(json.dumps({"task": task.artifact, "version": f"{task.name}-v1"}))
        set_current(task.artifact, f"{task.name}-v1", models_dir)
        return {"task": task.name, "version": f"{task.name}-v1", "trained": True}

    return train


def test_the_trainer_measures_each_trained_model_last_and_a_failure_is_a_warning(tmp_path, monkeypatch):
    trained: list[str] = []
    measured: list[tuple[str, int, Path, list[str]]] = []

    def measure(task, *, n_notes, model, log):
        # every model is trained before the first measurement, and the status stays done meanwhile
        assert trained == list(TASKS)
        status = read_statuses(tmp_path)[task.name]
        assert (status.state, status.stage) == ("done", "measuring explanations")
        measured.append((task.name, n_notes, model, list(trained)))
        if task.name == "drugs":
            raise RuntimeError("out of memory")
        log(f"{task.name}: comprehensiveness 0.5")
        return {"comprehensiveness": 0.5}

    monkeypatch.setattr(wf, "train", fake_train(trained))
    monkeypatch.setattr(wf, "measure_faithfulness", measure)
    monkeypatch.setenv("NOTELENS_TRAIN_PRESET", "tiny")
    get_settings.cache_clear()
    try:
        results = bg.run_trainer(models_dir=tmp_path)
    finally:
        get_settings.cache_clear()
    assert [r["task"] for r in results] == list(TASKS)
    assert [(name, n) for name, n, _, _ in measured] == [(name, 2) for name in TASKS]  # the tiny preset: 2 notes
    assert all(model == TASKS[name].current(tmp_path) for name, _, model, _ in measured)
    statuses = read_statuses(tmp_path)
    assert {s.state for s in statuses.values()} == {"done"} and {s.stage for s in statuses.values()} == {""}
    assert statuses["triage"].log[-2:] == ["measuring explanations", "triage: comprehensiveness 0.5"]
    assert statuses["triage"].error == ""
    drugs = statuses["drugs"]
    assert "explanations not measured (RuntimeError: out of memory)" in drugs.error
    assert drugs.retry == "notelens evaluate drugs --faithfulness"
    assert drugs.log[-1].startswith("warning: explanations not measured")


def test_the_number_of_notes_is_a_setting_and_0_turns_the_stage_off(tmp_path, monkeypatch):
    assert bg.faithfulness_notes(Settings()) == 10
    assert bg.faithfulness_notes(Settings(train_preset="tiny")) == 2
    monkeypatch.setenv("NOTELENS_FAITHFULNESS_NOTES", "4")
    assert bg.faithfulness_notes(Settings.from_env()) == 4
    monkeypatch.setenv("NOTELENS_FAITHFULNESS_NOTES", "some")
    with pytest.raises(ValueError, match="NOTELENS_FAITHFULNESS_NOTES must be a whole number"):
        Settings.from_env()

    monkeypatch.setenv("NOTELENS_FAITHFULNESS_NOTES", "0")
    calls: list[str] = []
    monkeypatch.setattr(wf, "train", fake_train([]))
    monkeypatch.setattr(wf, "measure_faithfulness", lambda task, **kw: calls.append(task.name))
    get_settings.cache_clear()
    try:
        bg.run_trainer(models_dir=tmp_path)
    finally:
        get_settings.cache_clear()
    assert calls == []
    assert "measuring explanations" not in read_statuses(tmp_path)["triage"].log
