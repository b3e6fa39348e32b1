"""Batch runs: many notes from a file through any of the tasks, one result row per note, resumable.

:func:`run_batch` is the one function every engine calls on a list of ``{"id", "text"}`` rows (the local run here,
Ray Data's ``map_batches`` in :mod:`core.batch_ray`): a bad note (not text, empty, too long) becomes an error row
and the others go on. :func:`run_file` streams an input (CSV, JSONL or a folder of ``.txt`` files) in chunks into
a JSONL file or a folder of Parquet parts, skipping the ids the output already holds, so a killed run loses at most
the chunk in flight and memory stays flat whatever the file's size.

Fast path: a chunk is sorted by length, each task's batched entry point runs on notes of similar length (little
padding), and the rows go back in input order; the drug and condition results feed the treatment engine instead of
being computed again. ``batched=False`` keeps the per-note loop (``task.run`` on each note), for comparison.
Output rows hold each result's ``to_dict`` (the user's own file: words included); nothing here logs note text.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from core.tasks import get_task
from core.text import NoteError, clean_note, decode_upload

#: Tasks in the order they run (a treatment result reuses the drug and condition results of the same note).
TASK_ORDER = ("triage", "drugs", "conditions", "treatments")
DEFAULT_CHUNK = 256
#: Notes per forward batch within a chunk (after sorting by length).
BUCKET = 32
#: The callback :func:`run_file` reports to after each chunk: (notes done, notes/s).
Progress = Callable[[int, float], None]


class BatchError(ValueError):
    """A batch run cannot start (bad input or output, unknown task, missing engine); the message says why."""


def task_list(tasks: Iterable[str] | str) -> list[str]:
    """Registry names of ``tasks`` (a list, or a comma-separated string; aliases allowed), in :data:`TASK_ORDER`.

    Raises:
        BatchError: an unknown task, or none.
    """
    names = [t for t in (tasks.split(",") if isinstance(tasks, str) else tasks) if t.strip()]
    try:
        found = {get_task(t).name for t in names}
    except KeyError as exc:
        raise BatchError(str(exc.args[0])) from None
    if not found:
        raise BatchError("choose at least one task")
    return [t for t in TASK_ORDER if t in found] + sorted(found - set(TASK_ORDER))


def load_models(tasks: Sequence[str], device: str | None = None) -> dict[str, Any]:
    """Each task's serving model, loaded once; with ``treatments`` the drug and condition pipelines are the treatment
    engine's own (one copy in memory).

    Raises:
        ModelMissing: a task has no trained model.
    """
    names = task_list(tasks)
    models: dict[str, Any] = {}
    if "treatments" in names:
        engine = get_task("treatments").load(device=device)
        models["treatments"] = engine
        models["conditions"] = engine.conditions
        if engine.drugs is not None:
            models["drugs"] = engine.drugs
    for name in names:
        task = get_task(name)
        task.warm()
        if name not in models:
            models[name] = task.load(device=device)
    return {n: models[n] for n in names}


@functools.lru_cache(maxsize=4)
def _loaded(tasks: tuple[str, ...]) -> dict[str, Any]:
    return load_models(tasks)


# -- one chunk ------------------------------------------------------------------------------------------------
def _versions(tasks: list[str], models: dict[str, Any]) -> dict[str, Any]:
    return {n: models[n].versions if n == "treatments" else get_task(n).version(models[n]) for n in tasks}


def _explanation(task: Any, model: Any, text: str, result: Any) -> dict[str, Any] | None:
    targets = task.targets(result)
    if not targets:
        return None
    exp = task.explain(model, text, result, targets[0].key, use_cache=False)
    return {"target": exp.target, "method": exp.method, "delta": exp.delta,
            "comprehensiveness": exp.comprehensiveness, "sufficiency": exp.sufficiency,
            "top_words": [[w.text, round(w.score, 4)] for w in exp.top(10)]}


def _triage_batch(pipe: Any, texts: list[str]) -> list[Any]:
    """Triage results of ``texts`` from one windowed pass (what :meth:`TriagePipeline.__call__` does per note)."""
    logits, windows = pipe.note_logits(texts)
    per_note: dict[int, list[int]] = {}
    for w, note in enumerate(windows.note_index):
        per_note.setdefault(note, []).append(windows.n_content[w])
    out = []
    for i, text in enumerate(texts):
        counts = per_note.get(i, [0])
        n_tokens = sum(counts) - pipe.stride * max(0, len(counts) - 1)
        out.append(pipe.postprocess(text, logits[i], len(counts), max(n_tokens, 0)))
    return out


def _span_batch(pipe: Any, texts: list[str]) -> list[Any]:
    """Span-task results of ``texts``: one batched tagging call, then each note's rule steps."""
    return [pipe.postprocess(t, ents) for t, ents in zip(texts, pipe.entities(texts))]


def batched_results(name: str, model: Any, texts: list[str], done: dict[str, list[Any]]) -> list[Any]:
    """``name``'s results for ``texts`` through its batched entry point (``done``: results of tasks run before)."""
    if name == "triage":
        return _triage_batch(model, texts)
    if name in ("drugs", "conditions"):
        return _span_batch(model, texts)
    if name == "treatments":
        conditions = done.get("conditions") or _span_batch(model.conditions, texts)
        drugs = done.get("drugs") or (_span_batch(model.drugs, texts) if model.drugs is not None
                                      else [None] * len(texts))
        return [model(t, drug_result=d, condition_result=c) for t, d, c in zip(texts, drugs, conditions)]
    task = get_task(name)
    return [task.run(model, t) for t in texts]


def _clean(row: Any) -> tuple[str, str | None, str | None]:
    """(id, cleaned text, error) of an input row."""
    if not isinstance(row, dict):
        return "", None, "the row is not an object with an id and a text"
    rid = "" if row.get("id") is None else str(row["id"])
    if row.get("error"):
        return rid, None, str(row["error"])
    text = row.get("text")
    if not isinstance(text, str):
        return rid, None, f"the note is not text ({type(text).__name__})"
    try:
        return rid, clean_note(text), None
    except NoteError as exc:
        return rid, None, str(exc)


def run_batch(rows: list[dict], tasks: Sequence[str], *, models: dict | None = None, explain: bool = False,
              batched: bool = True) -> list[dict]:
    """One output row per input row (``{"id", "text"}``), in input order.

    Each row: ``id``, ``ok``, ``error`` (None, or why the note was not run), each task's ``result.to_dict()`` (None
    on an error row; with ``explain``, the first target's explanation under ``"explanation"``) and
    ``model_versions``. A note that is not text, empty or too long is an error row; so is a note a model fails on.

    Args:
        rows: ``{"id": ..., "text": ...}`` dicts (an ``"error"`` key marks a row the reader could not read).
        tasks: Task names (:func:`task_list`).
        models: Task name -> loaded model (:func:`load_models`); None loads them once per process.
        explain: Also explain each result's first target (slow: an attribution per note and task).
        batched: The length-bucketed fast path; False runs ``task.run`` note by note (the reference loop).
    """
    names = task_list(tasks)
    models = models if models is not None else _loaded(tuple(names))
    versions = _versions(names, models)
    cleaned = [_clean(r) for r in rows]
    out: list[dict[str, Any]] = [{"id": rid, "ok": error is None, "error": error, **dict.fromkeys(names),
                                  "model_versions": versions} for rid, _, error in cleaned]
    good = [i for i, (_, text, error) in enumerate(cleaned) if error is None]
    if batched:
        order = sorted(good, key=lambda i: len(cleaned[i][1] or ""))
        for start in range(0, len(order), BUCKET):
            _fill(out, [(i, cleaned[i][1] or "") for i in order[start:start + BUCKET]], names, models, explain)
    else:
        for i in good:
            _fill(out, [(i, cleaned[i][1] or "")], names, models, explain, loop=True)
    return out


def _fill(out: list[dict[str, Any]], items: list[tuple[int, str]], names: list[str], models: dict[str, Any],
          explain: bool, *, loop: bool = False) -> None:
    """Put each task's results for ``items`` (row index, text) in ``out``; a failing bucket is retried note by note
    so that only the failing note becomes an error row."""
    texts = [t for _, t in items]
    try:
        done: dict[str, list[Any]] = {}
        for name in names:
            task, model = get_task(name), models[name]
            done[name] = ([task.run(model, t) for t in texts] if loop
                          else batched_results(name, model, texts, done))
        for k, (i, text) in enumerate(items):
            for name in names:
                task, result = get_task(name), done[name][k]
                value = result.to_dict()
                if explain:
                    value["explanation"] = _explanation(task, models[name], text, result)
                out[i][name] = value
    except Exception as exc:  # noqa: BLE001 - one bad note must not stop thousands
        if len(items) > 1:
            for item in items:
                _fill(out, [item], names, models, explain, loop=loop)
            return
        i = items[0][0]
        out[i].update({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500], **dict.fromkeys(names)})


# -- reading --------------------------------------------------------------------------------------------------
def read_rows(path: Path, *, id_column: str = "id", text_column: str = "text") -> Iterator[dict[str, Any]]:
    """Rows ``{"id", "text"}`` of ``path``, one at a time: a CSV or JSONL (``id_column``, ``text_column``; without
    an id column of the default name, the row's number is its id), a folder of ``.txt`` files (id = file name) or one
    ``.txt`` file. A row that cannot be read (bad JSON, a missing text, a file that is not text) comes with an
    ``"error"`` instead of a text.

    Raises:
        BatchError: the input is missing, of an unknown kind, or lacks the named columns.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.is_file():
        raise BatchError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, id_column, text_column)
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl(path, id_column, text_column)
    if suffix == ".txt":
        return _read_folder(path)
    raise BatchError(f"{path.name}: a batch input is a .csv, a .jsonl or a folder of .txt files")


def _read_folder(path: Path) -> Iterator[dict[str, Any]]:
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt")
    for p in files:
        try:
            yield {"id": p.name, "text": decode_upload(p.read_bytes(), p.name).text}
        except NoteError as exc:
            yield {"id": p.name, "error": str(exc)}


def _read_csv(path: Path, id_column: str, text_column: str) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(sys.maxsize)
    fh = path.open(newline="", encoding="utf-8-sig", errors="replace")
    reader = csv.DictReader(fh)
    columns = reader.fieldnames or []
    if text_column not in columns or (id_column not in columns and id_column != "id"):
        fh.close()
        missing = [c for c in (id_column, text_column) if c not in columns]
        raise BatchError(f"{path.name}: no column {', '.join(map(repr, missing))} (columns: {', '.join(columns)}); "
                         "name them with --id-column and --text-column")

    def rows() -> Iterator[dict[str, Any]]:
        with fh:
            for n, row in enumerate(reader, start=1):
                rid = row.get(id_column) if id_column in columns else str(n)
                if rid is None or not str(rid).strip():
                    yield {"id": f"row {n}", "error": f"row {n} has no {id_column}"}
                    continue
                yield {"id": str(rid).strip(), "text": row.get(text_column)}

    return rows()


def _read_jsonl(path: Path, id_column: str, text_column: str) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError
            except ValueError:
                yield {"id": f"line {n}", "error": f"line {n} is not a JSON object"}
                continue
            rid = obj.get(id_column, n if id_column == "id" else None)
            if rid is None or not str(rid).strip():
                yield {"id": f"line {n}", "error": f"line {n} has no {id_column!r}"}
            elif text_column not in obj:
                yield {"id": str(rid), "error": f"line {n} has no {text_column!r}"}
            else:
                yield {"id": str(rid), "text": obj[text_column]}


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` rows (the last one shorter)."""
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


# -- writing --------------------------------------------------------------------------------------------------
class JsonlWriter:
    """Appends rows to a JSONL file, one ``write`` and ``fsync`` per chunk; a line cut by a killed run is removed
    before the next run appends (the ids before it are kept)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._repair()

    def _repair(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb+") as fh:
            start = pos = fh.seek(0, os.SEEK_END)
            k = -1
            while pos > 0 and k < 0:  # the last newline, read backwards 64 KiB at a time
                start = max(0, pos - (1 << 16))
                fh.seek(start)
                k = fh.read(pos - start).rfind(b"\n")
                pos = start
            fh.truncate(start + k + 1 if k >= 0 else 0)

    def existing_ids(self) -> set[str]:
        ids: set[str] = set()
        if self.path.exists():
            with self.path.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        ids.add(str(json.loads(line)["id"]))
                    except (ValueError, KeyError, TypeError):
                        continue
        return ids

    def write(self, rows: list[dict[str, Any]]) -> None:
        data = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows).encode("utf-8")
        with self.path.open("ab") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


class ParquetWriter:
    """One Parquet file per chunk (``part-00000.parquet``...) in a folder, each written to a temporary name and
    renamed, so a part is whole or absent. Columns: ``id``, ``ok``, ``error`` and, per task and for
    ``model_versions``, the JSON text of the value (results differ in shape from note to note)."""

    def __init__(self, path: Path) -> None:
        if path.exists() and not path.is_dir():
            raise BatchError(f"{path}: a Parquet output is a folder of parts, and this is a file")
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        for tmp in path.glob("*.tmp"):
            tmp.unlink()

    def _parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def existing_ids(self) -> set[str]:
        import pyarrow.parquet as pq

        ids: set[str] = set()
        for part in self._parts():
            ids.update(str(x) for x in pq.read_table(part, columns=["id"]).column("id").to_pylist())
        return ids

    def write(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow.parquet as pq

        parts = self._parts()
        target = self.path / f"part-{int(parts[-1].stem.split('-')[1]) + 1 if parts else 0:05d}.parquet"
        tmp = target.with_suffix(".tmp")
        pq.write_table(parquet_table(rows), tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)


def parquet_table(rows: list[dict[str, Any]]) -> Any:
    """Rows as a pyarrow table: ``id`` and ``error`` strings, ``ok`` boolean, any other value as its JSON text."""
    import pyarrow as pa

    def column(k: str) -> Any:
        if k == "ok":
            return pa.array([bool(r.get(k)) for r in rows], type=pa.bool_())
        dump = str if k in ("id", "error") else (lambda v: json.dumps(v, ensure_ascii=False, default=str))
        return pa.array([None if r.get(k) is None else dump(r[k]) for r in rows], type=pa.string())

    return pa.table({k: column(k) for k in dict.fromkeys(k for r in rows for k in r)})


def writer_for(path: Path, fmt: str | None = None) -> JsonlWriter | ParquetWriter:
    """The writer for ``path``: ``.jsonl`` (or ``fmt="jsonl"``) a JSONL file, ``.parquet``, an existing folder or
    ``fmt="parquet"`` a folder of Parquet parts."""
    fmt = (fmt or ("parquet" if path.suffix.lower() == ".parquet" or path.is_dir() else
                   "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "")).lower()
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        return ParquetWriter(path)
    raise BatchError(f"{path.name}: the output is a .jsonl file or a .parquet folder")


# -- a whole run ----------------------------------------------------------------------------------------------
@dataclass
class Summary:
    """What a run did (the CLI prints it as the last line)."""

    n: int = 0
    written: int = 0
    skipped_existing: int = 0
    duplicates: int = 0
    errors: int = 0
    seconds: float = 0.0
    output: str = ""
    #: Ids this run wrote (a repeat of one is a duplicate, not a resume).
    ids: set[str] = field(default_factory=set, repr=False)

    def wrote(self, rows: list[dict[str, Any]], t0: float, progress: Progress | None, advanced: int) -> None:
        """Count rows just written (``t0``: the run's start) and move the bar by ``advanced`` notes of the input;
        every engine's writing loop ends each chunk here."""
        self.written += len(rows)
        self.errors += sum(1 for r in rows if not r["ok"])
        self.seconds = time.perf_counter() - t0
        if progress is not None:
            progress(advanced, self.written / self.seconds if self.seconds > 0 else 0.0)

    def to_dict(self) -> dict[str, Any]:
        rate = self.written / self.seconds if self.seconds > 0 else 0.0
        return {"n": self.n, "written": self.written, "skipped_existing": self.skipped_existing,
                "duplicates": self.duplicates, "errors": self.errors, "seconds": round(self.seconds, 2),
                "notes_per_s": round(rate, 2), "output": self.output}


def run_rows(rows: Iterable[dict[str, Any]], writer: JsonlWriter | ParquetWriter, tasks: Sequence[str], *,
             models: dict | None = None, explain: bool = False, chunk_size: int = DEFAULT_CHUNK,
             batched: bool = True, progress: Progress | None = None) -> Summary:
    """Run ``rows`` chunk by chunk into ``writer``, skipping ids it already holds (and repeated ids)."""
    names = task_list(tasks)
    models = models if models is not None else _loaded(tuple(names))
    seen = writer.existing_ids()
    summary = Summary(output=str(getattr(writer, "path", "")))
    t0 = time.perf_counter()
    for chunk in chunks(rows, max(1, chunk_size)):
        todo = []
        for row in chunk:
            summary.n += 1
            rid = str(row.get("id")) if isinstance(row, dict) else ""
            if rid in summary.ids:
                summary.duplicates += 1
                continue
            if rid in seen:
                summary.skipped_existing += 1
                continue
            summary.ids.add(rid)
            todo.append(row)
        out = run_batch(todo, names, models=models, explain=explain, batched=batched) if todo else []
        if out:
            writer.write(out)
        summary.wrote(out, t0, progress, len(chunk))
    summary.seconds = time.perf_counter() - t0
    return summary


def run_file(input_path: Path, output: Path, tasks: Sequence[str] | str = TASK_ORDER, *, explain: bool = False,
             id_column: str = "id", text_column: str = "text", chunk_size: int = DEFAULT_CHUNK,
             fmt: str | None = None, batched: bool = True, models: dict | None = None,
             progress: Progress | None = None) -> dict[str, Any]:
    """Run a file's notes into ``output`` (see :func:`read_rows` and :func:`writer_for`); the summary as a dict."""
    names = task_list(tasks)
    rows = read_rows(Path(input_path), id_column=id_column, text_column=text_column)
    writer = writer_for(Path(output), fmt)
    return run_rows(rows, writer, names, models=models, explain=explain, chunk_size=chunk_size, batched=batched,
                    progress=progress).to_dict()


def count_rows(path: Path) -> int | None:
    """How many notes an input holds, counted cheaply for a progress bar (None for a CSV: quoted newlines)."""
    path = Path(path)
    if path.is_dir():
        return sum(1 for p in path.iterdir() if p.suffix.lower() == ".txt")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    return None


def run_with_bar(runner: Callable[..., dict[str, Any]], input_path: Path, output: Path,
                 **options: Any) -> dict[str, Any]:
    """``runner`` (:func:`run_file`, or an engine's own, e.g. :func:`core.batch_ray.run_file`) with a tqdm bar on
    stderr showing notes/s (the CLI's ``batch``)."""
    from tqdm import tqdm

    with tqdm(total=count_rows(input_path), desc="batch", unit="note", file=sys.stderr) as bar:
        def progress(n: int, rate: float) -> None:
            bar.update(n)
            bar.set_postfix_str(f"{rate:.1f} notes/s written")

        return runner(Path(input_path), Path(output), progress=progress, **options)
