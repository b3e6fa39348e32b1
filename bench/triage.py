"""Benchmark: triage plus word-level attributions for 300-word notes, on this machine.

Run after `make run` (or `python -m core.cli train triage`):
    .venv/bin/python bench/triage.py [--notes 5] [--method ig]
Prints per-note timings and, last, one JSON object with the medians and the 2 s target's ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def notes_of_words(n: int, words: int, seed: int, keep=None) -> list[str]:
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=5)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--method", default="ig", choices=["ig", "gxi"])
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--csv", type=Path, default=None,
                    help="Take the notes from this CSV's text column (e.g. ../shared/data/mtsamples_triage_dev.csv) "
                         "instead of synthesizing them; notes shorter than --words are skipped.")
    args = ap.parse_args()

    from core.explain.attribution import explain
    from core.modeling import current_artifact
    from core.triage.pipeline import TriagePipeline

    path = current_artifact("triage")
    if path is None:
        sys.exit("no triage model: run `make run` or `python -m core.cli train triage` first")
    t0 = time.perf_counter()
    pipe = TriagePipeline.from_artifact(path)
    load_s = time.perf_counter() - t0
    if args.csv:
        import csv as _csv

        _csv.field_size_limit(sys.maxsize)
        with open(args.csv, newline="", encoding="utf-8") as fh:
            texts = [r["text"] for r in _csv.DictReader(fh) if len(r["text"].split()) >= args.words]
        notes = [" ".join(t.split()[:args.words]) for t in texts[:args.notes]]
    else:
        notes = notes_of_words(args.notes, args.words, args.seed)
    # warm-up (first calls in a process pay one-off costs)
    res = pipe(notes[0])
    explain(pipe, notes[0], res.service, args.method, use_cache=False)
    triage_s, explain_s, total_s, tokens, steps = [], [], [], [], []
    for text in notes:
        t = time.perf_counter()
        res = pipe(text)
        t1 = time.perf_counter()
        exp = explain(pipe, text, res.service, args.method, use_cache=False)
        t2 = time.perf_counter()
        triage_s.append(t1 - t)
        explain_s.append(t2 - t1)
        total_s.append(t2 - t)
        tokens.append(res.n_tokens)
        steps.append(exp.n_steps)
        print(f"{res.n_tokens:4d} tokens  triage {t1 - t:.3f} s  explain {t2 - t1:.3f} s ({exp.n_steps} steps, "
              f"delta {exp.delta if exp.delta is None else round(exp.delta, 3)}, comp {exp.comprehensiveness:.3f})")
    med = statistics.median(total_s)
    print(json.dumps({
        "device": str(pipe.device), "model_version": pipe.version, "method": args.method, "n": len(notes),
        "source": str(args.csv.name) if args.csv else "synthetic",
        "words": args.words, "tokens_median": statistics.median(tokens), "load_s": round(load_s, 2),
        "triage_s_median": round(statistics.median(triage_s), 3), "explain_s_median": round(statistics.median(explain_s), 3),
        "total_s_median": round(med, 3), "target_s": 2.0, "target_ratio": round(2.0 / med, 2),
        "steps_median": statistics.median(steps),
    }))


if __name__ == "__main__":
    main()
