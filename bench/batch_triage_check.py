"""Check: the triage answers of a batch output equal those of the same model note by note and those ``evaluate
triage`` computes (``predict_proba`` over the file's raw texts, as :func:`core.triage.train.evaluate_records` does).

    .venv/bin/python -m core.cli batch ../shared/data/mtsamples_triage_dev.csv --out /tmp/mts.jsonl \\
        --tasks triage,drugs,conditions,treatments --id-column note_id
    .venv/bin/python bench/batch_triage_check.py ../shared/data/mtsamples_triage_dev.csv /tmp/mts.jsonl \\
        --id-column note_id [--reference /tmp/mts_triage_ref.json]
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
    ap.add_argument("--per-note-limit", type=int, default=None, help="Run only the first N notes one by one.")
    ap.add_argument("--reference", type=Path, default=None,
                    help="Keep the reference answers here (computed once per model version; the output may not "
                         "exist yet: then only the reference is computed).")
    args = ap.parse_args()

    from core.labels import UNCERTAIN
    from core.tasks import get_task
    from core.text import clean_note

    csv.field_size_limit(sys.maxsize)
    with args.data.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        notes = {r[args.id_column]: r[args.text_column] for r in csv.DictReader(fh)}
    task = get_task("triage")
    pipe = task.load()
    ref = json.loads(args.reference.read_text(encoding="utf-8")) if args.reference and args.reference.exists() \
        else None
    if ref is None or ref.get("model_version") != pipe.version:
        # the notes the output holds so far (a batch still running, or stopped, is resumed later), else all
        done = {json.loads(line)["id"] for line in args.output.read_text(encoding="utf-8").splitlines()
                if line.strip()} if args.output.exists() else set(notes)
        ids = [i for i in notes if i in done]
        # what evaluate triage computes: calibrated probabilities of the raw texts, 32 notes at a time
        probs = pipe.predict_proba([notes[i] for i in ids])
        ref = {"model_version": pipe.version, "evaluate": {}, "run": {}}
        for i, p in zip(ids, probs):
            service = pipe.labels[int(p.argmax())]
            ref["evaluate"][i] = [service, UNCERTAIN if p.max() < pipe.threshold else service]
        if not args.no_per_note:
            for i in ids[:args.per_note_limit]:
                result = task.run(pipe, clean_note(notes[i]))
                ref["run"][i] = [result.service, result.outcome]
        if args.reference and len(ids) == len(notes):
            args.reference.write_text(json.dumps(ref), encoding="utf-8")
    if not args.output.exists():
        print(json.dumps({"reference": str(args.reference), "notes": len(notes)}))
        return
    rows = [json.loads(line) for line in args.output.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in rows}
    ids = [i for i in notes if i in by_id and by_id[i]["ok"]]

    def agree(kind: str, k: int) -> int | None:
        if not ref[kind]:
            return None
        field = ("service", "outcome")[k]
        return sum(by_id[i]["triage"][field] == ref[kind][i][k] for i in ids if i in ref[kind])

    differ = [i for i in ids if i in ref["run"] and by_id[i]["triage"]["outcome"] != ref["run"][i][1]]
    print(json.dumps({"input_rows": len(notes), "output_rows": len(rows), "unique_ids": len(by_id),
                      "errors": sum(not r["ok"] for r in rows), "compared": len(ids), "model_version": pipe.version,
                      "same_service_as_evaluate": agree("evaluate", 0),
                      "same_outcome_as_evaluate": agree("evaluate", 1),
                      "run_one_by_one": len(ref["run"]), "same_service_as_run": agree("run", 0),
                      "same_outcome_as_run": agree("run", 1),
                      "outcome_differs_from_run": differ[:20]}))


if __name__ == "__main__":
    main()
