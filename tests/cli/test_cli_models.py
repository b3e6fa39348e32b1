"""`notelens models list|compare|promote|rollback|register-eval|unregister-eval` against a temporary models folder and
database: JSON on the last line, the serving version switched and audited, a worse candidate refused with exit status 1
unless overridden, mistakes exit with status 2. The folders are metadata-only, so the comparison itself (which loads
the models; tested in tests/tasks/test_comparison.py) is replaced by canned scores."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from core.audit import list_events
from core.cli import app
from core.config import get_settings
from core.db.engine import init_db
from core.modeling import record_evaluation
from core.registry import history
from core.tasks import comparison as cmp
from core.tasks import get_task
from tests.test_registry import make_version

runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


@pytest.fixture
def models(tmp_path, monkeypatch, auth_db_url):
    init_db()
    root = tmp_path / "models"
    make_version(root, "triage", "v1", "2026-01-01T00:00:00+00:00", f1=0.6)
    make_version(root, "triage", "v2", "2026-02-01T00:00:00+00:00", f1=0.7, serve=True)
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    yield root
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def scores(monkeypatch):
    """Canned comparisons: set ``scores["candidate"]`` / ``["serving"]``; ``calls`` lists the pairs compared."""
    canned = {"candidate": 0.8, "serving": 0.7, "calls": []}

    def fake(task, candidate, serving, **_):
        canned["calls"].append((candidate.name, serving.name))
        s = cmp.SetResult(cmp.LOCKED, cmp.LOCKED, 5, "ab" * 32, {"macro_f1": canned["candidate"]},
                          {"macro_f1": canned["serving"]}, {"macro_f1": canned["candidate"] - canned["serving"]},
                          ["00ff00ff00ff00ff"], [])
        return cmp.Comparison(task.name, candidate.name, serving.name, [s], cmp.LOCKED,
                              "locked gold split macro-F1 (n=5)", canned["candidate"], canned["serving"])

    monkeypatch.setattr(cmp, "compare_versions", fake)
    return canned


def test_list_prints_every_task_with_versions_metrics_and_serving(models):
    record_evaluation(models / "triage" / "v1", {"data": "mine.csv", "sha256": "cd" * 32, "metrics": {"acc": 0.9}})
    record_evaluation(models / "triage" / "v1", {"data": "mine.csv", "sha256": "cd" * 32,
                                                 "metrics": {"accuracy": 0.8, "n": 4}, "items": {"ab": 1}})
    res = runner.invoke(app, ["models", "list"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)["tasks"]
    assert set(out) == {"triage", "drugs", "conditions", "treatments"}
    assert out["treatments"] == {"artifact": "ranker", "serving": None, "versions": []}
    tri = out["triage"]
    assert tri["serving"] == "v2" and [v["version"] for v in tri["versions"]] == ["v2", "v1"]
    assert [v["serving"] for v in tri["versions"]] == [True, False]
    assert tri["versions"][0]["metrics"] == {"macro_f1": 0.7}
    assert tri["versions"][1]["evaluations"][0]["metrics"] == {"acc": 0.9}
    assert "items" not in tri["versions"][1]["evaluations"][1]  # item outcomes stay beside the model
    summary = tri["versions"][1]["evaluation_summary"]
    assert list(summary) == ["mine.csv"] and summary["mine.csv"]["accuracy"] == 0.8  # the latest one
    assert summary["mine.csv"]["n"] == 4
    one = _last_json(runner.invoke(app, ["models", "list", "triage"]).stdout)["tasks"]
    assert list(one) == ["triage"]


def test_promote_then_rollback(models, scores):
    task = get_task("triage")
    scores["candidate"] = 0.75
    res = runner.invoke(app, ["models", "promote", "triage", "v1", "--reason", "v2 misroutes", "--actor", "ops"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.stdout) | {"message": ""} == {
        "task": "triage", "action": "promote", "from_version": "v2", "to_version": "v1", "changed": True,
        "message": "", "comparison": {"metric": "locked gold split macro-F1 (n=5)", "candidate": 0.75, "serving": 0.7}}
    assert scores["calls"] == [("v1", "v2")]
    assert "wrong -> right: 1, right -> wrong: 0" in res.stderr
    assert task.current().name == "v1"
    (event,) = list_events(5, action="model_promoted")
    assert (event.actor, event.target, event.details["reason"]) == ("ops", "model:triage/v1", "v2 misroutes")

    res = runner.invoke(app, ["models", "promote", "triage", "v1"])
    assert res.exit_code == 0 and _last_json(res.stdout)["changed"] is False

    res = runner.invoke(app, ["models", "rollback", "triage", "--reason", "false alarm"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.stdout)["to_version"] == "v2" and task.current().name == "v2"
    (event,) = list_events(5, action="model_rolled_back")
    assert event.actor.startswith("cli") and event.details == {"from": "v1", "to": "v2", "reason": "false alarm"}


def test_a_worse_candidate_is_refused_with_both_scores_unless_overridden(models, scores):
    scores["candidate"] = 0.5
    res = runner.invoke(app, ["models", "promote", "triage", "v1", "--reason", "retrained"])
    assert res.exit_code == 1, res.output
    out = _last_json(res.stdout)
    assert out["refused"] is True and (out["candidate_score"], out["serving_score"]) == (0.5, 0.7)
    assert "0.5000 < 0.7000" in res.stderr and "locked gold split macro-F1 (n=5)" in res.stderr
    assert get_task("triage").current().name == "v2" and list_events(5, action="model_promoted") == []

    res = runner.invoke(app, ["models", "promote", "triage", "v1", "--reason", "retrained",
                              "--override", "new label convention"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.stdout)["comparison"]["override"] == "new label convention"
    (entry,) = history(get_task("triage"))
    assert entry["comparison"] == {"metric": "locked gold split macro-F1 (n=5)", "candidate": 0.5, "serving": 0.7,
                                   "override": "new label convention"}
    (event,) = list_events(5, action="model_promoted")
    assert event.details["comparison"]["override"] == "new label convention"


def test_compare_defaults_to_the_newest_candidate_and_the_serving_version(models, scores):
    make_version(models, "triage", "v3", "2026-03-01T00:00:00+00:00", f1=0.8)
    res = runner.invoke(app, ["models", "compare", "triage"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert (out["candidate"], out["serving"], out["worse"]) == ("v3", "v2", False)
    assert out["sets"][0]["turned_right"] == ["00ff00ff00ff00ff"]
    assert runner.invoke(app, ["models", "compare", "triage", "v1"]).exit_code == 0
    assert scores["calls"] == [("v3", "v2"), ("v1", "v2")]
    res = runner.invoke(app, ["models", "compare", "triage", "v2"])
    assert res.exit_code == 2 and "with itself" in res.output


def test_register_and_unregister_an_evaluation_file(models, tmp_path):
    data = tmp_path / "dev.csv"
    data.write_text("text,label\nchest pain,cardiology_pulmonology\nknee pain,orthopedics\n", encoding="utf-8")
    res = runner.invoke(app, ["models", "register-eval", "triage", str(data), "--actor", "ops"])
    assert res.exit_code == 0, res.output
    out = _last_json(res.stdout)
    assert out["path"] == str(data.resolve()) and out["added_by"] == "ops" and len(out["sha256"]) == 64
    saved = json.loads((models / "triage" / cmp.EVALSETS_FILE).read_text())
    assert [f["path"] for f in saved["files"]] == [str(data.resolve())]
    bad = tmp_path / "bad.csv"
    bad.write_text("note\nhello\n", encoding="utf-8")
    assert runner.invoke(app, ["models", "register-eval", "triage", str(bad)]).exit_code == 2
    res = runner.invoke(app, ["models", "unregister-eval", "triage", str(data)])
    assert res.exit_code == 0 and cmp.eval_files(get_task("triage")) == []
    res = runner.invoke(app, ["models", "unregister-eval", "triage", str(data)])
    assert res.exit_code == 2 and "not a registered" in res.output


def test_mistakes_exit_2_with_a_message(models):
    res = runner.invoke(app, ["models", "promote", "triage", "v9"])
    assert res.exit_code == 2 and "known: v2, v1" in res.output
    res = runner.invoke(app, ["models", "list", "nope"])
    assert res.exit_code == 2 and "unknown task" in res.output
    shutil.rmtree(models / "triage" / "v1")
    res = runner.invoke(app, ["models", "rollback", "triage"])
    assert res.exit_code == 2 and "no earlier version" in res.output
    assert get_task("triage").current().name == "v2"
