"""The task registry and interface: every task has the same shape, and what is written once works for each."""

from __future__ import annotations

import json

import pytest

from core.tasks import TASKS, ModelMissing, Task, get_task, task_names
from core.tasks import workflows as wf
from tests.conftest import CARDIO, toy_condition_docs

NOTE = "Assessment: gout and hypertension. Denies asthma. Continue metoprolol 25 mg PO BID."


def test_the_registry_lists_four_tasks_in_training_order():
    assert list(TASKS) == ["triage", "drugs", "conditions", "treatments"]
    assert task_names(aliases=True) == ["triage", "drugs", "conditions", "treatments", "ranker"]
    assert get_task("Ranker") is TASKS["treatments"] and get_task(" triage ") is TASKS["triage"]
    with pytest.raises(KeyError, match="choose one of triage, drugs, conditions, treatments"):
        get_task("procedures")
    for name, task in TASKS.items():
        assert isinstance(task, Task) and task.name == name and task.description and task.data_help
        assert task.feedback_kinds, name
        # a task's requirements are trained before it
        assert all(list(TASKS).index(r) < list(TASKS).index(name) for r in task.requires)


def test_configs_take_user_data_changes_and_refuse_unknown_options():
    drugs = get_task("drugs")
    assert drugs.config().unknown_min_score == 0.9 and drugs.config().seed == 17
    user = drugs.config(user_data=True, epochs=2.0)
    assert (user.unknown_min_score, user.epochs, user.freeze_embeddings, user.measure_heldout) == (0.0, 2.0, False,
                                                                                                   False)
    assert drugs.config(epochs=None).epochs == 1.0   # None means "not given"
    with pytest.raises(ValueError, match="drugs has no training option balance_classes"):
        drugs.config(balance_classes=True)
    assert get_task("triage").config(user_data=True).lr == 5e-5


def test_overrides_are_parsed_by_their_field_types():
    triage = get_task("triage")
    parsed = wf.parse_overrides(triage, ["epochs=2", "tiny=true", "max_seconds=none", "labels=ent,urology",
                                         "lr=1e-3"])
    assert parsed == {"epochs": 2.0, "tiny": True, "max_seconds": None, "labels": ("ent", "urology"), "lr": 1e-3}
    for bad, match in (("epochs", "NAME=VALUE"), ("nope=1", "no training option 'nope'"),
                       ("batch_size=big", "not a valid"), ("tiny=maybe", "not a valid")):
        with pytest.raises(ValueError, match=match):
            wf.parse_overrides(triage, [bad])


def test_every_task_runs_explains_and_says_what_it_accepts(tiny_triage_artifact, tiny_drug_artifact,
                                                           tiny_condition_artifact, tiny_ranker_artifact):
    for name, task in TASKS.items():
        model = task.load()
        result = task.run(model, NOTE if name != "triage" else CARDIO)
        assert result.model_version and json.dumps(result.to_dict())
        targets = task.targets(result)
        if targets:
            exp = task.explain(model, NOTE if name != "triage" else CARDIO, result, targets[0].key, "gxi")
            assert exp.words and exp.method == "gxi", name
        with pytest.raises(ValueError):
            task.correction(NOTE, result, "no-such-kind")


def test_a_treatments_model_needs_the_condition_model(tmp_path, monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        with pytest.raises(ModelMissing, match="train conditions"):
            get_task("treatments").load()
        with pytest.raises(ModelMissing, match="train drugs"):
            get_task("drugs").load()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_condition_corrections_flow_back_into_condition_training(tiny_conditions):
    from core.db.engine import init_db
    from core.db.store import record_prediction

    init_db()
    task = get_task("conditions")
    text = "Assessment: gout. Sister with zebra fever. Feedback flow note."
    result = task.run(tiny_conditions, text)
    pid = record_prediction("conditions", result.model_version, text, task.record(result))  # what the pages store
    assert "zebra fever" not in {m.text for m in result.mentions}
    missed = task.correction(text, result, "missed_condition", needle="zebra fever")
    assert missed.verdict == "partially_correct" and missed.payload["text"] == "zebra fever"
    wf.record_feedback(task, pid, missed, user_name="Ann", user_role="annotator", note_text=text)
    docs = [d for d in wf.stored_feedback(task) if d.text == text]
    assert len(docs) == 1
    assert ("zebra fever", "CONDITION") in {(text[s.start:s.end], s.label) for s in docs[0].spans}
    rows = wf.feedback_table(task)
    assert rows[0]["correction"] == "Add a missed condition" and rows[0]["text"] == "zebra fever"
    assert "note" not in rows[0] and wf.feedback_table(task, show_text=True)[0]["note"] == text


def test_a_span_task_trains_on_user_data_with_the_same_signature(tmp_path):
    task = get_task("conditions")
    cfg = task.config(user_data=True, epochs=2.0, max_length=64, tokens_per_batch=512, tiny=True)
    docs = toy_condition_docs(30)
    trained = task.train(docs, None, cfg, source="toy.jsonl", models_dir=tmp_path, progress=False)
    info = trained.info
    assert trained.path.parent == tmp_path / "conditions" and (tmp_path / "conditions" / "CURRENT").exists()
    assert info.training["n_train"] == 27 and info.training["n_val"] == 3 and info.training["source"] == "toy.jsonl"
    assert info.metrics["validation"]["n_docs"] == 3 and "heldout_names" not in info.metrics
    assert trained.model.version == info.version and trained.model.normalize and trained.model.assertion
    assert not list((tmp_path / "conditions").glob(".*tmp"))   # nothing half-written left behind
