"""Benchmark: drug NER + attribute linking + normalization + assertion for 300-word notes, and one
entity's explanation, on this machine.

Run after `make run` (or `python -m core.cli train drugs`):
    .venv/bin/python bench/drugs.py [--notes 8] [--words 300] [--method ig]
Prints per-note timings and, last, one JSON object with the medians and their ratios to the targets
(0.5 s for the pipeline, 1.5 s for one explanation; a ratio below 1 meets the target).
"""

from __future__ import annotations

import json
import statistics

from bench.common import arguments, load, median, notes_of_words, time_runs

PIPELINE_TARGET_S = 0.5
EXPLAIN_TARGET_S = 1.5


def main() -> None:
    ap = arguments(notes=8, seed=7)
    args = ap.parse_args()

    task, pipe, load_s = load("drugs")
    # notes with at least three drug mentions; the mention in the middle of each is explained
    notes = notes_of_words(args.notes, args.words, args.seed, keep=lambda note: len(note.spans_of("DRUG")) >= 3)

    def report(i: int, text: str, result, seconds: float, exp) -> None:
        print(f"note {i + 1}: {len(text.split())} words, {result.n_tokens} tokens, {len(result.mentions)} drugs, "
              f"pipeline {seconds * 1000:.0f} ms, explanation "
              f"{'-' if exp is None else f'{exp.seconds * 1000:.0f} ms'}")

    runs = time_runs(task, pipe, notes, method=args.method, report=report,
                     pick=lambda targets: targets[len(targets) // 2] if targets else None)
    med_p, med_e = median(runs["run_s"]), median(runs["explain_s"])
    print(json.dumps({
        "device": str(pipe.device), "n": len(notes), "words": args.words, "load_s": round(load_s, 2),
        "pipeline_median_s": med_p, "pipeline_max_s": round(max(runs["run_s"]), 3),
        "pipeline_target_ratio": round(med_p / PIPELINE_TARGET_S, 3),
        "explain_method": args.method, "explain_median_s": med_e,
        "explain_target_ratio": None if med_e is None else round(med_e / EXPLAIN_TARGET_S, 3),
        "mentions_median": statistics.median(len(r.mentions) for r in runs["results"]), "model_version": pipe.version,
    }))


if __name__ == "__main__":
    main()
