"""The background trainer's state, as small JSON files the app reads: one per task under
``<models_dir>/.training/``, plus the lock that keeps to one trainer per models folder.

The trainer (``notelens train all --if-missing --status``, started by the app on a first run) writes each task's
:class:`TaskStatus` atomically (temporary file + ``os.replace``), at most once a second while steps go by, and at
once when the state or stage changes; the app only reads. Log lines are the trainer's own messages (counts, figures,
paths), never a note's text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

State = Literal["waiting", "running", "done", "failed", "skipped", "stopped"]
#: Folder under the models folder that holds the status files, the lock and the trainer's log.
STATUS_DIR = ".training"
LOCK_FILE = "trainer.lock"
LOG_FILE = "train.log"
#: Log lines a status keeps.
LOG_TAIL = 20
#: Environment variable through which a starter hands its already-locked lock file to the trainer it spawns.
LOCK_FD_ENV = "NOTELENS_TRAINER_LOCK_FD"


def status_dir(models_dir: Path) -> Path:
    return models_dir / STATUS_DIR


@dataclass
class TaskStatus:
    """Where one task's training stands.

    ``state``: waiting (a task before it trains), running (with ``stage``, and ``step``/``total`` while the loop
    runs), done (with ``version``), failed (with ``error`` and the ``retry`` command), skipped (a model it needs
    failed), stopped (the trainer ended before it finished: a restart resumes).
    """

    task: str
    order: int = 0
    state: State = "waiting"
    stage: str = ""
    step: int = 0
    total: int = 0
    started: float | None = None        # time.time() when the task began
    stage_started: float | None = None  # ... when its current stage began (the ETA's clock while training)
    updated: float = 0.0
    version: str = ""
    error: str = ""
    retry: str = ""
    log: list[str] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        """Share of the training loop done (1.0 once done)."""
        if self.state == "done":
            return 1.0
        return min(1.0, self.step / self.total) if self.total else 0.0

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the task began (0 before)."""
        if self.started is None:
            return 0.0
        return max(0.0, (self.updated if self.state in ("done", "failed") else (now or time.time())) - self.started)

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left in the training loop, from its pace so far (None outside the loop or before a step)."""
        if self.state != "running" or self.stage != "training" or not self.step or self.stage_started is None:
            return None
        spent = max(0.0, (now or time.time()) - self.stage_started)
        return spent / self.step * max(0, self.total - self.step)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskStatus:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def write_status(models_dir: Path, status: TaskStatus) -> Path:
    """Write ``status`` to ``.training/<task>.json`` atomically (a reader sees the old file or the new one)."""
    folder = status_dir(models_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{status.task}.json"
    tmp = folder / f".{status.task}.{os.getpid()}.tmp"
    tmp.write_text(status.to_json(), encoding="utf-8")
    os.replace(tmp, out)
    return out


def read_statuses(models_dir: Path) -> dict[str, TaskStatus]:
    """Every task's status the trainer wrote, in training order (an unreadable file is skipped)."""
    folder = status_dir(models_dir)
    out = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            out.append(TaskStatus.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue
    return {s.task: s for s in sorted(out, key=lambda s: (s.order, s.task))}


def clear_statuses(models_dir: Path) -> None:
    """Remove the task status files (a new trainer starts from a clean slate)."""
    folder = status_dir(models_dir)
    for path in folder.glob("*.json") if folder.is_dir() else ():
        path.unlink(missing_ok=True)


class StatusWriter:
    """One task's status as the trainer goes: a :class:`core.modeling.TrainingReporter` plus the log and the end.

    Step progress is written at most every ``interval`` seconds; a new stage, state or the end is written at once.
    ``check`` is called on every report (the trainer stops there when the app that started it is gone).
    """

    def __init__(self, models_dir: Path, task: str, order: int = 0, *, interval: float = 1.0,
                 clock: Callable[[], float] = time.time, check: Callable[[], None] | None = None) -> None:
        self.models_dir = models_dir
        self.status = TaskStatus(task, order)
        self.interval = interval
        self.clock = clock
        self.check = check
        self.last_write = float("-inf")
        self.writes = 0

    def flush(self, *, force: bool = False) -> bool:
        """Write the status if forced or ``interval`` has passed since the last write; whether it was written."""
        now = self.clock()
        if not force and now - self.last_write < self.interval:
            return False
        self.status.updated = now
        write_status(self.models_dir, self.status)
        self.last_write = now
        self.writes += 1
        return True

    def waiting(self) -> None:
        self.flush(force=True)

    def stage(self, name: str) -> None:
        if self.check is not None:
            self.check()
        now = self.clock()
        s = self.status
        if s.state != "running":
            s.state, s.started = "running", now
        if name != s.stage:
            s.stage, s.stage_started = name, now
            self.log(name)
        self.flush(force=True)

    def progress(self, step: int, total: int) -> None:
        if self.check is not None and self.clock() - self.last_write >= self.interval:
            self.check()
        self.status.step, self.status.total = step, total
        self.flush(force=step >= total)

    def log(self, line: str) -> None:
        """Keep ``line`` in the status's tail (written with the next write)."""
        self.status.log = [*self.status.log, line.strip()][-LOG_TAIL:]

    def done(self, version: str) -> None:
        s = self.status
        s.state, s.stage, s.version = "done", "", version
        self.flush(force=True)

    def failed(self, error: str, retry: str, *, state: State = "failed") -> None:
        s = self.status
        s.state, s.error, s.retry = state, error, retry
        self.log(f"{state}: {error}")
        self.flush(force=True)


# -- one trainer per models folder -----------------------------------------------------------------------------
class TrainerLock:
    """The exclusive ``flock`` a trainer holds for its whole life on ``.training/trainer.lock``.

    The operating system releases it when the process ends however it ends (``kill -9`` too), so a dead trainer
    never blocks the next one. A starter takes it first and hands the locked file to the trainer it spawns
    (:data:`LOCK_FD_ENV`), so two starters can never both spawn one.
    """

    def __init__(self, models_dir: Path) -> None:
        self.path = status_dir(models_dir) / LOCK_FILE
        self.fd: int | None = None

    def acquire(self, *, wait: float = 0.0) -> bool:
        """Take the lock (retrying for ``wait`` seconds: another process may be only peeking at it); whether it was
        taken. A lock file handed down by the starter (:data:`LOCK_FD_ENV`) is adopted as it is."""
        inherited = os.environ.pop(LOCK_FD_ENV, "")
        if inherited.isdigit():
            with contextlib.suppress(OSError):
                if os.fstat(int(inherited)).st_ino == os.stat(self.path).st_ino:
                    self.fd = int(inherited)
                    self._write_pid()
                    return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.1)
                continue
            self.fd = fd
            self._write_pid()
            return True

    def _write_pid(self, pid: int | None = None) -> None:
        assert self.fd is not None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{pid or os.getpid()}\n".encode(), 0)

    def hand_over(self, pid: int) -> None:
        """Leave the lock to process ``pid`` (spawned with the locked file open): record it and close this copy
        without unlocking (the lock belongs to the open file, which the child holds)."""
        self._write_pid(pid)
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def trainer_alive(models_dir: Path) -> bool:
    """Whether a trainer holds the lock (a shared lock taken and dropped at once: it reads, never blocks)."""
    path = status_dir(models_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock taken here
    return False


def trainer_pid(models_dir: Path) -> int | None:
    """The process id the last trainer wrote in the lock file (stop it with ``kill``), or None."""
    try:
        text = (status_dir(models_dir) / LOCK_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def remove_stale_temp(models_dir: Path) -> list[Path]:
    """Remove what a killed writer left under the task folders: ``.<version>.<pid>.tmp`` artifact folders and
    ``.CURRENT.<pid>`` files (:func:`core.modeling.save_artifact`, :func:`core.modeling.set_current`) whose process
    is gone. No loader ever reads them (they are dot-named and no ``CURRENT`` names them); this frees the disk."""
    removed = []
    for task_folder in models_dir.iterdir() if models_dir.is_dir() else ():
        if not task_folder.is_dir() or task_folder.name.startswith("."):
            continue
        for path in task_folder.glob(".*"):
            parts = path.name.split(".")
            pid = parts[-2] if path.name.endswith(".tmp") and len(parts) >= 4 else (
                parts[-1] if path.name.startswith(".CURRENT.") else "")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
