"""Benchmark: treatment suggestions for 300-word notes (conditions, current medications, ranking and
every safety check), and one suggestion's explanation, on this machine.

Run after `make run`:
    .venv/bin/python bench/treatments.py [--notes 8] [--words 300]
Prints per-note timings and, last, one JSON object with the medians and their ratios to the target
(1 s per note for suggestions; a ratio below 1 meets it).
"""

from __future__ import annotations

import json
import statistics

from bench.common import arguments, load, median, notes_of_words, time_runs

SUGGEST_TARGET_S = 1.0


def main() -> None:
    ap = arguments(notes=8, seed=11)
    args = ap.parse_args()

    from core.treatments.interactions import DrugRef

    task, engine, load_s = load("treatments")
    engine.checker.check(DrugRef("warfarin", None), DrugRef("aspirin", None))  # loads the ANSM thesaurus
    # notes whose conditions the knowledge base knows, with current medications
    notes = notes_of_words(args.notes, args.words, args.seed,
                           keep=lambda note: len(note.spans_of("DRUG")) >= 2 and len(note.spans_of("CONDITION")) >= 3)

    def report(i: int, text: str, result, seconds: float, exp) -> None:
        print(f"note {i + 1}: {len(text.split())} words, {len(result.conditions.mentions)} conditions, "
              f"{len(result.current)} current drugs, {len(result.suggestions)} suggestions "
              f"({len(result.withheld)} withheld), {seconds * 1000:.0f} ms, explanation "
              f"{'-' if exp is None else f'{exp.seconds * 1000:.0f} ms'}")

    runs = time_runs(task, engine, notes, method=args.method, report=report,
                     pick=lambda targets: targets[0] if targets and engine.ranker is not None else None)
    med = median(runs["run_s"])
    print(json.dumps({
        "device": str(engine.conditions.device), "n": len(notes), "words": args.words, "load_s": round(load_s, 2),
        "suggest_median_s": med, "suggest_max_s": round(max(runs["run_s"]), 3),
        "suggest_target_ratio": round(med / SUGGEST_TARGET_S, 3),
        "suggestions_median": statistics.median(len(r.suggestions) for r in runs["results"]),
        "explain_method": args.method, "explain_median_s": median(runs["explain_s"]), "versions": engine.versions,
    }))


if __name__ == "__main__":
    main()
