"""The model registry: every saved version of a task's model, which one serves, and switching it (promote, roll back).

A task's artifacts live in ``<models_dir>/<artifact folder>/<version>/`` and ``CURRENT`` names the one the pages and
commands load (see :mod:`core.modeling`). Saving a model and choosing the serving one are separate steps here:
:func:`versions` lists what was saved (``save_artifact(..., make_current=False)`` adds one without serving it), and
:func:`promote` / :func:`rollback` are the only writers of ``CURRENT`` that keep a record of why.

Each switch is written three times, on purpose:

* ``CURRENT`` is replaced atomically (a unique temporary file, then ``os.replace``), so a loader never reads half a
  name, even with two promotions at once;
* ``HISTORY.jsonl`` beside the versions gets ``{at, actor, action, from, to, reason}`` (plus the comparison when an
  override was needed): what :func:`rollback` reads to find the version that served before;
* the audit trail gets ``model_promoted``, or ``model_rolled_back`` for a roll back (its own action, so the audit
  page can search for roll backs), target ``model:<task>/<version>``.

Switches of one task are serialised by an exclusive lock on ``<artifact folder>/.registry.lock`` (threads and
processes), so the history's order is the order ``CURRENT`` changed in.

A candidate that scores worse than the serving model is refused (:class:`PromotionRefused`) when the caller passes
a ``compare`` function, unless an ``override_reason`` is given; the comparison itself (the locked split) is the
caller's.

Functions take the task itself (``core.tasks.get_task(name)``), not its name: the registry sits below
``core.tasks`` (only the CLI and the pages may import that), and a task knows its artifact folder (``ranker`` for
treatments) and the name the audit target uses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.modeling import current_artifact, evaluations, load_info, task_dir

try:  # POSIX; elsewhere switches are serialised within one process only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Beside the versions: one JSON line per switch of ``CURRENT`` made here, oldest first.
HISTORY_FILE = "HISTORY.jsonl"
LOCK_FILE = ".registry.lock"
#: A reason is an admin's short note, kept in the audit trail; longer text is refused (it is most likely a paste).
MAX_REASON = 200

#: ``compare(candidate_path, serving_path) -> (candidate_score, serving_score, metric)``; higher scores are better.
Compare = Callable[[Path, Path], tuple[float, float, str]]

_THREAD_LOCK = threading.Lock()


class PromotionRefused(ValueError):
    """The candidate scored worse than the serving model; promote again with an override reason to force it."""

    def __init__(self, task: str, version: str, serving: str, candidate_score: float, serving_score: float,
                 metric: str) -> None:
        self.task, self.version, self.serving = task, version, serving
        self.candidate_score, self.serving_score, self.metric = candidate_score, serving_score, metric
        super().__init__(f"{task} {version} is worse than the serving {serving} on {metric} "
                         f"({candidate_score:.4f} < {serving_score:.4f}); not promoted. An admin can override it "
                         "with a reason.")


@dataclass
class Evaluation:
    """One recorded measurement of a version (from its ``evaluations.jsonl``): which file, its hash, when, figures."""

    data: str
    sha256: str | None
    date: str | None
    metrics: dict[str, Any] = field(default_factory=dict)
    label_map: dict[str, str] = field(default_factory=dict)


@dataclass
class ModelVersion:
    """A saved version of a task's model, as the Models page and ``notelens models list`` show it."""

    task: str
    version: str
    created: str
    serving: bool
    path: Path
    n_train: int | None
    n_val: int | None
    source: str | None
    seed: int | None
    data_hash: str
    base_model: str
    metrics: dict[str, Any]                   # the headline figures measured at training time
    evaluations: list[Evaluation]             # every measurement recorded since, oldest first
    size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path)
        return out


@dataclass
class Switch:
    """What :func:`promote` or :func:`rollback` did (``changed`` False: the version already served)."""

    task: str
    action: str                               # "promote" or "rollback"
    from_version: str | None
    to_version: str
    changed: bool
    message: str
    comparison: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ModelTask(Protocol):
    """What the registry needs of a task (a :class:`core.tasks.Task` from ``get_task``): its name, for the audit
    target, and its artifact folder. A protocol, so the registry stays below ``core.tasks`` (which may use it)."""

    name: str
    artifact: str


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _evaluation(entry: dict[str, Any]) -> Evaluation:
    return Evaluation(data=str(entry.get("data", "")), sha256=entry.get("sha256"), date=entry.get("date"),
                      metrics=dict(entry.get("metrics") or {}), label_map=dict(entry.get("label_map") or {}))


def serving(task: ModelTask, models_dir: Path | None = None) -> str | None:
    """The version ``CURRENT`` names for the task (None when none serves, or it names no complete version)."""
    path = current_artifact(task.artifact, models_dir)
    return path.name if path is not None else None


def versions(task: ModelTask, models_dir: Path | None = None) -> list[ModelVersion]:
    """Every complete saved version of the task's model, newest first (by creation time, then name).

    Folders being written (dot-named) and folders without readable metadata are not versions.
    """
    root = task_dir(task.artifact, models_dir)
    if not root.is_dir():
        return []
    current = serving(task, models_dir)
    out = []
    for path in root.iterdir():
        if path.name.startswith(".") or not (path / "metadata.json").is_file():
            continue
        try:
            info = load_info(path)
        except (OSError, ValueError, TypeError):
            continue
        training = info.training or {}
        out.append(ModelVersion(
            task=task.name, version=path.name, created=info.created, serving=path.name == current, path=path,
            n_train=training.get("n_train"), n_val=training.get("n_val"), source=training.get("source"),
            seed=info.seed, data_hash=info.data_hash, base_model=info.base_model, metrics=dict(info.metrics),
            evaluations=[_evaluation(e) for e in evaluations(path)], size_bytes=_size(path)))
    out.sort(key=lambda v: (v.created, v.version), reverse=True)
    return out


def history(task: ModelTask, models_dir: Path | None = None) -> list[dict[str, Any]]:
    """The switches recorded in ``HISTORY.jsonl``, oldest first (unreadable lines skipped)."""
    file = task_dir(task.artifact, models_dir) / HISTORY_FILE
    if not file.is_file():
        return []
    out = []
    for line in file.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("to"):
            out.append(entry)
    return out


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One switch of this task at a time, across threads and (on POSIX) processes."""
    root.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK, (root / LOCK_FILE).open("a") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _write_current(root: Path, version: str) -> None:
    """Replace ``CURRENT`` atomically; the temporary name is unique, so concurrent writers never share one."""
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(version + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / "CURRENT")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _check_reason(reason: str | None, what: str = "reason") -> str | None:
    if reason is None:
        return None
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValueError(f"the {what} is longer than {MAX_REASON} characters")
    return reason or None


def _switch(task: ModelTask, root: Path, *, to: str, frm: str | None, action: str, actor: str, reason: str | None,
            comparison: dict[str, Any] | None) -> None:
    """Write ``CURRENT``, the history line and the audit event, all or nothing (called under :func:`_locked`).

    The audit event comes last because it is the step most likely to fail (the database); if it does, ``CURRENT``
    and the history are put back as they were, so no model changes without its audit row.
    """
    from core import audit

    pointer, hist = root / "CURRENT", root / HISTORY_FILE
    before = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None
    size = hist.stat().st_size if hist.is_file() else 0
    entry: dict[str, Any] = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "actor": actor,
                             "action": action, "from": frm, "to": to, "reason": reason}
    details: dict[str, Any] = {"from": frm, "to": to, "reason": reason}
    if comparison is not None:
        entry["comparison"] = details["comparison"] = comparison
    _write_current(root, to)
    try:
        with hist.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, sort_keys=True) + "\n")
        audit.record(actor, "model_rolled_back" if action == "rollback" else "model_promoted",
                     f"model:{task.name}/{to}", details)
    except BaseException:
        if before is None:
            pointer.unlink(missing_ok=True)
        else:
            _write_current(root, before)
        if hist.is_file():
            with hist.open("r+b") as fh:
                fh.truncate(size)
        raise


def promote(task: ModelTask, version: str, *, actor: str, reason: str | None = None, models_dir: Path | None = None,
            compare: Compare | None = None, override_reason: str | None = None) -> Switch:
    """Make ``version`` the task's serving model.

    With ``compare`` (and a model serving), the candidate is measured against the serving one first; a lower score
    refuses the promotion unless ``override_reason`` says why (it is then recorded with both scores).

    Raises:
        ValueError: unknown version (the message lists the known ones), a reason over 200 characters.
        PromotionRefused: ``compare`` found the candidate worse and no ``override_reason`` was given.
    """
    reason = _check_reason(reason)
    override_reason = _check_reason(override_reason, "override reason")
    root = task_dir(task.artifact, models_dir)
    known = [v.version for v in versions(task, models_dir)]
    if version not in known:
        listed = ", ".join(known) if known else "none saved"
        raise ValueError(f"{task.name} has no version {version!r} (known: {listed})")
    with _locked(root):
        current = serving(task, models_dir)
        if current == version:
            return Switch(task.name, "promote", current, version, False, f"{task.name} {version} already serves")
        comparison = None
        if compare is not None and current is not None:
            cand, serv, metric = compare(root / version, root / current)
            comparison = {"metric": metric, "candidate": cand, "serving": serv}
            if cand < serv:
                if override_reason is None:
                    raise PromotionRefused(task.name, version, current, cand, serv, metric)
                comparison["override"] = override_reason
        _switch(task, root, to=version, frm=current, action="promote", actor=actor, reason=reason,
                comparison=comparison)
    return Switch(task.name, "promote", current, version, True,
                  f"{task.name}: {version} now serves (was {current or 'none'})", comparison)


def _served_stack(entries: list[dict[str, Any]]) -> list[str]:
    """The versions that served, in order, as the history tells it: a roll back pops the one it left.

    When ``CURRENT`` changed outside the registry (``notelens train`` makes a new model serve at once), the next
    entry's ``from`` does not match the stack's top and is pushed, so nothing that served is lost.
    """
    stack: list[str] = []
    for e in entries:
        frm, to = e.get("from"), e["to"]
        if e.get("action") == "rollback":  # the version left is not one to come back to
            if stack and stack[-1] == frm:
                stack.pop()
            if not stack or stack[-1] != to:
                stack.append(to)
            continue
        if frm and (not stack or stack[-1] != frm):
            stack.append(frm)
        stack.append(to)
    return stack


def rollback_target(task: ModelTask, models_dir: Path | None = None) -> str | None:
    """The version :func:`rollback` would return to, or None when there is none.

    The version that served before the current one according to ``HISTORY.jsonl`` (versions deleted since are
    skipped); with no usable history, the newest version created before the serving one.
    """
    current = serving(task, models_dir)
    saved = versions(task, models_dir)
    present = {v.version for v in saved}
    stack = _served_stack(history(task, models_dir))
    if stack and stack[-1] == current:
        stack.pop()  # else CURRENT moved outside the registry: the stack's top served just before it
    for candidate in reversed(stack):
        if candidate in present and candidate != current:
            return candidate
    if current is None:
        return None
    created = {v.version: (v.created, v.version) for v in saved}
    if current not in created:
        return None
    older = [v for v in saved if (v.created, v.version) < created[current]]
    return older[0].version if older else None


def rollback(task: ModelTask, *, actor: str, reason: str | None = None, models_dir: Path | None = None) -> Switch:
    """Serve again the version that served before the current one (see :func:`rollback_target`); audited as
    ``model_rolled_back``. Rolling back twice goes two versions back, not back and forth.

    Raises:
        ValueError: nothing to roll back to, a reason over 200 characters.
    """
    reason = _check_reason(reason)
    root = task_dir(task.artifact, models_dir)
    with _locked(root):
        current = serving(task, models_dir)
        target = rollback_target(task, models_dir)
        if target is None:
            raise ValueError(f"{task.name} has no earlier version to roll back to (serving: {current or 'none'})")
        _switch(task, root, to=target, frm=current, action="rollback", actor=actor, reason=reason, comparison=None)
    return Switch(task.name, "rollback", current, target, True, f"{task.name}: rolled back from {current} to {target}")
