"""The review queue: items to annotate, handed out blind, answered once per annotator, settled into gold.

- **Items** come from clinicians' flags, the model's own uncertainty ("uncertain" triage, low-confidence entities), a
  quality-control sample of plain runs, or an admin's batch (:func:`enqueue`). One item per (task, note): a note
  enqueued again for the same task returns the existing item.
- **Overlap**: a share of items (``overlap_share``, decided by the note hash so the choice is stable and cannot be
  gamed by re-enqueueing) is answered by two annotators; the rest by one.
- **Assignment** (:func:`next_item`) runs in one ``BEGIN IMMEDIATE`` transaction: an annotator first gets back an item
  given to them and not yet answered, else the oldest open item they were never given that still needs an annotator.
  ``(item, annotator)`` is unique in the table, so nobody is given the same item twice, even from two sessions.
- **Answers** (:func:`submit`) are unique per (item, annotator): the same answer sent twice is stored once; a second,
  different answer is refused. Two annotators submitting at once both keep theirs (each is its own row; the item's
  state is recomputed from the rows inside the write lock). Annotators never see each other's answers
  (:func:`view` returns only the item and the caller's own answer).
- **Gold**: when the last expected answer arrives, one answer (overlap 1) or two equal answers (:func:`comparable`:
  order aside, and a treatment decision's free-text note aside) become gold (``single``, ``unanimous``: the first
  answer, its notes kept); two different answers send the item to adjudication, where an admin's answer becomes gold
  (``adjudicated``, :func:`adjudicate`). "skip" hands the item back to the queue for someone else; "not a clinical
  note" from every annotator excludes it.

Every write is audited (``review_enqueued``, ``annotation_submitted``, ``gold_decided``), with ids, never text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.db.audit import append_event
from core.db.engine import session_scope, write_session
from core.db.models import (
    REVIEW_SOURCES,
    REVIEW_VERDICTS,
    Annotation,
    Gold,
    ReviewAssignment,
    ReviewItem,
    utcnow,
)

#: Verdicts that carry an answer about the note (the others hand the item back or leave it out).
ANSWERING = ("accept", "correct")


@dataclass(frozen=True)
class Item:
    """An item as an annotator sees it: the note, the model's output to start from, and only their own answer."""

    id: int
    task: str
    source: str
    note_hash: str
    note_text: str | None
    prefill: Any
    model_version: str | None
    overlap: int
    state: str
    created_at: datetime
    own_answer: Any = None
    own_verdict: str | None = None


@dataclass(frozen=True)
class Submitted:
    """What :func:`submit` did: the annotation's id, whether it was new, and the item's state after it."""

    annotation_id: int
    created: bool
    state: str
    gold_method: str | None = None


def doubled(note_hash: str, share: float) -> bool:
    """Whether a note belongs to the doubly annotated share: the note hash's first 8 hex digits as a fraction of
    2**32, below ``share`` (stable for a note, uniform over notes)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the overlap share is between 0 and 1, not {share!r}")
    return int(note_hash[:8], 16) / 2**32 < share


def canonical(answer: Any) -> str:
    """An answer as canonical JSON, spans and treatment decisions sorted, so that two equal answers compare equal
    whatever their order."""
    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [norm(v) for v in value]
            if all(isinstance(v, dict) and "start" in v and "end" in v for v in items):
                items.sort(key=lambda v: (v["start"], v["end"], json.dumps(v, sort_keys=True)))
            elif all(isinstance(v, dict) and "condition" in v and "drug" in v for v in items):
                items.sort(key=lambda v: (str(v["condition"]), str(v["drug"]), json.dumps(v, sort_keys=True)))
            return items
        return value

    return json.dumps(norm(answer), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def comparable(answer: Any) -> str:
    """:func:`canonical` of what two answers must share to agree: a treatment decision's free-text ``note`` is left
    out (two annotators who took the same decisions for the same reasons agree, whatever they wrote beside them)."""
    if isinstance(answer, dict) and isinstance(answer.get("decisions"), list):
        answer = {**answer, "decisions": [{k: v for k, v in d.items() if k != "note"} if isinstance(d, dict) else d
                                          for d in answer["decisions"]]}
    return canonical(answer)


def enqueue(task: str, *, note_hash: str, source: str, actor: str, note_text: str | None = None,
            prefill: Any = None, model_version: str | None = None, prediction_id: int | None = None,
            overlap_share: float = 0.2, engine: Engine | None = None) -> int:
    """Add a note to the task's queue (or return the item it already has); audited as ``review_enqueued``."""
    if source not in REVIEW_SOURCES:
        raise ValueError(f"source must be one of {', '.join(REVIEW_SOURCES)}, not {source!r}")
    if len(note_hash) != 64:
        raise ValueError("note_hash must be a SHA-256 hex digest")
    if note_text is not None and hashlib.sha256(note_text.encode("utf-8")).hexdigest() != note_hash:
        raise ValueError("note_text does not match note_hash")
    with write_session(engine) as session:
        existing = session.scalar(select(ReviewItem.id).where(ReviewItem.task == task,
                                                              ReviewItem.note_hash == note_hash))
        if existing is not None:
            return existing
        item = ReviewItem(task=task, note_hash=note_hash, note_text=note_text, source=source,
                          prediction_id=prediction_id, model_version=model_version, prefill=prefill,
                          overlap=2 if doubled(note_hash, overlap_share) else 1, state="open", created_by=actor)
        session.add(item)
        session.flush()
        append_event(session, actor, "review_enqueued", f"review:{item.id}",
                     {"task": task, "source": source, "overlap": item.overlap, "text_kept": note_text is not None})
        return item.id


def _item(row: ReviewItem, own: Annotation | None = None) -> Item:
    return Item(id=row.id, task=row.task, source=row.source, note_hash=row.note_hash, note_text=row.note_text,
                prefill=row.prefill, model_version=row.model_version, overlap=row.overlap, state=row.state,
                created_at=row.created_at, own_answer=own.answer if own else None,
                own_verdict=own.verdict if own else None)


def _live_assignments(session: Session, item_id: int) -> int:
    """Assignments that count toward the item's overlap: answered ones (not skipped) and pending ones."""
    skipped = select(Annotation.annotator).where(Annotation.item_id == item_id, Annotation.verdict == "skip")
    return session.scalar(select(func.count()).select_from(ReviewAssignment).where(
        ReviewAssignment.item_id == item_id, ReviewAssignment.annotator.not_in(skipped))) or 0


def next_item(task: str, annotator: str, *, engine: Engine | None = None) -> Item | None:
    """The item ``annotator`` should do next for ``task`` (assigned in the same transaction), or ``None``."""
    with write_session(engine) as session:
        pending = session.scalar(
            select(ReviewItem).join(ReviewAssignment, ReviewAssignment.item_id == ReviewItem.id)
            .where(ReviewItem.task == task, ReviewItem.state == "open", ReviewAssignment.annotator == annotator,
                   ReviewAssignment.submitted_at.is_(None))
            .order_by(ReviewItem.id).limit(1))
        if pending is not None:
            return _item(pending)
        given = select(ReviewAssignment.item_id).where(ReviewAssignment.annotator == annotator)
        for row in session.scalars(select(ReviewItem).where(ReviewItem.task == task, ReviewItem.state == "open",
                                                            ReviewItem.id.not_in(given)).order_by(ReviewItem.id)):
            if _live_assignments(session, row.id) < row.overlap:
                session.add(ReviewAssignment(item_id=row.id, annotator=annotator))
                session.flush()
                return _item(row)
        return None


def view(item_id: int, annotator: str, *, engine: Engine | None = None) -> Item:
    """An item as ``annotator`` may see it (blind: their own answer only).

    Raises:
        ValueError: no such item, or it was never given to ``annotator``.
    """
    with session_scope(engine) as session:
        row = session.get(ReviewItem, item_id)
        assigned = session.scalar(select(ReviewAssignment.id).where(ReviewAssignment.item_id == item_id,
                                                                    ReviewAssignment.annotator == annotator))
        if row is None or assigned is None:
            raise ValueError(f"review item {item_id} is not assigned to {annotator}")
        own = session.scalar(select(Annotation).where(Annotation.item_id == item_id,
                                                      Annotation.annotator == annotator))
        return _item(row, own)


def submit(item_id: int, annotator: str, verdict: str, answer: Any = None, *, seconds: float | None = None,
           engine: Engine | None = None) -> Submitted:
    """Store ``annotator``'s answer on an item given to them and settle the item if it was the last one expected.

    Raises:
        ValueError: unknown verdict, an answering verdict without an answer, an item not given to them or no longer
            open, or a second answer that differs from the first.
    """
    if verdict not in REVIEW_VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(REVIEW_VERDICTS)}, not {verdict!r}")
    if verdict in ANSWERING and answer is None:
        raise ValueError(f"a {verdict!r} verdict needs the answer")
    if verdict not in ANSWERING:
        answer = None
    json.dumps(answer, allow_nan=False)  # refuse what cannot be stored before taking the lock
    with write_session(engine) as session:
        row = session.get(ReviewItem, item_id)
        assignment = session.scalar(select(ReviewAssignment).where(ReviewAssignment.item_id == item_id,
                                                                   ReviewAssignment.annotator == annotator))
        if row is None or assignment is None:
            raise ValueError(f"review item {item_id} is not assigned to {annotator}")
        mine = session.scalar(select(Annotation).where(Annotation.item_id == item_id,
                                                       Annotation.annotator == annotator))
        if mine is not None:
            if (mine.verdict, canonical(mine.answer)) != (verdict, canonical(answer)):
                raise ValueError(f"you already answered review item {item_id}; ask an admin to adjudicate instead")
            return Submitted(mine.id, False, row.state)
        if row.state != "open":
            raise ValueError(f"review item {item_id} is {row.state}, not open")
        mine = Annotation(item_id=item_id, annotator=annotator, verdict=verdict, answer=answer, seconds=seconds)
        session.add(mine)
        assignment.submitted_at = utcnow()
        session.flush()
        append_event(session, annotator, "annotation_submitted", f"review:{item_id}",
                     {"task": row.task, "verdict": verdict, "annotation": mine.id})
        method = _settle(session, row)
        return Submitted(mine.id, True, row.state, method)


def _settle(session: Session, row: ReviewItem) -> str | None:
    """Recompute the item's state from its answers (inside the caller's write lock); returns the gold method set."""
    answers = list(session.scalars(select(Annotation).where(Annotation.item_id == row.id,
                                                            Annotation.verdict != "skip").order_by(Annotation.id)))
    if len(answers) < row.overlap:
        return None
    if all(a.verdict == "not_clinical" for a in answers):
        row.state = "excluded"
        return None
    kinds = {(a.verdict in ANSWERING, comparable(a.answer) if a.verdict in ANSWERING else a.verdict) for a in answers}
    if len(kinds) > 1:
        row.state = "adjudication"
        return None
    method = "single" if row.overlap == 1 else "unanimous"
    session.add(Gold(item_id=row.id, answer=answers[0].answer, method=method,
                     decided_by=",".join(sorted(a.annotator for a in answers))))
    row.state = "done"
    append_event(session, "system", "gold_decided", f"review:{row.id}", {"task": row.task, "method": method})
    return method


@dataclass(frozen=True)
class Counts:
    """Progress on a task's queue: open items, and the answers one annotator gave (skips not counted)."""

    open: int
    answered: int


def counts(task: str, annotator: str, *, engine: Engine | None = None) -> Counts:
    """How many of ``task``'s items are open and how many ``annotator`` answered (read only: assigns nothing)."""
    with session_scope(engine) as session:
        n_open = session.scalar(select(func.count()).select_from(ReviewItem).where(
            ReviewItem.task == task, ReviewItem.state == "open")) or 0
        answered = session.scalar(select(func.count()).select_from(Annotation)
                                  .join(ReviewItem, ReviewItem.id == Annotation.item_id)
                                  .where(ReviewItem.task == task, Annotation.annotator == annotator,
                                         Annotation.verdict != "skip")) or 0
        return Counts(n_open, answered)


def answers(item_id: int, *, engine: Engine | None = None) -> list[tuple[str, str, Any]]:
    """(annotator, verdict, answer) of every answer on an item, for adjudication (admins only: not blind)."""
    with session_scope(engine) as session:
        return [(a.annotator, a.verdict, a.answer) for a in session.scalars(
            select(Annotation).where(Annotation.item_id == item_id).order_by(Annotation.id))]


def adjudicate(item_id: int, answer: Any, *, actor: str, engine: Engine | None = None) -> int:
    """Record ``actor``'s final answer on an item in adjudication as gold (``adjudicated``); returns the gold id.

    Raises:
        ValueError: no such item, or it is not waiting for adjudication.
    """
    json.dumps(answer, allow_nan=False)
    with write_session(engine) as session:
        row = session.get(ReviewItem, item_id)
        if row is None or row.state != "adjudication":
            raise ValueError(f"review item {item_id} is not waiting for adjudication")
        gold = Gold(item_id=item_id, answer=answer, method="adjudicated", decided_by=actor)
        session.add(gold)
        row.state = "done"
        session.flush()
        append_event(session, actor, "gold_decided", f"review:{item_id}", {"task": row.task, "method": "adjudicated"})
        return gold.id


@dataclass(frozen=True)
class Disagreement:
    """An item waiting for adjudication as an admin sees it: the note, the model's output and every answer."""

    id: int
    note_text: str | None
    prefill: Any
    model_version: str | None
    answers: list[tuple[str, str, Any]]


def disagreements(task: str, *, engine: Engine | None = None) -> list[Disagreement]:
    """The task's items in adjudication, oldest first, each with its (annotator, verdict, answer) rows (skips left
    out: they are not answers). For admins only: this is not blind."""
    with session_scope(engine) as session:
        rows = list(session.scalars(select(ReviewItem).where(ReviewItem.task == task,
                                                             ReviewItem.state == "adjudication")
                                    .order_by(ReviewItem.id)))
        out = []
        for row in rows:
            given = session.scalars(select(Annotation).where(Annotation.item_id == row.id, Annotation.verdict != "skip")
                                    .order_by(Annotation.id))
            out.append(Disagreement(row.id, row.note_text, row.prefill, row.model_version,
                                    [(a.annotator, a.verdict, a.answer) for a in given]))
        return out
