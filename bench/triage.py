"""Benchmark: triage plus word-level attributions for 300-word notes, on this machine.

Run after `make run` (or `python -m core.cli train triage`):
    .venv/bin/python bench/triage.py [--notes 5] [--method ig] [--csv ../shared/data/mtsamples_triage_dev.csv]
Prints per-note timings and, last, one JSON object with the medians and the 2 s target's ratio.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from bench.common import arguments, load, notes_of_words, time_runs


def main() -> None:
    ap = arguments(notes=5, seed=99)
    ap.add_argument("--csv", type=Path, default=None,
                    help="Take the notes from this CSV's text column (e.g. ../shared/data/mtsamples_triage_dev.csv) "
                         "instead of synthesizing them; notes shorter than --words are skipped.")
    args = ap.parse_args()

    task, pipe, load_s = load("triage")
    if args.csv:
        import csv

        csv.field_size_limit(sys.maxsize)
        with open(args.csv, newline="", encoding="utf-8") as fh:
            texts = [r["text"] for r in csv.DictReader(fh) if len(r["text"].split()) >= args.words]
        notes = [" ".join(t.split()[:args.words]) for t in texts[:args.notes]]
    else:
        notes = notes_of_words(args.notes, args.words, args.seed)
    steps: list[int] = []

    def report(i: int, text: str, res, seconds: float, exp) -> None:
        steps.append(exp.n_steps)
        print(f"{res.n_tokens:4d} tokens  triage {seconds:.3f} s  explain {exp.seconds:.3f} s ({exp.n_steps} steps, "
              f"delta {exp.delta if exp.delta is None else round(exp.delta, 3)}, comp {exp.comprehensiveness:.3f})")

    runs = time_runs(task, pipe, notes, method=args.method, report=report)
    total = [a + b for a, b in zip(runs["run_s"], runs["explain_s"])]
    med = statistics.median(total)
    print(json.dumps({
        "device": str(pipe.device), "model_version": pipe.version, "method": args.method, "n": len(notes),
        "source": str(args.csv.name) if args.csv else "synthetic",
        "words": args.words, "tokens_median": statistics.median(r.n_tokens for r in runs["results"]),
        "load_s": round(load_s, 2), "triage_s_median": round(statistics.median(runs["run_s"]), 3),
        "explain_s_median": round(statistics.median(runs["explain_s"]), 3),
        "total_s_median": round(med, 3), "target_s": 2.0, "target_ratio": round(2.0 / med, 2),
        "steps_median": statistics.median(steps),
    }))


if __name__ == "__main__":
    main()
