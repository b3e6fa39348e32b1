"""The audit trail: who did what, when, to which record; append-only and hash-chained, never holding note text.

Use :func:`record` for an event on its own (a page showing a note's text, an export, a model promotion); writes
that are themselves database rows (a user change, a feedback row) add their event in the same transaction through
:func:`core.db.audit.append_event`, so the row and its audit event are committed together or not at all.
:func:`verify` recomputes the chain (``notelens audit verify``).

What the chain shows: a row edited or deleted in place (the first broken id). What it cannot: rows cut off the end
of the trail, or a chain rewritten whole by someone with write access to the database (that needs the last hash
kept elsewhere, e.g. printed by ``notelens audit verify`` into an external log).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from core.db.audit import ACTIONS, GENESIS, SYSTEM, append_event, first_broken
from core.db.engine import session_scope, write_session
from core.db.models import AuditEvent

__all__ = ["ACTIONS", "GENESIS", "SYSTEM", "AuditRecord", "VerifyResult", "list_events", "record", "verify"]


@dataclass(frozen=True)
class AuditRecord:
    """One audit row, detached from the database."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (``at`` as ISO 8601)."""
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``first_broken_id`` is the first row whose hash or link to the row before it is
    wrong (``None`` when ``ok``)."""

    ok: bool
    rows: int
    first_broken_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """What ``notelens audit verify`` prints: ``{"ok": true, "rows": N}`` or with ``first_broken``."""
        out: dict[str, Any] = {"ok": self.ok, "rows": self.rows}
        if not self.ok:
            out["first_broken"] = self.first_broken_id
        return out


def _record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(id=event.id, at=event.at, actor=event.actor, action=event.action, target=event.target,
                       details=dict(event.details or {}), prev_hash=event.prev_hash, hash=event.hash)


def record(actor: str, action: str, target: str = "", details: dict[str, Any] | None = None, *,
           engine: Engine | None = None) -> AuditRecord:
    """Append one event in its own ``BEGIN IMMEDIATE`` transaction and return it.

    Args:
        actor: the signed-in user's name, or :data:`SYSTEM`.
        action: one of :data:`ACTIONS` (e.g. ``"note_text_viewed"``, ``"export"``).
        target: what it was done to, as an id (``"feedback:12"``, ``"user:alice"``, ``"model:triage/v3"``).
        details: a small JSON object of ids and counts (never note text; long strings are refused).
        engine: database engine (default: the settings' database).

    Raises:
        ValueError: unknown action, empty actor, target or details too long.
    """
    with write_session(engine) as session:
        return _record(append_event(session, actor, action, target, details))


def verify(*, engine: Engine | None = None, batch: int = 1000) -> VerifyResult:
    """Recompute the whole chain, oldest row first, reading ``batch`` rows at a time."""
    with session_scope(engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch))
        rows, broken = first_broken(events)
    return VerifyResult(ok=broken is None, rows=rows, first_broken_id=broken)


def list_events(limit: int = 50, *, actor: str | None = None, action: str | None = None,
                target: str | None = None, engine: Engine | None = None) -> list[AuditRecord]:
    """The newest events first, optionally only one actor's, one action's or one target's (for the audit page)."""
    if not 1 <= limit <= 10_000:
        raise ValueError("limit must be between 1 and 10000")
    stmt = select(AuditEvent)
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor == actor)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if target is not None:
        stmt = stmt.where(AuditEvent.target == target)
    with session_scope(engine) as session:
        return [_record(e) for e in session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit))]
