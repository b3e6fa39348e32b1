"""Benchmark: the attribution engine against a naive Captum baseline, on the same triage notes, in one run.

The naive baseline is what a user of transformers-interpret gets: LayerIntegratedGradients on the
embeddings with ``n_steps=50`` per call, all steps in one pass (no batching control), no caching, on the
first 512 tokens of the note. The engine is :func:`core.explain.attribution.explain` without its cache,
with each method: adaptive Integrated Gradients (16 -> 24 -> 32 Gauss-Legendre steps until the
completeness gap is within 5%, batched) and gradient x input. Both are scored with the same ERASER
comprehensiveness (top 10% of words removed, drop in the note's calibrated probability of the service).

Run after `make run` (or `python -m core.cli train triage`):
    .venv/bin/python bench/explain.py [--notes 8] [--words 300]
Prints per-note timings and, last, one JSON object: ``speedup_median`` (baseline time / engine time for
the engine's default method, uncached), ``comprehensiveness_engine``, ``comprehensiveness_baseline``,
``device``, ``n``, and the same figures for every method (``methods``) with the default each task takes.
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


def naive_ig(pipe, text: str, target_index: int) -> list[float]:
    """transformers-interpret's recipe: LIG, n_steps=50, one pass, PAD baseline, first 512 tokens."""
    import torch
    from captum.attr import LayerIntegratedGradients

    from core.explain.attribution import _baseline_ids
    from core.explain.words import merge_to_words, word_spans

    tok = pipe.tokenizer
    enc = tok(text, truncation=True, max_length=512, return_offsets_mapping=True, return_tensors="pt")
    ids = enc["input_ids"].to(pipe.device)
    mask = torch.ones_like(ids)
    special = {i for i in (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id) if i is not None}

    def forward(input_ids, attention_mask):
        return pipe.model(input_ids=input_ids, attention_mask=attention_mask).logits.float()

    with pipe.lock:
        attr = LayerIntegratedGradients(forward, pipe.model.bert.embeddings).attribute(
            ids, baselines=_baseline_ids(ids, special, tok.pad_token_id or 0), target=target_index,
            additional_forward_args=(mask,), n_steps=50)
    token_scores = attr.sum(-1).detach().float().cpu().numpy()[0]
    offsets = [tuple(int(x) for x in o) for o in enc["offset_mapping"][0]]
    return merge_to_words(text, offsets, token_scores, word_spans(text))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=8)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()

    from core.explain.attribution import DEFAULT_METHODS, METHODS, explain, faithfulness
    from core.explain.words import word_spans
    from core.modeling import current_artifact
    from core.triage.pipeline import TriagePipeline

    path = current_artifact("triage")
    if path is None:
        sys.exit("no triage model: run `make run` or `python -m core.cli train triage` first")
    pipe = TriagePipeline.from_artifact(path)
    notes = notes_of_words(args.notes, args.words, args.seed)
    default = DEFAULT_METHODS["triage"]
    # warm-up: the first call in a process pays one-off costs (thread pools, Captum imports)
    first = notes[0]
    naive_ig(pipe, first, pipe.labels.index(pipe(first).service))
    for m in METHODS:
        explain(pipe, first, pipe(first).service, m, use_cache=False, with_faithfulness=False)

    times: dict[str, list[float]] = {"baseline": [], **{m: [] for m in METHODS}}
    comp: dict[str, list[float]] = {k: [] for k in times}
    for i, text in enumerate(notes):
        service = pipe(text).service
        index = pipe.labels.index(service)
        words = word_spans(text)
        t = time.perf_counter()
        scores = naive_ig(pipe, text, index)
        times["baseline"].append(time.perf_counter() - t)
        comp["baseline"].append(faithfulness(pipe, text, index, words, scores)["comprehensiveness"])
        line = [f"note {i + 1}: {len(text.split())} words; baseline {times['baseline'][-1]:.2f} s "
                f"(comp {comp['baseline'][-1]:+.3f})"]
        for m in METHODS:
            t = time.perf_counter()
            exp = explain(pipe, text, service, m, use_cache=False, with_faithfulness=False)
            times[m].append(time.perf_counter() - t)
            comp[m].append(faithfulness(pipe, text, index, [(w.start, w.end) for w in exp.words],
                                        [w.score for w in exp.words])["comprehensiveness"])
            line.append(f"{m} {times[m][-1]:.2f} s (comp {comp[m][-1]:+.3f}, {exp.n_steps} steps)")
        print("; ".join(line))

    def summary(k: str) -> dict:
        speedups = [b / e for b, e in zip(times["baseline"], times[k])]
        return {"seconds_median": round(statistics.median(times[k]), 3),
                "comprehensiveness": round(statistics.mean(comp[k]), 4),
                "speedup_median": round(statistics.median(speedups), 2),
                "comprehensiveness_per_second": round(statistics.mean(comp[k]) / statistics.median(times[k]), 3)}

    methods = {m: summary(m) for m in METHODS}
    print(json.dumps({
        "speedup_median": methods[default]["speedup_median"], "comprehensiveness_engine": methods[default]["comprehensiveness"],
        "comprehensiveness_baseline": round(statistics.mean(comp["baseline"]), 4),
        "baseline_seconds_median": round(statistics.median(times["baseline"]), 3),
        "engine_method": default, "engine_seconds_median": methods[default]["seconds_median"], "methods": methods,
        "defaults": DEFAULT_METHODS, "device": str(pipe.device), "n": len(notes), "words": args.words,
        "model_version": pipe.version,
    }))


if __name__ == "__main__":
    main()
