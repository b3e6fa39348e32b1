"""``report``: one note's case report (core.report) as a self-contained HTML file, and optionally a PDF."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from core.cli.common import _default_actor, _emit, _err, _guarded, _read_note, app
from core.tasks import ModelMissing, get_task


def run_and_explain(text: str, names: list[str], models: dict[str, Any], *, explain: bool = True
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each task's result on ``text`` (the treatment engine reuses the drug and condition results, as batch runs do)
    and, with ``explain``, the explanation of its first target by the task's default method (a task whose result
    has nothing to explain, or a treatment engine without a ranker, has none)."""
    from core.batch import batched_results

    done: dict[str, list[Any]] = {}
    explanations: dict[str, Any] = {}
    for name in names:
        done[name] = batched_results(name, models[name], [text], done)
        task, result = get_task(name), done[name][0]
        targets = task.targets(result) if explain else []
        if targets:
            # a treatment engine without a trained ranker orders by the knowledge base: nothing to explain
            with contextlib.suppress(ModelMissing):
                explanations[name] = task.explain(models[name], text, result, targets[0].key)
    return {n: done[n][0] for n in names}, explanations


@app.command("report")
def report_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, readable=True,
                                         help="The note, a text file.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML report to write (one self-contained file).")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the report as a PDF here.")] = None,
    tasks: Annotated[str, typer.Option(help="Comma-separated tasks.")] = "triage,drugs,conditions,treatments",
    deid: Annotated[bool, typer.Option("--deid/--no-deid", help="Replace names, dates, phone numbers, e-mail "
                                       "addresses, record numbers and street addresses by placeholders (the default, "
                                       "as on the pages: a report is made to be handed out); --no-deid keeps the "
                                       "note as written.")] = True,
    explain: Annotated[bool, typer.Option("--explain/--no-explain", help="Explain each result's first output "
                                          "(seconds per task on a CPU).")] = True,
    user: Annotated[str | None, typer.Option("--user", help="Who the report names (default: cli:<your OS user>).")
                    ] = None,
    title: Annotated[str, typer.Option(help="The report's title.")] = "NoteLens case report",
) -> None:
    """Run the tasks on one note and write its case report: the note (de-identified by default), every result with
    its model version, the explanations as highlighted text, the suggestions with their basis and flags, the date
    and the user. Last line: JSON {out, pdf, tasks, versions, deidentified, explained}."""
    from core import batch
    from core.report import build_report, render_html, render_pdf

    text = _read_note(file)

    def run() -> None:
        names = batch.task_list(tasks)
        try:
            models = batch.load_models(names)
        except ModelMissing as exc:
            raise ModelMissing(f"{exc} (or leave the task out with --tasks)") from None
        results, explanations = run_and_explain(text, names, models, explain=explain)
        report = build_report(text, results, explanations, user=user or _default_actor(), title=title,
                              deidentify=deid)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render_html(report), encoding="utf-8")
            if pdf is not None:
                pdf.parent.mkdir(parents=True, exist_ok=True)
                pdf.write_bytes(render_pdf(report))
        except OSError as exc:
            raise ValueError(f"cannot write the report: {exc}") from None
        if report.covered:
            _err(f"note: {report.covered} finding(s) covered an identifier; read the report before sharing it")
        _emit({"out": str(out), "pdf": str(pdf) if pdf is not None else None, "tasks": names,
               "versions": report.versions, "deidentified": report.deidentified, "explained": sorted(explanations)})

    _guarded(run)
