"""Inter-annotator agreement on doubly annotated review items, and the majority that adjudication starts from.

Pure functions over plain :class:`Annotation` records (the review tables are turned into these elsewhere), so the
figures can be tested by hand and printed by the CLI or shown on a page alike.

**Pairs.** :func:`pairwise` compares every pair of annotators (sorted by name, ``a`` before ``b``) on the items both
annotated for the task:

* a *label* task (triage) gets Cohen's kappa (:func:`sklearn.metrics.cohen_kappa_score`) and raw agreement (the
  share of items with the same label). Annotations without a label are not answers and are left out;
* a *span* task (drugs, conditions) gets span F1, with ``a`` as the reference: precision is matched ``b`` spans /
  ``b`` spans, recall matched ``a`` spans / ``a`` spans. F1 is then ``2·matched / (n_a + n_b)``, the same whichever
  annotator is the reference, so the order of a pair does not change it.

  - **strict**: same start, end and label;
  - **overlapping**: same label and overlapping character ranges, paired one to one; the largest such pairing is
    used (maximum bipartite matching, so the count does not depend on the order spans are listed in, unlike the
    greedy pairing of :mod:`core.ner.scoring`, which also needs the note text and drops overlapping spans of one
    side; annotators' spans may overlap and agreement is computed without the text);
  - both micro-averaged over labels and **by label**;
  - **status**: on strictly matched spans, the share with the same status and Cohen's kappa of the statuses
    (``None`` is a value of its own, ``"none"``);
  - **attributes**: strict F1 of the attribute spans (start, end, label) of each item, whatever span they are
    linked to, micro and by label.

  Within one annotation, repeated spans (same start, end and label) count once (the first is kept).

* a *decision* task (treatments: accept or reject each suggested candidate) gets Cohen's kappa of the accept/reject
  verdicts over the (item, candidate) pairs both annotators decided (a candidate is a condition and a drug), raw
  agreement on them, and **reason** agreement on the candidates both rejected (share with the same reason, and
  kappa of the reasons). A candidate only one of them decided is counted (``unpaired``), not scored. Within one
  annotation, a candidate decided twice counts once (the first is kept); the free-text note is not compared.

**Overall** figures pool the pairs: counts (matched, ``n_a``, ``n_b``) are summed over pairs before F1 is taken, and
kappa is computed once over the concatenated item judgments of all pairs; each pair weighs by its shared items.
``n_items`` counts the items that at least two annotators answered.

Figures that are undefined are ``None``, never 0: F1 when neither annotator marked any span, kappa when there are
no items or only one label was ever used (expected agreement is then 1). Floats are rounded to 4 places.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score

__all__ = ["LABEL_TASKS", "DECISION_TASKS", "Annotation", "SpanAnn", "Decision", "PairAgreement", "AgreementReport",
           "Majority", "kappa", "pairwise", "majority", "format_report"]

#: Tasks answered with one label per item (the others are answered with spans or decisions).
LABEL_TASKS: frozenset[str] = frozenset({"triage"})
#: Tasks answered with an accept or reject decision per suggested candidate.
DECISION_TASKS: frozenset[str] = frozenset({"treatments"})

#: How a missing status is named in status agreement.
NO_STATUS = "none"

#: One attribute span: (start, end, label).
AttributeSpan = tuple[int, int, str]

_Key = tuple[int, int, str]


@dataclass(frozen=True)
class SpanAnn:
    """One span an annotator marked.

    Attributes:
        start: Offset of the first character in the note.
        end: Offset one past the last character.
        label: Entity type (``DRUG``, ``CONDITION`` ...).
        status: Assertion status (``current``, ``negated`` ...), where the task has one.
        attributes: Attribute spans linked to this span, ``(start, end, label)`` (a drug's ``STRENGTH``, ``DOSE``).
    """

    start: int
    end: int
    label: str
    status: str | None = None
    attributes: tuple[AttributeSpan, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span {self.start}..{self.end} ({self.label}) is empty or negative")
        attrs = tuple((int(a), int(b), str(lab)) for a, b, lab in self.attributes)
        for a, b, lab in attrs:
            if not 0 <= a < b:
                raise ValueError(f"attribute span {a}..{b} ({lab}) is empty or negative")
        object.__setattr__(self, "attributes", attrs)

    @property
    def key(self) -> _Key:
        """What strict matching compares: start, end and label."""
        return (self.start, self.end, self.label)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"start", "end", "label", "status", "attributes": [{"start", "end", "label"}]}``."""
        return {"start": self.start, "end": self.end, "label": self.label, "status": self.status,
                "attributes": [{"start": a, "end": b, "label": lab} for a, b, lab in self.attributes]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SpanAnn:
        """A span from :meth:`to_dict`'s form (attributes as dicts or ``[start, end, label]`` triples).

        Raises:
            ValueError: A missing field or an empty span.
        """
        try:
            attrs = tuple((a["start"], a["end"], a["label"]) if isinstance(a, dict) else tuple(a)
                          for a in d.get("attributes") or ())
            return cls(int(d["start"]), int(d["end"]), str(d["label"]), d.get("status"), attrs)
        except (KeyError, TypeError) as e:
            raise ValueError(f"not a span: {d!r} ({e})") from e


@dataclass(frozen=True)
class Decision:
    """One annotator's verdict on one suggested treatment.

    Attributes:
        condition: The condition the candidate was suggested for (the knowledge base's id).
        drug: The candidate (the knowledge base's drug name).
        verdict: ``accept`` or ``reject``.
        reason: Why it was rejected (:data:`core.labels.REJECT_REASONS`); ``None`` when accepted.
    """

    condition: str
    drug: str
    verdict: str
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.verdict not in ("accept", "reject"):
            raise ValueError(f"a decision's verdict is accept or reject, not {self.verdict!r}")

    @property
    def key(self) -> tuple[str, str]:
        """The candidate: condition and drug."""
        return (self.condition, self.drug)

    def to_dict(self) -> dict[str, Any]:
        return {"condition": self.condition, "drug": self.drug, "verdict": self.verdict, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        """A decision from an answer's ``{"condition", "drug", "verdict", "reason"?}`` (other keys ignored).

        Raises:
            ValueError: A missing field or an unknown verdict.
        """
        try:
            return cls(str(d["condition"]), str(d["drug"]), str(d["verdict"]), d.get("reason"))
        except (KeyError, TypeError) as e:
            raise ValueError(f"not a treatment decision: {d!r} ({e})") from e


@dataclass(frozen=True)
class Annotation:
    """One annotator's answer on one item of a task.

    Attributes:
        item_id: The review item.
        annotator: Who answered.
        task: ``triage``, ``drugs``, ``conditions`` ...
        label: The chosen label, for a label task (:data:`LABEL_TASKS`); ``None`` otherwise.
        spans: The marked spans, for a span task.
        decisions: The verdicts on suggested candidates, for a decision task (:data:`DECISION_TASKS`).
    """

    item_id: str | int
    annotator: str
    task: str
    label: str | None = None
    spans: tuple[SpanAnn, ...] = ()
    decisions: tuple[Decision, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(self.spans))
        object.__setattr__(self, "decisions", tuple(self.decisions))

    @classmethod
    def from_answer(cls, item_id: str | int, annotator: str, task: str, answer: Any) -> Annotation:
        """An annotation from a stored answer: for a label task a label or ``{"label": ...}``; for a span task a list
        of spans or ``{"spans": [...]}``, each span in :meth:`SpanAnn.from_dict`'s form; for a decision task a list
        of decisions or ``{"decisions": [...]}`` (:meth:`Decision.from_dict`). ``None`` is no answer.

        Raises:
            ValueError: An answer of another shape.
        """
        key = "label" if task in LABEL_TASKS else "decisions" if task in DECISION_TASKS else "spans"
        if isinstance(answer, dict) and key not in answer:
            raise ValueError(f"a {task} answer has no {key!r}: {answer!r}")
        if task in LABEL_TASKS:
            label = answer.get("label") if isinstance(answer, dict) else answer
            if label is not None and not isinstance(label, str):
                raise ValueError(f"a {task} answer is a label, not {answer!r}")
            return cls(item_id, annotator, task, label=label)
        if task in DECISION_TASKS:
            found = answer.get("decisions") if isinstance(answer, dict) else answer
            if not isinstance(found, (list, tuple)) and found is not None:
                raise ValueError(f"a {task} answer is a list of decisions, not {answer!r}")
            return cls(item_id, annotator, task, decisions=tuple(Decision.from_dict(d) for d in found or ()))
        spans = answer.get("spans") if isinstance(answer, dict) else answer
        if not isinstance(spans, (list, tuple)) and spans is not None:
            raise ValueError(f"a {task} answer is a list of spans, not {answer!r}")
        return cls(item_id, annotator, task, spans=tuple(SpanAnn.from_dict(s) for s in spans or ()))


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items; ``None`` when undefined (no items, one label)."""
    if len(a) != len(b):
        raise ValueError(f"kappa needs as many labels on each side ({len(a)} and {len(b)})")
    labels = sorted(set(a) | set(b))
    if len(labels) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(list(a), list(b), labels=labels, replace_undefined_by=np.nan)
    return None if np.isnan(k) else float(k)


@dataclass
class _Counts:
    """Matched spans and the number of spans each side marked."""

    matched: int = 0
    n_a: int = 0
    n_b: int = 0

    def add(self, other: _Counts) -> None:
        self.matched += other.matched
        self.n_a += other.n_a
        self.n_b += other.n_b

    def as_dict(self) -> dict[str, Any]:
        p = self.matched / self.n_b if self.n_b else None
        r = self.matched / self.n_a if self.n_a else None
        f = 2 * self.matched / (self.n_a + self.n_b) if self.n_a + self.n_b else None
        return {"precision": _r(p), "recall": _r(r), "f1": _r(f), "matched": self.matched, "n_a": self.n_a,
                "n_b": self.n_b}


@dataclass
class _SpanScores:
    """Counts of one comparison (one pair, or all pairs pooled), micro and by label."""

    micro: _Counts = field(default_factory=_Counts)
    by_label: dict[str, _Counts] = field(default_factory=lambda: defaultdict(_Counts))

    def add(self, other: _SpanScores) -> None:
        self.micro.add(other.micro)
        for lab, c in other.by_label.items():
            self.by_label[lab].add(c)

    def as_dict(self, labels: Sequence[str]) -> dict[str, Any]:
        return {**self.micro.as_dict(), "by_label": {lab: self.by_label[lab].as_dict() for lab in labels}}


def _max_matching(a: Sequence[_Key], b: Sequence[_Key]) -> int:
    """The size of the largest one-to-one pairing of overlapping spans of ``a`` and ``b`` (one label)."""
    edges = [[j for j, y in enumerate(b) if x[0] < y[1] and y[0] < x[1]] for x in a]
    owner: dict[int, int] = {}  # b index -> a index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(a)))


def _unique(spans: Iterable[SpanAnn]) -> dict[_Key, SpanAnn]:
    out: dict[_Key, SpanAnn] = {}
    for s in spans:
        out.setdefault(s.key, s)
    return out


def _compare(a: Iterable[_Key], b: Iterable[_Key], strict: bool) -> _SpanScores:
    """Strict or overlapping span matches of one item, micro and by label."""
    sa, sb = set(a), set(b)
    out = _SpanScores()
    for lab in sorted({k[2] for k in sa | sb}):
        xa = sorted(k for k in sa if k[2] == lab)
        xb = sorted(k for k in sb if k[2] == lab)
        m = len(set(xa) & set(xb)) if strict else _max_matching(xa, xb)
        c = _Counts(m, len(xa), len(xb))
        out.by_label[lab] = c
        out.micro.add(c)
    return out


@dataclass
class _Status:
    """Statuses of strictly matched spans, side by side."""

    a: list[str] = field(default_factory=list)
    b: list[str] = field(default_factory=list)

    def add(self, other: _Status) -> None:
        self.a.extend(other.a)
        self.b.extend(other.b)

    def as_dict(self) -> dict[str, Any]:
        n = len(self.a)
        same = sum(x == y for x, y in zip(self.a, self.b))
        return {"n_spans": n, "agreement": _r(same / n if n else None), "kappa": _r(kappa(self.a, self.b))}


@dataclass
class PairAgreement:
    """Agreement of annotators ``a`` and ``b`` (``a`` the reference) on the ``n_items`` items both answered.

    A label task fills ``labels_a``/``labels_b`` (the two labels of each shared item, in ``items`` order); a span
    task fills the span scores; a decision task ``verdicts`` (one pair of verdicts per candidate both decided),
    ``reasons`` (one pair of reasons per candidate both rejected) and ``unpaired``.
    """

    a: str
    b: str
    items: list[str | int] = field(default_factory=list)
    labels_a: list[str] = field(default_factory=list)
    labels_b: list[str] = field(default_factory=list)
    strict: _SpanScores = field(default_factory=_SpanScores)
    overlapping: _SpanScores = field(default_factory=_SpanScores)
    status: _Status = field(default_factory=_Status)
    attributes: _SpanScores = field(default_factory=_SpanScores)
    verdicts: _Status = field(default_factory=_Status)
    reasons: _Status = field(default_factory=_Status)
    unpaired: int = 0

    @property
    def n_items(self) -> int:
        return len(self.items)

    def kappa(self) -> float | None:
        return kappa(self.labels_a, self.labels_b)

    def raw_agreement(self) -> float | None:
        n = len(self.labels_a)
        return sum(x == y for x, y in zip(self.labels_a, self.labels_b)) / n if n else None


def _label_dict(n_items: int, la: Sequence[str], lb: Sequence[str]) -> dict[str, Any]:
    n = len(la)
    same = sum(x == y for x, y in zip(la, lb))
    return {"n_items": n_items, "kappa": _r(kappa(la, lb)), "agreement": _r(same / n if n else None)}


def _decision_dict(n_items: int, verdicts: _Status, reasons: _Status, unpaired: int) -> dict[str, Any]:
    v = verdicts.as_dict()
    r = reasons.as_dict()
    return {"n_items": n_items, "n_candidates": v["n_spans"], "unpaired": unpaired, "kappa": v["kappa"],
            "agreement": v["agreement"], "reasons": {"n_rejected_by_both": r["n_spans"], "agreement": r["agreement"],
                                                     "kappa": r["kappa"]}}


@dataclass
class AgreementReport:
    """Agreement on one task: every annotator pair, and all pairs pooled.

    Attributes:
        task: The task.
        kind: ``labels`` (Cohen's kappa), ``spans`` (span F1) or ``decisions`` (kappa of accept/reject per
            candidate, reason agreement).
        n_items: Items answered by at least two annotators.
        annotators: Everyone who answered an item of the task, sorted.
        pairs: One entry per pair of annotators (``a`` < ``b``), including pairs with no shared item.
        labels: Span labels seen on doubly annotated items (span tasks), sorted.
        attribute_labels: Attribute labels seen on doubly annotated items (span tasks), sorted.
    """

    task: str
    kind: str
    n_items: int
    annotators: list[str]
    pairs: list[PairAgreement]
    labels: list[str] = field(default_factory=list)
    attribute_labels: list[str] = field(default_factory=list)

    def pair(self, a: str, b: str) -> PairAgreement:
        """The pair of ``a`` and ``b`` (in either order)."""
        lo, hi = sorted((a, b))
        for p in self.pairs:
            if (p.a, p.b) == (lo, hi):
                return p
        raise KeyError(f"no pair {a!r}, {b!r}")

    def _pair_dict(self, p: PairAgreement) -> dict[str, Any]:
        head: dict[str, Any] = {"a": p.a, "b": p.b}
        if self.kind == "labels":
            return {**head, **_label_dict(p.n_items, p.labels_a, p.labels_b)}
        if self.kind == "decisions":
            return {**head, **_decision_dict(p.n_items, p.verdicts, p.reasons, p.unpaired)}
        return {**head, **self._span_dict(p.n_items, p.strict, p.overlapping, p.status, p.attributes)}

    def _span_dict(self, n_items: int, strict: _SpanScores, overlapping: _SpanScores, status: _Status,
                   attributes: _SpanScores) -> dict[str, Any]:
        return {"n_items": n_items, "strict": strict.as_dict(self.labels),
                "overlapping": overlapping.as_dict(self.labels), "status": status.as_dict(),
                "attributes": attributes.as_dict(self.attribute_labels)}

    def overall(self) -> dict[str, Any]:
        """All pairs pooled: span counts summed before F1, kappa over the concatenated item judgments.

        ``n_items`` here is :attr:`n_items` (distinct items), ``n_comparisons`` the sum of the pairs' shared items.
        """
        n_cmp = sum(p.n_items for p in self.pairs)
        if self.kind == "labels":
            la = [x for p in self.pairs for x in p.labels_a]
            lb = [x for p in self.pairs for x in p.labels_b]
            return {**_label_dict(self.n_items, la, lb), "n_comparisons": n_cmp}
        if self.kind == "decisions":
            verdicts, reasons = _Status(), _Status()
            for p in self.pairs:
                verdicts.add(p.verdicts)
                reasons.add(p.reasons)
            return {**_decision_dict(self.n_items, verdicts, reasons, sum(p.unpaired for p in self.pairs)),
                    "n_comparisons": n_cmp}
        strict, overlapping, status, attributes = _SpanScores(), _SpanScores(), _Status(), _SpanScores()
        for p in self.pairs:
            strict.add(p.strict)
            overlapping.add(p.overlapping)
            status.add(p.status)
            attributes.add(p.attributes)
        return {**self._span_dict(self.n_items, strict, overlapping, status, attributes), "n_comparisons": n_cmp}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures (what ``agreement TASK`` prints last)."""
        out: dict[str, Any] = {"task": self.task, "kind": self.kind, "n_items": self.n_items,
                               "annotators": list(self.annotators)}
        if self.kind == "spans":
            out["labels"] = list(self.labels)
            out["attribute_labels"] = list(self.attribute_labels)
        out["overall"] = self.overall()
        out["pairs"] = [self._pair_dict(p) for p in self.pairs]
        return out


def _by_item(task: str, annotations: Iterable[Annotation]) -> dict[str | int, dict[str, Annotation]]:
    """item -> annotator -> annotation, for ``task``; label-task annotations without a label are left out."""
    out: dict[str | int, dict[str, Annotation]] = defaultdict(dict)
    for ann in annotations:
        if ann.task != task or (task in LABEL_TASKS and ann.label is None):
            continue
        if ann.annotator in out[ann.item_id]:
            raise ValueError(f"annotator {ann.annotator!r} answered item {ann.item_id!r} of {task} twice")
        out[ann.item_id][ann.annotator] = ann
    return out


def _item_order(item: str | int) -> tuple[bool, int, str]:
    """Numeric ids in numeric order, then string ids."""
    return (isinstance(item, str), item if isinstance(item, int) else 0, item if isinstance(item, str) else "")


def _attr_keys(spans: Iterable[SpanAnn]) -> set[_Key]:
    return {a for s in spans for a in s.attributes}


def _decided(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """Candidate -> decision (a candidate decided twice: the first)."""
    out: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        out.setdefault(d.key, d)
    return out


#: How a rejection without a reason is named in reason agreement.
NO_REASON = "none"


def pairwise(task: str, annotations: Iterable[Annotation]) -> AgreementReport:
    """Agreement of every pair of annotators on the items of ``task`` both answered (see the module docstring).

    Annotations of other tasks are ignored.

    Raises:
        ValueError: An annotator answered one item twice.
    """
    kind = "labels" if task in LABEL_TASKS else "decisions" if task in DECISION_TASKS else "spans"
    items = _by_item(task, annotations)
    annotators = sorted({who for per in items.values() for who in per})
    pairs: list[PairAgreement] = []
    labels: set[str] = set()
    attr_labels: set[str] = set()
    for per in items.values():
        if len(per) < 2:  # labels only seen on singly annotated items have nothing to agree on
            continue
        for ann in per.values():
            labels.update(s.label for s in ann.spans)
            attr_labels.update(a[2] for a in _attr_keys(ann.spans))
    for a, b in combinations(annotators, 2):
        p = PairAgreement(a, b)
        for item in sorted((i for i, per in items.items() if a in per and b in per), key=_item_order):
            x, y = items[item][a], items[item][b]
            p.items.append(item)
            if kind == "labels":
                p.labels_a.append(str(x.label))
                p.labels_b.append(str(y.label))
                continue
            if kind == "decisions":
                da, db = _decided(x.decisions), _decided(y.decisions)
                p.unpaired += len(da.keys() ^ db.keys())
                for k in sorted(da.keys() & db.keys()):
                    p.verdicts.a.append(da[k].verdict)
                    p.verdicts.b.append(db[k].verdict)
                    if da[k].verdict == db[k].verdict == "reject":
                        p.reasons.a.append(da[k].reason or NO_REASON)
                        p.reasons.b.append(db[k].reason or NO_REASON)
                continue
            ua, ub = _unique(x.spans), _unique(y.spans)
            p.strict.add(_compare(ua, ub, strict=True))
            p.overlapping.add(_compare(ua, ub, strict=False))
            for k in sorted(ua.keys() & ub.keys()):
                p.status.a.append(ua[k].status or NO_STATUS)
                p.status.b.append(ub[k].status or NO_STATUS)
            p.attributes.add(_compare(_attr_keys(ua.values()), _attr_keys(ub.values()), strict=True))
        pairs.append(p)
    n_items = sum(len(per) >= 2 for per in items.values())
    return AgreementReport(task, kind, n_items, annotators, pairs, sorted(labels) if kind == "spans" else [],
                           sorted(attr_labels))


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def format_report(d: dict[str, Any]) -> str:
    """A short table of :meth:`AgreementReport.as_dict`: one row per pair and the pooled row, then, for a span task,
    the pooled figures by label and attribute label. The pooled row's items are the pairs' shared items summed; "-"
    marks an undefined figure."""
    lines = [f"{d['task']}: {d['n_items']} items answered by two or more of {len(d['annotators'])} annotators"]
    rows = [(f"{p['a']} / {p['b']}", p) for p in d["pairs"]] + [("all pairs", d["overall"])]
    width = max([len("attribute"), *(len(name) for name, _ in rows), *map(len, d.get("labels", [])),
                 *map(len, d.get("attribute_labels", []))]) + 2
    if d["kind"] == "decisions":  # kappa and agreement of accept/reject per candidate; reasons where both rejected
        lines.append(f"{'pair':<{width}}{'items':>7}{'cands':>7}{'kappa':>9}{'agree':>9}{'both rej':>10}"
                     f"{'reason':>9}{'r.kappa':>9}")
        for name, r in rows:
            items, why = r.get("n_comparisons", r["n_items"]), r["reasons"]
            lines.append(f"{name:<{width}}{items:>7}{r['n_candidates']:>7}{_f(r['kappa']):>9}{_f(r['agreement']):>9}"
                         f"{why['n_rejected_by_both']:>10}{_f(why['agreement']):>9}{_f(why['kappa']):>9}")
        return "\n".join(lines)
    if d["kind"] == "labels":
        lines.append(f"{'pair':<{width}}{'items':>7}{'kappa':>9}{'agree':>9}")
        for name, r in rows:
            items = r.get("n_comparisons", r["n_items"])
            lines.append(f"{name:<{width}}{items:>7}{_f(r['kappa']):>9}{_f(r['agreement']):>9}")
        return "\n".join(lines)
    lines.append(f"{'pair':<{width}}{'items':>7}{'strict F1':>11}{'overlap F1':>12}{'status':>9}{'st.kappa':>10}"
                 f"{'attr F1':>9}")
    for name, r in rows:
        items = r.get("n_comparisons", r["n_items"])
        lines.append(f"{name:<{width}}{items:>7}{_f(r['strict']['f1']):>11}{_f(r['overlapping']['f1']):>12}"
                     f"{_f(r['status']['agreement']):>9}{_f(r['status']['kappa']):>10}{_f(r['attributes']['f1']):>9}")
    o = d["overall"]
    lines.append(f"{'label':<{width}}{'n_a':>7}{'n_b':>7}{'strict F1':>11}{'overlap F1':>12}")
    for lab in d["labels"]:
        s, v = o["strict"]["by_label"][lab], o["overlapping"]["by_label"][lab]
        lines.append(f"{lab:<{width}}{s['n_a']:>7}{s['n_b']:>7}{_f(s['f1']):>11}{_f(v['f1']):>12}")
    if d["attribute_labels"]:
        lines.append(f"{'attribute':<{width}}{'n_a':>7}{'n_b':>7}{'strict F1':>11}")
    for lab in d["attribute_labels"]:
        s = o["attributes"]["by_label"][lab]
        lines.append(f"{lab:<{width}}{s['n_a']:>7}{s['n_b']:>7}{_f(s['f1']):>11}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Majority:
    """What adjudication of one item starts from.

    Attributes:
        item_id: The item.
        task: Its task.
        n_annotators: Annotators who answered (for a label task: with a label).
        label: Label task: the most common label; ``None`` when two or more labels tie for most common (the
            adjudicator chooses) or nobody gave one.
        tied: The labels tied for most common, sorted (empty without a tie).
        spans: Span task: the spans (same start, end and label) that more than half of the annotators marked, in
            text order; each with the status more than half of those who marked it gave (``None`` when they split
            with no majority) and the attributes that more than half of all annotators linked to it.
        decisions: Decision task: the candidates more than half of the annotators gave the same verdict, in
            (condition, drug) order; a rejection with the reason more than half of its rejecters gave (``None`` when
            they split: the adjudicator chooses).
        unanimous: Every annotator gave the same answer (same label; the same spans, statuses and attributes; or the
            same verdicts and reasons).
    """

    item_id: str | int
    task: str
    n_annotators: int
    label: str | None = None
    tied: tuple[str, ...] = ()
    spans: tuple[SpanAnn, ...] = ()
    unanimous: bool = False
    decisions: tuple[Decision, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form (what an adjudication page pre-selects)."""
        out: dict[str, Any] = {"item_id": self.item_id, "task": self.task, "n_annotators": self.n_annotators,
                               "unanimous": self.unanimous}
        if self.task in LABEL_TASKS:
            return {**out, "label": self.label, "tied": list(self.tied)}
        if self.task in DECISION_TASKS:
            return {**out, "decisions": [d.to_dict() for d in self.decisions]}
        return {**out, "spans": [s.to_dict() for s in self.spans]}


def _strict_majority(votes: Counter[Any], n: int) -> Any:
    top = votes.most_common(1)
    return top[0][0] if top and top[0][1] * 2 > n else None


def majority(annotations: Sequence[Annotation]) -> Majority:
    """The majority answer of one item's annotations (all of the same item and task), for adjudication to pre-select.

    Label task: the most common label (a plurality suffices: with three annotators answering A, A, B it is A); a tie
    for most common gives ``None`` and the tied labels. Span task: the spans more than half of the annotators marked
    (with two annotators, those both marked), with their majority status and attributes (see :class:`Majority`).
    Decision task: the verdicts more than half of the annotators gave on a candidate, with the majority reason.

    Raises:
        ValueError: No annotations, annotations of several items or tasks, or one annotator twice.
    """
    if not annotations:
        raise ValueError("majority needs at least one annotation")
    item, task = annotations[0].item_id, annotations[0].task
    if any(a.item_id != item or a.task != task for a in annotations):
        raise ValueError("majority takes the annotations of one item and task")
    per = _by_item(task, annotations).get(item, {})
    anns = [per[who] for who in sorted(per)]
    n = len(anns)
    if task in LABEL_TASKS:
        votes = Counter(str(a.label) for a in anns)
        if not votes:
            return Majority(item, task, 0)
        top = max(votes.values())
        best = sorted(lab for lab, c in votes.items() if c == top)
        unanimous = len(votes) == 1
        return Majority(item, task, n, best[0] if len(best) == 1 else None, tuple(best) if len(best) > 1 else (),
                        unanimous=unanimous)
    if task in DECISION_TASKS:
        decided = [_decided(a.decisions) for a in anns]
        votes = Counter((k, d.verdict) for m in decided for k, d in m.items())
        kept_decisions = []
        for (k, verdict), c in sorted(votes.items()):
            if c * 2 > n:
                why = _strict_majority(Counter(m[k].reason for m in decided if k in m and m[k].verdict == verdict), c)
                kept_decisions.append(Decision(*k, verdict, why if verdict == "reject" else None))
        same = all({(k, d.verdict, d.reason) for k, d in m.items()} == {(k, d.verdict, d.reason)
                                                                      for k, d in decided[0].items()} for m in decided)
        return Majority(item, task, n, decisions=tuple(kept_decisions), unanimous=same)
    marked = [_unique(a.spans) for a in anns]
    counts = Counter(k for m in marked for k in m)
    kept: list[SpanAnn] = []
    for k in sorted(k for k, c in counts.items() if c * 2 > n):
        by = [m[k] for m in marked if k in m]
        status = _strict_majority(Counter(s.status for s in by), len(by))
        attrs = Counter(a for s in by for a in set(s.attributes))
        kept.append(SpanAnn(*k, status=status, attributes=tuple(sorted(a for a, c in attrs.items() if c * 2 > n))))

    def answer(m: dict[_Key, SpanAnn]) -> set[tuple[Any, ...]]:
        return {(*k, s.status, tuple(sorted(set(s.attributes)))) for k, s in m.items()}

    unanimous = all(answer(m) == answer(marked[0]) for m in marked)
    return Majority(item, task, n, spans=tuple(kept), unanimous=unanimous)
