"""``batch --engine ray``: the batch function of :mod:`core.batch` on Ray Data, from one machine to a cluster.

The notes are read, resumed (ids the output already holds are skipped) and written exactly as by the local engine;
between the two, each window of notes is a Ray dataset whose ``map_batches`` runs :func:`core.batch.run_batch` in a
pool of actors that load the models once, in ``__init__`` (one GPU per actor where the cluster has GPUs, else CPU
actors). ``batch_size`` is always given: Ray requires it with GPUs (ray issue 42340) and it bounds the memory of a
forward pass. Explanations are a second, smaller-batch stage (attribution holds many interpolation steps in memory
per note), so the prediction stage keeps its large batches. Rows cross Ray as JSON text (a result's shape differs
from note to note, which Arrow columns cannot hold), so the output rows are the local engine's, field for field.

Connecting: ``RAY_ADDRESS`` (or ``address=``) joins a running cluster (``ray start --head`` on one machine, ``ray
start --address=HEAD:6379`` on the others); without it a local Ray instance is started for the run. Every node needs
the project installed at the same path and the same ``NOTELENS_*`` settings (models folder) in ``ray start``'s
environment.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.batch import (
    DEFAULT_CHUNK,
    BatchError,
    Progress,
    Summary,
    chunks,
    load_models,
    read_rows,
    run_batch,
    task_list,
    writer_for,
)

#: Notes per explanation batch (the attribution stage).
EXPLAIN_BATCH = 4
#: Notes handed to Ray as one dataset (one actor pool, models loaded once per actor): bounds the driver's memory.
WINDOW = 20_000


class Predictor:
    """A Ray Data actor: loads the tasks' models once, then turns batches of ``{"id", "text"}`` into result rows."""

    def __init__(self, tasks: list[str], explain: bool = False) -> None:
        import ray

        gpu = bool(ray.get_gpu_ids())
        self.tasks, self.explain = tasks, explain
        self.models = load_models(tasks, device="cuda" if gpu else None)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        rows = [{"id": str(i), "error": e} if e else {"id": str(i), "text": t}
                for i, t, e in zip(batch["id"], batch["text"], batch["error"])]
        if self.explain:  # the second stage: the rows the first one ran without error, now explained
            out = [json.loads(r) for r in batch["row"]]
            todo = [k for k, r in enumerate(out) if r["ok"]]
            for k, row in zip(todo, run_batch([rows[k] for k in todo], self.tasks, models=self.models, explain=True)):
                out[k] = row
        else:
            out = run_batch(rows, self.tasks, models=self.models)
        return {**batch, "row": [json.dumps(r, ensure_ascii=False, default=str) for r in out]}


def _wire(pos: int, row: dict[str, Any]) -> dict[str, Any]:
    """A reader's row as Ray columns: a position (to put the results back in order), id, text and error (or "")."""
    text, error = row.get("text"), row.get("error")
    if not error and not isinstance(text, str):
        error = f"the note is not text ({type(text).__name__})"
    return {"pos": pos, "id": str(row.get("id")), "text": "" if error else text, "error": str(error or "")}


def connect(address: str | None = None, *, num_cpus: int | None = None) -> dict[str, float]:
    """Join the cluster at ``address`` (or ``RAY_ADDRESS``), else start a local Ray; returns its resources."""
    import ray

    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS") or None
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address is None and num_cpus is not None:
            kwargs["num_cpus"] = num_cpus
        ray.init(address=address, **kwargs)
        ray.data.DataContext.get_current().enable_progress_bars = False
    return dict(ray.cluster_resources())


def run_ray(rows: Iterable[dict[str, Any]], tasks: list[str], *, explain: bool = False,
            num_gpus_per_actor: float | None = None, batch_size: int = 64, concurrency: int | None = None,
            explain_batch_size: int = EXPLAIN_BATCH, window: int = WINDOW) -> Iterator[dict[str, Any]]:
    """Result rows of ``rows`` (``{"id", "text"}``, or an ``"error"``), in input order, as Ray produces them.

    Args:
        num_gpus_per_actor: GPUs per actor (default: 1 where the cluster has a GPU, else 0: CPU actors).
        batch_size: notes per ``map_batches`` call in the prediction stage.
        concurrency: actors per stage (default: the cluster's GPUs, or 1 on CPUs).
        explain_batch_size: notes per call in the explanation stage.
        window: notes per Ray dataset (the input is read a window at a time).
    """
    import ray

    resources = connect()
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    gpus = resources.get("GPU", 0.0)
    per_actor = (1.0 if gpus >= 1 else 0.0) if num_gpus_per_actor is None else num_gpus_per_actor
    actors = concurrency or (max(1, int(gpus // per_actor)) if per_actor else 1)
    stage: dict[str, Any] = {"num_gpus": per_actor} if per_actor else {"num_cpus": 1}
    stage["compute"] = ray.data.ActorPoolStrategy(size=actors)
    for part in chunks(rows, max(1, window)):
        ds = ray.data.from_items([_wire(k, r) for k, r in enumerate(part)])
        ds = ds.map_batches(Predictor, fn_constructor_kwargs={"tasks": tasks}, batch_size=batch_size,
                            batch_format="numpy", **stage)
        if explain:
            ds = ds.map_batches(Predictor, fn_constructor_kwargs={"tasks": tasks, "explain": True},
                                batch_size=explain_batch_size, batch_format="numpy", **stage)
        ready: dict[int, dict[str, Any]] = {}
        following = 0
        for r in ds.select_columns(["pos", "row"]).iter_rows():  # in order already; the buffer makes sure
            ready[int(r["pos"])] = json.loads(r["row"])
            while following in ready:
                yield ready.pop(following)
                following += 1


def run_file(input_path: Path, output: Path, tasks: list[str] | str = "triage,drugs,conditions,treatments", *,
             explain: bool = False, id_column: str = "id", text_column: str = "text",
             chunk_size: int = DEFAULT_CHUNK, fmt: str | None = None, progress: Progress | None = None,
             num_gpus_per_actor: float | None = None, batch_size: int | None = None,
             concurrency: int | None = None, **_: Any) -> dict[str, Any]:
    """:func:`core.batch.run_file` on Ray: same input, output, resuming and summary (``--engine ray``).

    Raises:
        BatchError: Ray is not installed, or the input or output cannot be used.
    """
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        raise BatchError(f"--engine ray needs Ray Data (pip install 'ray[data]'): {exc}") from None
    names = task_list(tasks)
    writer = writer_for(Path(output), fmt)
    seen, summary = writer.existing_ids(), Summary(output=str(getattr(writer, "path", "")))
    t0 = time.perf_counter()

    def todo() -> Iterable[dict[str, Any]]:
        for row in read_rows(Path(input_path), id_column=id_column, text_column=text_column):
            summary.n += 1
            rid = str(row.get("id"))
            if rid in summary.ids:
                summary.duplicates += 1
            elif rid in seen:
                summary.skipped_existing += 1
            else:
                summary.ids.add(rid)
                yield row

    results = run_ray(todo(), names, explain=explain, num_gpus_per_actor=num_gpus_per_actor,
                      batch_size=batch_size or chunk_size, concurrency=concurrency)
    for part in chunks(results, max(1, chunk_size)):  # written as they come: a killed run resumes from here
        writer.write(part)
        summary.wrote(part, t0, progress, len(part))
    summary.seconds = time.perf_counter() - t0
    if progress is not None and summary.n > summary.written:  # the ids skipped, so the bar ends at the input's size
        progress(summary.n - summary.written, summary.written / summary.seconds if summary.seconds > 0 else 0.0)
    return summary.to_dict()
