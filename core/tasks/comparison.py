"""Whether a retrained candidate may serve: it and the serving model scored on the same examples, in one run.

A task's evaluation sets are

* the **locked gold split** (:func:`core.review.data.locked`: chosen once by note hash, never trained on), every gold
  answer of it (a single annotator's too: the split is never trained on, whoever answered);
* the **synthetic held-out** notes the serving model's saved config describes (what ``evaluate`` scores without
  ``--data``);
* every **file an admin registered** (:func:`register_eval_file`, kept in ``EVALSETS.json`` beside the versions).

Each measurement is recorded on both versions (``evaluations.jsonl``, see :func:`core.modeling.record_evaluation`)
with the outcome of every item, keyed by :func:`item_id` (the first 16 hex digits of the note's SHA-256, as
:func:`core.db.store.hash_text` makes a review item's note hash), never the text: the Models page can then say which
notes turned from wrong to right and back, and link a locked one to its review item.

The decision (:func:`compare_hook`, for :func:`core.registry.promote`) is the locked split's headline figure:
macro-F1 for triage, strict F1 for the span tasks, NDCG@3 for treatments (its gold: the rankings the reviewers'
decisions make). With no locked item yet (or for a task without a review queue) it is the synthetic held-out set's,
and the report says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core import registry
from core.metrics import headline_figures
from core.modeling import evaluations, record_evaluation, task_dir
from core.registry import PromotionRefused, Switch
from core.review.forms import REVIEW_TASKS
from core.tasks.base import Log, ModelMissing, Task, quiet
from core.tasks.spans import SpanTask

#: Hex digits of the note's SHA-256 that name an item in recorded outcomes (a review item's note hash starts so).
ITEM_ID_HEX = 16
#: Beside the versions: the evaluation files an admin registered for the task.
EVALSETS_FILE = "EVALSETS.json"
LOCKED, SYNTHETIC, FILE = "locked gold split", "synthetic held-out", "file"


class EvalFile(BaseModel):
    """A registered evaluation file: where it is, its SHA-256 when registered, how its labels map, who added it."""

    path: str
    sha256: str
    label_map: dict[str, str] = Field(default_factory=dict)
    added_by: str
    added_at: str


class EvalFiles(BaseModel):
    """``EVALSETS.json``."""

    files: list[EvalFile] = Field(default_factory=list)


@dataclass
class EvalSet:
    """Examples both versions are scored on, with each one's :func:`item_id` and, for locked gold, its review item."""

    name: str
    kind: str                                  # LOCKED, SYNTHETIC or FILE
    examples: list[Any]
    ids: list[str]
    sha256: str
    label_map: dict[str, str] = field(default_factory=dict)
    review_items: dict[str, int] = field(default_factory=dict)


@dataclass
class Scored:
    """One version on one set: the figures, and each item's outcome (``1``/``0`` for a label, ``[right, tp, fp, fn]``
    with strict span counts for a span task; empty where the task scores no item alone)."""

    metrics: dict[str, Any]
    items: dict[str, Any]


@dataclass
class SetResult:
    """Both versions on one set: headline figures, candidate minus serving, and the items that changed."""

    name: str
    kind: str
    n: int
    sha256: str
    candidate: dict[str, float]
    serving: dict[str, float]
    difference: dict[str, float]
    turned_right: list[str]                    # item ids the serving model gets wrong and the candidate right
    turned_wrong: list[str]                    # and the other way round
    review_items: dict[str, int] = field(default_factory=dict)   # of the changed items, for locked gold


@dataclass
class Comparison:
    """What :func:`compare_versions` found; ``worse`` is what refuses a promotion."""

    task: str
    candidate: str
    serving: str
    sets: list[SetResult]
    decision_set: str
    metric: str                                # e.g. "locked gold split strict F1 (n=12)"
    candidate_score: float
    serving_score: float
    notes: list[str] = field(default_factory=list)

    @property
    def worse(self) -> bool:
        return self.candidate_score < self.serving_score

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "worse": self.worse}

    def lines(self) -> list[str]:
        """The report as text, one set a block (the CLI prints it above the JSON)."""
        out = [f"{self.task}: candidate {self.candidate} vs serving {self.serving}"]
        for s in self.sets:
            out.append(f"  {s.name} (n={s.n}): " + ", ".join(
                f"{k} {s.candidate[k]:.4f} vs {s.serving[k]:.4f} ({s.difference[k]:+.4f})" for k in s.difference))
            out.append(f"    wrong -> right: {len(s.turned_right)}, right -> wrong: {len(s.turned_wrong)}")
        out.extend(f"  note: {n}" for n in self.notes)
        verdict = "worse: promotion needs an override" if self.worse else "not worse"
        out.append(f"  decision on {self.metric}: {self.candidate_score:.4f} vs {self.serving_score:.4f}, {verdict}")
        return out


#: The decision figure per kind of task (:func:`figures` names), and how a message names it.
_DECISION = {"label": ("macro_f1", "macro-F1"), "span": ("strict_f1", "strict F1"), "rank": ("ndcg@3", "NDCG@3")}
_HEADLINE = ("accuracy", "macro_f1", "ece", "strict_f1", "lenient_f1", "ndcg@3", "top1_agreement")


def _kind(task: Task) -> str:
    return "span" if isinstance(task, SpanTask) else "label" if task.name == "triage" else "rank"


def item_id(text: str) -> str:
    """An item's name in recorded outcomes: the first :data:`ITEM_ID_HEX` hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ITEM_ID_HEX]


def _text(example: Any) -> str:
    return example[0] if isinstance(example, tuple) else str(getattr(example, "text", ""))


def _ids_hash(ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def figures(metrics: dict[str, Any]) -> dict[str, float]:
    """The headline numbers of one measurement (span F1s are nested under ``strict`` / ``lenient``)."""
    return headline_figures(metrics, _HEADLINE)


# -- registered evaluation files ----------------------------------------------------------------------------------
def _evalsets_path(task: Task, models_dir: Path | None) -> Path:
    return task_dir(task.artifact, models_dir) / EVALSETS_FILE


def eval_files(task: Task, models_dir: Path | None = None) -> list[EvalFile]:
    """The evaluation files registered for the task, in the order they were added."""
    path = _evalsets_path(task, models_dir)
    if not path.is_file():
        return []
    return EvalFiles.model_validate_json(path.read_text(encoding="utf-8")).files


def _write_eval_files(task: Task, files: list[EvalFile], models_dir: Path | None) -> None:
    path = _evalsets_path(task, models_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".EVALSETS.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(EvalFiles(files=files).model_dump_json(indent=1))
    os.replace(tmp, path)


def register_eval_file(task: Task, path: Path, label_map: dict[str, str] | None = None, *, actor: str,
                       models_dir: Path | None = None) -> EvalFile:
    """Add a labelled file (the task's ``--data`` format) to every comparison of the task's versions; registering
    the same path again replaces its entry (new hash, label map).

    Raises:
        ValueError: the file is missing, malformed or holds no example (read as ``evaluate --data`` reads it).
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if not task.read_data(path, label_map):
        raise ValueError(f"{path}: no {task.name} example to evaluate on")
    entry = EvalFile(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                     label_map=dict(label_map or {}), added_by=actor,
                     added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    files = [f for f in eval_files(task, models_dir) if f.path != entry.path] + [entry]
    _write_eval_files(task, files, models_dir)
    return entry


def unregister_eval_file(task: Task, path: Path | str, *, models_dir: Path | None = None) -> EvalFile:
    """Stop scoring a registered file (its past measurements stay recorded).

    Raises:
        ValueError: the file is not registered (the message lists those that are).
    """
    files = eval_files(task, models_dir)
    wanted = {str(path), str(Path(path).resolve())}
    gone = [f for f in files if f.path in wanted]
    if not gone:
        listed = ", ".join(f.path for f in files) or "none"
        raise ValueError(f"{path} is not a registered {task.name} evaluation file (registered: {listed})")
    _write_eval_files(task, [f for f in files if f.path not in wanted], models_dir)
    return gone[0]


# -- the sets -----------------------------------------------------------------------------------------------------
def _locked_set(task: Task) -> EvalSet | None:
    """The locked split of the task's gold (None for a task without a review queue)."""
    from core.db.engine import init_db
    from core.review.data import gold, locked, to_examples

    if task.name not in REVIEW_TASKS:
        return None
    init_db()
    examples, ids, review = [], [], {}
    for g in gold(task.name):
        if g.note_text and g.answer is not None and locked(g.note_hash):
            made = to_examples(task.name, g.note_text, g.answer)  # treatments: one ranking per condition judged
            examples.extend(made)
            ids.extend([item_id(g.note_text)] * len(made))
            review[item_id(g.note_text)] = g.item_id
    return EvalSet(LOCKED, LOCKED, examples, ids, _ids_hash(ids), review_items=review)


def _synthetic_set(task: Task, serving: Path) -> EvalSet:
    from core.tasks.workflows import saved_config

    saved = saved_config(task, serving)
    examples = task.synthetic_validation(task.config(**saved))
    ids = [item_id(_text(x)) for x in examples]
    return EvalSet(f"{SYNTHETIC} (seed {saved.get('seed')})", SYNTHETIC, examples, ids, _ids_hash(ids))


def evaluation_sets(task: Task, serving: Path, *, models_dir: Path | None = None,
                    log: Log = quiet) -> tuple[list[EvalSet], list[str]]:
    """Every set a comparison scores (locked gold, synthetic held-out, registered files), and notes on what was left
    out (a registered file gone or unreadable)."""
    notes: list[str] = []
    sets = [s for s in (_locked_set(task), _synthetic_set(task, serving)) if s is not None]
    for f in eval_files(task, models_dir):
        path = Path(f.path)
        try:
            data = path.read_bytes()
            examples = task.read_data(path, f.label_map or None)
        except (OSError, ValueError) as err:
            notes.append(f"registered file {f.path} left out: {err}")
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha != f.sha256:
            notes.append(f"registered file {f.path} changed since it was registered (scored as it is now)")
        sets.append(EvalSet(f.path, FILE, examples, [item_id(_text(x)) for x in examples], sha, f.label_map))
    for n in notes:
        log(n)
    return sets, notes


# -- scoring ------------------------------------------------------------------------------------------------------
def score(task: Task, model: Any, examples: Sequence[Any], ids: Sequence[str]) -> Scored:
    """``model``'s figures on ``examples`` and each item's outcome (one prediction pass)."""
    kind = _kind(task)
    if kind == "label":
        from core.triage.train import summarize_probs

        probs = model.predict_proba([t for t, _ in examples])
        pred = [model.labels[i] for i in probs.argmax(1)]
        return Scored(summarize_probs(model, examples, probs),
                      {i: int(p == g) for i, p, (_, g) in zip(ids, pred, examples)})
    if kind == "span":
        from core.ner.data import gold_labels
        from core.ner.scoring import doc_counts, score_spans

        labels, texts = gold_labels(examples), [d.text for d in examples]
        preds = [spans for lo in range(0, len(texts), 64) for spans in model.entities(texts[lo:lo + 64])]
        items = {}
        for i, doc, spans in zip(ids, examples, preds):
            tp, fp, fn = doc_counts(doc.spans, spans, doc.text, labels)
            items[i] = [int(fp == fn == 0), tp, fp, fn]
        return Scored(score_spans([d.spans for d in examples], preds, texts, labels=labels), items)
    return Scored({k: v for k, v in task.evaluate(model, examples).items() if k != "details"}, {})


def _right(outcome: Any) -> bool:
    return bool(outcome[0] if isinstance(outcome, list) else outcome)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(wrong -> right, right -> wrong) item ids between two versions' outcomes on one set."""
    shared = sorted(set(before) & set(after))
    return ([i for i in shared if _right(after[i]) and not _right(before[i])],
            [i for i in shared if _right(before[i]) and not _right(after[i])])


def compare_versions(task: Task, candidate: Path, serving: Path, *, models_dir: Path | None = None,
                     record: bool = True, log: Log = quiet) -> Comparison:
    """Score ``candidate`` and ``serving`` (artifact folders) on the same examples of every evaluation set, record
    each measurement on each version (with item outcomes, no text) and decide on the locked split.

    Raises:
        ValueError: no set holds an example to decide on, or a version cannot be loaded.
    """
    sets, notes = evaluation_sets(task, serving, models_dir=models_dir, log=log)
    models = {path: _load(task, path) for path in (candidate, serving)}
    results: list[SetResult] = []
    for s in sets:
        if not s.examples:
            continue
        log(f"scoring both versions on {s.name} ({len(s.examples)} items)")
        scored = {path: score(task, model, s.examples, s.ids) for path, model in models.items()}
        if record:
            for path, other in ((candidate, serving), (serving, candidate)):
                record_evaluation(path, {"data": s.name, "sha256": s.sha256, "task": task.name, "set": s.kind,
                                         "label_map": s.label_map, "compared_with": other.name,
                                         "metrics": scored[path].metrics, "items": scored[path].items})
        fc, fs = figures(scored[candidate].metrics), figures(scored[serving].metrics)
        right, wrong = changes(scored[serving].items, scored[candidate].items)
        results.append(SetResult(s.name, s.kind, len(s.examples), s.sha256, fc, fs,
                                 {k: round(fc[k] - fs[k], 4) for k in fc if k in fs}, right, wrong,
                                 {i: s.review_items[i] for i in (*right, *wrong) if i in s.review_items}))
    key, label = _DECISION[_kind(task)]
    by_kind = {r.kind: r for r in reversed(results)}
    decision = by_kind.get(LOCKED)
    if decision is None:
        fallback = by_kind.get(SYNTHETIC)
        if task.name not in REVIEW_TASKS:
            notes.append(f"{task.name} has no locked gold split (no review queue for it yet): the decision uses "
                         "the synthetic held-out notes")
        else:
            notes.append("the locked gold split holds no item yet: the decision uses the synthetic held-out notes")
        decision = fallback
    if decision is None or key not in decision.candidate or key not in decision.serving:
        raise ValueError(f"no evaluation set holds a {task.name} example to compare the versions on")
    return Comparison(task.name, candidate.name, serving.name, results, decision.name,
                      f"{decision.kind} {label} (n={decision.n})", decision.candidate[key], decision.serving[key],
                      notes)


def _load(task: Task, path: Path) -> Any:
    try:
        return task.load(path)
    except ModelMissing:
        raise
    except Exception as err:  # weights missing or unreadable (OSError, safetensors' own errors): not measurable
        raise ValueError(f"cannot load {task.name} {path.name}: {err}") from None


def pick(task: Task, candidate: str | None = None, serving: str | None = None, *,
         models_dir: Path | None = None) -> tuple[Path, Path]:
    """The folders of the two versions to compare: ``candidate`` (default: the newest version that does not serve)
    and ``serving`` (default: the serving one).

    Raises:
        ValueError: no version serves, no other version, an unknown version, or twice the same.
    """
    saved = registry.versions(task, models_dir)
    paths = {v.version: v.path for v in saved}
    serving = serving or registry.serving(task, models_dir)
    if serving is None:
        raise ValueError(f"no {task.name} model serves: nothing to compare with")
    candidate = candidate or next((v.version for v in saved if v.version != serving), None)
    if candidate is None:
        raise ValueError(f"{task.name} has no version besides {serving} to compare")
    for name in (candidate, serving):
        if name not in paths:
            raise ValueError(f"{task.name} has no version {name!r} (known: {', '.join(paths) or 'none saved'})")
    if candidate == serving:
        raise ValueError(f"compare two different versions, not {candidate} with itself")
    return paths[candidate], paths[serving]


class CompareHook:
    """A :data:`core.registry.Compare` for :func:`core.registry.promote`: runs :func:`compare_versions` and keeps
    the last report (``report``) for the caller to show."""

    def __init__(self, task: Task, *, models_dir: Path | None = None, log: Log = quiet) -> None:
        self.task, self.models_dir, self.log = task, models_dir, log
        self.report: Comparison | None = None

    def __call__(self, candidate: Path, serving: Path) -> tuple[float, float, str]:
        self.report = compare_versions(self.task, candidate, serving, models_dir=self.models_dir, log=self.log)
        return self.report.candidate_score, self.report.serving_score, self.report.metric


def compare_hook(task: Task, *, models_dir: Path | None = None, log: Log = quiet) -> CompareHook:
    """The check :func:`core.registry.promote` runs before a candidate serves (see :class:`CompareHook`)."""
    return CompareHook(task, models_dir=models_dir, log=log)


def recorded_changes(a: Path, b: Path) -> list[dict[str, Any]]:
    """From what was recorded (no model run): per evaluation both versions were measured on with item outcomes (same
    set hash, the latest of each), the items that went wrong -> right and right -> wrong from ``a`` to ``b``."""
    def latest(path: Path) -> dict[str, dict[str, Any]]:
        return {e["sha256"]: e for e in evaluations(path) if e.get("sha256") and isinstance(e.get("items"), dict)}

    la, lb = latest(a), latest(b)
    out = []
    for sha, ea in la.items():
        if sha in lb:
            right, wrong = changes(ea["items"], lb[sha]["items"])
            out.append({"evaluation": ea.get("data", ""), "items": len(set(ea["items"]) & set(lb[sha]["items"])),
                        "wrong -> right": len(right), "right -> wrong": len(wrong),
                        "turned_right": right, "turned_wrong": wrong})
    return out


def summary(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The latest headline figures per evaluation set (``models list``: compact, no item outcomes)."""
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        out[str(e.get("data", ""))] = {"date": e.get("date"), **figures(e.get("metrics") or {}),
                                       "n": (e.get("metrics") or {}).get("n", (e.get("metrics") or {}).get("n_docs"))}
    return out


@dataclass
class Promotion:
    """What :func:`promote_checked` did: the switch, or the refusal, and the comparison behind either (None when no
    model served, so nothing was compared, or the version already served)."""

    switch: Switch | None
    refused: PromotionRefused | None
    report: Comparison | None

    def to_dict(self) -> dict[str, Any]:
        if self.refused is not None:
            r = self.refused
            return {"task": r.task, "version": r.version, "serving": r.serving, "refused": True, "metric": r.metric,
                    "candidate_score": r.candidate_score, "serving_score": r.serving_score, "message": str(r)}
        assert self.switch is not None
        return self.switch.to_dict()


def promote_checked(task: Task, version: str, *, actor: str, reason: str | None = None,
                    override_reason: str | None = None, models_dir: Path | None = None,
                    log: Log = quiet) -> Promotion:
    """:func:`core.registry.promote` with :func:`compare_hook`: a candidate worse on the locked split is refused
    (returned, not raised) unless ``override_reason`` says why, which is then recorded with both scores.

    Raises:
        ValueError: an unknown version, a reason too long, a version that cannot be loaded or compared.
    """
    hook = compare_hook(task, models_dir=models_dir, log=log)
    try:
        switch = registry.promote(task, version, actor=actor, reason=reason, models_dir=models_dir, compare=hook,
                                  override_reason=override_reason)
    except PromotionRefused as refused:
        return Promotion(None, refused, hook.report)
    return Promotion(switch, None, hook.report)
