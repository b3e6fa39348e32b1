"""The review tables read back as the review loop's plain types: annotators' answers for agreement, gold for
exports and training.

Answers are stored as :mod:`core.review.agreement` reads them (``Annotation.from_answer``): ``{"label": SERVICE}``
for triage, ``{"spans": [{start, end, label, status?, attributes?}]}`` for the span tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from core.db.engine import session_scope
from core.db.models import Annotation as AnnotationRow
from core.db.models import Gold, ReviewItem
from core.review.agreement import Annotation
from core.review.queue import ANSWERING


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
