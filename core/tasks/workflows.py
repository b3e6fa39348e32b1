"""What people do with any task, written once over the task interface: train it (default data, their own data,
people's corrections, cross-validation), evaluate it (a file, or the synthetic held-out notes), record feedback.

The CLI, the pages and batch runs call these; they never name a task's modules.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.config import get_settings
from core.modeling import load_info, record_evaluation
from core.tasks.base import Log, Task, quiet


def parse_overrides(task: Task, pairs: Sequence[str]) -> dict[str, Any]:
    """``["epochs=2", "tiny=true"]`` -> config overrides, each value converted to its field's type.

    Raises:
        ValueError: not ``name=value``, an unknown field, or a value of the wrong type.
    """
    kinds = {f.name: f.type for f in dataclasses.fields(task.config_class)}
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        if name not in kinds:
            raise ValueError(f"{task.name} has no training option {name!r} (known: {', '.join(sorted(kinds))})")
        kind = str(kinds[name])
        try:
            if "bool" in kind:
                if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(value)
                out[name] = value.lower() in ("1", "true", "yes")
            elif "None" in kind and value.lower() == "none":
                out[name] = None
            elif "tuple" in kind:
                out[name] = tuple(v.strip() for v in value.split(",") if v.strip())
            elif "int" in kind and "float" not in kind:
                out[name] = int(value)
            elif "float" in kind:
                out[name] = float(value)
            else:
                out[name] = value
        except ValueError:
            raise ValueError(f"{name}={value!r} is not a valid {kind}") from None
    return out


#: How many times a gold example counts in training, by how it was decided: an answer two annotators agreed on, or
#: an adjudicator settled, is worth twice one annotator's answer (repeated, so every task's trainer takes it).
GOLD_WEIGHT = {"unanimous": 2, "adjudicated": 2, "single": 1}


def stored_feedback(task: Task) -> list[Any]:
    """Training examples from people: every stored correction of ``task`` that carries its note (oldest first), then
    the review queue's gold outside the locked evaluation split, weighted by :data:`GOLD_WEIGHT`. A note with gold
    is taken from the gold only (the annotators' answer supersedes the page's correction)."""
    from core.db.engine import init_db
    from core.db.store import iter_feedback
    from core.review.data import gold, locked, to_examples

    init_db()
    if task.name not in ("triage", "drugs", "conditions", "treatments"):  # the tasks of the review queue
        return task.feedback_examples(iter_feedback(task.name))
    all_gold = [g for g in gold(task.name) if g.note_text and g.answer is not None]
    reviewed = {g.note_text for g in all_gold}  # a locked note is not trained on through its page feedback either
    golden = [g for g in all_gold if not locked(g.note_hash)]
    out = [ex for ex in task.feedback_examples(iter_feedback(task.name)) if _text_of(ex) not in reviewed]
    for g in golden:
        out.extend(to_examples(task.name, g.note_text, g.answer) * GOLD_WEIGHT.get(g.method, 1))
    return out


def _text_of(example: Any) -> str:
    return example[0] if isinstance(example, tuple) else getattr(example, "text", "")


def train(task: Task, *, data: Path | None = None, label_map: dict[str, str] | None = None, init: str = "default",
          with_feedback: bool = False, cv: int = 0, if_missing: bool = False, models_dir: Path | None = None,
          progress: bool = True, log: Log = quiet, **overrides: Any) -> dict[str, Any]:
    """Train ``task`` and return a summary (the JSON the CLI prints last).

    Args:
        data: A user's labelled file (:meth:`Task.read_data`); None trains the default model on synthesized data.
        label_map: Renames the file's labels (unmapped ones are dropped).
        init: With ``data``: start from the ``default`` (current) model, or the ``base`` encoder.
        with_feedback: Add the examples people's stored corrections make (:func:`stored_feedback`).
        cv: With ``data``: k-fold cross-validation instead of one saved model.
        if_missing: Do nothing when the task already has a model.
        overrides: Training config fields (:meth:`Task.config`).
    """
    if if_missing and task.current(models_dir) is not None:
        log(f"{task.name} model present: {task.current(models_dir).name}")
        return {"task": task.name, "version": task.current(models_dir).name, "trained": False}
    # The default model's training takes the configured preset (NOTELENS_TRAIN_PRESET); explicit options win.
    preset = task.preset(get_settings().train_preset) if data is None else {}
    config = task.config(user_data=data is not None,
                         **{**preset, **{k: v for k, v in overrides.items() if v is not None}})
    examples = None if data is None else task.read_data(data, label_map)
    start = None
    if data is not None and init == "default":
        start = task.current(models_dir)
        if start is None:
            log(f"no default {task.name} model yet: starting from the base encoder")
    feedback = stored_feedback(task) if with_feedback else []
    if with_feedback:
        log(f"adding {len(feedback)} examples from people's corrections")
    source = str(data) if data is not None else f"synthetic(seed={config.seed})"
    source += "+feedback" if with_feedback else ""
    if cv:
        if examples is None:
            raise ValueError("cross-validation needs your own data (--data)")
        return cross_validate(task, examples, config, cv, start, progress=progress, log=log)
    # A model retrained on people's answers is a candidate: it serves only once an admin promotes it (notelens models
    # promote, the Models page), unless there is no model at all yet.
    serve = not with_feedback or task.current(models_dir) is None
    t0 = time.perf_counter()
    trained = task.train(examples, None, config, source=source, init=start, feedback=feedback, models_dir=models_dir,
                         make_current=serve, progress=progress, log=log)
    log(f"saved {trained.path} in {time.perf_counter() - t0:.0f} s")
    if not serve:
        log(f"a candidate, not serving: compare it on the Models page, then `notelens models promote {task.name} "
            f"{trained.info.version}`")
    return {"task": task.name, "version": trained.info.version, "trained": True, "serving": serve, "source": source,
            "n_train": trained.info.training.get("n_train"), "validation": headline(trained.info.metrics)}


def headline(metrics: dict[str, Any]) -> dict[str, Any]:
    """The validation figures worth a line: accuracy and macro-F1, strict F1, or NDCG."""
    val = metrics.get("validation") or {}
    keep = ("accuracy", "macro_f1", "ece", "n", "ndcg@3", "top1_agreement")
    out = {k: val[k] for k in keep if k in val}
    if "strict" in val:
        out["strict_f1"] = val["strict"]["f1"]
        out["n_docs"] = val.get("n_docs")
    return out


def cross_validate(task: Task, data: Sequence[Any], config: Any, k: int, start: Path | None, *,
                   progress: bool = True, log: Log = quiet) -> dict[str, Any]:
    """k-fold cross-validation: each fold trained from ``start`` and scored on its held-out examples (nothing is
    saved where the app looks)."""
    import tempfile

    import numpy as np

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for f, test_idx in enumerate(task.folds(data, k, config.seed)):
            held = set(test_idx)
            rest = [x for i, x in enumerate(data) if i not in held]
            test = [data[i] for i in sorted(held)]
            fit_part, val = task.split(rest, config.seed)
            trained = task.train(fit_part, val, config, source=f"cv fold {f + 1}/{k}", init=start,
                                 models_dir=Path(tmp), make_current=False, progress=progress, log=log)
            m = task.evaluate(trained.model, test, progress=progress)
            flat = {**headline({"validation": m}), "n": m.get("n", len(test))}
            log(f"fold {f + 1}: {flat}")
            results.append(flat)
    scores = [r.get("macro_f1", r.get("strict_f1", r.get("ndcg@3", 0.0))) for r in results]
    out: dict[str, Any] = {"folds": results, "k": len(results), "score": float(np.mean(scores)),
                           "score_std": float(np.std(scores))}
    for key in ("macro_f1", "accuracy", "strict_f1"):
        if all(key in r for r in results):
            out[key] = float(np.mean([r[key] for r in results]))
            out[f"{key}_std"] = float(np.std([r[key] for r in results]))
    return out


def train_all(*, if_missing: bool = False, models_dir: Path | None = None, log: Log = quiet) -> list[dict[str, Any]]:
    """Every task's default model, in the registry's order (a task's requirements come before it)."""
    from core.tasks import TASKS

    return [train(task, if_missing=if_missing, models_dir=models_dir, log=log) for task in TASKS.values()]


def evaluate(task: Task, *, data: Path | None = None, label_map: dict[str, str] | None = None,
             model: Path | None = None, progress: bool = True, record: bool = True,
             dictionary: bool = False, log: Log = quiet) -> dict[str, Any]:
    """Measure ``task``'s model (the current one, or ``model``) on a user's labelled file, or, without ``data``, on
    the synthesized held-out examples its config describes. The result is recorded beside the artifact (file,
    its SHA-256, figures, date; no text) when ``record``, so the pages can show it. With ``dictionary`` a span
    task's dictionaries alone are scored instead of the model (the floor the model has to beat; not recorded).

    Raises:
        ValueError: a malformed file, or one that holds nothing the model predicts.
        core.tasks.base.ModelMissing: no model is trained.
    """
    if dictionary:
        if not hasattr(task, "floor"):
            raise ValueError(f"{task.name} has no dictionary to measure alone")
        if data is None:
            raise ValueError("--dictionary needs --data (a labelled file)")
        floor = task.floor()
        examples = task.read_data(data, label_map)
        result = task.evaluate(floor, examples, progress=progress)
        return {**result, "model_version": floor.version}
    loaded = task.load(model)
    artifact = model or task.current()
    if data is not None:
        examples = task.read_data(data, label_map)
        source = {"data": str(data), "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    else:
        saved = saved_config(task, artifact)
        examples = task.synthetic_validation(task.config(**saved))
        source = {"data": "synthetic held-out", "seed": saved.get("seed")}
    unknown = task.unknown_labels(loaded, examples)
    if unknown:
        log(f"labels the model does not predict (scored as misses): {', '.join(unknown)}")
    t0 = time.perf_counter()
    result = task.evaluate(loaded, examples, progress=progress)
    result.update(model_version=task.version(loaded), seconds=round(time.perf_counter() - t0, 1))
    if record and artifact is not None:
        summary = {k: v for k, v in result.items() if k != "details"}
        record_evaluation(artifact, {**source, "task": task.name, "label_map": label_map or {}, "metrics": summary})
    return result


#: Notes a faithfulness measurement may run per note it explains (a model that finds nothing in most notes is
#: measured on fewer, not run on the whole held-out set).
SCAN_FACTOR = 5
#: How a faithfulness measurement names its set (it starts with the synthetic held-out set's name: the same notes).
FAITHFULNESS_DATA = "synthetic held-out (explanations)"


def measure_faithfulness(task: Task, *, n_notes: int = 10, model: Path | None = None, record: bool = True,
                         log: Log = quiet) -> dict[str, Any]:
    """How faithful ``task``'s explanations are, measured rather than assumed: ``n_notes`` of its synthesized
    held-out notes (those with an output to explain) are run and their first output explained as the pages do it
    (the task's default method, no cache); the ERASER figures each explanation carries are aggregated (mean and
    median comprehensiveness, mean sufficiency, mean absolute convergence gap where the method has one, the share
    the pages would warn about, median seconds per explanation as the pages show it and per note run and explained).
    Recorded beside the artifact when ``record`` (figures only, no text): the Model facts card shows them.

    Raises:
        ValueError: ``n_notes`` below 1, or no held-out note had an output to explain.
        core.tasks.base.ModelMissing: no model is trained.
    """
    import statistics

    from core.explain.render import trust_caveats
    from core.text import NoteError, clean_note

    if n_notes < 1:
        raise ValueError(f"measuring faithfulness needs at least 1 note, not {n_notes}")
    loaded = task.load(model)
    artifact = model or task.current()
    saved = saved_config(task, artifact)
    explanations, seconds, without = [], [], 0
    for example in task.synthetic_validation(task.config(**saved))[:n_notes * SCAN_FACTOR]:
        if len(explanations) >= n_notes:
            break
        try:
            text = clean_note(_text_of(example))
        except NoteError:
            without += 1
            continue
        t0 = time.perf_counter()
        result = task.run(loaded, text)
        targets = task.targets(result)
        if not targets:
            without += 1  # nothing found in this note: nothing to explain
            continue
        explanations.append(task.explain(loaded, text, result, targets[0].key, use_cache=False))
        seconds.append(time.perf_counter() - t0)
    if not explanations:
        raise ValueError(f"none of the {without} held-out notes had a {task.name} output to explain")

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 4) if values else None

    comp = [e.comprehensiveness for e in explanations if e.comprehensiveness is not None]
    suff = [e.sufficiency for e in explanations if e.sufficiency is not None]
    gaps = [abs(e.delta) for e in explanations if e.delta is not None]
    metrics: dict[str, Any] = {
        "method": ", ".join(sorted({e.method for e in explanations})), "n": len(explanations),
        "comprehensiveness": mean(comp),
        "comprehensiveness_median": round(statistics.median(comp), 4) if comp else None,
        "sufficiency": mean(suff), "delta_abs_mean": mean(gaps),
        "warned_share": round(sum(bool(trust_caveats(e, "the explained score")) for e in explanations)
                              / len(explanations), 4),
        "seconds_median": round(statistics.median(e.seconds for e in explanations), 3),  # as the pages show it
        "note_seconds_median": round(statistics.median(seconds), 3), "notes_without_output": without,
        "top_k": explanations[0].top_k, "model_version": task.version(loaded)}
    log(f"{task.name}: {metrics['n']} explanations ({metrics['method']}), comprehensiveness "
        f"{metrics['comprehensiveness']}, sufficiency {metrics['sufficiency']}, {metrics['warned_share']:.0%} warned")
    if record and artifact is not None:
        record_evaluation(artifact, {"data": FAITHFULNESS_DATA, "seed": saved.get("seed"), "task": task.name,
                                     "metrics": metrics})
    return metrics


def saved_config(task: Task, artifact: Path | None) -> dict[str, Any]:
    """The training options a saved model's metadata recorded that the task's config still has (its synthetic
    held-out set is made from them); empty without an artifact."""
    info = load_info(artifact) if artifact else None
    known = {f.name for f in dataclasses.fields(task.config_class)}
    return {k: v for k, v in ((info.training or {}) if info else {}).items() if k in known}


def record_feedback(task: Task, prediction_id: int, correction: Any, *, user_name: str, user_role: str,
                    comment: str | None = None, note_text: str | None = None) -> int:
    """Store a checked correction (:meth:`Task.correction`) as feedback on a prediction; returns its id.

    ``note_text`` is stored only because the person chose to send feedback (retraining needs the text); such a
    note may also enter the review queue (:func:`_offer_for_review`).
    """
    from core.db.engine import init_db
    from core.db.store import record_feedback as store

    init_db()
    feedback_id = store(prediction_id, user_name=user_name, user_role=user_role, verdict=correction.verdict,
                        correction=correction.payload, comment=(comment or "").strip() or None, note_text=note_text)
    if note_text is not None and note_text.strip():
        _offer_for_review(task, prediction_id, correction.verdict, note_text, user_name)
    return feedback_id


def _offer_for_review(task: Task, prediction_id: int, verdict: str, note_text: str, actor: str) -> int | None:
    """A note kept with feedback may enter the review queue (:mod:`core.review.intake`: flagged, uncertain,
    low-confidence or sampled for quality control)."""
    from core.db.store import get_prediction, hash_text
    from core.review import intake

    prediction = get_prediction(prediction_id)
    if prediction is None:
        return None
    settings = get_settings()
    return intake.offer(task.name, prediction_id=prediction_id, output=prediction.output,
                        model_version=prediction.model_version, verdict=verdict, note_text=note_text,
                        note_hash=hash_text(note_text), actor=actor, overlap_share=settings.review_overlap_share,
                        qc_share=settings.review_qc_share)


def feedback_table(task: Task, *, show_text: bool = False, limit: int = 500) -> list[dict[str, Any]]:
    """The latest feedback on ``task``'s predictions, newest first, as table rows: when, who, verdict, what the
    task shows of it, comment, model version (and the note only when ``show_text``)."""
    from core.db.engine import init_db
    from core.db.store import list_feedback

    init_db()
    rows = []
    for r in list_feedback(task.name, limit=limit):
        row = {"time": r.created_at.astimezone().replace(tzinfo=None), "user": r.user_name, "role": r.user_role,
               "verdict": r.verdict, **task.feedback_columns(r), "comment": r.comment or "",
               "model version": r.model_version, "id": r.id}
        if show_text:
            row["note"] = r.note_text or ""
        rows.append(row)
    return rows
