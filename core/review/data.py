"""The review tables read back as the review loop's plain types: annotators' answers for agreement, gold for
exports and training.

Answers are stored as :mod:`core.review.agreement` reads them (``Annotation.from_answer``): ``{"label": SERVICE}``
for triage, ``{"spans": [{start, end, label, status?, attributes?}]}`` for the span tasks, ``{"decisions":
[{condition, drug, verdict, reason, note}]}`` for treatments.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlalchemy import Engine, select

from core.db.engine import session_scope
from core.db.models import Annotation as AnnotationRow
from core.db.models import Gold, ReviewItem
from core.review.agreement import Annotation
from core.review.queue import ANSWERING, comparable


def annotations(task: str, *, engine: Engine | None = None) -> list[Annotation]:
    """Every answering annotation (accept or correct) on the task's items, oldest first."""
    stmt = (select(AnnotationRow.item_id, AnnotationRow.annotator, AnnotationRow.answer)
            .join(ReviewItem, ReviewItem.id == AnnotationRow.item_id)
            .where(ReviewItem.task == task, AnnotationRow.verdict.in_(ANSWERING)).order_by(AnnotationRow.id))
    with session_scope(engine) as session:
        return [Annotation.from_answer(item_id, annotator, task, answer)
                for item_id, annotator, answer in session.execute(stmt)]


@dataclass(frozen=True)
class GoldItem:
    """A settled item: the note (``None`` once purged), its gold answer and how it was decided."""

    item_id: int
    note_hash: str
    note_text: str | None
    answer: Any
    method: str
    decided_by: str


def gold(task: str, *, engine: Engine | None = None) -> list[GoldItem]:
    """The task's gold answers, oldest item first."""
    stmt = (select(ReviewItem, Gold).join(Gold, Gold.item_id == ReviewItem.id)
            .where(ReviewItem.task == task).order_by(ReviewItem.id))
    with session_scope(engine) as session:
        return [GoldItem(item.id, item.note_hash, item.note_text, g.answer, g.method, g.decided_by)
                for item, g in session.execute(stmt)]


#: Gold methods by what an export takes: agreed or adjudicated answers, and answers of one annotator alone.
DOUBLE_CHECKED = ("unanimous", "adjudicated")


def to_example(task: str, text: str, answer: Any) -> Any:
    """A gold answer as the task's training example: ``(text, label)`` for triage, an :class:`AnnotatedDoc` for a span
    task (each span's attributes share its group, as the span tasks' data do).

    Treatments: a *list* of the ranker's training notes (:class:`core.synth.plans.PlanNote`), one per condition the
    answer judged, as :meth:`TreatmentTask.feedback_examples` makes from the Treatments page's verdicts
    (:func:`core.treatments.train.judged_note`: the knowledge base's relevances for the note's context, a rejected
    candidate set to none). A review answer starts with every candidate accepted, so an accept there says "not
    wrong", not "the best": it leaves the knowledge base's relevance as it is rather than raising the candidate to
    the top as the page's explicit accept does (raising every accepted candidate would flatten the order the ranker
    learns). Conditions the knowledge base does not have are skipped (the list may be empty)."""
    from core.ner.data import AnnotatedDoc
    from core.review.agreement import DECISION_TASKS, LABEL_TASKS
    from core.spans import Span

    ann = Annotation.from_answer(0, "gold", task, answer)
    if task in DECISION_TASKS:
        from core.knowledge.kb import load_kb
        from core.treatments.train import judged_note

        kb = load_kb()
        known = {c.id for c in kb.conditions}
        conditions = list(dict.fromkeys(d.condition for d in ann.decisions))  # in the answer's order
        return [judged_note(kb, text, c, [{"kind": "reject", "drug": d.drug} for d in ann.decisions
                                          if d.condition == c and d.verdict == "reject"])
                for c in conditions if c in known]
    if task in LABEL_TASKS:
        if ann.label is None:
            raise ValueError("a triage gold answer without a label")
        return text, ann.label
    spans = []
    for group, s in enumerate(ann.spans):
        spans.append(Span(s.start, s.end, s.label, group=group, status=s.status))
        spans.extend(Span(a, b, label, group=group) for a, b, label in s.attributes)
    return AnnotatedDoc(text, tuple(spans))


def judged_rows(text: str, answer: Any) -> list[dict[str, Any]]:
    """A treatments gold answer as the judged-note lines ``train treatments --data`` reads, one per condition the
    knowledge base has: ``{"text", "condition", "accept": [], "reject": [drugs], "reviewed": [{drug, verdict,
    reason}]}``. ``accept`` stays empty because a review's accept means "not wrong" (see :func:`to_example`): read
    back, the line makes the very training note the gold makes. ``reviewed`` keeps every verdict and reason for
    other tools; the reader ignores it."""
    from core.knowledge.kb import load_kb

    ann = Annotation.from_answer(0, "gold", "treatments", answer)
    known = {c.id for c in load_kb().conditions}
    rows = []
    for c in dict.fromkeys(d.condition for d in ann.decisions):
        if c in known:
            mine = [d for d in ann.decisions if d.condition == c]
            rows.append({"text": text, "condition": c, "accept": [],
                         "reject": [d.drug for d in mine if d.verdict == "reject"],
                         "reviewed": [{"drug": d.drug, "verdict": d.verdict, "reason": d.reason} for d in mine]})
    return rows


def to_examples(task: str, text: str, answer: Any) -> list[Any]:
    """:func:`to_example` as a list: the one example of triage or a span task, every training note of treatments."""
    from core.review.agreement import DECISION_TASKS

    example = to_example(task, text, answer)
    return list(example) if task in DECISION_TASKS else [example]


@dataclass(frozen=True)
class Examples:
    """What an export holds, and what it left out (items whose note text was purged, single annotations)."""

    examples: list[Any]
    without_text: int
    single_left_out: int


def locked(note_hash: str, share: float | None = None) -> bool:
    """Whether a note belongs to the locked evaluation split of the gold: hex digits 16-24 of its hash (independent of
    the overlap and quality-control draws) under ``share`` (default ``NOTELENS_REVIEW_LOCKED_SHARE``). Decided by
    the hash, so the split is chosen once and never moves: a locked note is never trained on."""
    from core.config import get_settings
    from core.review.queue import doubled

    return doubled(note_hash[16:24], get_settings().review_locked_share if share is None else share)


def examples(task: str, *, include_single: bool = False, split: str = "all", for_export: bool = False,
             engine: Engine | None = None) -> Examples:
    """The task's gold as training examples: agreed and adjudicated answers, plus one annotator's answers with
    ``include_single``; ``split`` ``train`` leaves out the locked evaluation split (:func:`locked`), ``locked`` keeps
    only it. Items whose note text is gone (purged) cannot be used and are counted. ``for_export``: treatments'
    gold as :func:`judged_rows` (what :mod:`core.exchange` writes) instead of ranker training notes; the other
    tasks' examples are their export records already."""
    if split not in ("all", "train", "locked"):
        raise ValueError(f"split is all, train or locked, not {split!r}")
    kept, no_text, single = [], 0, 0
    for g in gold(task, engine=engine):
        if split != "all" and locked(g.note_hash) != (split == "locked"):
            continue
        if g.method not in DOUBLE_CHECKED and not include_single:
            single += 1
        elif g.note_text is None:
            no_text += 1
        elif g.answer is not None:
            kept.extend(judged_rows(g.note_text, g.answer) if for_export and task == "treatments"
                        else to_examples(task, g.note_text, g.answer))
    return Examples(kept, no_text, single)


@dataclass(frozen=True)
class AnnotatorStats:
    """One annotator's work on a task: answers given, median seconds per answer (``None`` when none was timed), and
    how many of their answered items have gold and how many of those their answer equals (``agreement`` is the share,
    ``None`` without gold to compare)."""

    annotator: str
    items: int
    median_seconds: float | None
    with_gold: int
    agree_with_gold: int

    @property
    def agreement(self) -> float | None:
        return round(self.agree_with_gold / self.with_gold, 4) if self.with_gold else None


def annotator_stats(task: str, *, engine: Engine | None = None) -> list[AnnotatorStats]:
    """Per annotator (sorted by name): items answered (accept or correct), median seconds, agreement with gold (the
    answer compared as the queue compares answers for unanimity, so span order and decision notes do not matter).
    Gold an annotator decided alone (``single``) counts too: it tells how much of their work was never checked, not
    that they agreed with someone."""
    stmt = (select(AnnotationRow.annotator, AnnotationRow.answer, AnnotationRow.seconds, Gold.answer)
            .join(ReviewItem, ReviewItem.id == AnnotationRow.item_id)
            .outerjoin(Gold, Gold.item_id == AnnotationRow.item_id)
            .where(ReviewItem.task == task, AnnotationRow.verdict.in_(ANSWERING)))
    per: dict[str, list[tuple[Any, float | None, Any, bool]]] = {}
    with session_scope(engine) as session:
        for who, answer, seconds, gold_answer in session.execute(stmt):
            per.setdefault(who, []).append((answer, seconds, gold_answer, gold_answer is not None))
    out = []
    for who in sorted(per):
        rows = per[who]
        timed = [s for _, s, _, _ in rows if s is not None]
        golds = [(a, g) for a, _, g, has in rows if has]
        out.append(AnnotatorStats(who, len(rows), round(float(median(timed)), 1) if timed else None, len(golds),
                                  sum(comparable(a) == comparable(g) for a, g in golds)))
    return out
