"""The model registry: versions with their figures, promote and roll back (atomic CURRENT, HISTORY.jsonl, audit),
the refusal of a worse candidate and its override. Artifacts are metadata-only folders: the registry never loads
weights, and ``Task.current()`` only needs ``metadata.json``."""

from __future__ import annotations

import json
import threading

import pytest

from core import registry
from core.audit import list_events, verify
from core.db.engine import init_db
from core.modeling import ArtifactInfo, record_evaluation
from core.tasks import get_task

TRIAGE = get_task("triage")


def make_version(models, folder: str, version: str, created: str, *, n_train: int = 10, f1: float = 0.5,
                 serve: bool = False):
    path = models / folder / version
    path.mkdir(parents=True)
    info = ArtifactInfo(task=folder, version=version, labels=["a", "b"], base_model="tiny", created=created, seed=3,
                        data_hash="ab" * 32, metrics={"macro_f1": f1},
                        training={"n_train": n_train, "n_val": 4, "source": "tests.csv", "seed": 3})
    (path / "metadata.json").write_text(info.to_json(), encoding="utf-8")
    (path / "model.safetensors").write_bytes(b"\0" * 100)
    if serve:
        (models / folder / "CURRENT").write_text(version + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(auth_db_url):
    init_db()
    return auth_db_url


@pytest.fixture
def models(tmp_path):
    """Three triage versions, v1 oldest; v2 serves."""
    root = tmp_path / "models"
    make_version(root, "triage", "v1", "2026-01-01T00:00:00+00:00", f1=0.6)
    make_version(root, "triage", "v2", "2026-02-01T00:00:00+00:00", f1=0.7, serve=True)
    make_version(root, "triage", "v3", "2026-03-01T00:00:00+00:00", f1=0.8)
    return root


def test_versions_newest_first_with_figures_and_evaluations(models):
    record_evaluation(models / "triage" / "v2", {"data": "/x/mine.csv", "sha256": "cd" * 32, "task": "triage",
                                                 "label_map": {}, "metrics": {"macro_f1": 0.66, "n": 12}})
    (models / "triage" / ".v4.123.tmp").mkdir()  # a version being written is not a version
    (models / "triage" / "junk").mkdir()          # nor a folder without metadata
    got = registry.versions(TRIAGE, models)
    assert [v.version for v in got] == ["v3", "v2", "v1"]
    assert [v.serving for v in got] == [False, True, False]
    v2 = got[1]
    assert v2.metrics == {"macro_f1": 0.7} and v2.n_train == 10 and v2.source == "tests.csv" and v2.seed == 3
    assert v2.size_bytes > 100
    (ev,) = v2.evaluations
    assert ev.data == "/x/mine.csv" and ev.sha256 == "cd" * 32 and ev.metrics["macro_f1"] == 0.66 and ev.date
    assert json.loads(json.dumps(v2.to_dict()))["evaluations"][0]["metrics"]["n"] == 12
    assert registry.versions(get_task("drugs"), models) == []  # no folder yet


def test_promote_switches_current_writes_history_and_audit(models, db):
    task = get_task("triage")
    sw = registry.promote(TRIAGE, "v3", actor="alice", reason="better on the March notes", models_dir=models)
    assert sw.changed and sw.from_version == "v2" and sw.to_version == "v3"
    assert task.current(models).name == "v3"
    assert not list(models.joinpath("triage").glob(".CURRENT*"))  # no temporary file left
    (entry,) = registry.history(TRIAGE, models)
    assert entry["actor"] == "alice" and entry["from"] == "v2" and entry["to"] == "v3"
    assert entry["action"] == "promote" and entry["reason"] == "better on the March notes" and entry["at"]
    (event,) = list_events(5, action="model_promoted")
    assert event.actor == "alice" and event.target == "model:triage/v3"
    assert event.details == {"from": "v2", "to": "v3", "reason": "better on the March notes"}
    assert verify().ok


def test_promote_serving_version_is_a_no_op(models, db):
    sw = registry.promote(TRIAGE, "v2", actor="alice", models_dir=models)
    assert not sw.changed and "already serves" in sw.message
    assert registry.history(TRIAGE, models) == [] and list_events(5, action="model_promoted") == []


def test_promote_unknown_version_lists_known_ones(models, db):
    with pytest.raises(ValueError, match=r"no version 'v9' \(known: v3, v2, v1\)"):
        registry.promote(TRIAGE, "v9", actor="alice", models_dir=models)
    with pytest.raises(ValueError, match="longer than 200"):
        registry.promote(TRIAGE, "v3", actor="alice", reason="x" * 201, models_dir=models)
    assert get_task("triage").current(models).name == "v2"


def test_rollback_walks_back_through_what_served(models, db):
    task = get_task("triage")
    registry.promote(TRIAGE, "v1", actor="alice", models_dir=models)
    registry.promote(TRIAGE, "v3", actor="alice", models_dir=models)
    assert registry.rollback_target(TRIAGE, models) == "v1"
    sw = registry.rollback(TRIAGE, actor="bob", reason="v3 misroutes", models_dir=models)
    assert (sw.from_version, sw.to_version) == ("v3", "v1") and task.current(models).name == "v1"
    # a second roll back goes further back (v2 served before v1), not back to v3
    registry.rollback(TRIAGE, actor="bob", models_dir=models)
    assert task.current(models).name == "v2"
    # v2 served first: the history has nothing before it, so the version created before it
    assert registry.rollback_target(TRIAGE, models) == "v1"
    assert [e["action"] for e in registry.history(TRIAGE, models)] == ["promote", "promote", "rollback", "rollback"]
    events = list_events(10, action="model_rolled_back")
    assert [(e.actor, e.target, e.details["from"]) for e in events] == [("bob", "model:triage/v2", "v1"),
                                                                       ("bob", "model:triage/v1", "v3")]
    assert events[1].details["reason"] == "v3 misroutes"


def test_rollback_without_history_takes_the_previous_version_by_creation(models, db):
    # CURRENT set outside the registry (what `notelens train` does): v3 serves, no history
    (models / "triage" / "CURRENT").write_text("v3", encoding="utf-8")
    registry.rollback(TRIAGE, actor="bob", models_dir=models)
    assert get_task("triage").current(models).name == "v2"
    registry.rollback(TRIAGE, actor="bob", models_dir=models)
    assert get_task("triage").current(models).name == "v1"
    with pytest.raises(ValueError, match="no earlier version"):
        registry.rollback(TRIAGE, actor="bob", models_dir=models)


def test_rollback_after_an_outside_switch_returns_to_what_served_before_it(models, db):
    registry.promote(TRIAGE, "v1", actor="alice", models_dir=models)
    (models / "triage" / "CURRENT").write_text("v3", encoding="utf-8")  # a new model trained and served at once
    assert registry.rollback_target(TRIAGE, models) == "v1"


def test_rollback_skips_a_deleted_version(models, db):
    registry.promote(TRIAGE, "v1", actor="alice", models_dir=models)
    registry.promote(TRIAGE, "v3", actor="alice", models_dir=models)
    import shutil

    shutil.rmtree(models / "triage" / "v1")
    assert registry.rollback_target(TRIAGE, models) == "v2"


def test_worse_candidate_is_refused_unless_overridden(models, db):
    scores = {"v1": 0.61, "v2": 0.70, "v3": 0.72}
    calls = []

    def compare(candidate, serving):
        calls.append((candidate.name, serving.name))
        return scores[candidate.name], scores[serving.name], "macro_f1 (locked split)"

    with pytest.raises(registry.PromotionRefused, match=r"worse than the serving v2 on macro_f1 .*0\.6100 < 0\.7000"):
        registry.promote(TRIAGE, "v1", actor="alice", models_dir=models, compare=compare)
    assert calls == [("v1", "v2")]
    assert get_task("triage").current(models).name == "v2" and registry.history(TRIAGE, models) == []
    assert list_events(5, action="model_promoted") == []

    sw = registry.promote(TRIAGE, "v1", actor="alice", models_dir=models, compare=compare,
                          override_reason="v2 fails on pediatric notes")
    assert sw.changed and get_task("triage").current(models).name == "v1"
    (event,) = list_events(5, action="model_promoted")
    assert event.details["comparison"] == {"metric": "macro_f1 (locked split)", "candidate": 0.61, "serving": 0.70,
                                           "override": "v2 fails on pediatric notes"}
    assert registry.history(TRIAGE, models)[-1]["comparison"]["override"] == "v2 fails on pediatric notes"

    # a better candidate needs no override; its comparison is recorded all the same
    sw = registry.promote(TRIAGE, "v3", actor="alice", models_dir=models, compare=compare)
    assert sw.comparison == {"metric": "macro_f1 (locked split)", "candidate": 0.72, "serving": 0.61}


def test_concurrent_promotions_leave_a_valid_current_and_history(models, db):
    task = get_task("triage")
    errors = []

    def worker(version: str) -> None:
        try:
            for _ in range(5):
                registry.promote(TRIAGE, version, actor=f"t-{version}", models_dir=models)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(v,)) for v in ("v1", "v3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert task.current(models).name in ("v1", "v3")
    hist = registry.history(TRIAGE, models)
    # each line's "from" is the previous line's "to": the lock orders switches as CURRENT saw them
    assert hist[0]["from"] == "v2"
    assert all(a["to"] == b["from"] for a, b in zip(hist, hist[1:], strict=False))
    assert hist[-1]["to"] == task.current(models).name
    assert len(list_events(100, action="model_promoted")) == len(hist)
    assert not list(models.joinpath("triage").glob(".CURRENT*"))


def test_ranker_alias_uses_its_own_folder(tmp_path, db):
    root = tmp_path / "models"
    make_version(root, "ranker", "r1", "2026-01-01T00:00:00+00:00", serve=True)
    make_version(root, "ranker", "r2", "2026-02-01T00:00:00+00:00")
    registry.promote(get_task("ranker"), "r2", actor="alice", models_dir=root)
    assert get_task("treatments").current(root).name == "r2"
    assert (root / "ranker" / registry.HISTORY_FILE).is_file()
    (event,) = list_events(5, action="model_promoted")
    assert event.target == "model:treatments/r2"


def test_a_failing_audit_leaves_current_and_history_as_they_were(models, db, monkeypatch):
    from core import audit

    registry.promote(TRIAGE, "v3", actor="alice", models_dir=models)
    before = (models / "triage" / registry.HISTORY_FILE).read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="locked"):
        registry.promote(TRIAGE, "v1", actor="alice", models_dir=models)
    with pytest.raises(RuntimeError, match="locked"):
        registry.rollback(TRIAGE, actor="alice", models_dir=models)
    assert TRIAGE.current(models).name == "v3"
    assert (models / "triage" / registry.HISTORY_FILE).read_bytes() == before
    monkeypatch.undo()
    with pytest.raises(ValueError, match="actor"):  # the audit's own check: nothing switched either
        registry.promote(TRIAGE, "v1", actor=" ", models_dir=models)
    assert TRIAGE.current(models).name == "v3" and len(registry.history(TRIAGE, models)) == 1


def test_metadata_without_a_training_summary_is_still_listed(tmp_path):
    root = tmp_path / "models"
    path = make_version(root, "triage", "old", "2025-01-01T00:00:00+00:00", serve=True)
    meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    meta["training"] = {}
    (path / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    (v,) = registry.versions(TRIAGE, root)
    assert v.serving and v.n_train is None and v.source is None and v.evaluations == []


def test_the_promoted_version_is_what_the_task_loads(tmp_path, db, tiny_triage_artifact, monkeypatch):
    """With real (tiny) weights: after promote, ``Task.load()`` (what the pages call) runs the promoted version."""
    import shutil

    from core.config import get_settings

    root = tmp_path / "models"
    for name, created in (("tiny-a", "2026-01-01T00:00:00+00:00"), ("tiny-b", "2026-02-01T00:00:00+00:00")):
        shutil.copytree(tiny_triage_artifact, root / "triage" / name)
        meta = json.loads((root / "triage" / name / "metadata.json").read_text(encoding="utf-8"))
        meta.update(version=name, created=created)
        (root / "triage" / name / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    (root / "triage" / "CURRENT").write_text("tiny-a", encoding="utf-8")
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    try:
        assert TRIAGE.version(TRIAGE.load()) == "tiny-a"
        registry.promote(TRIAGE, "tiny-b", actor="alice")
        assert TRIAGE.version(TRIAGE.load()) == "tiny-b"
        registry.rollback(TRIAGE, actor="alice")
        assert TRIAGE.version(TRIAGE.load()) == "tiny-a"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
