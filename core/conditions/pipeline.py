"""Condition inference: token classification, knowledge-base names, ICD-10-CM codes, ConText status.

Same shape as the drug pipeline (:class:`core.ner.SpanTagger`): the model's CONDITION spans (a name no lexicon
knows only when the model is confident), plus any knowledge-base condition or MeSH disease name the model
missed (so a condition the treatment knowledge base knows is never lost to a model miss), each normalized
(:mod:`core.conditions.normalize`) and given an assertion status by medspacy ConText (present, negated,
historical, family, hypothetical). Only present conditions drive treatment suggestions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from transformers import PreTrainedTokenizerBase

from core.conditions.types import ConditionMention, ConditionResult
from core.modeling import ArtifactInfo
from core.ner.tagger import SpanTagger, trim
from core.spans import Span

#: Words that cannot make a condition name on their own: English function words and the status and severity
#: words written next to a diagnosis ("well controlled", "stable"); a span of nothing else is dropped.
NOT_A_NAME: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | {
    "controlled", "uncontrolled", "stable", "unstable", "improving", "improved", "worsening", "worse", "resolved",
    "resolving", "chronic", "acute", "mild", "moderate", "severe", "history", "status", "known", "new", "old",
    "likely", "possible", "probable", "suspected", "recurrent", "bilateral", "left", "right", "diagnosis", "risk",
    "patient", "patients", "noted", "denies", "positive", "negative", "normal", "abnormal"}


#: Words a condition name never starts or ends with ("the", "of", "and"): a span the model runs on into them ("the
#: spinal cord and", "of prostatic adenocarcinoma") is cut back to the words between.
EDGE_WORDS: frozenset[str] = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "as", "than", "that",
    "this", "these", "those", "its", "their", "his", "her", "such", "including", "only", "all", "other", "which",
    "is", "are", "was", "were", "be", "been"})


#: "(DM)" right after a condition name: the abbreviation it defines.
_DEFINED = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9\-]{0,8}[A-Z0-9])\s*\)")


def defined_abbreviations(text: str, spans: list[Span]) -> list[Span]:
    """Every later use of an abbreviation a condition span defines ("myotonic dystrophy (DM) ... DM patients"),
    as a condition span of its own (source ``abbreviation``), where nothing else was found. The abbreviation's
    first letter must be the first letter of a word of the name, as in Schwartz and Hearst's rule."""
    out = list(spans)
    for s in spans:
        m = _DEFINED.match(text, s.end)
        if not m:
            continue
        abbr = m.group(1)
        initials = {w[0].lower() for w in re.findall(r"[A-Za-z0-9]+", text[s.start:s.end])}
        if abbr[0].lower() not in initials:
            continue
        for occ in re.finditer(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])", text):
            a, b = occ.span()
            if all(b <= x.start or x.end <= a for x in out):
                out.append(Span(a, b, "CONDITION", score=s.score, meta={"source": "abbreviation"}))
    return sorted(out, key=lambda x: x.start)


class ConditionPipeline(SpanTagger):
    """Finds condition mentions in a note.

    Args:
        model: A ``BertForTokenClassification`` over :data:`core.conditions.types.TAGS`.
        tokenizer: Its fast tokenizer.
        dictionary: Add knowledge-base condition names and MeSH disease names the model missed.
        unknown_min_score: A name no lexicon knows (:func:`core.conditions.normalize.is_known`) is kept only
            when the model's confidence reaches it (0: every name): gene symbols, processes and common nouns the
            model takes for a condition are rarely in a disease lexicon, and rarely confident.
        normalize: Resolve mentions to ICD-10-CM and the knowledge base.
        assertion: Run medspacy ConText for the status.
        **kwargs: See :class:`core.ner.SpanTagger`.
    """

    task = "conditions"
    assertion_kind = "condition"

    def __init__(self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, *, dictionary: bool = True,
                 unknown_min_score: float = 0.0, **kwargs: Any) -> None:
        super().__init__(model, tokenizer, **kwargs)
        self.dictionary = dictionary
        self.unknown_min_score = unknown_min_score

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        return {**super().artifact_params(path, info),
                "unknown_min_score": info.training.get("unknown_min_score", 0.0)}

    def edges(self, text: str, start: int, end: int, label: str) -> tuple[int, int]:
        while start < end:
            first = re.match(r"(\w+)\b", text[start:end])
            last = re.search(r"\b(\w+)$", text[start:end])
            if first and first.group(1).lower() in EDGE_WORDS:
                start, end = trim(text, start + first.end(), end)
            elif last and last.group(1).lower() in EDGE_WORDS:
                start, end = trim(text, start, start + last.start())
            else:
                break
        return start, end

    def keep(self, text: str, start: int, end: int, label: str) -> bool:
        surface = text[start:end]
        if surface.isupper() and sum(c.isalpha() for c in surface) >= 2:  # ALL, MS, AS: abbreviations
            return True
        words = re.findall(r"[a-z]+", surface.lower())
        return sum(map(len, words)) >= 2 and any(w not in NOT_A_NAME for w in words)

    def filter(self, text: str, spans: list[Span]) -> list[Span]:
        """Drop names no lexicon knows below :attr:`unknown_min_score`; add knowledge-base and MeSH disease
        names the model missed, and the later uses of an abbreviation a condition defines. A dictionary name wider
        than the model's overlapping spans replaces them (the model found part of a known condition: "disease of
        bone" in "Paget's disease of bone"); a model span wider than the name is kept."""
        from core.conditions.normalize import is_known, lexicon_spans

        if self.unknown_min_score > 0:
            spans = [s for s in spans if (s.score or 0.0) >= self.unknown_min_score
                     or is_known(text[s.start:s.end], text)]
        if not self.dictionary:
            return spans

        out = list(spans)
        for a, b in lexicon_spans(text):
            hits = [s for s in out if s.start < b and a < s.end]
            if hits and not all(a <= s.start and s.end <= b and s.end - s.start < b - a for s in hits):
                continue
            out = [s for s in out if s not in hits]
            out.append(Span(a, b, "CONDITION", score=max((s.score or 0.0 for s in hits), default=None),
                            meta={"source": "dictionary"}))
        return defined_abbreviations(text, sorted(out, key=lambda s: s.start))

    def postprocess(self, text: str, entities: list[Span]) -> ConditionResult:
        """Normalize the mentions and assert their status."""
        from core.conditions.normalize import normalize

        conds = [e for e in entities if e.label == "CONDITION"]
        mentions = []
        for i, (c, (status, trigger, trig)) in enumerate(zip(conds, self.statuses(text, conds))):
            code = normalize(text[c.start:c.end]) if self.normalize else None
            span = Span(c.start, c.end, "CONDITION", group=i, status=status, code=code.code if code else None,
                        score=c.score)
            mentions.append(ConditionMention(span, text[c.start:c.end], status, trigger, trig, code,
                                             (c.meta or {}).get("source", "model")))
        return ConditionResult(tuple(mentions), self.version)
