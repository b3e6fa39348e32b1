"""Span-tagger inference shared by the drug and condition pipelines, in the shape of a transformers pipeline.

The transformers token-classification pipeline with ``aggregation_strategy="first"`` (the tag of a word's first
piece, as the model was trained) and ``stride`` (notes longer than one window are covered by overlapping windows
and every entity is mapped back to character offsets of the original text), then exact, trimmed
:class:`core.spans.Span` objects. Subclasses add their ``postprocess`` (drugs: attributes, normalization,
assertion; conditions: ICD-10-CM and assertion).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, PreTrainedTokenizerBase
from transformers import pipeline as hf_pipeline

from core.modeling import ArtifactInfo, autocast
from core.pipeline import Pipeline
from core.spans import Span

_EDGE_PUNCT = " \t\r\n,;:.()[]{}\"'"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace (any ``str.isspace``: the tokenizer keeps ``\\x1f`` as a
    character of its own) and unbalanced edge punctuation."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCT
                           and not (text[start] == "(" and ")" in text[start:end])):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_PUNCT
                           or text[end - 1] in "-+" and end - start > 1 and text[end - 2].isspace()):
        ch = text[end - 1]
        if ch == ")" and "(" in text[start:end - 1]:
            break
        if ch == "." and end - start > 1 and "." in text[start:end - 1]:
            break  # "p.o.", "b.i.d."
        end -= 1
    return start, end


class SpanTagger(Pipeline):
    """Entity spans of notes from a token-classification model.

    Args:
        model: A ``BertForTokenClassification`` whose ``id2label`` are BIO tags.
        tokenizer: Its fast tokenizer.
        version: Model version (reported in every result).
        device: ``cpu``/``cuda``; default from the settings (GPU when present).
        max_length: Window length in tokens.
        stride: Tokens shared by consecutive windows.
        batch_size: Windows per forward pass.
        normalize: Resolve each mention to its identity (DrugBank, ICD-10-CM); off when validation scores spans.
        assertion: Give each mention its status with medspacy ConText; off likewise.
    """

    #: The ConText rule set that asserts this tagger's mentions (``drug``, ``condition``: :mod:`core.nlp.context`).
    assertion_kind: ClassVar[str] = ""

    def __init__(self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, *, version: str = "untrained",
                 device: str | None = None, max_length: int = 512, stride: int = 64, batch_size: int = 8,
                 normalize: bool = True, assertion: bool = True) -> None:
        super().__init__(model, tokenizer, version=version, device=device)
        self.normalize = normalize
        self.assertion = assertion
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        tokenizer.model_max_length = max_length
        self.ner = hf_pipeline("token-classification", model=self.model, tokenizer=tokenizer,
                               aggregation_strategy="first", stride=stride, device=self.device)

    @classmethod
    def load_weights(cls, path: Path) -> tuple[torch.nn.Module, Any]:
        return AutoModelForTokenClassification.from_pretrained(str(path)), AutoTokenizer.from_pretrained(str(path))

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        training = info.training
        return {"max_length": training.get("infer_max_length", 512), "stride": training.get("infer_stride", 64)}

    @property
    def entity_labels(self) -> list[str]:
        """The entity labels the model tags (``DRUG``, ``STRENGTH``...)."""
        return list(dict.fromkeys(t[2:] for t in self.labels if t != "O"))

    def entities(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entity spans of each text, exact character offsets, text order."""
        texts = list(texts)
        out: list[list[Span]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        with self.lock, torch.inference_mode(), autocast(self.device):
            raw = self.ner([texts[i] for i in todo], batch_size=self.batch_size)
        for i, ents in zip(todo, raw):
            out[i] = self.filter(texts[i], self._spans(texts[i], ents))
        return out

    def edges(self, text: str, start: int, end: int, label: str) -> tuple[int, int]:
        """A predicted span's final edges (subclasses shrink it past words a name never starts or ends with)."""
        return start, end

    def keep(self, text: str, start: int, end: int, label: str) -> bool:
        """Whether a predicted span is plausible (subclasses narrow this)."""
        return any(c.isalnum() for c in text[start:end])

    def filter(self, text: str, spans: list[Span]) -> list[Span]:
        """A hook over a text's spans after decoding (subclasses drop low-confidence ones)."""
        return spans

    def _spans(self, text: str, ents: list[dict[str, Any]]) -> list[Span]:
        spans: list[Span] = []
        for e in sorted(ents, key=lambda e: (e["start"], e["end"])):
            if e.get("start") is None:
                continue
            label = str(e["entity_group"])
            start, end = self.edges(text, *trim(text, int(e["start"]), int(e["end"])), label)
            if end <= start or not self.keep(text, start, end, label):
                continue
            if spans and spans[-1].end > start:
                continue  # overlapping windows can repeat an entity
            spans.append(Span(start, end, label, score=round(float(e["score"]), 4)))
        return spans

    def statuses(self, text: str, spans: list[Span]) -> list[tuple[str, str | None, tuple[int, int] | None]]:
        """(status, the words that decided it, their offsets) of each span: ConText's when ``assertion`` is on, else
        the kind's default status (``current``, ``present``) with no trigger."""
        from core.nlp.context import DEFAULT_STATUS, assert_spans

        if not (self.assertion and spans):
            return [(DEFAULT_STATUS[self.assertion_kind], None, None)] * len(spans)
        return [(r.status, r.trigger, (r.trigger_start, r.trigger_end) if r.trigger_start is not None else None)
                for r in assert_spans(text, spans, kind=self.assertion_kind)]

    def postprocess(self, text: str, entities: list[Span]) -> Any:
        """The task's result from a text's entity spans."""
        raise NotImplementedError

    def __call__(self, text: str) -> Any:
        return self.postprocess(text, self.entities([text])[0])

    def count_tokens(self, text: str) -> tuple[int, int]:
        """(tokens, windows) of ``text`` under this pipeline's window length and stride."""
        n = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        usable = self.max_length - 2
        windows = 1 if n <= usable else 1 + -(-(n - usable) // max(1, usable - self.stride))
        return n, windows
