"""Plain functions to record predictions and feedback and read them back.

Every function takes an optional ``engine`` (default: :func:`core.db.engine.get_engine`, i.e. the
settings' database). Call :func:`core.db.engine.init_db` once at start-up to create the schema.

Privacy: :func:`record_prediction` stores the SHA-256 of the note, never the note, and an ``output`` that callers
build with :meth:`core.tasks.base.Task.record` (offsets, labels, codes, vocabulary names: no string of the note).
The note text is stored only by :func:`record_feedback`, and only when it is passed explicitly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db.audit import append_event
from core.db.engine import session_scope, write_session
from core.db.models import USER_ROLES, VERDICTS, Feedback, Prediction

T = TypeVar("T")


def hash_text(text: str) -> str:
    """SHA-256 hex digest of ``text`` (UTF-8), as stored in ``Prediction.input_hash``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_text(name: str, value: Any, *, max_len: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    value = value.strip()
    if max_len is not None and len(value) > max_len:
        raise ValueError(f"{name} is longer than {max_len} characters")
    return value


def _require_json(name: str, value: Any) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be JSON-serialisable: {exc}") from exc


def _require_id(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def record_prediction(
    task: str,
    model_version: str,
    text: str,
    output: dict[str, Any],
    *,
    engine: Engine | None = None,
) -> int:
    """Store one model output; the note is kept only as its SHA-256.

    Args:
        task: e.g. ``"triage"``, ``"drugs"``, ``"treatments"``.
        model_version: version string of the model that produced ``output``.
        text: the note (hashed, never stored).
        output: the model's output (JSON-serialisable dict): the task's text-free record, not ``to_dict``.
        engine: database engine (default: the settings' database).

    Returns:
        The new prediction's id.

    Raises:
        ValueError: empty task or model version, ``text`` not a string, or ``output`` not a
            JSON-serialisable dict.
    """
    task = _require_text("task", task, max_len=64)
    model_version = _require_text("model_version", model_version, max_len=128)
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    if not isinstance(output, dict):
        raise ValueError("output must be a dict")
    _require_json("output", output)
    with write_session(engine) as session:
        prediction = Prediction(
            task=task, model_version=model_version, input_hash=hash_text(text), output=output
        )
        session.add(prediction)
        session.flush()
        return prediction.id


def feedback_dedupe_key(prediction_id: int, user_name: str, verdict: str, correction: Any,
                        comment: str | None) -> str:
    """Idempotency key of a feedback act: SHA-256 of the canonical JSON of (prediction, user, verdict, correction,
    comment), so the same act sent twice (double click, retried request) is recognised and stored once.

    The role and note text are left out: they do not change what was said about the prediction.
    Migration 0003 keys the rows stored before it with a frozen copy of this function.
    """
    act = {"prediction_id": prediction_id, "user_name": user_name.strip(), "verdict": verdict,
           "correction": correction, "comment": (comment or "").strip() or None}
    canonical = json.dumps(act, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_feedback(
    prediction_id: int,
    *,
    user_name: str,
    user_role: str,
    verdict: str,
    correction: Any = None,
    comment: str | None = None,
    note_text: str | None = None,
    engine: Engine | None = None,
) -> int:
    """Store a person's verdict on a prediction.

    Args:
        prediction_id: id returned by :func:`record_prediction`.
        user_name: who gives the feedback (non-empty).
        user_role: one of :data:`core.db.models.USER_ROLES`.
        verdict: one of :data:`core.db.models.VERDICTS`.
        correction: the corrected output (JSON-serialisable), if any.
        comment: free text, if any (blank is stored as ``None``).
        note_text: the note itself, only if the user agrees to keep it for retraining.
        engine: database engine (default: the settings' database).

    Also appends a ``feedback_written`` audit event (actor ``user_name``; ids and the verdict, never the text).

    Idempotent: the same act (:func:`feedback_dedupe_key`) sent again, even concurrently, stores nothing and
    returns the id of the row stored first (and writes no second audit event).

    Returns:
        The feedback's id (new, or the existing row's for a repeated act).

    Raises:
        ValueError: invalid input, or no prediction with ``prediction_id``.
    """
    prediction_id = _require_id("prediction_id", prediction_id)
    user_name = _require_text("user_name", user_name, max_len=128)
    if user_role not in USER_ROLES:
        raise ValueError(f"user_role must be one of {', '.join(USER_ROLES)}, not {user_role!r}")
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    _require_json("correction", correction)
    if comment is not None and not isinstance(comment, str):
        raise ValueError("comment must be a string or None")
    if comment is not None:
        comment = comment.strip() or None
    if note_text is not None:
        if not isinstance(note_text, str):
            raise ValueError("note_text must be a string or None")
        max_chars = get_settings().max_note_chars
        if len(note_text) > max_chars:
            raise ValueError(f"note_text is longer than {max_chars} characters")
        note_text = note_text if note_text.strip() else None

    key = feedback_dedupe_key(prediction_id, user_name, verdict, correction, comment)
    with write_session(engine) as session:
        prediction = session.get(Prediction, prediction_id)
        if prediction is None:
            raise ValueError(f"unknown prediction id {prediction_id}")
        existing = _feedback_id_by_key(session, key)
        if existing is not None:
            return existing
        feedback = Feedback(
            prediction_id=prediction_id,
            user_name=user_name,
            user_role=user_role,
            verdict=verdict,
            correction=correction,
            comment=comment,
            note_text=note_text,
            dedupe_key=key,
        )
        try:
            # A savepoint, so that losing a race on the unique key (possible where writes are not serialised by
            # BEGIN IMMEDIATE, i.e. other databases than SQLite) leaves the transaction usable for the read-back.
            with session.begin_nested():
                session.add(feedback)
                session.flush()
        except IntegrityError:
            existing = _feedback_id_by_key(session, key)
            if existing is None:
                raise
            return existing
        # Same transaction: the feedback row and its audit event are committed together or not at all.
        append_event(session, user_name, "feedback_written", f"feedback:{feedback.id}",
                     {"prediction_id": prediction_id, "task": prediction.task, "verdict": verdict,
                      "role": user_role, "corrected": correction is not None, "note_text_kept": note_text is not None})
        return feedback.id


def _feedback_id_by_key(session: Session, key: str) -> int | None:
    return session.scalar(select(Feedback.id).where(Feedback.dedupe_key == key))


@dataclass(frozen=True)
class FeedbackRecord:
    """One feedback row joined with its prediction (for the review UI and retraining)."""

    id: int
    prediction_id: int
    task: str
    model_version: str
    input_hash: str
    output: dict[str, Any]
    user_name: str
    user_role: str
    verdict: str
    correction: Any
    comment: str | None
    note_text: str | None
    created_at: datetime
    prediction_created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (datetimes stay datetimes)."""
        return asdict(self)


def list_feedback(
    task: str | None = None,
    *,
    verdict: str | None = None,
    limit: int = 200,
    offset: int = 0,
    engine: Engine | None = None,
) -> list[FeedbackRecord]:
    """Feedback rows with their prediction, newest first.

    Args:
        task: only this task (default: all).
        verdict: only this verdict (default: all).
        limit: at most this many rows (1 to 10,000).
        offset: skip this many rows first (for paging).
        engine: database engine (default: the settings' database).
    """
    if not 1 <= limit <= 10_000:
        raise ValueError("limit must be between 1 and 10000")
    if offset < 0:
        raise ValueError("offset must be >= 0")
    stmt = select(Feedback, Prediction).join(Feedback.prediction)
    if task is not None:
        stmt = stmt.where(Prediction.task == task)
    if verdict is not None:
        stmt = stmt.where(Feedback.verdict == verdict)
    stmt = stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit).offset(offset)
    with session_scope(engine) as session:
        return [_record(fb, pred) for fb, pred in session.execute(stmt)]


def _record(fb: Feedback, pred: Prediction) -> FeedbackRecord:
    return FeedbackRecord(
        id=fb.id,
        prediction_id=pred.id,
        task=pred.task,
        model_version=pred.model_version,
        input_hash=pred.input_hash,
        output=pred.output,
        user_name=fb.user_name,
        user_role=fb.user_role,
        verdict=fb.verdict,
        correction=fb.correction,
        comment=fb.comment,
        note_text=fb.note_text,
        created_at=fb.created_at,
        prediction_created_at=pred.created_at,
    )


def iter_feedback(task: str, *, engine: Engine | None = None, page: int = 1000) -> Iterator[FeedbackRecord]:
    """Every feedback row of ``task`` with its prediction, oldest first, read ``page`` rows at a time (no cap:
    retraining uses every correction; no transaction stays open while the caller works on a page)."""
    last_created, last_id = None, 0
    while True:
        stmt = select(Feedback, Prediction).join(Feedback.prediction).where(Prediction.task == task)
        if last_created is not None:
            stmt = stmt.where((Feedback.created_at > last_created)
                              | ((Feedback.created_at == last_created) & (Feedback.id > last_id)))
        stmt = stmt.order_by(Feedback.created_at, Feedback.id).limit(page)
        with session_scope(engine) as session:
            batch = [_record(fb, pred) for fb, pred in session.execute(stmt)]
        yield from batch
        if len(batch) < page:
            return
        last_created, last_id = batch[-1].created_at, batch[-1].id


def count_rows(*, engine: Engine | None = None) -> dict[str, int]:
    """Row counts: ``{"predictions": n, "feedback": m}``."""
    with session_scope(engine) as session:
        return {
            "predictions": session.scalar(select(func.count()).select_from(Prediction)) or 0,
            "feedback": session.scalar(select(func.count()).select_from(Feedback)) or 0,
        }


def get_prediction(prediction_id: int, *, engine: Engine | None = None) -> Prediction | None:
    """The prediction with this id (detached, feedback not loaded), or ``None``."""
    with session_scope(engine) as session:
        return session.get(Prediction, prediction_id)


def atomic(fn: Callable[[Session], T], *, engine: Engine | None = None) -> T:
    """Run ``fn(session)`` in one ``BEGIN IMMEDIATE`` transaction and return its result.

    Use it for read-then-write updates (read a value, compute, write it back): the write lock
    is held from the start, so concurrent callers are serialised and no update is lost.
    Commits when ``fn`` returns, rolls back if it raises.
    """
    with write_session(engine) as session:
        return fn(session)
