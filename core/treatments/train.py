"""Fine-tuning the treatment ranker on synthesized notes whose ideal order follows the knowledge base.

ListNet: for each note, the softmax of the ranker's scores over the condition's candidates is pulled
towards the softmax of the knowledge base's relevances (:func:`core.synth.plans.relevance`) by
cross-entropy. Measured on held-out synthesized notes: NDCG@3, top-1 agreement with the knowledge base,
and how often a context that should change the order (pregnancy, renal impairment, a comorbidity, a
drug already taken) does.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from core.device import device_batch, device_stats, place, to_device, training_device
from core.knowledge.kb import KnowledgeBase
from core.modeling import TrainConfig, autocast, freeze_lower, setup_torch, train_steps
from core.synth.plans import PlanNote, below_first_line, relevance, target_distribution
from core.treatments.patient import patient_context
from core.treatments.ranker import RankerPipeline, candidate_features, candidate_text


@dataclass
class RankerTrainConfig(TrainConfig):
    """Hyper-parameters of the ranker (defaults: the shipped model, ~3 min on 2 CPU cores)."""

    seed: int = 29
    n_notes: int = 1600
    val_notes: int = 200
    notes_per_batch: int = 16
    gpu_notes_per_batch: int = 32     # on a CUDA device unless notes_per_batch was set (core.device.device_batch)
    max_length: int = 192
    infer_max_length: int = 512
    lr: float = 5e-5
    head_lr: float = 1e-3
    temperature: float = 0.15         # of the teacher's softmax over the knowledge base's relevances
    tag_dropout: float = 0.1          # context tags dropped in training (the context reader misses some)
    freeze_layers: int = 0            # with the embeddings (core.modeling.freeze_lower): 2 gives faster steps


def note_features(n: PlanNote, rng: random.Random | None = None, dropout: float = 0.0) -> list[list[float]]:
    """Candidate features of a plan note; each context tag is dropped with probability ``dropout`` (the
    patient-context reader misses some at inference)."""
    tags = {t for t in sorted(n.tags) if rng is None or rng.random() >= dropout}   # sorted: the same draws every run
    current = {m.lower() for m in n.current}
    allergies = {a.lower() for a in n.allergies}
    return [candidate_features(t, tags, taking=t.drug.lower() in current, allergic=t.drug.lower() in allergies)
            for t in n.condition.treatments]


def _batches(notes: list[PlanNote], per_batch: int, rng: random.Random) -> Iterator[list[PlanNote]]:
    order = list(range(len(notes)))
    rng.shuffle(order)
    for lo in range(0, len(order), per_batch):
        yield [notes[i] for i in order[lo:lo + per_batch]]


def fit(
    pipe: RankerPipeline, notes: list[PlanNote], cfg: RankerTrainConfig, *, progress: bool = True
) -> dict[str, Any]:
    """Fine-tune ``pipe.model`` in place on the pipeline's device (the configured one unless the pipeline was built
    for another), so the validation that scores ``pipe`` afterwards runs there too."""
    setup_torch()
    device = training_device(pipe.device)
    model = place(pipe.model, device)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    per_batch = device_batch(cfg, "notes_per_batch", device)
    if cfg.freeze_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    freeze_lower(model.encoder, cfg.freeze_layers)

    def encode(texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        enc = pipe.tokenizer(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        return to_device(enc["input_ids"], device), to_device(enc["attention_mask"], device)

    def loss_fn(batch: list[PlanNote]) -> torch.Tensor:
        ids, mask = encode([n.text for n in batch], cfg.max_length)
        cands = [candidate_text(n.condition, t) for n in batch for t in n.condition.treatments]
        feats = to_device(torch.tensor([row for n in batch for row in note_features(n, rng, cfg.tag_dropout)]), device)
        cids, cmask = encode(cands, 64)
        with autocast(device):
            u = model.embed(ids, mask)
            v = model.embed(cids, cmask)
        sizes = [len(n.condition.treatments) for n in batch]
        rows = torch.repeat_interleave(torch.arange(len(batch), device=device), to_device(torch.tensor(sizes), device))
        s = model.score(u[rows], v, feats)
        # the teachers' distributions of the whole batch in one copy (not one small transfer per note)
        targets = to_device(torch.tensor([x for n in batch for x in target_distribution(n.relevance, cfg.temperature)]),
                            device)
        loss = torch.zeros((), device=device)
        for part, target in zip(torch.split(s, sizes), torch.split(targets, sizes)):
            loss = loss - (target * torch.log_softmax(part, -1)).sum()
        return loss / len(batch)

    total = int(round(math.ceil(len(notes) / per_batch) * cfg.epochs))
    stats = train_steps(model, lambda: _batches(notes, per_batch, rng), loss_fn, total=total, lr=cfg.lr,
                        head_lr=cfg.head_lr, weight_decay=cfg.weight_decay, warmup=cfg.warmup,
                        max_seconds=cfg.max_seconds, desc="training ranker", progress=progress, device=device)
    pipe.clear_cache()
    return {**stats, **device_stats(device), "device_notes_per_batch": per_batch}


def _dcg(rels: Sequence[float], k: int) -> float:
    return sum(r / math.log2(i + 2) for i, r in enumerate(rels[:k]))


def evaluate_ranking(pipe: RankerPipeline, notes: Sequence[PlanNote], k: int = 3) -> dict[str, Any]:
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
            "context_changes_top": changed,
            "context_changes_top_followed": round(changed_ok / changed, 4) if changed else None}


def judged_note(kb: KnowledgeBase, text: str, condition_id: str, verdicts: Sequence[dict[str, Any]]) -> PlanNote:
    """A training note from a person's verdicts on the candidates of one condition for a note.

    The relevances are the knowledge base's for the context read from the note, corrected by the verdicts (oldest
    first, a later one on the same drug wins): an accepted suggestion gets at least the top relevance, a rejected
    one none, and a missing treatment the knowledge base lists for that condition the top relevance (one it does
    not list cannot be ranked: it is a knowledge-base change for a person to review, and is skipped here). An
    accepted specialist, adjunct or supportive row still stays below the first-line rows not rejected, as the
    suggestions' order rule keeps it (accepting an add-on does not make it the primary agent).
    """
    cond = kb.condition(condition_id)
    tags = patient_context(text).tags
    rel = relevance(cond, tags, set(), set())
    top = max([*rel, 1.0])
    for v in verdicts:
        for i, t in enumerate(cond.treatments):
            if t.drug.lower() == str(v.get("drug", "")).lower():
                rel[i] = 0.0 if v.get("kind") == "reject" else top
    return PlanNote(text, cond, tags, [], [], below_first_line(cond, rel))


def judged_notes(kb: KnowledgeBase, verdicts: Iterable[tuple[Any, str, str, dict[str, Any]]]) -> list[PlanNote]:
    """One training note per (note, condition) from ``(group, text, condition id, verdict)`` rows in order; rows
    naming a condition the knowledge base does not have are skipped."""
    known = {c.id for c in kb.conditions}
    grouped: dict[tuple[Any, str], tuple[str, list[dict[str, Any]]]] = {}
    for group, text, cid, verdict in verdicts:
        if text and cid in known:
            grouped.setdefault((group, cid), (text, []))[1].append(verdict)
    return [judged_note(kb, text, cid, vs) for (_, cid), (text, vs) in grouped.items()]


def read_judged(path: Path, kb: KnowledgeBase) -> list[PlanNote]:
    """Training notes from a JSONL file of judged notes: ``{"text", "condition": a knowledge-base condition id,
    "accept": [drugs], "reject": [drugs]}`` per line (the shape of clinicians' verdicts on the Treatments page).

    Raises:
        ValueError: a malformed line, or a condition or drug the knowledge base does not have (the message names
            the file and line).
    """
    from core.ner.data import jsonl_objects

    notes: list[PlanNote] = []
    for where, obj in jsonl_objects(path.read_text(encoding="utf-8-sig").splitlines(), path):
        if not isinstance(obj.get("text"), str) or not obj["text"].strip():
            raise ValueError(f"{where}: expected an object with a non-empty 'text'")
        cid = obj.get("condition")
        try:
            cond = kb.condition(cid)
        except KeyError:
            raise ValueError(f"{where}: {cid!r} is not a condition of the knowledge base") from None
        drugs = {t.drug.lower() for t in cond.treatments}
        verdicts = []
        for kind in ("accept", "reject"):
            names = obj.get(kind, [])
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"{where}: '{kind}' must be a list of drug names")
            unknown = [n for n in names if n.lower() not in drugs]
            if unknown:
                raise ValueError(f"{where}: {', '.join(unknown)} is not a treatment of {cid!r} in the knowledge base")
            verdicts.extend({"kind": kind, "drug": n} for n in names)
        notes.append(judged_note(kb, obj["text"], cid, verdicts))
    if not notes:
        raise ValueError(f"{path}: no judged notes")
    return notes
