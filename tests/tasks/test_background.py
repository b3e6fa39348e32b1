"""The first-run trainer (core/tasks/background.py): one per models folder, resuming with what is missing,
recording a failure and going on, stopping with the app."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from core import modeling
from core.config import Settings, get_settings
from core.modeling import report_stage, set_current
from core.tasks import TASKS
from core.tasks import background as bg
from core.tasks import workflows as wf
from core.training_status import read_statuses, trainer_alive, trainer_pid


def fake_artifact(models_dir: Path, task: str, version: str) -> Path:
    """A model folder a loader would find (``metadata.json`` and ``CURRENT``): enough for "present"."""
    artifact = TASKS[task].artifact
    path = models_dir / artifact / version
    path.mkdir(parents=True)
    (path / "metadata.json").write_text(json.dumps({"task": artifact, "version": version}))
    set_current(artifact, version, models_dir)
    return path


def fake_train(fail: set[str]):
    """A stand-in for workflows.train: reports a stage and its steps, fails for ``fail``, records the order."""
    order: list[str] = []

    def train(task, *, if_missing, models_dir, progress, log):
        order.append(task.name)
        report_stage("synthesizing notes")
        log(f"{task.name}: 12 notes")
        if task.name in fail:
            raise RuntimeError(f"{task.name} ran out of memory")
        fake_artifact(models_dir, task.name, f"{task.name}-v1")
        return {"task": task.name, "version": f"{task.name}-v1", "trained": True}

    return train, order


def test_a_failing_task_is_recorded_and_the_others_go_on(tmp_path, monkeypatch):
    train, order = fake_train(fail={"drugs"})
    monkeypatch.setattr(wf, "train", train)
    trained: list[str] = []
    results = bg.run_trainer(models_dir=tmp_path, on_trained=lambda r: trained.append(r["task"]))
    assert order == ["triage", "drugs", "conditions"]  # treatments needs drugs: not attempted
    assert [r["task"] for r in results] == trained == ["triage", "conditions"]
    statuses = read_statuses(tmp_path)
    assert list(statuses) == ["triage", "drugs", "conditions", "treatments"]
    assert (statuses["triage"].state, statuses["triage"].version) == ("done", "triage-v1")
    drugs = statuses["drugs"]
    assert drugs.state == "failed"
    assert drugs.error == "RuntimeError: drugs ran out of memory"
    assert drugs.retry.startswith("notelens train drugs") and "make models" in drugs.retry
    assert "drugs: 12 notes" in drugs.log
    assert statuses["conditions"].state == "done"
    assert statuses["treatments"].state == "skipped" and "drugs" in statuses["treatments"].error
    assert not trainer_alive(tmp_path)  # the lock goes with the trainer


def test_a_restart_trains_only_what_is_missing_and_removes_what_a_killed_trainer_left(tmp_path, monkeypatch):
    """Three models present, a half-written ranker left by a killed trainer: the tiny preset trains the ranker
    alone, for real, and the leftover is never served and is removed."""
    for name in ("triage", "drugs", "conditions"):
        fake_artifact(tmp_path, name, f"{name}-v0")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / "ranker" / f".ranker-20260101-000000-abcdef12.{dead.pid}.tmp"
    leftover.mkdir(parents=True)
    (leftover / "metadata.json").write_text("{\"task\": \"ranker\"")  # cut off mid-write
    assert bg.missing(tmp_path) == ["treatments"]
    assert TASKS["treatments"].current(tmp_path) is None  # the leftover is never taken for a model
    monkeypatch.setenv("NOTELENS_TRAIN_PRESET", "tiny")
    monkeypatch.setenv("NOTELENS_THREADS", "1")  # as the app's trainer on 2 cores (and 6x faster on a loaded one)
    monkeypatch.setattr(modeling, "_THREADS_SET", False)
    threads = torch.get_num_threads()
    get_settings.cache_clear()
    try:
        results = bg.run_trainer(models_dir=tmp_path)
    finally:
        get_settings.cache_clear()
        torch.set_num_threads(threads)
    assert [r["task"] for r in results] == ["treatments"]
    assert not leftover.exists()
    served = TASKS["treatments"].current(tmp_path)
    assert served is not None and served.name == results[0]["version"]
    metadata = json.loads((served / "metadata.json").read_text())
    assert metadata["training"]["tiny"] is True and metadata["training"]["n_notes"] == 96  # the tiny preset
    statuses = read_statuses(tmp_path)
    assert list(statuses) == ["treatments"]
    s = statuses["treatments"]
    assert s.state == "done" and s.total > 0 and s.step == s.total
    assert {"synthesizing notes", "training", "validating", "saving"} <= set(s.log)
    assert bg.missing(tmp_path) == []


def test_the_trainer_stops_when_the_app_that_started_it_is_gone(tmp_path, monkeypatch):
    train, order = fake_train(fail=set())
    monkeypatch.setattr(wf, "train", train)
    results = bg.run_trainer(models_dir=tmp_path, stop_with=os.getppid() + 1_000_000)  # not our parent
    assert results == [] and order == []
    statuses = read_statuses(tmp_path)
    assert {s.state for s in statuses.values()} == {"stopped"}
    assert "resumes" in statuses["triage"].error


def test_a_second_trainer_does_not_run(tmp_path):
    from core.training_status import TrainerLock

    lock = TrainerLock(tmp_path)
    assert lock.acquire()
    try:
        assert bg.run_trainer(models_dir=tmp_path) is None
    finally:
        lock.release()


@pytest.fixture
def sleeper(monkeypatch):
    """The starter spawns a stand-in trainer that sleeps (holding the lock it was handed) instead of training."""
    monkeypatch.setattr(bg, "trainer_command", lambda stop_with=None: [sys.executable, "-c",
                                                                        "import time; time.sleep(60)"])
    started: list[int] = []
    yield started
    for pid in started:
        with pytest.raises(ProcessLookupError):
            while True:
                os.kill(pid, signal.SIGKILL)


def test_the_starter_spawns_one_trainer_however_often_it_is_asked(tmp_path, sleeper):
    settings = Settings(models_dir=tmp_path)
    assert bg.ensure_background_training(settings)
    pid = trainer_pid(tmp_path)
    assert pid is not None and pid != os.getpid()
    sleeper.append(pid)
    assert trainer_alive(tmp_path)  # the spawned process holds the lock the starter handed it
    assert [s.state for s in read_statuses(tmp_path).values()] == ["waiting"] * 4  # shown at once
    assert not bg.ensure_background_training(settings)  # a second session, or a second app process
    assert not bg.ensure_background_training(settings)
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if not trainer_alive(tmp_path):
            break
        time.sleep(0.05)
    assert not trainer_alive(tmp_path)
    assert bg.ensure_background_training(settings)  # a dead trainer's lock does not block the next
    sleeper.append(trainer_pid(tmp_path))
    assert trainer_pid(tmp_path) != pid


def test_the_starter_does_nothing_when_every_model_is_present(tmp_path, sleeper):
    for name in TASKS:
        fake_artifact(tmp_path, name, f"{name}-v0")
    assert not bg.ensure_background_training(Settings(models_dir=tmp_path))
    assert not trainer_alive(tmp_path) and read_statuses(tmp_path) == {}


def test_the_trainer_uses_every_core_unless_told():
    assert bg.trainer_threads(Settings()) == (os.cpu_count() or 1)
    assert bg.trainer_threads(Settings(threads=3)) == 3


def test_every_task_has_a_tiny_preset_that_makes_a_valid_config():
    for task in TASKS.values():
        config = task.config(**task.preset("tiny"))
        assert config.tiny is True
        assert task.preset("default") == {}
        with pytest.raises(ValueError, match="no training preset"):
            task.preset("huge")


def test_the_preset_setting_is_checked(monkeypatch):
    monkeypatch.setenv("NOTELENS_TRAIN_PRESET", "huge")
    with pytest.raises(ValueError, match="NOTELENS_TRAIN_PRESET must be default or tiny"):
        Settings.from_env()
    monkeypatch.setenv("NOTELENS_TRAIN_PRESET", "Tiny")
    monkeypatch.setenv("NOTELENS_AUTO_TRAIN", "0")
    settings = Settings.from_env()
    assert (settings.train_preset, settings.auto_train) == ("tiny", False)


def test_train_all_status_on_the_command_line(tmp_path, monkeypatch, auth_db_url):
    from typer.testing import CliRunner

    from core.audit import list_events
    from core.cli import app

    train, order = fake_train(fail={"conditions"})
    monkeypatch.setattr(wf, "train", train)
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["train", "all", "--status"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    out = json.loads(next(line for line in reversed(res.output.splitlines()) if line.startswith("{")))
    assert [r["task"] for r in out["tasks"]] == ["triage", "drugs"] and not out["another_trainer_running"]
    assert order == ["triage", "drugs", "conditions"]  # treatments needs conditions
    assert read_statuses(tmp_path)["conditions"].state == "failed"
    promoted = [e.target for e in list_events(action="model_promoted")]
    assert "model:triage/triage-v1" in promoted and "model:drugs/drugs-v1" in promoted
