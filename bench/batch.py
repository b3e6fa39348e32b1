"""Benchmark: batch throughput, the length-bucketed batched path against the per-note loop, in one run.

Run after `make run` (the default models):
    .venv/bin/python bench/batch.py [--notes 128] [--words 300] [--tasks triage,drugs]
Both paths run the same synthesized notes through :func:`core.batch.run_batch` (one warm-up chunk first); the
answers of the two are compared (services, drug entities). Last line: JSON with notes_per_s_batch,
notes_per_s_loop, speedup_vs_loop, device, n.
"""

from __future__ import annotations

import json
import time

from bench.common import arguments, notes_of_words


def main() -> None:
    ap = arguments(notes=128, seed=41)
    ap.add_argument("--tasks", default="triage,drugs")
    args = ap.parse_args()

    from core import batch

    names = batch.task_list(args.tasks)
    models = batch.load_models(names)
    notes = notes_of_words(args.notes, args.words, args.seed)
    rows = [{"id": str(i), "text": t} for i, t in enumerate(notes)]
    batch.run_batch(rows[:8], names, models=models)  # one-off costs (thread pools, dictionaries, ConText)
    batch.run_batch(rows[:2], names, models=models, batched=False)

    timed = {}
    outputs = {}
    for label, batched in (("batch", True), ("loop", False)):
        t0 = time.perf_counter()
        outputs[label] = batch.run_batch(rows, names, models=models, batched=batched)
        timed[label] = time.perf_counter() - t0
        print(f"{label}: {len(rows)} notes in {timed[label]:.1f} s ({len(rows) / timed[label]:.2f} notes/s)")

    def answers(row: dict) -> tuple:
        t, d = row.get("triage"), row.get("drugs")
        return ((t or {}).get("service"), [(e["start"], e["end"], e["label"]) for e in (d or {}).get("entities", [])])

    same = sum(answers(a) == answers(b) for a, b in zip(outputs["batch"], outputs["loop"]))
    device = str(next(iter(models.values())).device)
    rate_batch, rate_loop = len(rows) / timed["batch"], len(rows) / timed["loop"]
    print(json.dumps({"tasks": names, "n": len(rows), "words": args.words, "device": device,
                      "notes_per_s_batch": round(rate_batch, 2), "notes_per_s_loop": round(rate_loop, 2),
                      "speedup_vs_loop": round(rate_batch / rate_loop, 2), "same_answers": same,
                      "errors": sum(not r["ok"] for r in outputs["batch"] + outputs["loop"])}))


if __name__ == "__main__":
    main()
