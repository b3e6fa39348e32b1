"""Benchmark: how many corrected notes a retrained drug model needs to fix a systematic miss (issue 14).

The miss is planted: a "default" drug model is trained on synthesized data that never writes one drug class (the
systemic antibacterials of ``core/knowledge/data/allergy_groups.yaml``: penicillins, cephalosporins, carbapenems,
fluoroquinolones, macrolides, tetracyclines; config ``exclude_drugs``). Annotators then correct N notes that
mention the class: their gold (the synthesizer's spans, which adds every class mention the default missed) becomes a
training example exactly as the review loop makes it (``core.review.data.to_example`` of a ``{"spans": [...]}``
answer, repeated ``GOLD_WEIGHT[method]`` times), and a candidate is retrained as ``notelens train drugs
--with-feedback`` does without ``--data``: from the base encoder on the same synthetic data plus the feedback.
Alternate members of each group never appear in the corrections, so recall is reported on class names seen in
corrections and on unseen names of the class, in held-out notes of another seed; notes without the class check that
the rest does not regress.

Models go to a temporary folder (never ``models/``). Each training uses the real encoder; keep the data small on a
CPU. Prints a table on stderr and one JSON line last on stdout:
    NOTELENS_THREADS=1 .venv/bin/python bench/corrections_needed.py [--grid 0,5,15,40] [--n-notes 150]
``--keep-class --grid 0`` measures the ceiling: the same small model trained on data that has the class.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

#: The allergy groups whose members make the planted class (systemic antibacterials).
CLASS_GROUPS = ("penicillins", "cephalosporins", "carbapenems", "fluoroquinolones", "macrolides", "tetracyclines")
TARGET_RECALL = 0.8


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def class_names(vocab: set[str]) -> tuple[list[str], list[str]]:
    """(names that corrections may contain, names they never contain): the class members the synthesizer writes,
    alternating within each group in the file's order."""
    from core.knowledge.drug_classes import allergy_groups

    groups = allergy_groups().groups
    seen: list[str] = []
    unseen: list[str] = []
    for g in CLASS_GROUPS:
        members = [m for m in groups[g].members if m in vocab]
        seen += members[0::2]
        unseen += members[1::2]
    return seen, unseen


def answer_of(note: Any) -> dict[str, Any]:
    """The note's gold as a review answer (``{"spans": [...]}``): each DRUG with its status and attributes, and the
    drug-class mentions."""
    from core.labels import ATTRIBUTE_LABELS, DRUG_LABELS

    spans = [s for s in note.spans if s.label in DRUG_LABELS]
    attrs: dict[int | None, list[dict[str, Any]]] = {}
    for s in spans:
        if s.label in ATTRIBUTE_LABELS:
            attrs.setdefault(s.group, []).append({"start": s.start, "end": s.end, "label": s.label})
    out = []
    for s in spans:
        if s.label in ATTRIBUTE_LABELS:
            continue
        d: dict[str, Any] = {"start": s.start, "end": s.end, "label": s.label, "status": s.status}
        if s.label == "DRUG":
            d["attributes"] = attrs.get(s.group, [])
        out.append(d)
    return {"spans": out}


def class_hits(notes: list[Any], preds: list[list[Any]], keys: frozenset[str],
               missed: Counter[str] | None = None) -> tuple[int, int]:
    """(gold DRUG mentions of the drugs ``keys`` names, how many the model found exactly); each miss is counted in
    ``missed`` by its status (and "brand", "misspelled")."""
    n = hit = 0
    for note, pred in zip(notes, preds):
        found = {(p.start, p.end) for p in pred if p.label == "DRUG"}
        for g in note.spans_of("DRUG"):
            if g.meta.get("canonical") in keys:
                n += 1
                ok = (g.start, g.end) in found
                hit += ok
                if not ok and missed is not None:
                    missed.update([str(g.status)] + [k for k in ("brand", "misspelled") if g.meta.get(k)])
    return n, hit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", default="0,5,15,40", help="numbers of corrected notes (0: the default itself)")
    ap.add_argument("--n-notes", type=int, default=150, help="synthesized training notes")
    ap.add_argument("--n-passages", type=int, default=150, help="synthesized literature passages")
    ap.add_argument("--tokens-per-batch", type=int, default=512,
                    help="smaller batches: more updates for the same compute on little data (shipped: 2048)")
    ap.add_argument("--class-notes", type=int, default=120, help="held-out notes that mention the class")
    ap.add_argument("--ordinary-notes", type=int, default=40, help="held-out notes that do not")
    ap.add_argument("--gold-method", default="single", choices=["single", "unanimous", "adjudicated"])
    ap.add_argument("--eval-seed", type=int, default=909)
    ap.add_argument("--corrections-seed", type=int, default=404)
    ap.add_argument("--models-dir", type=Path, default=None, help="default: a temporary folder, removed at the end")
    ap.add_argument("--keep-class", action="store_true",
                    help="the ceiling: the class stays in the synthetic data (use with --grid 0)")
    ap.add_argument("--tiny", action="store_true", help="a tiny random encoder (tests only; figures mean nothing)")
    args = ap.parse_args()
    grid = sorted({int(x) for x in args.grid.split(",") if x.strip()})

    from core.ner.data import AnnotatedDoc
    from core.review.data import to_example
    from core.synth.generator import NoteSynthesizer
    from core.tasks import get_task
    from core.tasks.workflows import GOLD_WEIGHT

    t_start = time.perf_counter()
    task = get_task("drugs")
    base = NoteSynthesizer(seed=args.eval_seed)
    vocab = {k for e in list(base.kb.drugs.values()) + list(base.kb.dictionary_drugs) for k in e.canonical_keys}
    seen, unseen = class_names(vocab)
    # every identity a name stands for (profiles such as "ciprofloxacin otic" included), as the synthesizer excludes
    seen_keys = NoteSynthesizer(seed=0, exclude_drugs=seen).excluded_canonicals
    unseen_keys = NoteSynthesizer(seed=0, exclude_drugs=unseen).excluded_canonicals - seen_keys
    class_keys = seen_keys | unseen_keys
    log(f"class: {len(seen) + len(unseen)} names ({len(class_keys)} identities); in corrections: {', '.join(seen)}; "
        f"never: {', '.join(unseen)}")

    # held-out notes (another seed, every drug): some with the class, some without
    pool = base.generate(max(1500, 6 * args.class_notes))
    with_class = [n for n in pool if any(s.meta.get("canonical") in class_keys for s in n.spans_of("DRUG"))]
    chosen = {id(n) for n in with_class}
    without = [n for n in pool if id(n) not in chosen]
    eval_class, eval_plain = with_class[:args.class_notes], without[:args.ordinary_notes]
    log(f"held-out: {len(eval_class)} notes with the class, {len(eval_plain)} without (seed {args.eval_seed})")
    keep = {"DRUG", "STRENGTH", "DOSE", "ROUTE", "FREQUENCY", "FORM", "DURATION", "DRUG_CLASS"}
    plain_docs = [AnnotatedDoc(n.text, tuple(s for s in n.spans if s.label in keep)) for n in eval_plain]

    # the notes annotators correct: they mention only the class names of the "seen" half
    corr_synth = NoteSynthesizer(seed=args.corrections_seed, exclude_drugs=unseen)
    corr_notes = [n for n in corr_synth.generate(max(600, 12 * max(grid)))
                  if any(s.meta.get("canonical") in seen_keys for s in n.spans_of("DRUG"))][:max(grid)]
    if len(corr_notes) < max(grid):
        sys.exit(f"only {len(corr_notes)} correction notes mention the class (asked for {max(grid)})")

    cfg = task.config(n_notes=args.n_notes, n_passages=args.n_passages, val_notes=10, val_passages=10,
                      tokens_per_batch=args.tokens_per_batch, measure_heldout=False,
                      exclude_drugs=() if args.keep_class else tuple(seen + unseen), tiny=args.tiny)
    weight = GOLD_WEIGHT[args.gold_method]
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="notelens-corrections-"))
    rows: list[dict[str, Any]] = []
    log(f"{'N':>4} {'copies':>6} {'missed':>7} {'class R':>8} {'seen R':>7} {'unseen R':>9} {'plain F1':>9} "
        f"{'DRUG F1':>8} {'train s':>8}")
    planted: int | None = None
    try:
        for n in grid:
            # as stored_feedback makes them: each gold answer GOLD_WEIGHT[method] times (the task repeats them again)
            feedback = [to_example("drugs", x.text, answer_of(x)) for x in corr_notes[:n] for _ in range(weight)]
            log(f"[{time.strftime('%H:%M:%S')}] training with {n} corrected notes")
            t0 = time.perf_counter()
            trained = task.train(None, None, cfg, source=f"synthetic(seed={cfg.seed})" + ("+feedback" if n else ""),
                                 feedback=feedback, models_dir=models_dir, make_current=False, progress=False)
            train_s = time.perf_counter() - t0
            model = trained.model
            missed = None
            if n == 0:  # the default's misses in the correction notes: the errors the annotators fix
                cn, ch = class_hits(corr_notes, model.entities([x.text for x in corr_notes]), seen_keys)
                planted = cn - ch
                log(f"default misses {planted} of {cn} class mentions in the {len(corr_notes)} correction notes")
            else:  # what the candidate still misses in the notes it was corrected on
                cn, ch = class_hits(corr_notes[:n], model.entities([x.text for x in corr_notes[:n]]), seen_keys)
                missed = cn - ch
            preds = model.entities([x.text for x in eval_class])
            why: Counter[str] = Counter()
            n_seen, h_seen = class_hits(eval_class, preds, seen_keys, why)
            n_unseen, h_unseen = class_hits(eval_class, preds, unseen_keys, why)
            status = Counter(str(g.status) for x in eval_class for g in x.spans_of("DRUG")
                             if g.meta.get("canonical") in class_keys)
            plain = task.evaluate(model, plain_docs)
            row = {"n": n, "training_copies": len(feedback) * task.feedback_weight, "train_seconds": round(train_s),
                   "class_recall": round((h_seen + h_unseen) / max(1, n_seen + n_unseen), 4),
                   "seen_recall": round(h_seen / max(1, n_seen), 4),
                   "unseen_recall": round(h_unseen / max(1, n_unseen), 4),
                   "class_mentions": {"seen": n_seen, "unseen": n_unseen},
                   "plain_strict_f1": plain["strict"]["f1"],
                   "plain_drug_f1": plain["strict"]["per_label"].get("DRUG", {}).get("f1"),
                   "missed_in_corrected_notes": missed, "class_mentions_by_status": dict(status),
                   "class_misses_by_kind": dict(why)}
            rows.append(row)
            log(f"{n:>4} {len(feedback) * task.feedback_weight:>6} {'-' if missed is None else missed:>7} "
                f"{row['class_recall']:>8.3f} "
                f"{row['seen_recall']:>7.3f} {row['unseen_recall']:>9.3f} {row['plain_strict_f1']:>9.3f} "
                f"{row['plain_drug_f1'] or 0:>8.3f} {train_s:>8.0f}")
            shutil.rmtree(trained.path, ignore_errors=True)
    finally:
        if args.models_dir is None:
            shutil.rmtree(models_dir, ignore_errors=True)
    reached = next((r["n"] for r in rows if r["class_recall"] >= TARGET_RECALL), None)
    log(f"corrections for class recall >= {TARGET_RECALL}: {reached if reached is not None else 'not reached'}")
    print(json.dumps({
        "class": "systemic antibacterials (" + ", ".join(CLASS_GROUPS) + ")", "class_in_training": args.keep_class,
        "names_in_corrections": seen,
        "names_never_corrected": unseen, "gold_method": args.gold_method, "gold_weight": weight,
        "feedback_weight": task.feedback_weight, "init": "base encoder (as train --with-feedback without --data)",
        "config": {"n_notes": cfg.n_notes, "n_passages": cfg.n_passages, "epochs": cfg.epochs,
                   "tokens_per_batch": cfg.tokens_per_batch, "tiny": cfg.tiny},
        "eval": {"seed": args.eval_seed, "class_notes": len(eval_class), "ordinary_notes": len(plain_docs)},
        "default_misses_in_correction_notes": planted, "rows": rows, "target_recall": TARGET_RECALL,
        "corrections_to_target": reached, "wall_seconds": round(time.perf_counter() - t_start)}))


if __name__ == "__main__":
    main()
