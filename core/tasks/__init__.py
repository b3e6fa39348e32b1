"""The registry of NoteLens tasks (as transformers has ``SUPPORTED_TASKS``): everything that loads, runs, explains,
trains, evaluates or takes feedback for "a task" looks it up here, so a task exists everywhere once it is listed.

Order matters: ``train all`` trains in this order, and a task's requirements come before it.
"""

from __future__ import annotations

from core.tasks.base import ModelMissing, Target, Task, Trained
from core.tasks.conditions import ConditionTask
from core.tasks.drugs import DrugTask
from core.tasks.treatments import TreatmentTask
from core.tasks.triage import TriageTask

TASKS: dict[str, Task] = {t.name: t for t in (TriageTask(), DrugTask(), ConditionTask(), TreatmentTask())}


def get_task(name: str) -> Task:
    """The task called ``name`` (or one of its aliases: ``ranker`` is ``treatments``).

    Raises:
        KeyError: no such task (the message lists the known ones).
    """
    key = name.strip().lower()
    for task in TASKS.values():
        if key == task.name or key in task.aliases:
            return task
    raise KeyError(f"unknown task {name!r}; choose one of {', '.join(task_names())}")


def task_names(*, aliases: bool = False) -> list[str]:
    """The registry's task names (with their aliases when asked)."""
    return [n for t in TASKS.values() for n in (t.name, *(t.aliases if aliases else ()))]


__all__ = ["TASKS", "ModelMissing", "Target", "Task", "Trained", "get_task", "task_names"]
