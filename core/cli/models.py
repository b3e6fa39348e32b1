"""The model registry: ``models list|compare|promote|rollback|register-eval|unregister-eval|facts``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from core.cli.common import (
    ActorOpt,
    LabelMapOpt,
    _db,
    _default_actor,
    _emit,
    _err,
    _guarded,
    _label_map,
    _task_named,
    app,
)
from core.tasks import TASKS

models_app = typer.Typer(help="Saved model versions, which one serves, promote and roll back (audited).",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the history and the audit trail, "
                                               "at most 200 characters).")]


@models_app.command("list")
def models_list(
    task: Annotated[str | None, typer.Argument(help="One task (default: every task).")] = None,
) -> None:
    """Each task's saved versions, newest first: figures at training, every recorded evaluation, which one serves.
    Last line: JSON {"tasks": {TASK: {"serving": VERSION, "versions": [...]}}}; each version's
    ``evaluation_summary`` holds the latest headline figures per evaluation set."""
    from core import registry
    from core.tasks.comparison import summary

    def run() -> None:
        out: dict[str, Any] = {}
        for t in [_task_named(task)] if task else TASKS.values():
            found = registry.versions(t)
            out[t.name] = {"artifact": t.artifact, "serving": registry.serving(t),
                           "versions": [{**d, "evaluation_summary": summary(d["evaluations"])}
                                        for d in (v.to_dict() for v in found)]}
            for v in found:
                _err(f"{t.name:<11} {'*' if v.serving else ' '} {v.version}  {v.created}  n_train={v.n_train}  "
                     f"{len(v.evaluations)} evaluation(s)")
        _emit({"tasks": out})

    _guarded(run)


TaskArg = Annotated[str, typer.Argument(help="Task (triage, drugs, conditions, treatments).")]


@models_app.command("promote")
def models_promote(
    task: TaskArg,
    version: Annotated[str, typer.Argument(help="The version to serve (`notelens models list TASK`).")],
    reason: ReasonOpt = None,
    override: Annotated[str | None, typer.Option("--override", help="Promote even if it is worse on the locked "
                                                 "split: why (recorded with both scores).")] = None,
    actor: ActorOpt = None,
) -> None:
    """Check VERSION against the serving model (see `models compare`) and make it serve (pages use it from their
    next run), unless it is worse on the locked split: then exit status 1, unless --override says why. Audited as
    model_promoted. Last line: JSON {task, action, from_version, to_version, changed, message, comparison}, or
    when refused {refused, metric, candidate_score, serving_score, message}."""
    from core.tasks import comparison as cmp

    def run() -> None:
        _db()
        done = cmp.promote_checked(_task_named(task), version, actor=actor or _default_actor(), reason=reason,
                                   override_reason=override, log=_err)
        if done.report:  # none when nothing served yet, or the version already serves
            _err("\n".join(done.report.lines()))
        _err(str(done.refused) if done.refused else done.switch.message if done.switch else "")
        _emit(done.to_dict())
        if done.refused:
            raise typer.Exit(1)

    _guarded(run)


@models_app.command("compare")
def models_compare(
    task: TaskArg,
    candidate: Annotated[str | None, typer.Argument(help="Default: the newest version that does not serve.")] = None,
    serving: Annotated[str | None, typer.Argument(help="Default: the serving version.")] = None,
) -> None:
    """Score CANDIDATE and SERVING in one run on the same examples: the locked gold split, the synthetic held-out
    notes and every registered file (each measurement recorded beside both versions, with item outcomes, no text).
    The report says which items turned wrong -> right and back. Last line: JSON."""
    from core.tasks import comparison as cmp

    def run() -> None:
        _db()
        t = _task_named(task)
        report = cmp.compare_versions(t, *cmp.pick(t, candidate, serving), log=_err)
        _err("\n".join(report.lines()))
        _emit(report.to_dict())

    _guarded(run)


@models_app.command("register-eval")
def models_register_eval(
    task: TaskArg,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A labelled file in the task's --data format.")],
    label_map: LabelMapOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Score FILE in every comparison of the task's versions (kept in EVALSETS.json beside them). Last line: JSON."""
    from core.tasks import comparison as cmp

    _guarded(lambda: _emit(cmp.register_eval_file(_task_named(task), file, _label_map(label_map),
                                                  actor=actor or _default_actor()).model_dump()))


@models_app.command("unregister-eval")
def models_unregister_eval(task: TaskArg, file: Annotated[Path, typer.Argument(help="A registered file.")]) -> None:
    """Stop scoring FILE in comparisons (its past measurements stay recorded). Last line: JSON of the entry."""
    from core.tasks import comparison as cmp

    _guarded(lambda: _emit(cmp.unregister_eval_file(_task_named(task), file).model_dump()))


@models_app.command("rollback")
def models_rollback(
    task: TaskArg,
    reason: ReasonOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Serve again the version that served before the current one (from the task's HISTORY.jsonl; without one, the
    version created before it). Audited as model_rolled_back. Last line: JSON as for promote."""
    from core import registry

    def run() -> None:
        _db()
        switch = registry.rollback(_task_named(task), actor=actor or _default_actor(), reason=reason)
        _err(switch.message)
        _emit(switch.to_dict())

    _guarded(run)


@models_app.command("facts")
def models_facts(
    task: Annotated[str | None, typer.Argument(help="One task (default: every task).")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Also write the cards as Markdown here.")] = None,
) -> None:
    """The Model facts card of each serving model (what the Model facts page shows): the Markdown on stderr, and last
    line JSON {"facts": {TASK: card}} with every figure read from the model's metadata and recorded evaluations."""
    from core import facts

    def run() -> None:
        cards = [facts.build(t) for t in ([_task_named(task)] if task else TASKS.values())]
        text = "\n\n".join(facts.facts_markdown(c) for c in cards)
        _err(text)
        if markdown is not None:
            markdown.write_text(text + "\n", encoding="utf-8")
        _emit({"facts": {c.task: c.to_dict() for c in cards}})

    _guarded(run)
