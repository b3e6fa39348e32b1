"""How much faster a training step is with the lowest encoder layers frozen (core.modeling.freeze_lower).

One forward and backward pass plus the optimizer step of the base encoder, at the default trainers' shapes: triage
(16 windows of 256 tokens) and a span tagger (2,048 tokens: 16 windows of 128), with 0 and with 2 of the 6 layers
frozen (with the embeddings). Prints one line per shape and, last, JSON with the seconds per step and the ratio
frozen / not frozen (lower is faster). Random token ids: the time does not depend on the words.

    python bench/train_step.py [--steps 4] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

from core.config import base_model_path
from core.modeling import freeze_lower

SHAPES = {"triage": ("sequence", 16, 256), "span": ("token", 16, 128)}


def step_seconds(kind: str, batch: int, length: int, frozen: int, steps: int) -> float:
    cls = AutoModelForSequenceClassification if kind == "sequence" else AutoModelForTokenClassification
    model = cls.from_pretrained(str(base_model_path()), num_labels=15)
    model.train()
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)  # every default trainer freezes these
    freeze_lower(model.bert, frozen)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 20000, (batch, length), generator=gen)
    mask = torch.ones_like(ids)

    def one() -> None:
        model(input_ids=ids, attention_mask=mask).logits.float().mean().backward()
        opt.step()
        opt.zero_grad()

    one()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        one()
    return (time.perf_counter() - t0) / steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    out: dict[str, object] = {"threads": torch.get_num_threads(), "steps": args.steps}
    for name, (kind, batch, length) in SHAPES.items():
        full = step_seconds(kind, batch, length, 0, args.steps)
        frozen = step_seconds(kind, batch, length, 2, args.steps)
        out[name] = {"seconds_per_step": round(full, 3), "seconds_per_step_frozen_2": round(frozen, 3),
                     "ratio_frozen_2": round(frozen / full, 3)}
        print(f"{name}: {full:.2f} s per step, {frozen:.2f} s with 2 layers frozen ({frozen / full:.0%})", flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
