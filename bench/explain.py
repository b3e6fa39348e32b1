"""Benchmark: the attribution engine against a naive Captum baseline, on the same triage notes, in one run.

The naive baseline is what a user of transformers-interpret gets: LayerIntegratedGradients on the
embeddings with ``n_steps=50`` per call, all steps in one pass (no batching control), no caching, on the
first 512 tokens of the note. The engine is :func:`core.explain.note.explain_note` without its cache,
with each method: adaptive Integrated Gradients (16 -> 32 nested Clenshaw-Curtis steps until the
completeness gap is within 5%, batched) and gradient x input. Both are scored with the same ERASER
comprehensiveness (top 10% of words removed, drop in the note's calibrated probability of the service).

Run after `make run` (or `python -m core.cli train triage`):
    .venv/bin/python bench/explain.py [--notes 8] [--words 300]
Prints per-note timings and, last, one JSON object: ``speedup_median`` (baseline time / engine time for
the engine's default method, uncached), ``comprehensiveness_engine``, ``comprehensiveness_baseline``,
``device``, ``n``, and the same figures for every method (``methods``) with the default each task takes.

``tasks`` holds, for each task (triage; drug and condition entities, the first two mentions of notes with them;
the top treatment suggestion of notes with conditions), every method's median seconds, mean
comprehensiveness and sufficiency, and comprehensiveness per second: the measure each task's default in
``core.explain.attribution.DEFAULT_METHODS`` is chosen by. ``--sweep 8,12,16,24`` also runs triage IG at
fixed step counts (time, comprehensiveness, completeness gap), the speed/convergence frontier.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.common import load, notes_of_words


def naive_ig(pipe, text: str, target_index: int) -> list[float]:
    """transformers-interpret's recipe: LIG, n_steps=50, one pass, PAD baseline, first 512 tokens."""
    import torch
    from captum.attr import LayerIntegratedGradients

    from core.explain.attribution import _baseline_ids, special_ids
    from core.explain.words import merge_to_words, word_spans

    tok = pipe.tokenizer
    enc = tok(text, truncation=True, max_length=512, return_offsets_mapping=True, return_tensors="pt")
    ids = enc["input_ids"].to(pipe.device)
    mask = torch.ones_like(ids)
    special = special_ids(tok)

    def forward(input_ids, attention_mask):
        return pipe.model(input_ids=input_ids, attention_mask=attention_mask).logits.float()

    with pipe.lock:
        attr = LayerIntegratedGradients(forward, pipe.model.bert.embeddings).attribute(
            ids, baselines=_baseline_ids(ids, special, tok.pad_token_id or 0), target=target_index,
            additional_forward_args=(mask,), n_steps=50)
    token_scores = attr.sum(-1).detach().float().cpu().numpy()[0]
    offsets = [tuple(int(x) for x in o) for o in enc["offset_mapping"][0]]
    return merge_to_words(text, offsets, token_scores, word_spans(text))


def method_summary(rows: dict[str, list[tuple[float, float, float]]]) -> dict[str, dict]:
    """Per method: median seconds, mean comprehensiveness and sufficiency, comprehensiveness per second."""
    out = {}
    for m, vals in rows.items():
        if not vals:
            continue
        secs = statistics.median(v[0] for v in vals)
        comp = statistics.mean(v[1] for v in vals)
        out[m] = {"seconds_median": round(secs, 3), "comprehensiveness": round(comp, 4),
                  "sufficiency": round(statistics.mean(v[2] for v in vals), 4),
                  "comprehensiveness_per_second": round(comp / max(secs, 1e-9), 3), "n": len(vals)}
    return out


#: Which notes each task's methods are compared on: (seed offset, filter, targets explained per note).
TASK_NOTES = {
    "drugs": (0, lambda note: len(note.spans_of("DRUG")) >= 2, 2),
    "conditions": (3, lambda note: len(note.spans_of("CONDITION")) >= 2, 2),
    "treatments": (6, lambda note: len(note.spans_of("DRUG")) >= 2 and len(note.spans_of("CONDITION")) >= 3, 1),
}


def bench_task(name: str, n: int, words: int, seed: int) -> dict[str, dict]:
    """Each method on the first targets (mentions, or the top suggestion) of ``n`` synthesized notes."""
    from core.explain.attribution import METHODS
    from core.tasks import ModelMissing, get_task

    task = get_task(name)
    try:
        model = task.load()
    except ModelMissing as exc:
        print(f"{name}: {exc} Skipped.")
        return {}
    offset, keep, per_note = TASK_NOTES[name]
    notes = notes_of_words(n, words, seed + offset, keep=keep)
    rows: dict[str, list] = {m: [] for m in METHODS}
    warm = True
    for i, text in enumerate(notes):
        result = task.run(model, text)
        for target in task.targets(result)[:per_note]:
            if warm:   # the first call in a process pays one-off costs
                for m in METHODS:
                    task.explain(model, text, result, target.key, m, use_cache=False)
                warm = False
            line = []
            for m in METHODS:
                exp = task.explain(model, text, result, target.key, m, use_cache=False)
                rows[m].append((exp.seconds, exp.comprehensiveness, exp.sufficiency))
                line.append(f"{m} {exp.seconds:.2f} s (comp {exp.comprehensiveness:+.3f}, {exp.n_steps} steps)")
            print(f"{name} note {i + 1} {target.label}: " + "; ".join(line))
    return method_summary(rows)


def bench_sweep(pipe, notes: list[str], steps_list: list[int]) -> list[dict]:
    """Triage IG at fixed step counts: median time, mean comprehensiveness, median and max completeness gap."""
    from core.explain.note import explain_note, note_faithfulness

    out = []
    for steps in steps_list:
        secs, comps, gaps = [], [], []
        for text in notes:
            service = pipe(text).service
            exp = explain_note(pipe, text, service, "ig", use_cache=False, with_faithfulness=False,
                               start_steps=steps, max_steps=steps)
            secs.append(exp.seconds)
            gaps.append(exp.delta or 0.0)
            comps.append(note_faithfulness(pipe, text, pipe.labels.index(service),
                                           [(w.start, w.end) for w in exp.words],
                                           [w.score for w in exp.words])["comprehensiveness"])
        row = {"steps": steps, "seconds_median": round(statistics.median(secs), 3),
               "comprehensiveness": round(statistics.mean(comps), 4), "gap_median": round(statistics.median(gaps), 4),
               "gap_max": round(max(gaps), 4)}
        print(f"sweep: {row}")
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=8)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--tasks", default="triage,drugs,conditions,treatments",
                    help="comma-separated: which tasks' methods to compare besides triage's baseline")
    ap.add_argument("--sweep", default="", help="e.g. 8,12,16,24: triage IG at these fixed step counts")
    args = ap.parse_args()

    from core.explain.attribution import DEFAULT_METHODS, METHODS, choose_default
    from core.explain.note import explain_note as explain
    from core.explain.note import note_faithfulness as faithfulness
    from core.explain.words import word_spans

    _, pipe, _ = load("triage")
    notes = notes_of_words(args.notes, args.words, args.seed)
    default = DEFAULT_METHODS["triage"]
    # warm-up: the first call in a process pays one-off costs (thread pools, Captum imports)
    first = notes[0]
    naive_ig(pipe, first, pipe.labels.index(pipe(first).service))
    for m in METHODS:
        explain(pipe, first, pipe(first).service, m, use_cache=False, with_faithfulness=False)

    times: dict[str, list[float]] = {"baseline": [], **{m: [] for m in METHODS}}
    comp: dict[str, list[float]] = {k: [] for k in times}
    shown: dict[str, list[float]] = {m: [] for m in METHODS}
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
            # what the page waits for: the explanation with its faithfulness scores
            shown[m].append(time.perf_counter() - t)
            line.append(f"{m} {times[m][-1]:.2f} s (comp {comp[m][-1]:+.3f}, {exp.n_steps} steps)")
        print("; ".join(line))

    def summary(k: str) -> dict:
        speedups = [b / e for b, e in zip(times["baseline"], times[k])]
        return {"seconds_median": round(statistics.median(times[k]), 3),
                "comprehensiveness": round(statistics.mean(comp[k]), 4),
                "speedup_median": round(statistics.median(speedups), 2),
                "comprehensiveness_per_second": round(statistics.mean(comp[k]) / statistics.median(times[k]), 3),
                **({"seconds_with_faithfulness_median": round(statistics.median(shown[k]), 3)} if k in shown else {})}

    methods = {m: summary(m) for m in METHODS}
    tasks = {"triage": {m: {**methods[m], "sufficiency": None} for m in METHODS}}
    wanted = {t.strip() for t in args.tasks.split(",") if t.strip()}
    for name in TASK_NOTES:
        if name in wanted:
            tasks[name] = bench_task(name, args.notes, args.words, args.seed)
    sweep = [int(x) for x in args.sweep.split(",") if x.strip()]
    frontier = bench_sweep(pipe, notes, sweep) if sweep else None
    print(json.dumps({
        "speedup_median": methods[default]["speedup_median"],
        "comprehensiveness_engine": methods[default]["comprehensiveness"],
        "comprehensiveness_baseline": round(statistics.mean(comp["baseline"]), 4),
        "baseline_seconds_median": round(statistics.median(times["baseline"]), 3),
        "engine_method": default, "engine_seconds_median": methods[default]["seconds_median"], "methods": methods,
        "defaults": DEFAULT_METHODS,
        "defaults_measured": {task: choose_default(res) for task, res in tasks.items() if res},
        "device": str(pipe.device), "n": len(notes), "words": args.words,
        "model_version": pipe.version, "tasks": tasks, "sweep": frontier,
    }))


if __name__ == "__main__":
    main()
