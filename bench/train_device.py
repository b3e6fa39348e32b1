"""Benchmark: train the four default models on the configured device (``NOTELENS_DEVICE``), as `make run` does.

On a GPU machine (the target, issue 15: all four default models in under 2 minutes on an H100/H200):
    NOTELENS_DEVICE=cuda .venv/bin/python bench/train_device.py
On a CPU, only the plumbing check with tiny models and a few synthesized notes (the full run takes about half an hour
on 2 cores):
    .venv/bin/python bench/train_device.py --quick
Models are written to a temporary folder (or ``--models-dir``), never over the ones being served. Prints one line per
task (wall seconds including data synthesis, validation and saving; optimizer steps and steps/s; the batch size
used on the device; the validation headline, to compare with the CPU-trained models' metadata) and, last, one JSON
object: ``device``, ``device_name``, ``quick``, ``<task>_s`` for each task, ``total_s`` and the per-task details.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

#: Tiny settings for ``--quick``: every code path of a default training run (synthesis, device batches, validation,
#: saving) in seconds; the batch sizes are left at their defaults so the device's choice is what runs.
QUICK: dict[str, dict[str, Any]] = {
    "triage": {"n_notes": 60, "val_notes": 15, "max_length": 64, "infer_max_length": 64, "tiny": True},
    "drugs": {"n_notes": 20, "n_passages": 40, "val_notes": 5, "val_passages": 10, "max_length": 64, "tiny": True,
              "measure_heldout": False},
    "conditions": {"n_notes": 20, "n_passages": 40, "val_notes": 5, "val_passages": 10, "max_length": 64,
                   "tiny": True, "measure_heldout": False},
    "treatments": {"n_notes": 32, "val_notes": 8, "max_length": 96, "tiny": True},
}


def train_one(name: str, models_dir: Path, quick: bool) -> dict[str, Any]:
    """Train task ``name``'s default model (tiny with ``quick``) into ``models_dir``; its timings and figures."""
    from core.modeling import load_info
    from core.tasks import get_task
    from core.tasks import workflows as wf

    task = get_task(name)
    t0 = time.perf_counter()
    summary = wf.train(task, models_dir=models_dir, progress=False, **(QUICK[name] if quick else {}))
    seconds = time.perf_counter() - t0
    training = load_info(task.current(models_dir)).training
    batch = {k: v for k, v in training.items() if k.startswith("device_") and k not in ("device_name",)}
    return {"seconds": round(seconds, 1), "train_seconds": training["seconds"], "steps": training["steps"],
            "steps_per_s": round(training["steps"] / max(training["seconds"], 1e-9), 2), "bf16": training["bf16"],
            "device": training["device"], **batch, "validation": summary["validation"]}


def main() -> None:
    from core.device import device_stats, training_device
    from core.modeling import setup_torch
    from core.tasks import TASKS

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="Tiny models on a few notes (a CPU check of the plumbing).")
    ap.add_argument("--tasks", default=",".join(TASKS), help="Comma-separated tasks (default: all four).")
    ap.add_argument("--models-dir", type=Path, default=None, help="Keep the models here (default: a temporary folder).")
    args = ap.parse_args()
    names = [n.strip() for n in args.tasks.split(",") if n.strip()]
    setup_torch()
    device = training_device()
    where = device_stats(device)
    print(f"training {', '.join(names)} on {where['device']} ({where['device_name']}), bf16 {where['bf16']}"
          f"{', quick' if args.quick else ''}")
    with tempfile.TemporaryDirectory(prefix="notelens-bench-") as tmp:
        root = args.models_dir or Path(tmp)
        results: dict[str, Any] = {}
        for name in names:
            results[name] = r = train_one(name, root, args.quick)
            batch = ", ".join(f"{k[len('device_'):]} {v}" for k, v in r.items() if k.startswith("device_"))
            print(f"{name:11s} {r['seconds']:7.1f} s  ({r['steps']} steps in {r['train_seconds']} s, "
                  f"{r['steps_per_s']} steps/s; {batch})  validation {r['validation']}")
    out: dict[str, Any] = {"device": where["device"], "device_name": where["device_name"], "quick": args.quick}
    out.update({f"{name}_s": r["seconds"] for name, r in results.items()})
    out["total_s"] = round(sum(r["seconds"] for r in results.values()), 1)
    out["tasks"] = results
    print(json.dumps(out))


if __name__ == "__main__":
    main()
