"""The first-run trainer's status files, lock and temp-folder cleaning (core/training_status.py), and the progress
hook of the training loop (core/modeling.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from core import training_status as ts
from core.modeling import reporting, train_steps


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_status_round_trips_and_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    ts.write_status(tmp_path, ts.TaskStatus("triage", 0, "running", "training", step=3, total=10, log=["a"]))
    read = ts.read_statuses(tmp_path)["triage"]
    assert (read.state, read.stage, read.step, read.total, read.log) == ("running", "training", 3, 10, ["a"])

    def crash(src, dst):  # the writer dies between writing the temporary file and renaming it
        raise OSError("killed")

    monkeypatch.setattr(ts.os, "replace", crash)
    with pytest.raises(OSError):
        ts.write_status(tmp_path, ts.TaskStatus("triage", 0, "done", version="v2"))
    monkeypatch.undo()
    assert json.loads((tmp_path / ".training" / "triage.json").read_text())["state"] == "running"
    assert ts.read_statuses(tmp_path)["triage"].step == 3  # the temporary file is never read
    (tmp_path / ".training" / "drugs.json").write_text("{not json")
    assert list(ts.read_statuses(tmp_path)) == ["triage"]


def test_statuses_read_in_training_order(tmp_path):
    for order, name in ((2, "conditions"), (0, "triage"), (1, "drugs")):
        ts.write_status(tmp_path, ts.TaskStatus(name, order))
    assert list(ts.read_statuses(tmp_path)) == ["triage", "drugs", "conditions"]


def test_progress_is_written_at_most_once_a_second_but_a_stage_or_the_end_at_once(tmp_path):
    clock = Clock()
    w = ts.StatusWriter(tmp_path, "triage", clock=clock)
    w.stage("training")
    assert w.writes == 1
    for step in range(1, 40):  # 39 steps in 0.95 s: no write
        clock.now += 0.025
        w.progress(step, 100)
    assert w.writes == 1
    clock.now += 0.1
    w.progress(40, 100)
    assert w.writes == 2 and ts.read_statuses(tmp_path)["triage"].step == 40
    clock.now += 0.1
    w.progress(100, 100)  # the last step is always written
    w.stage("calibrating")
    assert w.writes == 4
    status = ts.read_statuses(tmp_path)["triage"]
    assert (status.stage, status.step, status.total) == ("calibrating", 100, 100)
    assert status.log == ["training", "calibrating"]


def test_the_time_left_comes_from_the_pace_of_the_loop():
    s = ts.TaskStatus("triage", state="running", stage="training", step=10, total=50, started=50.0,
                      stage_started=100.0)
    assert s.eta(now=120.0) == pytest.approx(80.0)  # 2 s a step, 40 steps left
    assert s.fraction == pytest.approx(0.2)
    assert s.elapsed(now=120.0) == pytest.approx(70.0)
    assert ts.TaskStatus("triage", state="running", stage="calibrating", step=50, total=50).eta() is None
    assert ts.TaskStatus("triage", state="running", stage="training", step=0, total=50, stage_started=1.0).eta() is None


def test_the_log_keeps_the_last_lines(tmp_path):
    w = ts.StatusWriter(tmp_path, "drugs")
    for i in range(30):
        w.log(f"line {i}")
    w.failed("RuntimeError: boom", "notelens train drugs")
    status = ts.read_statuses(tmp_path)["drugs"]
    assert len(status.log) == ts.LOG_TAIL and status.log[-1] == "failed: RuntimeError: boom"
    assert (status.state, status.error, status.retry) == ("failed", "RuntimeError: boom", "notelens train drugs")


def test_the_training_loop_reports_every_step_to_the_reporter():
    class Recorder:
        def __init__(self) -> None:
            self.calls: list[tuple] = []

        def stage(self, name: str) -> None:
            self.calls.append(("stage", name))

        def progress(self, step: int, total: int) -> None:
            self.calls.append(("progress", step, total))

    model = torch.nn.Sequential()
    model.add_module("classifier", torch.nn.Linear(2, 1))
    batch = torch.ones(4, 2)
    recorder = Recorder()
    with reporting(recorder):
        stats = train_steps(model, lambda: [batch, batch], lambda b: model(b).pow(2).mean(), total=5, lr=1e-2,
                            head_lr=1e-2, weight_decay=0.0, warmup=0.1, progress=False)
    assert stats["steps"] == 5
    assert recorder.calls == [("stage", "training"), *[("progress", i, 5) for i in range(6)]]
    recorder.calls.clear()
    train_steps(model, lambda: [batch], lambda b: model(b).pow(2).mean(), total=2, lr=1e-2, head_lr=1e-2,
                weight_decay=0.0, warmup=0.1, progress=False)
    assert recorder.calls == []  # outside the block nothing is reported


def _locker(models_dir: Path) -> subprocess.Popen:
    """Another process that takes the trainer lock and sleeps."""
    code = ("import sys, time; from pathlib import Path; from core.training_status import TrainerLock; "
            "assert TrainerLock(Path(sys.argv[1])).acquire(); print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(models_dir)], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_one_trainer_holds_the_lock_and_a_killed_one_releases_it(tmp_path):
    assert not ts.trainer_alive(tmp_path)
    proc = _locker(tmp_path)
    try:
        assert ts.trainer_alive(tmp_path)
        assert ts.trainer_pid(tmp_path) == proc.pid
        assert not ts.TrainerLock(tmp_path).acquire(wait=0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not ts.trainer_alive(tmp_path)  # the operating system dropped a dead trainer's lock
    lock = ts.TrainerLock(tmp_path)
    assert lock.acquire()
    assert ts.trainer_alive(tmp_path)
    lock.release()
    assert not ts.trainer_alive(tmp_path)


def test_stale_temporary_folders_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / "drugs" / f".drugs-20260101-000000-abcdef12.{dead.pid}.tmp"
    stale.mkdir(parents=True)
    (stale / "metadata.json").write_text("{}")
    ours = tmp_path / "drugs" / f".drugs-20260101-000001-abcdef12.{os.getpid()}.tmp"  # a writer still at work
    ours.mkdir()
    pointer = tmp_path / "triage" / f".CURRENT.{dead.pid}"
    pointer.parent.mkdir()
    pointer.write_text("triage-x\n")
    kept = tmp_path / "triage" / "triage-x"
    kept.mkdir()
    assert sorted(ts.remove_stale_temp(tmp_path)) == sorted([stale, pointer])
    assert not stale.exists() and not pointer.exists() and ours.exists() and kept.exists()
