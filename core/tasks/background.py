"""The first-run trainer: the app starts it when a default model is missing, and it trains what is missing in the
background, one task at a time in the registry's order (triage first), writing its state for the app to show
(:mod:`core.training_status`).

- One trainer per models folder: it holds :class:`core.training_status.TrainerLock` for its life; the starter takes
  the lock before spawning and hands it over, so two app processes or sessions never start two.
- Resuming: it trains only the tasks with no model (``--if-missing``), and every artifact is written to a temporary
  folder and renamed when complete (:func:`core.modeling.save_artifact`), so a killed trainer leaves no model that
  could be served half-written; what it left is removed when the next one starts.
- A failing task is recorded (message and retry command) and the trainer goes on with the tasks that do not need
  it; it uses every core at a lower priority (:data:`TRAINER_NICENESS`), and stops when the app that started it is
  gone (a restart resumes).
- Last, once every missing model is trained, it measures how faithful each new model's explanations are
  (:func:`core.tasks.workflows.measure_faithfulness`, for the Model facts card); the model already serves, so a
  failure there is a warning in its status, not a failed model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.config import Settings, get_settings
from core.modeling import reporting
from core.tasks.base import Log, Task, quiet
from core.training_status import (
    LOCK_FD_ENV,
    LOG_FILE,
    StatusWriter,
    TrainerLock,
    clear_statuses,
    remove_stale_temp,
    status_dir,
    write_status,
)

_ROOT = Path(__file__).resolve().parents[2]


class Stopped(BaseException):  # noqa: N818 - not an error: the trainer's reason to end early
    """The app that started the trainer is gone: the trainer ends (a BaseException, so no task records it as a
    failure)."""


def missing(models_dir: Path | None = None) -> list[str]:
    """The tasks with no default model yet, in training order."""
    from core.tasks import TASKS

    return [t.name for t in TASKS.values() if t.current(models_dir) is None]


def waiting(models_dir: Path, names: list[str]) -> dict[str, StatusWriter]:
    """Replace the last run's status files with a waiting one for each of ``names`` (in training order)."""
    clear_statuses(models_dir)
    writers = {name: StatusWriter(models_dir, name, i) for i, name in enumerate(names)}
    for w in writers.values():
        w.waiting()
    return writers


def retry_command(task: Task) -> str:
    """What to run to train ``task`` again by hand."""
    return f"notelens train {task.name}   (or: make models)"


def trainer_command(stop_with: int | None = None) -> list[str]:
    """The trainer's command line (``python -m core.cli train all --if-missing --status``)."""
    cmd = [sys.executable, "-m", "core.cli", "train", "all", "--if-missing", "--status"]
    return cmd + (["--stop-with", str(stop_with)] if stop_with is not None else [])


#: The background trainer runs this much nicer than the app: it may use every core while nobody runs a note (the first
#: run of a 2-core machine takes about half as long as on one core), and gives them up when someone does.
TRAINER_NICENESS = 10


def trainer_threads(settings: Settings) -> int:
    """Torch threads of the background trainer: the configured number, else every core (it runs at a lower priority,
    :data:`TRAINER_NICENESS`, so a page's run still comes first)."""
    return settings.threads or (os.cpu_count() or 1)


def ensure_background_training(settings: Settings | None = None) -> bool:
    """Start the background trainer if a default model is missing and no trainer is alive; whether one was started.

    The trainer is a detached process (its own session: the app's signals are not its) that writes its output to
    ``<models>/.training/train.log`` and stops when this process is gone.
    """
    settings = settings or get_settings()
    models_dir = settings.models_dir
    todo = missing(models_dir)
    if not todo:
        return False
    lock = TrainerLock(models_dir)
    if not lock.acquire():
        return False
    assert lock.fd is not None
    waiting(models_dir, todo)  # the panel shows the plan at once, not the last run's states while torch loads
    env = {**os.environ, "NOTELENS_MODELS_DIR": str(models_dir), "NOTELENS_THREADS": str(trainer_threads(settings)),
           LOCK_FD_ENV: str(lock.fd)}
    try:
        with (status_dir(models_dir) / LOG_FILE).open("ab") as log:
            proc = subprocess.Popen(trainer_command(os.getpid()), cwd=_ROOT, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, pass_fds=(lock.fd,),
                                    start_new_session=True)
    except BaseException:
        lock.release()
        raise
    lock.hand_over(proc.pid)
    threading.Thread(target=proc.wait, name="notelens-trainer-reaper", daemon=True).start()
    return True


def faithfulness_notes(settings: Settings) -> int:
    """Held-out notes the trainer explains per trained model: the setting, else 10 (2 with the tiny preset, whose
    models are for tests and demos)."""
    if settings.faithfulness_notes is not None:
        return settings.faithfulness_notes
    return 2 if settings.train_preset == "tiny" else 10


def measure_explanations(tasks: list[Task], writers: dict[str, StatusWriter], models_dir: Path, n_notes: int, *,
                         log: Log = quiet, check: Callable[[], None] | None = None) -> None:
    """The trainer's last stage: the faithfulness of each of ``tasks``' new model, shown as the stage of a status
    that stays done (the model serves meanwhile; its "trained in" time is not stretched). A failure is logged and
    kept in the status as a warning with the command that measures again."""
    from core.tasks import workflows as wf

    for task in tasks:
        if check is not None:
            check()
        w = writers[task.name]

        def both(msg: str, w: StatusWriter = w) -> None:
            log(msg)
            w.log(msg)

        w.status.stage = "measuring explanations"
        w.log(w.status.stage)
        write_status(models_dir, w.status)  # not flush(): the status's end time stays the training's
        try:
            wf.measure_faithfulness(task, n_notes=n_notes, model=task.current(models_dir), log=both)
        except Exception as exc:  # the model serves all the same
            log(traceback.format_exc())
            w.status.error = f"explanations not measured ({type(exc).__name__}: {exc}); the model serves"
            w.status.retry = f"notelens evaluate {task.name} --faithfulness"
            both(f"warning: {w.status.error}")
        w.status.stage = ""
        write_status(models_dir, w.status)


def run_trainer(*, models_dir: Path | None = None, log: Log = quiet, stop_with: int | None = None,
                on_trained: Callable[[dict[str, Any]], None] | None = None,
                interval: float = 1.0) -> list[dict[str, Any]] | None:
    """Train every missing default model with status files (what ``train all --if-missing --status`` runs).

    Args:
        stop_with: Stop when this process (the app that started the trainer, its parent) is gone.
        on_trained: Called with each trained task's summary as soon as it is saved (the CLI audits it).
        interval: Least seconds between two progress writes of a status file.

    Returns:
        Each trained task's summary (as :func:`core.tasks.workflows.train`), or None when another trainer holds the
        lock.
    """
    from core.tasks import TASKS
    from core.tasks.workflows import train

    models_dir = models_dir or get_settings().models_dir
    lock = TrainerLock(models_dir)
    if not lock.acquire(wait=2.0):
        log("another trainer is running for this models folder")
        return None

    def check() -> None:
        if stop_with is not None and os.getppid() != stop_with:
            raise Stopped

    try:
        for path in remove_stale_temp(models_dir):
            log(f"removed {path} (left by a trainer that was stopped)")
        todo = [TASKS[name] for name in missing(models_dir)]
        writers = waiting(models_dir, [t.name for t in todo])
        for w in writers.values():
            w.interval, w.check = interval, check
        failed: set[str] = set()
        results = []
        for i, task in enumerate(todo):
            w = writers[task.name]
            blocked = [r for r in task.requires if r in failed]
            if blocked:
                failed.add(task.name)
                w.failed(f"not trained: it needs the {', '.join(blocked)} model, which failed to train",
                         retry_command(task), state="skipped")
                continue

            def both(msg: str, w: StatusWriter = w) -> None:
                log(msg)
                w.log(msg)

            try:
                with reporting(w):
                    w.stage("starting")
                    result = train(task, if_missing=True, models_dir=models_dir, progress=False, log=both)
            except Stopped:
                for rest in todo[i:]:
                    writers[rest.name].failed("the app that started the trainer stopped; starting it again resumes",
                                              retry_command(rest), state="stopped")
                log("the app that started the trainer is gone: stopping (a restart resumes)")
                return results
            except Exception as exc:  # a failing task is recorded and the others go on
                failed.add(task.name)
                log(traceback.format_exc())
                w.failed(f"{type(exc).__name__}: {exc}", retry_command(task))
                continue
            w.done(result["version"])
            results.append(result)
            if on_trained is not None:
                on_trained(result)
        trained = [TASKS[r["task"]] for r in results if r.get("trained", True)]
        n_notes = faithfulness_notes(get_settings())
        try:
            if n_notes > 0:
                measure_explanations(trained, writers, models_dir, n_notes, log=log, check=check)
        except Stopped:
            log("the app that started the trainer is gone: stopping before every explanation was measured")
        return results
    finally:
        lock.release()
