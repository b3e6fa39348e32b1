"""What the benchmarks share: synthesized notes of a given length, loading a task's model, timing runs and
explanations through the task interface (so every task is measured the same way)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def arguments(notes: int, seed: int) -> argparse.ArgumentParser:
    """The options every benchmark takes: how many notes, of how many words, which explanation method, the seed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=notes)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--method", default="ig", choices=["ig", "gxi"])
    ap.add_argument("--seed", type=int, default=seed)
    return ap


def notes_of_words(n: int, words: int, seed: int, keep: Callable[[Any], bool] | None = None) -> list[str]:
    """``n`` synthesized notes (those ``keep(note)`` accepts, when given) cut (or repeated) to ``words`` words."""
    from core.synth import NoteSynthesizer

    synth = NoteSynthesizer(seed=seed)
    out = []
    for note in synth.generate(n * 6):
        if keep is not None and not keep(note):
            continue
        toks = note.text.split()
        while len(toks) < words:
            toks += toks
        out.append(" ".join(toks[:words]))
        if len(out) == n:
            break
    return out


def load(name: str) -> tuple[Any, Any, float]:
    """(task, its current model ready to serve, seconds it took); exits with the training hint when missing."""
    from core.tasks import ModelMissing, get_task

    task = get_task(name)
    t0 = time.perf_counter()
    try:
        model = task.load()
    except ModelMissing as exc:
        sys.exit(str(exc))
    task.warm()
    return task, model, time.perf_counter() - t0


def time_runs(task: Any, model: Any, notes: Sequence[str], *, method: str | None = None,
              pick: Callable[[list[Any]], Any] = lambda targets: targets[0] if targets else None,
              report: Callable[[int, str, Any, float, Any], None] | None = None) -> dict[str, list[Any]]:
    """Run ``task`` on each note, then explain the target ``pick`` chooses (uncached); the first note is run
    once beforehand (one-off costs: thread pools, caches). Returns the seconds of each run and explanation."""
    task.run(model, notes[0])
    out: dict[str, list[Any]] = {"run_s": [], "explain_s": [], "results": []}
    for i, text in enumerate(notes):
        t = time.perf_counter()
        result = task.run(model, text)
        out["run_s"].append(time.perf_counter() - t)
        out["results"].append(result)
        target = pick(task.targets(result))
        exp = None
        if target is not None:
            exp = task.explain(model, text, result, target.key, method, use_cache=False)
            out["explain_s"].append(exp.seconds)
        if report:
            report(i, text, result, out["run_s"][-1], exp)
    return out


def median(values: Sequence[float], digits: int = 3) -> float | None:
    return round(statistics.median(values), digits) if values else None
