"""Model facts (core/facts.py): every figure of a card comes from the artifact's metadata, its recorded evaluations and
the registry history; what is missing says so; the words come from a schema-checked data file that refuses figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core import facts
from core.knowledge.schema import DataFileError, validate_data
from core.modeling import load_info, record_evaluation
from core.tasks import TASKS, get_task


def section(card: facts.ModelFacts, key: str) -> facts.Section:
    return next(s for s in card.sections if s.key == key)


def text(card: facts.ModelFacts, key: str) -> str:
    return "\n".join(section(card, key).lines)


@pytest.fixture
def models(tmp_path, tiny_triage_artifact) -> Path:
    """A models folder holding a copy of the tiny triage artifact as the serving triage model (and nothing else)."""
    root = tmp_path / "models"
    dest = root / "triage" / tiny_triage_artifact.name
    shutil.copytree(tiny_triage_artifact, dest, ignore=shutil.ignore_patterns("evaluations.jsonl"))
    (root / "triage" / "CURRENT").write_text(dest.name + "\n", encoding="utf-8")
    return root


def artifact(models: Path) -> Path:
    root = models / "triage"
    return root / (root / "CURRENT").read_text(encoding="utf-8").strip()


def edit_metadata(path: Path, change) -> dict:
    meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    change(meta)
    (path / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def test_card_figures_come_from_the_metadata(models):
    task = get_task("triage")
    info = load_info(artifact(models))
    card = facts.build(task, models_dir=models)
    assert card.trained and card.version == info.version and card.created == info.created
    assert card.seed == info.seed and card.data_hash == info.data_hash and card.base_model == info.base_model
    first = card.synthetic[0]                                     # the synthetic held-out set, always first
    assert first.kind == "training" and facts.SYNTHETIC in first.data
    assert first.figures == facts.headline(info.metrics["validation"]) and first.figures["macro_f1"] >= 0
    rows = {r["fact"]: r["value"] for r in section(card, "provenance").table}
    assert rows["version"] == info.version and rows["data hash"] == info.data_hash and rows["seed"] == str(info.seed)
    training = {r["fact"]: r["value"] for r in card.training}
    assert training["training examples"] == info.training["n_train"] and training["data source"] == "tests"
    # no evaluation file, no reviewed notes: said plainly
    assert card.external == [] and not card.locally_validated
    assert "No validation on real notes from this site" in text(card, "external")
    assert "not measured" in text(card, "explanation")          # faithfulness was never recorded for this version
    assert "No promotion or roll back recorded" in text(card, "maintenance")
    assert "notelens train triage --with-feedback" in text(card, "maintenance")


def test_a_figure_changed_in_the_metadata_changes_the_card(models):
    task = get_task("triage")
    before = facts.build(task, models_dir=models)
    labels = load_info(artifact(models)).labels
    weakest = labels[-1]

    def change(meta):
        val = meta["metrics"]["validation"]
        val["macro_f1"] = round(val["macro_f1"] / 3, 4)
        val["per_class"] = dict.fromkeys(labels, 1.0) | {weakest: 0.0123}
        meta["seed"] += 7
        meta["training"]["device_name"] = "test-gpu"

    meta = edit_metadata(artifact(models), change)
    after = facts.build(task, models_dir=models)
    assert after.synthetic[0].figures["macro_f1"] == meta["metrics"]["validation"]["macro_f1"]
    assert after.synthetic[0].figures["macro_f1"] != before.synthetic[0].figures["macro_f1"]
    assert after.seed == meta["seed"] != before.seed
    assert after.weaknesses[0].label == weakest and after.weaknesses[0].f1 == 0.0123
    assert after.device.startswith("test-gpu")


def test_each_recorded_evaluation_is_shown_with_its_file_hash_date_and_command(models, tmp_path):
    task = get_task("triage")
    data = tmp_path / "site notes.csv"
    data.write_text("text,label\n", encoding="utf-8")
    record_evaluation(artifact(models), {"data": str(data), "sha256": "ab" * 32, "task": "triage",
                                         "label_map": {"Cardio": "cardiology_pulmonology"},
                                         "metrics": {"accuracy": 0.5, "macro_f1": 0.25, "n": 12,
                                                     "per_class": {"urology": 0.1, "ent": 0.9}}})
    record_evaluation(artifact(models), {"data": "synthetic held-out", "seed": 4, "task": "triage",
                                         "metrics": {"accuracy": 0.75, "n": 8}})
    card = facts.build(task, models_dir=models)
    (ext,) = card.external
    assert ext.kind == facts.FILE and ext.data == "site notes.csv" and ext.sha256 == ("ab" * 32)[:facts.SHA_PREFIX]
    assert ext.n == 12 and ext.figures == {"accuracy": 0.5, "macro_f1": 0.25} and ext.date != facts.UNKNOWN
    assert ext.command == (f"notelens evaluate triage --data '{data}' --label-map Cardio=cardiology_pulmonology")
    assert section(card, "external").commands == (ext.command,)
    assert "1 evaluation(s) of labelled files" in text(card, "external")
    assert "No validation on real notes from this site" in text(card, "external")  # a file is not reviewed notes
    assert [m.figures.get("accuracy") for m in card.synthetic][-1] == 0.75          # synthetic evaluations: performance
    assert [(w.measured_on, w.label) for w in card.weaknesses if w.measured_on == "site notes.csv"][0] == (
        "site notes.csv", "urology")
    table = section(card, "performance").table
    assert table[0]["set"].startswith(facts.SYNTHETIC) and any(r["set"] == "site notes.csv" for r in table)


def test_locked_gold_split_counts_as_validation_on_this_sites_notes(models):
    task = get_task("triage")
    record_evaluation(artifact(models), {"data": facts.LOCKED, "set": facts.LOCKED, "sha256": "c" * 64,
                                         "compared_with": "triage-older", "metrics": {"macro_f1": 0.6, "n": 9}})
    card = facts.build(task, models_dir=models)
    assert card.locally_validated
    assert "Scored 1 time(s) on the locked gold split" in text(card, "external")
    assert card.external[0].command == f"notelens models compare triage {card.version} triage-older"


def test_missing_pieces_are_reported_as_unknown(models):
    task = get_task("triage")

    def strip(meta):
        meta["training"], meta["metrics"], meta["calibration"] = {}, {}, {}

    edit_metadata(artifact(models), strip)
    card = facts.build(task, models_dir=models)
    training = {r["fact"]: r["value"] for r in card.training}
    assert training == {"data source": facts.UNKNOWN, "training examples": facts.UNKNOWN,
                        "held-out examples": facts.UNKNOWN}
    assert card.synthetic == [] and card.weaknesses == [] and card.device == facts.NOT_RECORDED
    assert "Not measured: no per-class or per-label figure" in text(card, "weaknesses")
    assert "Calibration: not measured" in text(card, "performance")


def test_a_task_without_a_model_gets_a_card_that_says_so(tmp_path):
    card = facts.build(get_task("drugs"), models_dir=tmp_path / "empty")
    assert not card.trained and card.version == facts.UNKNOWN and card.synthetic == []
    assert "No drugs model is trained yet" in text(card, "performance")
    assert card.narrative["purpose"] and section(card, "out_of_scope").lines   # the words are there all the same


def test_span_weaknesses_and_faithfulness_and_history(tmp_path):
    """A drug-shaped record (strict per-label F1, a recorded faithfulness, a promotion in the history)."""
    from core.modeling import ArtifactInfo

    task = get_task("drugs")
    root = tmp_path / "models" / task.artifact
    version = "drugs-20260101-000000-abcdef12"
    (root / version).mkdir(parents=True)
    per = {"DRUG": {"f1": 0.9, "support": 40}, "FORM": {"f1": 0.31, "support": 5}, "ROUTE": {"f1": 0.7, "support": 9}}
    info = ArtifactInfo(task="drugs", version=version, labels=["O", "B-DRUG", "I-DRUG"], base_model="base",
                        created="2026-01-01T00:00:00+00:00", seed=5, data_hash="f" * 64,
                        metrics={"validation": {"strict": {"f1": 0.8, "per_label": per}, "lenient": {"f1": 0.85},
                                                "n_docs": 30},
                                 "heldout_drugs": {"strict_recall": 0.55, "lenient_recall": 0.6, "n": 11},
                                 "faithfulness": {"method": "ig", "comprehensiveness": 0.42, "sufficiency": 0.05}},
                        training={"n_train": 100, "n_val": 30, "source": "synthetic(seed=5)"})
    (root / version / "metadata.json").write_text(info.to_json(), encoding="utf-8")
    (root / "CURRENT").write_text(version + "\n", encoding="utf-8")
    (root / "HISTORY.jsonl").write_text(json.dumps({"at": "2026-01-02T00:00:00+00:00", "actor": "admin",
                                                    "action": "promote", "from": "drugs-old", "to": version,
                                                    "reason": "better on **site** notes"}) + "\n", encoding="utf-8")
    card = facts.build(task, models_dir=tmp_path / "models")
    assert [(w.label, w.f1, w.support) for w in card.weaknesses] == [("FORM", 0.31, 5), ("ROUTE", 0.7, 9),
                                                                     ("DRUG", 0.9, 40)]
    assert card.labels == ["DRUG"]
    by_set = {m.data: m.figures for m in card.synthetic}
    assert by_set["heldout drugs at training"] == {"strict_recall": 0.55, "lenient_recall": 0.6}
    assert card.synthetic[0].figures == {"strict_f1": 0.8, "lenient_f1": 0.85} and card.synthetic[0].n == 30
    assert card.faithfulness[0]["comprehensiveness"] == 0.42
    assert "not measured" not in text(card, "explanation")
    assert card.last_switch["to"] == version and "actor" not in card.last_switch
    assert f"from drugs-old to {version}" in text(card, "maintenance")
    md = facts.facts_markdown(card)
    assert "**site**" not in md and r"\*\*site\*\*" in md                    # the admin's reason is escaped
    assert any(line.endswith("| FORM | 0\\.31 | 5 |") for line in md.splitlines())


def test_markdown_escapes_file_names_and_keeps_tables_whole(models):
    task = get_task("triage")
    record_evaluation(artifact(models), {"data": "/x/a|b **bold** <img src=x>.csv", "sha256": "d" * 64,
                                         "metrics": {"accuracy": 0.5, "n": 3}})
    md = facts.facts_markdown(facts.build(task, models_dir=models))
    row = next(line for line in md.splitlines() if "bold" in line and "| file |" in line)
    assert "**bold**" not in row and r"\<img" in row and r"a\|b" in row
    header = next(line for line in md.splitlines() if line.startswith("| data |") and "kind" in line)
    assert row.count(" | ") == header.count(" | ")                           # the file name did not add a column


def test_every_task_has_words_and_the_schema_refuses_figures():
    words = facts.narratives()
    assert set(TASKS) <= set(words.tasks)
    raw = words.model_dump()
    raw["tasks"]["triage"]["limitations"] = ["Accuracy is 93% on real notes."]
    with pytest.raises(DataFileError, match="figure"):
        validate_data(raw, facts.NarrativeFile)
    raw["tasks"]["triage"]["limitations"] = ["F1 0.91 on synthesized notes."]
    with pytest.raises(DataFileError, match="figure"):
        validate_data(raw, facts.NarrativeFile)


def test_set_names_match_the_comparison():
    from core.tasks import comparison

    assert (facts.LOCKED, facts.SYNTHETIC, facts.FILE) == (comparison.LOCKED, comparison.SYNTHETIC, comparison.FILE)


def test_to_dict_is_json():
    card = facts.build(get_task("treatments"), models_dir=Path("/nonexistent"))
    assert json.loads(json.dumps(card.to_dict()))["task"] == "treatments"


def test_cli_prints_the_card_and_its_json(models, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from core.cli import app
    from core.config import get_settings

    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(models))
    get_settings.cache_clear()
    try:
        out = tmp_path / "facts.md"
        res = CliRunner().invoke(app, ["models", "facts", "triage", "--markdown", str(out)])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    card = json.loads([line for line in res.output.splitlines() if line.strip()][-1])["facts"]["triage"]
    assert card["version"] == load_info(artifact(models)).version and card["trained"] is True
    assert "### External validation" in out.read_text(encoding="utf-8")
