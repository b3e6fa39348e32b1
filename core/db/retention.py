"""Retention: how long note texts are kept, and forgetting one note everywhere.

Where words of a note can be stored (predictions keep only the SHA-256 of the cleaned note, ``input_hash``):

- ``Feedback.note_text``: the note itself, kept for retraining when a person sends feedback;
- ``Feedback.comment``: free text the reviewer typed, which may quote the note;
- ``Feedback.correction``: a span correction's ``"text"`` is the note's words at its offsets (a drug name, a
  condition), a treatment rejection's ``"reason"`` is free text;
- ``Feedback.dedupe_key``: a SHA-256 of (prediction, user, verdict, correction, comment); a short corrected drug name
  at known offsets is guessable from it, so it goes when the correction or comment it was computed from changes;
- ``ReviewItem.note_text``: a note in the review queue (an admin's batch, a kept note); the annotators' answers and
  the gold answer may hold free text under the same keys as a correction.

:func:`purge` clears these on feedback older than the retention (``NOTELENS_RETENTION_DAYS``) and keeps what is not
note text: the verdict, who and when, and the correction's structure (kind, offsets, labels, statuses, condition and
treatment ids, a knowledge-base drug name, a triage service), so the review table and the feedback counts still make
sense. A correction's offsets point into a text that is gone, so purged rows no longer make training examples. Review
items older than the retention lose their note text the same way (their answers keep offsets and labels).
:func:`forget` deletes every prediction of one note hash, all feedback on them and the note's review items (with
their answers and gold).

Not covered here: ``evaluations.jsonl`` holds figures, no text; the explanation cache and the pages' session state
live in memory only; a model retrained ``--with-feedback`` learned from the texts it saw (retrain it without them).

SQLite keeps the bytes of an updated or deleted value in the file until the page is reused; both writes run with
``PRAGMA secure_delete`` (freed content is zeroed) and end with a ``wal_checkpoint(TRUNCATE)``, so the old text is
gone from the database file and its write-ahead log, not only from query results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, text
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db.audit import append_event
from core.db.engine import get_engine, is_sqlite, session_scope, write_session
from core.db.models import Annotation, Feedback, Gold, Prediction, ReviewItem, utcnow
from core.text import note_hash as text_hash

__all__ = ["FREE_TEXT_KEYS", "ForgetReport", "PurgeReport", "check_note_hash", "forget", "purge",
           "scrub_correction"]

#: Keys of a correction whose string values are words of the note or free text, and what they become.
#: Every other value (kinds, offsets, labels, statuses, ids, a triage service) is a label, not the note.
FREE_TEXT_KEYS: dict[str, Any] = {"text": "", "reason": None}

_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class PurgeReport:
    """What :func:`purge` cleared (or, with ``dry_run``, would clear) on feedback stored before ``cutoff``."""

    older_than_days: int
    cutoff: datetime
    rows: int  # feedback rows changed
    note_texts: int
    comments: int
    corrections: int
    dry_run: bool = False
    review_texts: int = 0  # review items whose note text was cleared

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (``cutoff`` as ISO 8601): what ``notelens purge`` prints and the audit event holds."""
        out = asdict(self)
        out["cutoff"] = self.cutoff.isoformat()
        return out


@dataclass(frozen=True)
class ForgetReport:
    """What :func:`forget` deleted for one note hash."""

    note_hash: str
    predictions: int
    feedback: int
    review_items: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_note_hash(value: Any) -> str:
    """The hash as stored (64 lowercase hex digits), or a ``ValueError`` saying how to get one."""
    h = value.strip().lower() if isinstance(value, str) else ""
    if not _HASH.fullmatch(h):
        raise ValueError("a note hash is the 64 hexadecimal characters of a SHA-256; compute it from the note file "
                         "with `notelens hash < note.txt` (never type the note on a command line)")
    return h


def scrub_correction(correction: Any) -> Any:
    """``correction`` with the values of :data:`FREE_TEXT_KEYS` replaced, at any depth (a new object)."""
    if isinstance(correction, dict):
        return {k: (FREE_TEXT_KEYS[k] if k in FREE_TEXT_KEYS and isinstance(v, str) and v else scrub_correction(v))
                for k, v in correction.items()}
    if isinstance(correction, list):
        return [scrub_correction(v) for v in correction]
    return correction


def _days(older_than_days: int | None) -> int:
    days = get_settings().retention_days if older_than_days is None else older_than_days
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"older_than_days must be a whole number of days, 0 or more, not {days!r}")
    return days


@contextmanager
def _secure_delete(session: Session) -> Iterator[None]:
    """SQLite zeroes what this transaction deletes or overwrites (then the pooled connection is set back)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("PRAGMA secure_delete = ON"))
    try:
        yield
    finally:
        if sqlite:
            with suppress(Exception):  # a failed transaction: the error that matters is already on its way
                session.execute(text("PRAGMA secure_delete = OFF"))


def _checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database file and empty it (old page images hold the old text)."""
    if is_sqlite(engine):
        conn = engine.raw_connection()  # the driver's own connection: no BEGIN, which would block the checkpoint
        try:
            conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()


def purge(older_than_days: int | None = None, *, actor: str, engine: Engine | None = None,
          now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Clear the note words kept on feedback stored more than ``older_than_days`` ago (see the module docstring).

    One ``BEGIN IMMEDIATE`` transaction with one ``notes_purged`` audit event (counts and cutoff, never text),
    written even when nothing was old enough, so the trail shows the retention was applied. ``dry_run`` counts
    what would be cleared and changes nothing (no audit event: nothing happened). Running it again changes nothing.

    Args:
        older_than_days: default ``get_settings().retention_days``; 0 clears every text stored before ``now``.
        actor: who asked (:data:`core.db.audit.SYSTEM` for the purge ``make run`` does at start).
        engine: database engine (default: the settings' database).
        now: the moment the cutoff is counted from (default: now, UTC).
        dry_run: count only.

    Raises:
        ValueError: negative days, or an actor the audit trail refuses.
    """
    days = _days(older_than_days)
    cutoff = (now or utcnow()) - timedelta(days=days)
    engine = engine if engine is not None else get_engine()
    stmt = select(Feedback).where(Feedback.created_at < cutoff).where(or_(
        Feedback.note_text.is_not(None), Feedback.comment.is_not(None), Feedback.correction.is_not(None)))
    counts = {"rows": 0, "note_texts": 0, "comments": 0, "corrections": 0}
    scope = session_scope(engine) if dry_run else write_session(engine)
    with scope as session, (nullcontext() if dry_run else _secure_delete(session)):
        for fb in session.scalars(stmt.order_by(Feedback.id)).all():
            correction = scrub_correction(fb.correction)
            cleared = {"note_texts": fb.note_text is not None, "comments": fb.comment is not None,
                       "corrections": correction != fb.correction}
            if not any(cleared.values()):
                continue
            counts["rows"] += 1
            for key, hit in cleared.items():
                counts[key] += hit
            if dry_run:
                continue
            fb.note_text = None
            if cleared["comments"] or cleared["corrections"]:
                fb.comment, fb.correction, fb.dedupe_key = None, correction, None
        counts["review_texts"] = _purge_review(session, cutoff, dry_run)
        report = PurgeReport(days, cutoff, dry_run=dry_run, **counts)
        if not dry_run:
            session.flush()
            details = report.as_dict()
            details.pop("dry_run")
            append_event(session, actor, "notes_purged", "feedback", details)
    if not dry_run:
        _checkpoint(engine)
    return report


def _purge_review(session: Session, cutoff: datetime, dry_run: bool) -> int:
    """Clear the note text of review items created before ``cutoff`` and scrub their answers' free text; returns
    how many items had a text."""
    old = list(session.scalars(select(ReviewItem).where(ReviewItem.created_at < cutoff,
                                                        ReviewItem.note_text.is_not(None))))
    if dry_run or not old:
        return len(old)
    ids = [item.id for item in old]
    for item in old:
        item.note_text = None
    for row in [*session.scalars(select(Annotation).where(Annotation.item_id.in_(ids))),
                *session.scalars(select(Gold).where(Gold.item_id.in_(ids)))]:
        scrubbed = scrub_correction(row.answer)
        if scrubbed != row.answer:
            row.answer = scrubbed
    return len(old)


def forget(note_hash: str, *, actor: str, engine: Engine | None = None) -> ForgetReport:
    """Delete every prediction of the note with SHA-256 ``note_hash`` and all feedback on them, plus any feedback
    whose kept text has that hash (one ``BEGIN IMMEDIATE`` transaction, audited as ``note_forgotten`` with the hash
    and the counts, also when nothing matched).

    Raises:
        ValueError: ``note_hash`` is not 64 hexadecimal characters, or an actor the audit trail refuses.
    """
    h = check_note_hash(note_hash)
    engine = engine if engine is not None else get_engine()
    with write_session(engine) as session, _secure_delete(session):
        ids = list(session.scalars(select(Prediction.id).where(Prediction.input_hash == h)))
        # Feedback carries its prediction's note; a text kept on another prediction's feedback is found by
        # hashing the kept texts (few: the retention purges them).
        by_text = [fid for fid, note in session.execute(
            select(Feedback.id, Feedback.note_text).where(Feedback.note_text.is_not(None)))
            if text_hash(note) == h]
        doomed = or_(Feedback.prediction_id.in_(ids), Feedback.id.in_(by_text))
        items = list(session.scalars(select(ReviewItem.id).where(ReviewItem.note_hash == h)))
        for table in (Annotation, Gold):  # also deleted by the foreign keys' cascade; explicit for any database
            session.execute(delete(table).where(table.item_id.in_(items)))
        session.execute(delete(ReviewItem).where(ReviewItem.id.in_(items)))
        n_feedback = session.scalar(select(func.count()).select_from(Feedback).where(doomed)) or 0
        session.execute(delete(Feedback).where(doomed))
        session.execute(delete(Prediction).where(Prediction.id.in_(ids)))
        report = ForgetReport(h, len(ids), n_feedback, len(items))
        append_event(session, actor, "note_forgotten", f"note:{h}",
                     {"predictions": report.predictions, "feedback": report.feedback,
                      "review_items": report.review_items})
    _checkpoint(engine)
    return report
