"""The fine-tuned ranking model: how well each candidate treatment fits this note.

A two-tower ranker with an interaction head: the note and a candidate ("lisinopril (ACE inhibitor) for
essential hypertension; first-line") are embedded by the same fine-tuned MiniLM encoder (mean-pooled),
and a small MLP over ``[u, v, u*v, |u-v|, f]`` plus a linear term in ``f`` gives the candidate's score,
where ``f`` (:data:`FEATURES`) are the candidate's knowledge-base line and rank and how it meets the
patient context read from the note (a contraindication, a caution or a preference of the knowledge base
matched by a context tag, the drug already taken, an allergy). The note is encoded once per
note and the knowledge base's candidates once per model (cached), so ranking a 300-word note costs
one encoder pass, not one per candidate as a cross-encoder would. Training (:mod:`core.treatments.train`)
teaches it to read the context that changes the order: age, pregnancy, renal function, comorbidities
and current therapy. ``sigmoid(score)`` is shown as the fit; the words of the note that drove a score
are explained with Captum (:func:`core.treatments.explain.explain_ranking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer, BertModel, PreTrainedTokenizerBase

from core.config import base_model_path
from core.knowledge.kb import Condition, Treatment
from core.modeling import ArtifactInfo, autocast, tiny_bert_config
from core.pipeline import Pipeline

HEAD_FILE = "ranker_head.pt"


def candidate_text(cond: Condition, t: Treatment) -> str:
    """The words a candidate is encoded from."""
    return f"{t.drug} ({t.drug_class}) for {cond.name}; {t.line}-line"


FEATURES: tuple[str, ...] = ("first_line", "alternative", "adjunct", "kb_rank", "contraindicated", "caution",
                             "preferred", "already_taking", "allergy")

#: The role feature each knowledge-base line sets (:data:`core.labels.THERAPY_LINES`). The shipped rankers were
#: trained on three roles, and their heads take exactly :data:`FEATURES`, so the later roles share a feature instead
#: of adding one (a new dimension would stop the saved heads from loading): a ``specialist`` row is a non-first-line
#: option, as an alternative is; a ``supportive`` row does not treat the disease itself, and the ``adjunct`` feature
#: carries the lowest role weight. The candidate text keeps the row's own line, so a retrained ranker can still tell
#: them apart, and :func:`core.treatments.suggest.first_line_first` keeps all three below first-line rows.
ROLE_FEATURE: dict[str, str] = {"first": "first_line", "alternative": "alternative", "specialist": "alternative",
                                "adjunct": "adjunct", "supportive": "adjunct"}


#: Initial weights of the linear term (see :class:`Ranker`): about ``relevance / 0.15`` of the teacher
#: (:func:`core.synth.plans.relevance`; ``adjunct`` lies between its adjunct and supportive relevances).
PRIOR_WEIGHTS: dict[str, float] = {"first_line": 6.7, "alternative": 3.3, "adjunct": 1.4, "kb_rank": -4.0,
                                   "contraindicated": -7.0, "caution": -3.0, "preferred": 8.0, "already_taking": -6.5,
                                   "allergy": -7.0}


def prior_score(features: Sequence[float]) -> float:
    """The warm-start linear term alone: the knowledge base's order in this context (no ranker trained)."""
    return sum(PRIOR_WEIGHTS[n] * x for n, x in zip(FEATURES, features))


def candidate_features(t: Treatment, tags: set[str], *, taking: bool = False, allergic: bool = False) -> list[float]:
    """The :data:`FEATURES` of treatment ``t`` for a patient with context ``tags`` (its role: :data:`ROLE_FEATURE`)."""
    role = ROLE_FEATURE[t.line]
    return [float(role == "first_line"), float(role == "alternative"), float(role == "adjunct"), t.rank / 10.0,
            float(bool(set(t.contraindications) & tags)), float(bool(set(t.cautions) & tags)),
            float(bool(set(t.preferred_in) & tags)), float(taking), float(allergic)]


class Ranker(nn.Module):
    """Encoder + interaction head (``classifier.mlp``) + a linear term in the features (``classifier.prior``)."""

    def __init__(self, encoder: BertModel) -> None:
        super().__init__()
        self.encoder = encoder
        h = encoder.config.hidden_size
        f = len(FEATURES)
        self.classifier = nn.ModuleDict({
            "mlp": nn.Sequential(nn.Linear(4 * h + f, h), nn.GELU(), nn.Dropout(0.1), nn.Linear(h, 1)),
            "prior": nn.Linear(f, 1)})
        # Warm start at the knowledge base's order: the linear term starts as the training teacher's rule
        # (:func:`core.synth.plans.relevance` over its temperature) and the text head starts at zero, so an
        # untrained ranker already orders candidates as the knowledge base does; fine-tuning learns the rest.
        with torch.no_grad():
            self.classifier["prior"].weight.copy_(torch.tensor([PRIOR_WEIGHTS[n] for n in FEATURES]).view(1, -1))
            self.classifier["prior"].bias.zero_()
            self.classifier["mlp"][-1].weight.zero_()
            self.classifier["mlp"][-1].bias.zero_()

    def save_pretrained(self, path: Path) -> None:
        """The encoder as a transformers model and the head beside it (what :func:`core.modeling.save_artifact`
        calls)."""
        self.encoder.save_pretrained(path)
        torch.save(self.classifier.state_dict(), Path(path) / HEAD_FILE)

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Mean-pooled last hidden states of the unmasked tokens."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state.float()
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    def score(self, u: torch.Tensor, v: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        """Scores of note embeddings ``u`` [B, H] against candidate embeddings ``v`` [B, H] with features ``f``
        [B, F] (pairwise rows)."""
        f = f.to(u.dtype)
        mlp = self.classifier["mlp"](torch.cat([u, v, u * v, (u - v).abs(), f], -1))
        return (mlp + self.classifier["prior"](f)).squeeze(-1)


def new_ranker(tiny: bool = False) -> tuple[Ranker, PreTrainedTokenizerBase]:
    """A ranker warm-started at the knowledge base's order, on the base encoder (or a tiny one, for tests)."""
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    if tiny:
        return Ranker(BertModel(tiny_bert_config(tokenizer.vocab_size), add_pooling_layer=False)), tokenizer
    return Ranker(AutoModel.from_pretrained(str(base), add_pooling_layer=False)), tokenizer


class RankerPipeline(Pipeline):
    """Scores candidate treatments for a note; thread-safe (one lock around the shared model)."""

    task = "treatments"

    def __init__(self, model: Ranker, tokenizer: PreTrainedTokenizerBase, *, version: str = "untrained",
                 device: str | None = None, max_length: int = 512) -> None:
        super().__init__(model, tokenizer, version=version, device=device)
        self.max_length = max_length
        self._cand: dict[str, torch.Tensor] = {}

    @classmethod
    def load_weights(cls, path: Path) -> tuple[torch.nn.Module, Any]:
        model = Ranker(AutoModel.from_pretrained(str(path), add_pooling_layer=False))
        model.classifier.load_state_dict(torch.load(path / HEAD_FILE, map_location="cpu", weights_only=True))
        return model, AutoTokenizer.from_pretrained(str(path))

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        return {"max_length": int(info.training.get("infer_max_length", 512))}

    def clear_cache(self) -> None:
        """Forget the candidates' embeddings (after the model changed)."""
        self._cand.clear()

    def _encode(self, texts: Sequence[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        enc = self.tokenizer(list(texts), truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        return enc["input_ids"].to(self.device), enc["attention_mask"].to(self.device)

    @torch.inference_mode()
    def note_embedding(self, text: str) -> torch.Tensor:
        ids, mask = self._encode([text], self.max_length)
        with self.lock, autocast(self.device):
            return self.model.embed(ids, mask).float()

    @torch.inference_mode()
    def candidate_embeddings(self, texts: Sequence[str]) -> torch.Tensor:
        """Embeddings of candidate texts (cached per text for this model)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cand]
        for lo in range(0, len(todo), 64):
            chunk = todo[lo:lo + 64]
            ids, mask = self._encode(chunk, 64)
            with self.lock, autocast(self.device):
                emb = self.model.embed(ids, mask).float()
            for t, e in zip(chunk, emb):
                self._cand[t] = e
        return torch.stack([self._cand[t] for t in texts]) if texts else torch.zeros(0)

    @torch.inference_mode()
    def scores(self, text: str, candidates: Sequence[str], features: Sequence[Sequence[float]] | None = None
               ) -> list[float]:
        """Raw scores (logits) of ``candidates`` for the note ``text`` (``features``: one row of
        :data:`FEATURES` per candidate; default all zero)."""
        if not candidates:
            return []
        u = self.note_embedding(text)
        v = self.candidate_embeddings(candidates)
        f = (torch.tensor(features, dtype=torch.float32, device=self.device) if features is not None
             else torch.zeros(len(candidates), len(FEATURES), device=self.device))
        with self.lock:
            s = self.model.score(u.expand(v.shape[0], -1), v, f)
        return [float(x) for x in s.cpu()]

