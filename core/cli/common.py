"""What every command group shares: the root Typer app, output (last line JSON), turning a user's mistake into
exit status 2, and the options several groups take."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from core.tasks import ModelMissing, Task, get_task

app = typer.Typer(help="NoteLens: clinical-note triage, medications, conditions and treatment suggestions.",
                  no_args_is_help=True, add_completion=False)


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _emit(result: dict[str, Any]) -> None:
    typer.echo(json.dumps(result, sort_keys=True, default=str))


def _guarded(fn: Callable[[], None]) -> None:
    """Run ``fn``, turning a user's mistake (a bad file, a missing model) into a message and exit status 2."""
    try:
        fn()
    except (ValueError, ModelMissing) as exc:
        _err(str(exc))
        raise typer.Exit(2) from None


def _label_map(pairs: list[str] | None) -> dict[str, str] | None:
    from core.ner.data import parse_label_map

    return parse_label_map(pairs) if pairs else None


DataOpt = Annotated[Path | None, typer.Option("--data", "--indications", exists=True, dir_okay=False,
                                                 readable=True, help="Your labelled file (see the task's help).")]
LabelMapOpt = Annotated[list[str] | None, typer.Option(
    "--label-map", help="Rename the file's labels, e.g. Chemical=DRUG (repeatable); unmapped labels are ignored.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Artifact folder (default: the current one).")]


def _read_note(file: Path | None) -> str:
    from core.text import NoteError, read_upload

    raw = file.read_bytes() if file else sys.stdin.buffer.read()
    try:  # the same gate as the pages' upload: what is not text is refused, not read as latin-1
        return read_upload(raw, file.name if file else "standard input")
    except NoteError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None


def _db() -> None:
    from core.db.engine import init_db

    init_db()


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def _default_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:128]
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli"


ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who is doing it, for the audit trail (default: "
                                              "cli:<your OS user>; `make run` uses 'system').")]


def _task_named(name: str) -> Task:
    try:
        return get_task(name)
    except KeyError as exc:  # a user's typo: a message and exit status 2
        raise ValueError(exc.args[0]) from None
