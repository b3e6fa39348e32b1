"""``train``, ``evaluate`` and ``predict``: one command per registered task, the same options for each."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from core.cli.common import (
    DataOpt,
    LabelMapOpt,
    ModelOpt,
    _db,
    _default_actor,
    _emit,
    _err,
    _guarded,
    _label_map,
    _read_note,
    app,
)
from core.tasks import TASKS, Task, get_task
from core.tasks import workflows as wf

train_app = typer.Typer(help="Train models (default models from synthesized notes, or on your own data).",
                        no_args_is_help=True)
evaluate_app = typer.Typer(help="Measure a trained model on labelled data (last line: JSON).", no_args_is_help=True)
predict_app = typer.Typer(help="Run a trained model on a note (JSON).", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(predict_app, name="predict")


def _train_command(task: Task) -> Callable[..., None]:
    def command(
        data: DataOpt = None,
        label_map: LabelMapOpt = None,
        init: Annotated[str, typer.Option(help="With --data: start from the 'default' model or the 'base' encoder.")]
        = "default",
        epochs: Annotated[float | None, typer.Option(help="Epochs over the training data.")] = None,
        notes: Annotated[int | None, typer.Option(help="Synthesized notes for the default model.")] = None,
        seed: Annotated[int | None, typer.Option(help="Random seed (default: the shipped model's).")] = None,
        cv: Annotated[int, typer.Option(help="With --data: k-fold cross-validation instead of one model.")] = 0,
        if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing when a model already exists.")]
        = False,
        with_feedback: Annotated[bool, typer.Option("--with-feedback", help="Add the notes people corrected on the "
                                                    "pages to the training data.")] = False,
        balance: Annotated[bool, typer.Option("--balance", help="Weight the loss by inverse label frequency "
                                              "(triage; on MTSamples 5-fold it lowered fold-1 macro-F1 0.80 -> "
                                              "0.75).")] = False,
        overrides: Annotated[list[str] | None, typer.Option("--set", help="Any training option, NAME=VALUE "
                                                               "(repeatable), e.g. --set max_seconds=600.")] = None,
    ) -> None:
        def run() -> None:
            options = wf.parse_overrides(task, overrides or [])
            options.update({k: v for k, v in (("epochs", epochs), ("n_notes", notes), ("seed", seed)) if v is not None})
            if balance:
                options["balance_classes"] = True
            if init not in ("default", "base"):
                raise ValueError("--init is 'default' or 'base'")
            result = wf.train(task, data=data, label_map=_label_map(label_map), init=init,
                              with_feedback=with_feedback, cv=cv, if_missing=if_missing, log=_err, **options)
            _audit_models([result])
            _emit(result)

        _guarded(run)

    command.__doc__ = f"{task.description} Default: trained on synthesized notes. --data: {task.data_help}"
    return command


def _audit_models(results: list[dict[str, Any]]) -> None:
    """A newly trained model is the one the pages use from their next run: a model change, audited as
    ``model_promoted`` (by ``cli:<OS user>``) with where its data came from."""
    trained = [r for r in results if r.get("trained") and r.get("serving", True)]  # a candidate serves nothing yet
    if not trained:
        return
    from core import audit

    _db()
    for r in trained:
        audit.record(_default_actor(), "model_promoted", f"model:{r['task']}/{r['version']}",
                     {"n_train": r.get("n_train"), "source": str(r.get("source") or "")[-200:]})


def _evaluate_command(task: Task) -> Callable[..., None]:
    def command(
        data: DataOpt = None,
        label_map: LabelMapOpt = None,
        model: ModelOpt = None,
        details: Annotated[Path | None, typer.Option(help="Also write per-item results (JSON) here.")] = None,
        dictionary: Annotated[bool, typer.Option(
            "--dictionary", help="Score the task's dictionaries alone, no model (span tasks, with --data): "
                                 "the floor a model has to beat.")] = False,
        faithfulness: Annotated[bool, typer.Option(
            "--faithfulness", help="Measure how faithful the explanations are instead (ERASER comprehensiveness "
                                   "and sufficiency of the first output of --notes synthesized held-out notes); "
                                   "recorded for the Model facts card.")] = False,
        notes: Annotated[int, typer.Option(help="With --faithfulness: how many notes to explain.")] = 10,
    ) -> None:
        def run() -> None:
            if faithfulness:
                if data is not None or dictionary:
                    raise ValueError("--faithfulness measures on the synthesized held-out notes: no --data or "
                                     "--dictionary")
                _emit({"task": task.name, **wf.measure_faithfulness(task, n_notes=notes, model=model, log=_err)})
                return
            result = wf.evaluate(task, data=data, label_map=_label_map(label_map), model=model,
                                 dictionary=dictionary, log=_err)
            rows = result.pop("details", None)
            if details is not None and rows is not None:
                details.write_text(json.dumps(rows, indent=1), encoding="utf-8")
            report = task.report(result)
            if report:
                _err(report)
            _emit(result)

        _guarded(run)

    command.__doc__ = (f"Measure the {task.name} model on --data ({task.data_help}) or, without it, on the "
                       "synthesized held-out notes (--faithfulness: how faithful its explanations are). The result "
                       "is also recorded beside the model.")
    return command


def _predict_command(task: Task) -> Callable[..., None]:
    def command(
        file: Annotated[Path | None, typer.Argument(help="Note file (default: standard input).")] = None,
        model: ModelOpt = None,
        explain: Annotated[bool, typer.Option(help="Also print the words that drove the output.")] = False,
        targets: Annotated[int, typer.Option(help="With --explain: how many outputs to explain, first first.")] = 1,
        fmt: Annotated[str, typer.Option("--format", help="json, or a task's own format (drugs: fhir).")] = "json",
        fhir: Annotated[bool, typer.Option("--fhir", help="Same as --format fhir.")] = False,
    ) -> None:
        text = _read_note(file)

        def run() -> None:
            name = "fhir" if fhir else fmt
            formats = task.formats()
            if name != "json" and name not in formats:
                raise ValueError(f"{task.name} has no format {name!r} (json{''.join(', ' + f for f in formats)})")
            loaded = task.load(model)
            result = task.run(loaded, text)
            if name != "json":
                typer.echo(formats[name](result))
                return
            out = result.to_dict()
            if explain:
                out["explanations"] = [_explanation(task.explain(loaded, text, result, t.key))
                                       for t in task.targets(result)[:targets]]
                if out["explanations"]:
                    out["explanation"] = out["explanations"][0]
            _emit(out)

        _guarded(run)

    command.__doc__ = f"{task.description} One note in, JSON out."
    return command


def _explanation(exp: Any) -> dict[str, Any]:
    return {"target": exp.target, "method": exp.method, "delta": exp.delta,
            "comprehensiveness": exp.comprehensiveness, "sufficiency": exp.sufficiency,
            "top_words": [[w.text, round(w.score, 4)] for w in exp.top(10)]}


for _task in TASKS.values():
    for _name in (_task.name, *_task.aliases):
        hidden = _name != _task.name
        train_app.command(_name, hidden=hidden)(_train_command(_task))
        evaluate_app.command(_name, hidden=hidden)(_evaluate_command(_task))
        predict_app.command(_name, hidden=hidden)(_predict_command(_task))


@train_app.command("all")
def train_all(
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Skip models that already exist.")] = False,
    status: Annotated[bool, typer.Option("--status", help="As the app's first-run trainer: write each task's "
                                         "progress under <models>/.training/ (the app's training panel), hold the "
                                         "trainer lock, record a failing task and go on with the others (implies "
                                         "--if-missing).")] = False,
    stop_with: Annotated[int | None, typer.Option("--stop-with", hidden=True, help="With --status: stop when this "
                                                  "parent process is gone.")] = None,
) -> None:
    """Train every default model from synthesized notes, in order (what `make models` calls; `make run`'s app
    runs it with --status in the background)."""
    import time

    t0 = time.perf_counter()
    def run() -> None:
        if status:
            from core.tasks.background import TRAINER_NICENESS, run_trainer

            if stop_with is not None and hasattr(os, "nice"):  # the app's trainer: a page's run comes first
                os.nice(TRAINER_NICENESS)

            results = run_trainer(log=_err, stop_with=stop_with, on_trained=lambda r: _audit_models([r]))
            _emit({"tasks": results or [], "another_trainer_running": results is None})
            return
        results = wf.train_all(if_missing=if_missing, log=_err)
        _audit_models(results)
        _emit({"tasks": results})

    _guarded(run)
    _err(f"{'trainer ended' if status else 'default models ready'} after {time.perf_counter() - t0:.0f} s")


@evaluate_app.command("interactions")
def evaluate_interactions(
    pairs: Annotated[Path | None, typer.Option("--pairs", help="TSV with columns drug_a, drug_b (names): recall over "
                                               "the pairs the drug model recognizes.", exists=True, dir_okay=False)]
    = None,
    standard: Annotated[bool, typer.Option("--standard", help="Precision: the share of guideline combinations "
                                           "(core/knowledge/data/standard_combinations.yaml) raising a major flag.")]
    = False,
    burden: Annotated[int, typer.Option("--burden", help="Alert burden: flags per note by severity over this many "
                                        "synthesized notes' current medications (gold, no model).")] = 0,
    seed: Annotated[int, typer.Option(help="With --burden: the synthesizer's seed.")] = 13,
    details: Annotated[Path | None, typer.Option(help="Also write the missed pairs (JSON) here.")] = None,
) -> None:
    """Interaction checks: recall over known pairs (--pairs), precision on guideline combinations (--standard),
    flags per note (--burden N). Last line: JSON (the --standard and --burden figures under their own keys)."""
    import time

    from core.modeling import progress_bar
    from core.treatments import evaluate as ev
    from core.treatments.interactions import default_checker

    def run() -> None:
        if pairs is None and not standard and burden <= 0:
            raise ValueError("give --pairs FILE, --standard and/or --burden N")
        checker = default_checker()
        result: dict[str, Any] = {}
        if pairs is not None:
            drugs = get_task("drugs").load()
            t0 = time.perf_counter()
            result = ev.evaluate_interactions(drugs, checker, pairs, progress=progress_bar("pairs"))
            missed = result.pop("missed")
            if details:
                details.write_text(json.dumps(missed, indent=1), encoding="utf-8")
            result.update(drug_model=drugs.version, seconds=round(time.perf_counter() - t0, 1))
        if standard:
            from core.knowledge.interactions import standard_combinations

            t0 = time.perf_counter()
            std = ev.evaluate_standard(checker, standard_combinations().combinations)
            std["seconds"] = round(time.perf_counter() - t0, 1)
            for row in std["flagged_major"]:
                _err(f"major on a standard combination: {row['id']} ({row['pair']}): {'; '.join(row['fired'])}")
            result["standard"] = std
        if burden > 0:
            from core.synth.generator import NoteSynthesizer

            t0 = time.perf_counter()
            notes = NoteSynthesizer(seed=seed).generate(burden)
            out = ev.alert_burden(checker, [ev.current_medications(n) for n in notes])
            out.update(seed=seed, seconds=round(time.perf_counter() - t0, 1))
            result["burden"] = out
        _emit(result)

    _guarded(run)
