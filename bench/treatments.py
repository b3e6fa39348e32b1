"""Benchmark: treatment suggestions for 300-word notes (conditions, current medications, ranking and
every safety check), and one suggestion's explanation, on this machine.

Run after `make run`:
    .venv/bin/python bench/treatments.py [--notes 8] [--words 300]
Prints per-note timings and, last, one JSON object with the medians and their ratios to the target
(1 s per note for suggestions; a ratio below 1 meets it).
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

SUGGEST_TARGET_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=8)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--method", default="ig", choices=["ig", "gxi"])
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    from core.conditions.normalize import warm as warm_conditions
    from core.drugs.normalize import warm as warm_drugs
    from core.nlp.context import get_nlp
    from core.treatments.explain import explain_ranking
    from core.treatments.interactions import DrugRef
    from core.treatments.suggest import TreatmentEngine

    t0 = time.perf_counter()
    try:
        engine = TreatmentEngine.from_artifacts()
    except FileNotFoundError as exc:
        sys.exit(f"{exc} (or `make run`)")
    warm_conditions()
    warm_drugs()
    get_nlp()
    engine.checker.check(DrugRef("warfarin", None), DrugRef("aspirin", None))  # loads the ANSM thesaurus
    load_s = time.perf_counter() - t0
    # notes whose conditions the knowledge base knows, with current medications
    notes = notes_of_words(args.notes, args.words, args.seed,
                           keep=lambda note: len(note.spans_of("DRUG")) >= 2 and len(note.spans_of("CONDITION")) >= 3)
    engine(notes[0])  # first call pays one-off costs (thread pools, caches); the app loads once per process
    suggest_s, explain_s, counts = [], [], []
    for i, text in enumerate(notes):
        t = time.perf_counter()
        result = engine(text)
        suggest_s.append(time.perf_counter() - t)
        counts.append(len(result.suggestions))
        exp_s = None
        if result.suggestions and engine.ranker is not None:
            s = result.suggestions[0]
            exp = explain_ranking(engine.ranker, text, engine.kb.condition(s.condition_id), s.drug,
                                  method=args.method, use_cache=False,
                                  features={x.drug: x.features for x in (*result.suggestions, *result.withheld)
                                            if x.condition_id == s.condition_id})
            exp_s = exp.seconds
            explain_s.append(exp_s)
        print(f"note {i + 1}: {len(text.split())} words, {len(result.conditions.mentions)} conditions, "
              f"{len(result.current)} current drugs, {len(result.suggestions)} suggestions "
              f"({len(result.withheld)} withheld), {suggest_s[-1] * 1000:.0f} ms, explanation "
              f"{'-' if exp_s is None else f'{exp_s * 1000:.0f} ms'}")
    med = statistics.median(suggest_s)
    med_e = statistics.median(explain_s) if explain_s else None
    print(json.dumps({
        "device": str(engine.conditions.device), "n": len(notes), "words": args.words, "load_s": round(load_s, 2),
        "suggest_median_s": round(med, 3), "suggest_max_s": round(max(suggest_s), 3),
        "suggest_target_ratio": round(med / SUGGEST_TARGET_S, 3), "suggestions_median": statistics.median(counts),
        "explain_method": args.method, "explain_median_s": None if med_e is None else round(med_e, 3),
        "versions": engine.versions,
    }))


if __name__ == "__main__":
    main()
