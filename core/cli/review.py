"""The review loop: ``agreement``, ``export`` and ``review load``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from core.cli.common import (
    ActorOpt,
    _db,
    _default_actor,
    _emit,
    _err,
    _guarded,
    _task_named,
    app,
)


@app.command("agreement")
def agreement_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
) -> None:
    """Agreement between annotators on the review queue's doubly annotated items: Cohen's kappa (triage), strict and
    overlapping span F1 by label, status and attribute agreement (span tasks), per annotator pair and pooled. Last
    line: JSON with the figures and the number of doubly annotated items."""
    from core.review.agreement import format_report, pairwise
    from core.review.data import annotations

    def run() -> None:
        name = _task_named(task).name
        _db()
        report = pairwise(name, annotations(name)).as_dict()
        _err(format_report(report))
        _emit(report)

    _guarded(run)


@app.command("export")
def export_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
    fmt: Annotated[str, typer.Option("--format", help="triage: csv; drugs, conditions: jsonl, iob, spacy; "
                                     "drugs also fhir; treatments: jsonl.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (a spaCy DocBin ends in .spacy).")],
    include_single: Annotated[bool, typer.Option("--include-single", help="Also the items one annotator answered "
                                                 "alone (default: agreed or adjudicated gold only).")] = False,
    deid: Annotated[bool, typer.Option("--deid/--no-deid", help="Replace names, dates, phone numbers, e-mail "
                                       "addresses, record numbers and street addresses with typed placeholders "
                                       "(spans kept on their words). On by default: a file can leave the machine; "
                                       "--no-deid only for training here.")] = True,
    actor: ActorOpt = None,
) -> None:
    """Export the review queue's gold in a format `train TASK --data` and `evaluate TASK --data` read back unchanged
    (exact character offsets, every label), de-identified unless --no-deid. Audited as export. Last line: JSON
    counts."""
    from core import audit
    from core.exchange import export_docs
    from core.review.data import examples

    def run() -> None:
        name = _task_named(task).name
        _db()
        found = examples(name, include_single=include_single, for_export=True)
        try:
            path = export_docs(name, found.examples, fmt, out, deidentify=deid)
        except KeyError as err:  # an unknown format
            raise ValueError(err.args[0]) from None
        result = {"task": name, "format": fmt, "out": str(path), "examples": len(found.examples), "deidentified": deid,
                  "left_out_without_text": found.without_text, "left_out_single": found.single_left_out}
        audit.record(actor or _default_actor(), "export", f"gold:{name}",
                     {k: v for k, v in result.items() if k != "out"})
        typer.echo(f"wrote {len(found.examples)} {name} examples to {path}")
        _emit(result)

    _guarded(run)


review_app = typer.Typer(help="The review queue: load an admin's batch of notes to annotate.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("load")
def review_load_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
    file: Annotated[Path, typer.Argument(help=".txt (one note), .csv (a text column) or .jsonl ({\"text\"}).")],
    prefill: Annotated[bool, typer.Option(help="Pre-fill each item with the current model's output.")] = True,
    actor: ActorOpt = None,
) -> None:
    """Put a batch of notes in the task's review queue (source batch; the texts are kept for the annotators until
    the retention purge). Audited per item as review_enqueued. Last line: JSON counts."""
    from core.config import get_settings
    from core.review.intake import load_batch, read_batch

    def run() -> None:
        the_task = _task_named(task)
        notes = read_batch(file)
        predict = None
        if prefill:
            loaded = the_task.load()

            def predict(text: str) -> tuple[str, Any]:
                result = the_task.run(loaded, text)
                return result.model_version, the_task.record(result)

        _db()
        ids = load_batch(the_task.name, notes, actor=actor or _default_actor(), predict=predict,
                         overlap_share=get_settings().review_overlap_share)
        typer.echo(f"{len(set(ids))} review items for {the_task.name} from {len(notes)} notes in {file.name}")
        _emit({"task": the_task.name, "notes": len(notes), "items": len(set(ids)), "prefilled": prefill})

    _guarded(run)
