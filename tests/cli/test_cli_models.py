"""`notelens models list|promote|rollback` against a temporary models folder and database: JSON on the last line,
the serving version switched and audited, mistakes exit with status 2."""

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


def test_list_prints_every_task_with_versions_metrics_and_serving(models):
    record_evaluation(models / "triage" / "v1", {"data": "mine.csv", "sha256": "cd" * 32, "metrics": {"acc": 0.9}})
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
    one = _last_json(runner.invoke(app, ["models", "list", "triage"]).stdout)["tasks"]
    assert list(one) == ["triage"]


def test_promote_then_rollback(models):
    task = get_task("triage")
    res = runner.invoke(app, ["models", "promote", "triage", "v1", "--reason", "v2 misroutes", "--actor", "ops"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.stdout) | {"message": ""} == {"task": "triage", "action": "promote", "from_version": "v2",
                                                       "to_version": "v1", "changed": True, "message": "",
                                                       "comparison": None}
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


def test_mistakes_exit_2_with_a_message(models):
    res = runner.invoke(app, ["models", "promote", "triage", "v9"])
    assert res.exit_code == 2 and "known: v2, v1" in res.output
    res = runner.invoke(app, ["models", "list", "nope"])
    assert res.exit_code == 2 and "unknown task" in res.output
    shutil.rmtree(models / "triage" / "v1")
    res = runner.invoke(app, ["models", "rollback", "triage"])
    assert res.exit_code == 2 and "no earlier version" in res.output
    assert get_task("triage").current().name == "v2"
