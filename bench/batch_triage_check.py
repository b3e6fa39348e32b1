"""Check: the triage answers of a batch output equal those of the same model note by note and those ``evaluate
triage`` computes (``predict_proba`` over the file's raw texts, as :func:`core.triage.train.evaluate_records` does).

    .venv/bin/python -m core.cli batch ../shared/data/mtsamples_triage_dev.csv --out /tmp/mts.jsonl \\
        --tasks triage,drugs,conditions,treatments --id-column note_id
    .venv/bin/python bench/batch_triage_check.py ../shared/data/mtsamples_triage_dev.csv /tmp/mts.jsonl \\
        --id-column note_id
Last line: JSON with the counts of rows, errors and agreements (service and outcome, "uncertain" included).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, help="The CSV the batch read (id and text columns).")
    ap.add_argument("output", type=Path, help="The batch's JSONL output.")
    ap.add_argument("--id-column", default="id")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--no-per-note", action="store_true", help="Skip the note-by-note runs (slow on a CPU).")
    args = ap.parse_args()

    from core.labels import UNCERTAIN
    from core.tasks import get_task
    from core.text import clean_note

    csv.field_size_limit(sys.maxsize)
    with args.data.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        notes = {r[args.id_column]: r[args.text_column] for r in csv.DictReader(fh)}
    rows = [json.loads(line) for line in args.output.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in rows}
    task = get_task("triage")
    pipe = task.load()
    ids = [i for i in notes if i in by_id and by_id[i]["ok"]]

    # what evaluate triage computes: calibrated probabilities of the raw texts, 32 notes at a time
    probs = pipe.predict_proba([notes[i] for i in ids])
    same_eval_service = same_eval_outcome = 0
    for i, p in zip(ids, probs):
        service = pipe.labels[int(p.argmax())]
        outcome = UNCERTAIN if p.max() < pipe.threshold else service
        got = by_id[i]["triage"]
        same_eval_service += got["service"] == service
        same_eval_outcome += got["outcome"] == outcome
    same_run_service = same_run_outcome = 0
    if not args.no_per_note:
        for i in ids:
            result = task.run(pipe, clean_note(notes[i]))
            got = by_id[i]["triage"]
            same_run_service += got["service"] == result.service
            same_run_outcome += got["outcome"] == result.outcome
    print(json.dumps({"input_rows": len(notes), "output_rows": len(rows), "unique_ids": len(by_id),
                      "errors": sum(not r["ok"] for r in rows), "compared": len(ids), "model_version": pipe.version,
                      "same_service_as_evaluate": same_eval_service, "same_outcome_as_evaluate": same_eval_outcome,
                      "same_service_as_run": None if args.no_per_note else same_run_service,
                      "same_outcome_as_run": None if args.no_per_note else same_run_outcome}))


if __name__ == "__main__":
    main()
