"""Typed SQLAlchemy models: model predictions and the human feedback on them, users, and the audit trail.

Privacy rule: a :class:`Prediction` never holds the note text, only its SHA-256 (``input_hash``), and its
``output`` is the task's text-free record (:meth:`core.tasks.base.Task.record`: offsets, labels, codes,
vocabulary names, scores), no string taken from the note. The note text is stored only on :class:`Feedback`
rows, and only when the person giving feedback supplies it (retraining needs the text).

The schema is created by the Alembic migrations in ``core/db/migrations`` (see
:func:`core.db.engine.init_db`), never by ``metadata.create_all``; a test checks that the
migrations and these models agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Verdicts a reviewer can give on a prediction.
VERDICTS: tuple[str, ...] = ("correct", "partially_correct", "wrong")
#: Roles of the people giving feedback.
USER_ROLES: tuple[str, ...] = ("clinician", "annotator", "reviewer")

# Named constraints: SQLite batch migrations can only drop/alter constraints that have names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A ``DATETIME`` column that always stores UTC and always returns aware UTC datetimes.

    SQLite has no time-zone support: values are stored naive (in UTC) and tagged as UTC on load.
    A naive datetime given on write is taken to be UTC already.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of all NoteLens tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Prediction(Base):
    """One model output for one note (the note itself is not stored, only its SHA-256; ``output`` holds offsets
    and codes, not the note's words)."""

    __tablename__ = "predictions"
    __table_args__ = (Index("ix_predictions_task_created_at", "task", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(128))
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    output: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    feedback: Mapped[list[Feedback]] = relationship(
        back_populates="prediction",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Feedback.id",
    )

    def __repr__(self) -> str:
        return f"Prediction(id={self.id!r}, task={self.task!r}, model_version={self.model_version!r})"


class Feedback(Base):
    """A person's verdict on a prediction, with an optional correction and the note text."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prediction_id: Mapped[int] = mapped_column(
        ForeignKey("predictions.id", ondelete="CASCADE"), index=True
    )
    user_name: Mapped[str] = mapped_column(String(128))
    user_role: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(32))
    correction: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    note_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: SHA-256 of the feedback act (:func:`core.db.store.feedback_dedupe_key`): unique, so a double click or a
    #: retried request stores one row. NULL only on duplicates stored before migration 0003.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)

    prediction: Mapped[Prediction] = relationship(back_populates="feedback")

    def __repr__(self) -> str:
        return (
            f"Feedback(id={self.id!r}, prediction_id={self.prediction_id!r}, "
            f"verdict={self.verdict!r}, user_role={self.user_role!r})"
        )


class User(Base):
    """A person who signs in: a role (:data:`core.labels.ROLES`) and an argon2id hash, never the password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Consecutive failed sign-ins (reset by a successful one or when a lock expires).
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, name={self.name!r}, role={self.role!r}, disabled={self.disabled!r})"


class AuditEvent(Base):
    """One append-only audit row, chained to the one before it: ``hash = sha256(prev_hash + canonical row)``
    (:mod:`core.db.audit`), so editing or deleting a row breaks the chain from that row on.

    ``target`` is an id (``"feedback:12"``, ``"user:alice"``) and ``details`` a small JSON object: never note text.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_action", "action"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(256), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"AuditEvent(id={self.id!r}, action={self.action!r}, actor={self.actor!r}, target={self.target!r})"


#: Where a review item came from (:mod:`core.review.queue`).
REVIEW_SOURCES: tuple[str, ...] = ("flagged", "uncertain", "low_confidence", "qc_sample", "batch")
#: What an annotator can answer on an item.
REVIEW_VERDICTS: tuple[str, ...] = ("accept", "correct", "skip", "not_clinical")
#: An item's state: waiting for annotators, waiting for an adjudicator, with a gold answer, or left out.
REVIEW_STATES: tuple[str, ...] = ("open", "adjudication", "done", "excluded")


class ReviewItem(Base):
    """One note to annotate for one task, with the model's output it starts from.

    The note text is kept here only where it may be (an admin's batch, a note whose feedback kept it, a quality-control
    sample whose user agreed); the retention purge clears it like feedback texts. ``overlap`` is how many annotators
    answer it (1, or 2 for the doubly annotated share).
    """

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_task_state", "task", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(64))
    note_hash: Mapped[str] = mapped_column(String(64), index=True)
    note_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(32))
    prediction_id: Mapped[int | None] = mapped_column(ForeignKey("predictions.id", ondelete="SET NULL"),
                                                      nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(128), nullable=True)
    #: The model's output the annotator starts from (the text-free record: offsets, labels, codes).
    prefill: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    overlap: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(32), default="open")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"ReviewItem(id={self.id!r}, task={self.task!r}, source={self.source!r}, state={self.state!r})"


class ReviewAssignment(Base):
    """An item given to an annotator: unique per (item, annotator), so nobody gets the same item twice."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("item_id", "annotator", name="uq_review_assignments_item_annotator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(128), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Annotation(Base):
    """An annotator's answer on an item (one per item and annotator; never shown to the other annotator of the item
    before adjudication)."""

    __tablename__ = "annotations"
    __table_args__ = (UniqueConstraint("item_id", "annotator", name="uq_annotations_item_annotator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(128))
    verdict: Mapped[str] = mapped_column(String(32))
    answer: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Gold(Base):
    """The final answer on an item: one annotator's (overlap 1), the annotators' shared one, or an adjudicator's."""

    __tablename__ = "gold"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), unique=True)
    answer: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    #: ``single``, ``unanimous`` or ``adjudicated``.
    method: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
