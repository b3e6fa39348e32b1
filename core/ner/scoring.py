"""Scoring predicted character spans against gold spans: strict (seqeval) and lenient (overlap).

**Strict** (exact boundaries and label) scores use ``seqeval`` in strict mode over IOB2 tags. To make
token-level tags exactly equivalent to character-span matching, each text is cut into
``\\w+|[^\\w\\s]`` tokens (runs of whitespace are kept as tokens of their own, outside any entity unless a
span covers them), and these are split again at every gold and predicted span boundary. Every span is
then exactly a run of tokens, and two spans cover the same tokens only when they cover the same
characters: a prediction that is off by one character (``aspiri`` for ``aspirin``, or one that starts
on the space before the word) does not match.

**Lenient** scores count a predicted span and a gold span of the same label as a match when their
character ranges overlap, pairing them one-to-one greedily by the largest overlap (ties: earlier gold,
then earlier prediction). Precision is matched predictions / predictions, recall matched gold / gold.

Both modes score the same spans:

* only spans whose label is scored (``labels``, by default the labels present in gold); others, on
  either side, are ignored (a file that annotates only ``DRUG`` is scored on ``DRUG`` alone, and
  predicted ``STRENGTH`` spans are not counted as false positives);
* empty spans (``end <= start``) are ignored;
* one tag sequence cannot hold overlapping spans, so when spans of one side (gold or predicted) overlap
  each other, whatever their labels, the longer one is kept (on a tie, the earlier one) and the other
  dropped. ``n_gold``/``n_pred`` count the spans scored after this.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from core.spans import Span

__all__ = ["score_spans", "score_tagger", "format_report", "doc_counts"]

#: Word and punctuation tokens, and runs of whitespace (so the tokens partition the whole text).
_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
_SEQEVAL_KW: dict[str, Any] = {"mode": "strict", "scheme": IOB2, "zero_division": 0}


def _non_overlapping(spans: Sequence[Span]) -> list[Span]:
    """Drop spans overlapping a longer (or equally long and earlier) one; the rest in text order."""
    kept: list[Span] = []
    starts: list[int] = []  # sorted starts of ``kept`` (kept spans never overlap, so ends sort the same)
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.end, s.label)):
        i = bisect.bisect_left(starts, s.start)
        if i > 0 and kept[i - 1].end > s.start:  # the kept span starting before s reaches into it
            continue
        if i < len(kept) and kept[i].start < s.end:  # the kept span starting at/after s.start is inside it
            continue
        kept.insert(i, s)
        starts.insert(i, s.start)
    return kept


def _tokens(text: str, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """Token offsets: ``_TOKEN`` matches split at every offset in ``cuts`` (sorted)."""
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        i = bisect.bisect_right(cuts, a)
        while i < len(cuts) and cuts[i] < b:
            out.append((a, cuts[i]))
            a = cuts[i]
            i += 1
        out.append((a, b))
    return out


def _tags(tokens: list[tuple[int, int]], spans: list[Span]) -> list[str]:
    """IOB2 tags of ``tokens`` for non-overlapping ``spans`` whose boundaries are token boundaries."""
    tags = ["O"] * len(tokens)
    starts = [a for a, _ in tokens]
    for s in spans:
        i = bisect.bisect_left(starts, s.start)
        first = True
        while i < len(tokens) and tokens[i][1] <= s.end:
            tags[i] = ("B-" if first else "I-") + s.label
            first = False
            i += 1
    return tags


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _lenient(gold: list[list[Span]], pred: list[list[Span]], labels: list[str]) -> dict[str, Any]:
    counts: dict[str, list[int]] = {lab: [0, 0, 0] for lab in labels}  # matched, n_pred, n_gold
    for g_doc, p_doc in zip(gold, pred):
        for lab in labels:
            gs = [s for s in g_doc if s.label == lab]
            ps = [s for s in p_doc if s.label == lab]
            pairs = sorted((-(min(g.end, p.end) - max(g.start, p.start)), i, j)
                           for i, g in enumerate(gs) for j, p in enumerate(ps)
                           if g.start < p.end and p.start < g.end)
            used_g: set[int] = set()
            used_p: set[int] = set()
            for _, i, j in pairs:
                if i not in used_g and j not in used_p:
                    used_g.add(i)
                    used_p.add(j)
            c = counts[lab]
            c[0] += len(used_g)
            c[1] += len(ps)
            c[2] += len(gs)
    tp, n_pred, n_gold = (sum(c[k] for c in counts.values()) for k in range(3))
    return {**_prf(tp, n_pred, n_gold),
            "per_label": {lab: {**_prf(*c), "support": c[2]} for lab, c in counts.items()}}


def _strict(y_true: list[list[str]], y_pred: list[list[str]], labels: list[str]) -> dict[str, Any]:
    zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    has_entities = any(t != "O" for seq in (*y_true, *y_pred) for t in seq)
    if not has_entities:  # seqeval's macro average of nothing warns (mean of an empty slice)
        return {**zero, "per_label": {lab: {**zero, "support": 0} for lab in labels}}
    report = classification_report(y_true, y_pred, output_dict=True, **_SEQEVAL_KW)
    per_label: dict[str, dict[str, float | int]] = {}
    for lab in labels:
        r = report.get(lab)
        per_label[lab] = ({"precision": round(float(r["precision"]), 4), "recall": round(float(r["recall"]), 4),
                           "f1": round(float(r["f1-score"]), 4), "support": int(r["support"])}
                          if r is not None else {**zero, "support": 0})
    return {"precision": round(float(precision_score(y_true, y_pred, **_SEQEVAL_KW)), 4),
            "recall": round(float(recall_score(y_true, y_pred, **_SEQEVAL_KW)), 4),
            "f1": round(float(f1_score(y_true, y_pred, **_SEQEVAL_KW)), 4),
            "per_label": per_label}


def _scored(spans: Sequence[Span], keep: set[str], text: str, side: str, k: int) -> list[Span]:
    out = []
    for s in spans:
        if s.label not in keep or s.end <= s.start:
            continue
        if s.start < 0 or s.end > len(text):
            raise ValueError(f"{side} span {s.start}..{s.end} ({s.label}) of document {k} lies outside its "
                             f"text (length {len(text)})")
        out.append(s)
    return _non_overlapping(out)


def score_spans(gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]], texts: Sequence[str],
                labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Strict and lenient precision, recall and F1 of ``pred`` against ``gold``, one list of spans per text.

    Args:
        gold: Gold spans of each document.
        pred: Predicted spans of each document.
        texts: The documents the spans index.
        labels: Labels to score (default: those present in ``gold``); spans of other labels are ignored on
            both sides.

    Returns:
        ``{"strict": S, "lenient": S, "labels": [...], "n_docs", "n_gold", "n_pred"}`` where each ``S`` is
        ``{"precision", "recall", "f1", "per_label": {label: {"precision", "recall", "f1", "support"}}}``;
        top-level figures are micro averages, floats rounded to 4 places, ``support`` the gold count.

    Raises:
        ValueError: When the three sequences differ in length, or a scored span lies outside its text.
    """
    if not len(gold) == len(pred) == len(texts):
        raise ValueError(f"gold, pred and texts differ in length ({len(gold)}, {len(pred)}, {len(texts)})")
    if labels is None:
        labs = sorted({s.label for doc in gold for s in doc})
    else:
        labs = list(dict.fromkeys(labels))
    keep = set(labs)
    g_docs = [_scored(doc, keep, t, "gold", k) for k, (doc, t) in enumerate(zip(gold, texts))]
    p_docs = [_scored(doc, keep, t, "predicted", k) for k, (doc, t) in enumerate(zip(pred, texts))]
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    for text, g, p in zip(texts, g_docs, p_docs):
        cuts = sorted({x for s in (*g, *p) for x in (s.start, s.end)})
        toks = _tokens(text, cuts)
        y_true.append(_tags(toks, g))
        y_pred.append(_tags(toks, p))
    return {"strict": _strict(y_true, y_pred, labs), "lenient": _lenient(g_docs, p_docs, labs), "labels": labs,
            "n_docs": len(texts), "n_gold": sum(map(len, g_docs)), "n_pred": sum(map(len, p_docs))}


def doc_counts(gold: Sequence[Span], pred: Sequence[Span], text: str, labels: Sequence[str]) -> tuple[int, int, int]:
    """Strict true positives, false positives and false negatives of one document, with the same filtering as
    :func:`score_spans` (scored labels, empty and overlapping spans dropped): an exact (start, end, label) match is
    what the strict tags count, since every span boundary is a token boundary there."""
    keep = set(labels)
    g = {(s.start, s.end, s.label) for s in _scored(gold, keep, text, "gold", 0)}
    p = {(s.start, s.end, s.label) for s in _scored(pred, keep, text, "predicted", 0)}
    tp = len(g & p)
    return tp, len(p) - tp, len(g) - tp


def format_report(scores: dict[str, Any]) -> str:
    """A short table of strict and lenient precision, recall and F1 per label, with the micro average."""
    width = max([len("label"), len("micro avg"), *map(len, scores["labels"])]) + 2
    head = (f"{'':<{width}}{'strict':^24}  {'lenient':^24}\n"
            f"{'label':<{width}}{'P':>8}{'R':>8}{'F1':>8}  {'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
    lines = [head]

    def row(name: str, s: dict[str, Any], l_: dict[str, Any], support: int) -> str:
        return (f"{name:<{width}}{s['precision']:>8.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}  "
                f"{l_['precision']:>8.4f}{l_['recall']:>8.4f}{l_['f1']:>8.4f}{support:>9}")

    for lab in scores["labels"]:
        s, l_ = scores["strict"]["per_label"][lab], scores["lenient"]["per_label"][lab]
        lines.append(row(lab, s, l_, s["support"]))
    lines.append(row("micro avg", scores["strict"], scores["lenient"], scores["n_gold"]))
    lines.append(f"{scores['n_docs']} documents, {scores['n_gold']} gold spans, {scores['n_pred']} predicted")
    return "\n".join(lines)


def score_tagger(tagger: Any, docs: Sequence[Any], labels: Sequence[str] | None = None,
                 progress: bool = False) -> dict[str, Any]:
    """:func:`score_spans` of a span tagger's predictions (``tagger.entities``) on annotated documents."""
    import sys

    from tqdm import tqdm

    preds: list[list[Span]] = []
    bar = tqdm(total=len(docs), desc="predicting", unit="doc", disable=not progress, file=sys.stderr)
    for lo in range(0, len(docs), 64):
        chunk = docs[lo:lo + 64]
        preds.extend(tagger.entities([d.text for d in chunk]))
        bar.update(len(chunk))
    bar.close()
    return score_spans([d.spans for d in docs], preds, [d.text for d in docs], labels=labels)
