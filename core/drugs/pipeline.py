"""Drug-entity inference: token classification, attribute linking, normalization, assertion.

Shape of a transformers pipeline: ``preprocess`` (clean the note), a device-agnostic ``forward`` (the
transformers token-classification pipeline with ``aggregation_strategy="first"``, which merges sub-word
pieces into words the way the model was trained, and ``stride``, which covers notes longer than 512
tokens with overlapping windows and maps every entity back to character offsets of the original text),
and ``postprocess`` into :class:`core.drugs.types.DrugResult`. ``DRUG_CLASS`` spans ("statins") become the
result's ``classes``, named by :func:`core.lexicon.drug_classes.normalize_class`, never medication mentions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from core.drugs.linking import link_attributes
from core.drugs.types import DrugClassMention, DrugMention, DrugResult
from core.labels import ATTRIBUTE_LABELS, DRUG_CLASS_LABEL
from core.lexicon.drug_classes import normalize_class
from core.modeling import ArtifactInfo
from core.ner.tagger import SpanTagger
from core.spans import Span

_LETTERS = re.compile(r"[^\W\d_]")
_ION = re.compile(r"[A-Z][a-z]?\s*(?:\(\s*\d?\s*[+-]\s*\)|\d?[+-])")


def plausible(text: str, start: int, end: int, label: str) -> bool:
    """Whether a predicted span can be what its label says (a drug name has two letters, or is an ion: "K+")."""
    if label != "DRUG":
        return any(c.isalnum() for c in text[start:end])
    if len(_LETTERS.findall(text[start:end])) >= 2:
        return True
    return bool(_ION.match(text, start)) and _LETTERS.search(text[start:end]) is not None


class DrugPipeline(SpanTagger):
    """Finds medication mentions with their attributes in a note.

    Args:
        model: A ``BertForTokenClassification`` whose ``id2label`` are BIO tags over
            :data:`core.labels.DRUG_LABELS` (a model trained before ``DRUG_CLASS`` existed works too).
        tokenizer: Its fast tokenizer.
        version: Model version (reported in every result).
        device: ``cpu``/``cuda``; default from the settings (GPU when present).
        max_length: Window length in tokens.
        stride: Tokens shared by consecutive windows.
        normalize: Resolve drugs against the dictionary.
        assertion: Run medspacy ConText for the assertion status.
        unknown_min_score: A drug the dictionary does not know is kept only when the model's confidence
            is at least this (the model's precision on names the dictionary knows is far higher than on
            names it does not; see the README). 0 keeps every prediction.
    """

    task = "drugs"
    assertion_kind = "drug"

    def __init__(self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, *,
                 unknown_min_score: float = 0.0, **kwargs: Any) -> None:
        super().__init__(model, tokenizer, **kwargs)
        self.unknown_min_score = unknown_min_score

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        return {**super().artifact_params(path, info),
                "unknown_min_score": info.training.get("unknown_min_score", 0.0)}

    def keep(self, text: str, start: int, end: int, label: str) -> bool:
        return plausible(text, start, end, label)

    def filter(self, text: str, spans: list[Span]) -> list[Span]:
        """A ``DRUG`` span whose whole text names a class of the class table ("statins": the drug dictionary lists
        classes too, so it would "resolve") becomes ``DRUG_CLASS``; then names the dictionary does not know are
        dropped below :attr:`unknown_min_score`."""
        spans = [Span(s.start, s.end, DRUG_CLASS_LABEL, score=s.score)
                 if s.label == "DRUG" and normalize_class(text[s.start:s.end]) is not None else s for s in spans]
        if self.unknown_min_score <= 0:
            return spans
        from core.drugs.normalize import normalize

        return [s for s in spans if s.label != "DRUG" or (s.score or 0.0) >= self.unknown_min_score
                or normalize(text[s.start:s.end]) is not None]

    # -- postprocess ------------------------------------------------------------------------------
    def postprocess(self, text: str, entities: list[Span]) -> DrugResult:
        """Link attributes, normalize drugs and assert their status; drug classes are named apart (not drugs)."""
        drugs = [e for e in entities if e.label == "DRUG"]
        classes = [e for e in entities if e.label == DRUG_CLASS_LABEL]
        attrs = [e for e in entities if e.label in ATTRIBUTE_LABELS]
        links = link_attributes(text, drugs, attrs)
        by_drug: dict[int, list[Span]] = {}
        for link in links:
            a = link.attribute
            by_drug.setdefault(link.drug_index, []).append(
                Span(a.start, a.end, a.label, group=link.drug_index, score=a.score,
                     meta={"text": text[a.start:a.end], "link_score": round(link.score, 3), "link_rule": link.rule}))
        from core.drugs.normalize import normalize

        statuses = self.statuses(text, drugs + classes)
        mentions = []
        for i, (d, (status, trigger, trigger_span)) in enumerate(zip(drugs, statuses)):
            identity = normalize(text[d.start:d.end]) if self.normalize else None
            attributes = tuple(sorted(by_drug.get(i, []), key=lambda s: s.start))
            texts: dict[str, str] = {}
            for a in attributes:
                texts[a.label] = f"{texts[a.label]}; {a.meta['text']}" if a.label in texts else a.meta["text"]
            span = Span(d.start, d.end, "DRUG", group=i, status=status,
                        code=identity.drugbank_id if identity else None, score=d.score)
            mentions.append(DrugMention(span, text[d.start:d.end], attributes, identity, status, trigger,
                                        trigger_span, texts))
        found = []
        for i, (c, (status, _, _)) in enumerate(zip(classes, statuses[len(drugs):])):
            identity = normalize_class(text[c.start:c.end]) if self.normalize else None
            span = Span(c.start, c.end, DRUG_CLASS_LABEL, group=i, status=status,
                        code=identity.name if identity else None, score=c.score)
            found.append(DrugClassMention(span, text[c.start:c.end], identity, status))
        n_tokens, n_windows = self.count_tokens(text)
        return DrugResult(tuple(mentions), tuple(entities), self.version, n_tokens, n_windows, tuple(found))
