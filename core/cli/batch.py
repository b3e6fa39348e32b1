"""``batch``: many notes through the tasks (core.batch), locally or on Ray Data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from core.cli.common import (
    _emit,
    _guarded,
    app,
)


@app.command("batch")
def batch_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="A .csv or .jsonl (an id and a text column) or "
                                               "a folder of .txt files (id: the file name).")],
    out: Annotated[Path, typer.Option("--out", help="A .jsonl file, or a .parquet folder (one part per chunk).")],
    tasks: Annotated[str, typer.Option(help="Comma-separated tasks.")] = "triage,drugs,conditions,treatments",
    explain: Annotated[bool, typer.Option(help="Also explain each result's first output (slow).")] = False,
    id_column: Annotated[str, typer.Option(help="The id column (default 'id'; without one: the row number).")] = "id",
    text_column: Annotated[str, typer.Option(help="The note column.")] = "text",
    chunk_size: Annotated[int, typer.Option(help="Notes read, run and written at a time.")] = 256,
    engine: Annotated[Literal["local", "ray"], typer.Option(help="ray: Ray Data (core.batch_ray).")] = "local",
) -> None:
    """Run many notes through the tasks, one row per note (results, model versions, errors); a rerun skips the ids
    OUTPUT holds. Progress bar with notes/s on stderr; last line: JSON summary."""
    from core import batch

    def run() -> None:
        runner = batch.run_file
        if engine != "local":
            try:
                from core.batch_ray import run_file as runner
            except ImportError as exc:
                raise batch.BatchError(f"--engine ray is not available here ({exc}); use --engine local") from None
        _emit(batch.run_with_bar(runner, input_path, out, tasks=tasks, explain=explain, id_column=id_column,
                                 text_column=text_column, chunk_size=chunk_size))

    _guarded(run)
