"""Benchmark: drug NER + attribute linking + normalization + assertion for 300-word notes, and one
entity's explanation, on this machine.

Run after `make run` (or `python -m core.cli train drugs`):
    .venv/bin/python bench/drugs.py [--notes 8] [--words 300] [--method ig]
Prints per-note timings and, last, one JSON object with the medians and their ratios to the targets
(0.5 s for the pipeline, 1.5 s for one explanation; a ratio below 1 meets the target).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.triage import notes_of_words  # noqa: E402

PIPELINE_TARGET_S = 0.5
EXPLAIN_TARGET_S = 1.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=8)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--method", default="ig", choices=["ig", "gxi"])
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from core.drugs.normalize import warm
    from core.drugs.pipeline import DrugPipeline
    from core.explain.entity import explain_entity
    from core.modeling import current_artifact
    from core.nlp.context import get_nlp

    path = current_artifact("drugs")
    if path is None:
        sys.exit("no drug model: run `make run` or `python -m core.cli train drugs` first")
    t0 = time.perf_counter()
    pipe = DrugPipeline.from_artifact(path)
    warm()
    get_nlp()
    load_s = time.perf_counter() - t0
    # notes with at least three drug mentions
    notes = notes_of_words(args.notes, args.words, args.seed, keep=lambda note: len(note.spans_of("DRUG")) >= 3)
    pipe(notes[0])  # first call pays one-off costs (thread pools, caches); the app loads once per process
    pipeline_s, explain_s, mentions = [], [], []
    for i, text in enumerate(notes):
        t = time.perf_counter()
        result = pipe(text)
        pipeline_s.append(time.perf_counter() - t)
        mentions.append(len(result.mentions))
        exp_s = None
        if result.mentions:
            span = result.mentions[len(result.mentions) // 2].span
            exp = explain_entity(pipe, text, span, method=args.method, use_cache=False)
            exp_s = exp.seconds
            explain_s.append(exp_s)
        print(f"note {i + 1}: {len(text.split())} words, {result.n_tokens} tokens, {len(result.mentions)} drugs, "
              f"pipeline {pipeline_s[-1] * 1000:.0f} ms, explanation "
              f"{'-' if exp_s is None else f'{exp_s * 1000:.0f} ms'}")
    med_p = statistics.median(pipeline_s)
    med_e = statistics.median(explain_s) if explain_s else None
    print(json.dumps({
        "device": str(pipe.device), "n": len(notes), "words": args.words, "load_s": round(load_s, 2),
        "pipeline_median_s": round(med_p, 3), "pipeline_max_s": round(max(pipeline_s), 3),
        "pipeline_target_ratio": round(med_p / PIPELINE_TARGET_S, 3),
        "explain_method": args.method, "explain_median_s": None if med_e is None else round(med_e, 3),
        "explain_target_ratio": None if med_e is None else round(med_e / EXPLAIN_TARGET_S, 3),
        "mentions_median": statistics.median(mentions), "model_version": pipe.version,
    }))


if __name__ == "__main__":
    main()
