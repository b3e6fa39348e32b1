"""The Models page through AppTest: versions with the serving one, a version's evaluations and charts, comparing two
versions on a shared evaluation file, the check against the serving model (its report, a worse candidate refused,
the override), promote and roll back (CURRENT, history, audit), and refusals. The model folders are metadata-only
in a temporary ``NOTELENS_MODELS_DIR``, so the comparison that loads the models (tested with tiny models in
tests/tasks/test_comparison.py) gives canned scores here."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import registry
from core.audit import list_events
from core.config import get_settings
from core.modeling import ArtifactInfo, record_evaluation
from core.tasks import comparison as cmp
from core.tasks import get_task
from tests.app.helpers import APP, TIMEOUT, sign_in

PAGE = str(Path(APP).parent / "pages" / "models.py")
TRIAGE = get_task("triage")
SHA = "cd" * 32


def make_version(models: Path, version: str, created: str, f1: float, *, serve: bool = False) -> Path:
    path = models / "triage" / version
    path.mkdir(parents=True)
    metrics = {"validation": {"accuracy": f1 + 0.05, "macro_f1": f1, "n": 20, "per_class": {"a": f1, "b": 1.0},
                              "confusion": {"labels": ["a", "b"], "matrix": [[8, 2], [1, 9]]}}}
    info = ArtifactInfo(task="triage", version=version, labels=["a", "b"], base_model="tiny", created=created, seed=3,
                        data_hash="ab" * 32, metrics=metrics,
                        training={"n_train": 10, "n_val": 4, "source": "tests.csv", "seed": 3})
    (path / "metadata.json").write_text(info.to_json(), encoding="utf-8")
    if serve:
        (models / "triage" / "CURRENT").write_text(version + "\n", encoding="utf-8")
    return path


@pytest.fixture
def models(auth_db_url, tmp_path, monkeypatch):
    """Two triage versions, v2 serving, v1 older; both measured on the same file."""
    root = tmp_path / "models"
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    st.cache_resource.clear()
    for version, created, f1, serve in (("v1", "2026-01-01T00:00:00+00:00", 0.6, False),
                                        ("v2", "2026-02-01T00:00:00+00:00", 0.7, True)):
        path = make_version(root, version, created, f1, serve=serve)
        record_evaluation(path, {"data": "/x/dev.csv", "sha256": SHA, "task": "triage", "label_map": {},
                                 "metrics": {"accuracy": f1, "macro_f1": f1 - 0.1, "n": 50}})
    yield root
    monkeypatch.delenv("NOTELENS_MODELS_DIR")
    get_settings.cache_clear()
    st.cache_resource.clear()


@pytest.fixture
def scores(monkeypatch):
    """Canned comparisons (``scores["candidate"]`` vs ``["serving"]`` on the locked split, one item turned each way,
    the wrong -> right one a locked review item); ``calls`` lists the (candidate, serving) pairs compared."""
    canned = {"candidate": 0.8, "serving": 0.7, "calls": []}

    def fake(task, candidate, serving, **_):
        canned["calls"].append((candidate.name, serving.name))
        c, s = canned["candidate"], canned["serving"]
        locked = cmp.SetResult(cmp.LOCKED, cmp.LOCKED, 5, "ab" * 32, {"macro_f1": c}, {"macro_f1": s},
                               {"macro_f1": round(c - s, 4)}, ["00ff00ff00ff00ff"], ["11ee11ee11ee11ee"],
                               {"00ff00ff00ff00ff": 42})
        return cmp.Comparison(task.name, candidate.name, serving.name, [locked], cmp.LOCKED,
                              "locked gold split macro-F1 (n=5)", c, s)

    monkeypatch.setattr(cmp, "compare_versions", fake)
    return canned


def page(user: str, role: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, user, role)
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    at.run()
    assert not at.exception, at.exception
    return at


def alerts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.error, *at.success, *at.info]).replace("\\", "")


def test_an_admin_sees_the_versions_the_serving_one_and_a_comparison(models):
    at = page("root", "admin")
    assert at.title[0].value == "Models"
    table = at.dataframe[0].value
    assert list(table["version"]) == ["v2", "v1"] and list(table["serving"]) == ["✓", ""]
    assert list(table["macro_f1"]) == [0.7, 0.6] and list(table["evaluations"]) == [1, 1]
    assert list(at.dataframe[1].value["file"]) == ["/x/dev.csv"]  # v2's recorded evaluation
    assert len(at.get("plotly_chart")) == 2  # v2's confusion matrix and F1 per service
    diff = at.dataframe[2].value  # A = v1, B = v2
    row = diff[(diff["evaluation"] == "/x/dev.csv") & (diff["metric"] == "macro_f1")].iloc[0]
    assert (row["A"], row["B"], row["B - A"]) == (0.5, 0.6, 0.1)
    assert at.button(key="models_promote").disabled  # v2 already serves
    assert at.button(key="models_rollback").label == "Roll back to v1"


def test_promote_then_roll_back_switch_current_and_are_audited(models, scores):
    at = page("root", "admin")
    at.selectbox(key="models_version").select("v1")
    at.run()
    click(at, "models_promote")
    assert "Give a reason" in alerts(at) and registry.serving(TRIAGE, models) == "v2"

    at.text_input(key="models_reason").input("v1 is better on the <b>March</b> notes")
    click(at, "models_promote")
    assert "v1" in alerts(at) and "next run" in alerts(at), alerts(at)
    assert scores["calls"] == [("v1", "v2")]  # checked against the serving version first
    assert (models / "triage" / "CURRENT").read_text().strip() == "v1"
    assert list(at.dataframe[0].value["serving"]) == ["", "✓"]
    (event,) = list_events(5, action="model_promoted")
    assert event.actor == "root" and event.target == "model:triage/v1"
    assert event.details["reason"] == "v1 is better on the <b>March</b> notes"

    at.text_input(key="models_reason").input("back to v2")
    click(at, "models_rollback")
    assert registry.serving(TRIAGE, models) == "v2"
    assert "rolled back from v1 to v2" in alerts(at)
    (event,) = list_events(5, action="model_rolled_back")
    assert event.actor == "root" and event.target == "model:triage/v2"


def test_a_demoted_admin_cannot_promote_from_an_open_page(models):
    from core import auth

    at = page("root2", "admin")
    page("root", "admin")  # another admin, so root2 is not the last one
    at.selectbox(key="models_version").select("v1")
    at.text_input(key="models_reason").input("try")
    at.run()
    auth.set_role("root2", "clinician", actor="root")
    at.button(key="models_promote").click()
    at.run()
    assert registry.serving(TRIAGE, models) == "v2"
    assert list_events(5, action="model_promoted") == []
    assert "does not allow this page" in alerts(at)


@pytest.mark.parametrize("role", ["clinician", "annotator"])
def test_other_roles_see_nothing_of_the_page(models, role):
    at = page(f"someone.{role}", role)
    assert not at.title and not at.dataframe and not at.button
    assert "does not allow this page" in alerts(at)


def test_a_newer_candidate_is_listed_first_but_the_serving_version_is_picked(models):
    make_version(models, "v3", "2026-03-01T00:00:00+00:00", 0.8)  # saved without serving (a candidate)
    at = page("root", "admin")
    assert list(at.dataframe[0].value["version"]) == ["v3", "v2", "v1"]
    assert list(at.dataframe[0].value["serving"]) == ["", "✓", ""]
    assert at.selectbox(key="models_version").value == "v2"
    assert at.button(key="models_promote").disabled
    at.selectbox(key="models_version").select("v3")
    at.run()
    assert not at.button(key="models_promote").disabled
    assert any("No evaluation recorded" in c.value for c in at.caption)  # none for v3: said, not a table
    assert len(at.dataframe) == 2  # the versions and the comparison


def test_the_check_shows_both_versions_the_decision_and_the_items_that_changed(models, scores):
    at = page("root", "admin")
    assert not [b for b in at.button if b.key == "models_check_run"]  # the serving version is picked: nothing to check
    at.selectbox(key="models_version").select("v1")
    at.run()
    click(at, "models_check_run")
    assert scores["calls"] == [("v1", "v2")]
    rows = at.dataframe[3].value  # after the versions, v1's evaluations and the A/B comparison
    row = rows.iloc[0]
    assert (row["evaluation set"], row["serving"], row["candidate"], row["wrong → right"], row["right → wrong"]) == (
        cmp.LOCKED, 0.7, 0.8, 1, 1)
    assert "not worse" in alerts(at)
    listed = "\n".join(m.value for m in at.expander[0].markdown)
    assert "`00ff00ff00ff00ff` (review item 42)" in listed and "`11ee11ee11ee11ee`" in listed
    assert registry.serving(TRIAGE, models) == "v2"  # a check switches nothing


def test_a_worse_candidate_is_refused_then_promoted_with_an_override_reason(models, scores):
    scores["candidate"] = 0.5
    at = page("root", "admin")
    at.selectbox(key="models_version").select("v1")
    at.text_input(key="models_reason").input("retrained on the gold")
    at.run()
    click(at, "models_promote")
    assert registry.serving(TRIAGE, models) == "v2" and list_events(5, action="model_promoted") == []
    assert "scores 0.5000, lower than the serving v2's 0.7000" in alerts(at)
    assert "worse: promoting it needs an override reason" in at.warning[0].value.replace("\\", "")  # the report

    click(at, "models_override_promote")  # no override reason yet: still refused
    assert "Give the override reason" in alerts(at) and registry.serving(TRIAGE, models) == "v2"
    at.text_input(key="models_override").input("the new label convention")
    click(at, "models_override_promote")
    assert registry.serving(TRIAGE, models) == "v1", alerts(at)
    (entry,) = registry.history(TRIAGE, models)
    assert entry["comparison"] == {"metric": "locked gold split macro-F1 (n=5)", "candidate": 0.5, "serving": 0.7,
                                   "override": "the new label convention"}
    assert entry["reason"] == "retrained on the gold" and entry["actor"] == "root"
    assert not [b for b in at.button if b.key == "models_override_promote"]


def test_the_check_runs_on_real_tiny_models_and_records_both(auth_db_url, tmp_path, monkeypatch):
    """No canned scores: two tiny triage models scored through the page's button (synthetic held-out notes; no gold
    yet, which the page says), each measurement recorded beside both versions without note text."""
    from core.modeling import EVALUATIONS_FILE, evaluations
    from tests.conftest import tiny_records

    root = tmp_path / "models"
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    recs = tiny_records(12)
    cfg = TRIAGE.config(epochs=1, max_length=64, infer_max_length=64, batch_size=8, seed=3, tiny=True, val_notes=4,
                        labels=("cardiology_pulmonology", "orthopedics"))
    serving = TRIAGE.train(recs[:8], recs[8:], cfg, source="tests", progress=False).path
    candidate = TRIAGE.train(recs[2:10], recs[10:], cfg, source="tests 2", make_current=False, progress=False).path
    at = page("root", "admin")
    at.selectbox(key="models_version").select(candidate.name)
    at.run()
    click(at, "models_check_run")
    rows = at.dataframe[-1].value
    assert set(rows["evaluation set"]) == {"synthetic held-out (seed 3)"} and set(rows["n"]) == {4}
    assert "the locked gold split holds no item yet" in " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Decision on the synthetic held" in " ".join(str(e.value) for e in [*at.info, *at.warning]).replace("\\", "")
    (c,), (s,) = evaluations(candidate), evaluations(serving)
    assert c["sha256"] == s["sha256"] and c["compared_with"] == serving.name and len(c["items"]) == 4
    assert "troponin" not in (candidate / EVALUATIONS_FILE).read_text()
    monkeypatch.delenv("NOTELENS_MODELS_DIR")
    get_settings.cache_clear()
