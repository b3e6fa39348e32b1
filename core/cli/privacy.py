"""Retention: ``hash``, ``purge`` and ``forget`` (note texts kept with feedback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.cli.common import (
    ActorOpt,
    _db,
    _default_actor,
    _emit,
    _err,
    _guarded,
    _read_note,
    app,
)


@app.command("hash")
def note_hash_command(
    file: Annotated[Path | None, typer.Argument(help="Note file (default: standard input).")] = None,
) -> None:
    """Print the SHA-256 a prediction stores for this note (of the cleaned note, as the pages hash it), for
    `notelens forget --note-hash`. Read it from a file: never type a note on a command line."""
    from core.db.store import hash_text

    text = _read_note(file)
    out = {"note_hash": hash_text(text)}
    trimmed = text.strip()
    if trimmed != text:  # a pasted note usually lacks the file's final newline: that is another hash
        out["note_hash_trimmed"] = hash_text(trimmed)
        _err("the file starts or ends with blank space; the same note pasted on a page without it has the second "
             "hash (note_hash_trimmed): forget both")
    _emit(out)


@app.command("purge")
def purge_command(
    older_than_days: Annotated[int | None, typer.Option("--older-than-days", min=0, help="Clear texts stored more "
                                                        "than this many days ago (default: NOTELENS_RETENTION_DAYS; "
                                                        "0: all of them).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be cleared.")] = False,
    actor: ActorOpt = None,
) -> None:
    """Clear the note texts kept with feedback (and the note's words in comments and corrections) once older than
    the retention. Audited as notes_purged (not a dry run). Last line: JSON counts."""
    from core.db.retention import purge

    def run() -> None:
        _db()
        report = purge(older_than_days, actor=actor or _default_actor(), dry_run=dry_run)
        verb = "would clear" if dry_run else "cleared"
        typer.echo(f"{verb} {report.note_texts} note texts, {report.comments} comments and {report.corrections} "
                   f"corrections on {report.rows} feedback rows stored before {report.cutoff:%Y-%m-%d %H:%M} UTC")
        _emit(report.as_dict())

    _guarded(run)


@app.command("forget")
def forget_command(
    note_hash: Annotated[str, typer.Option("--note-hash", help="The note's SHA-256 (`notelens hash < note.txt`).")],
    actor: ActorOpt = None,
) -> None:
    """Delete every prediction of one note and all feedback on it (with any kept text). Audited as note_forgotten,
    also when nothing matched. Last line: JSON counts."""
    from core.db.retention import check_note_hash, forget

    def run() -> None:
        h = check_note_hash(note_hash)  # before touching the database
        _db()
        report = forget(h, actor=actor or _default_actor())
        typer.echo(f"deleted {report.predictions} predictions and {report.feedback} feedback rows of note {h[:12]}…")
        _emit(report.as_dict())

    _guarded(run)
