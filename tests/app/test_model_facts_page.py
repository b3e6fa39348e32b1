"""The Model facts page through AppTest: one card per task, figures from the model's record, untrained models said
so, untrusted strings (file names, an admin's reason) escaped."""

from __future__ import annotations

import json
import shutil

import pytest

from core.modeling import load_info, record_evaluation
from core.tasks import TASKS
from tests.app.helpers import open_app

REASON = "**bold** :red[alarm] <img src=x onerror=alert(1)>"


@pytest.fixture
def models(tmp_path, monkeypatch, tiny_triage_artifact):
    """Settings whose models folder holds only a copy of the tiny triage model, with one evaluation of a file named
    with Markdown in it and a promotion whose reason is Markdown too."""
    from core.config import get_settings

    root = tmp_path / "models"
    dest = root / "triage" / tiny_triage_artifact.name
    shutil.copytree(tiny_triage_artifact, dest, ignore=shutil.ignore_patterns("evaluations.jsonl"))
    (root / "triage" / "CURRENT").write_text(dest.name + "\n", encoding="utf-8")
    (root / "triage" / "HISTORY.jsonl").write_text(json.dumps(
        {"at": "2026-01-02T00:00:00+00:00", "actor": "admin", "action": "promote", "from": None, "to": dest.name,
         "reason": REASON}) + "\n", encoding="utf-8")
    record_evaluation(dest, {"data": "/site/**evil** notes.csv", "sha256": "e" * 64, "task": "triage",
                             "metrics": {"accuracy": 0.5, "macro_f1": 0.375, "n": 16}})
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    yield dest
    get_settings.cache_clear()


def test_a_clinician_sees_one_card_per_task(models):
    """(Every role may open the page: the role x page matrix of test_auth_pages.py runs it for each.)"""
    for at in open_app("pages/model_facts.py", "Model facts"):
        check(at, models)


def check(at, models):
    assert len(at.subheader) == len(TASKS)
    info = load_info(models)
    assert any(info.version in c.value for c in at.caption)                   # the serving version, from metadata
    tables = [d.value for d in at.dataframe]
    perf = next(t for t in tables if "set" in t.columns and "macro_f1" in t.columns)
    assert perf["macro_f1"].iloc[0] == round(info.metrics["validation"]["macro_f1"], 4)   # synthetic held-out first
    assert 0.375 in set(perf["macro_f1"])                                      # the recorded evaluation
    external = next(t for t in tables if "kind" in t.columns)
    assert list(external["data"]) == ["**evil** notes.csv"] and list(external["sha256"]) == ["e" * 12]
    assert any("notelens evaluate triage --data" in c.value for c in at.code)
    untrained = [i.value for i in at.info if "is trained yet" in i.value]
    assert len(untrained) == len(TASKS) - 1 and any("No drugs model" in v for v in untrained)
    markdown = "\n".join(m.value for m in at.markdown)
    assert "No validation on real notes from this site" in markdown
    assert "**bold**" not in markdown and ":red[" not in markdown and "<img" not in markdown.replace("\\<img", "")
    assert r"\*\*bold\*\*" in markdown                                         # shown, as text
    assert not at.exception
