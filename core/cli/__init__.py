"""NoteLens command line: ``notelens {train,evaluate,predict} <task> ...`` (or ``python -m core.cli``), plus
``notelens users ...`` (who can sign in), ``notelens audit {verify,list}``, ``notelens models {list,compare,promote,
rollback,register-eval,unregister-eval}`` (which model version serves, checked before it does) and the retention
commands ``notelens {purge,forget,hash}``; ``notelens report FILE --out report.html`` writes a note's case report.

Every task of the registry (:data:`core.tasks.TASKS`) gets the same commands with the same options, so a task
has ``train --data``, ``train --with-feedback``, ``evaluate --data`` and ``predict --explain`` because it is
registered. Long-running commands show progress bars on stderr; ``train`` and ``evaluate`` print their result
as one JSON object on the last line of stdout.
"""

from __future__ import annotations

# Each module adds its commands to the one Typer app when imported.
from core.cli import accounts, batch, models, privacy, report, review, tasks  # noqa: F401
from core.cli.common import app


def main() -> None:  # pragma: no cover - entry point
    app()


__all__ = ["app", "main"]
