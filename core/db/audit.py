"""The audit trail's hash chain, at the session level (so a write and its audit row share one transaction).

Each row's ``hash`` is ``sha256(prev_hash + canonical JSON of (at, actor, action, target, details))`` and its
``prev_hash`` is the hash of the row before it (by id; :data:`GENESIS` for the first). Editing a row breaks its own
hash; deleting one breaks the next row's link. Appending reads the last row and inserts after it, so it must run in
a write transaction (``BEGIN IMMEDIATE`` on SQLite: :func:`core.db.engine.write_session`), which serialises
concurrent writers and keeps the chain linear.

The public face (``record``, ``verify``, ``list_events``) is :mod:`core.audit`; this module lives in ``core.db`` so
that :mod:`core.db.store` can audit its own writes without an import cycle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import AuditEvent, utcnow

#: ``prev_hash`` of the first row.
GENESIS = "0" * 64
#: Actor of events no person caused (migrations, start-up, scheduled purges).
SYSTEM = "system"
#: What can be audited. A fixed list, so a typo fails loudly instead of writing rows no one will look for.
ACTIONS: tuple[str, ...] = (
    "sign_in", "sign_in_failed", "sign_out", "user_added", "role_changed", "user_disabled", "user_enabled",
    "password_changed", "feedback_written", "note_text_viewed", "export", "purge", "model_promoted",
    "audit_exported", "feedback_exported",
    "notes_purged", "note_forgotten", "model_rolled_back",
    "review_enqueued", "annotation_submitted", "gold_decided",
    "report_downloaded",
)
#: Longest canonical JSON of ``details``, and longest string value in it: details are ids and counts, so a long
#: string there is most likely a note pasted by mistake, which the trail must never hold.
MAX_DETAILS_CHARS = 2000
MAX_DETAIL_STRING = 200

def canonical(at: datetime, actor: str, action: str, target: str, details: dict[str, Any]) -> str:
    """The row's fields as canonical JSON (sorted keys, no spaces, UTC time to the microsecond)."""
    stamp = (at.astimezone(UTC) if at.tzinfo else at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps({"at": stamp, "actor": actor, "action": action, "target": target, "details": details},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str, details: dict[str, Any]) -> str:
    """``sha256(prev_hash + canonical(...))`` as hex."""
    return hashlib.sha256((prev_hash + canonical(at, actor, action, target, details)).encode("utf-8")).hexdigest()


def _check_details(details: dict[str, Any]) -> None:
    if not isinstance(details, dict):
        raise ValueError("details must be a dict")
    try:
        text = json.dumps(details, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"details must be JSON-serialisable: {exc}") from exc
    if len(text) > MAX_DETAILS_CHARS:
        raise ValueError(f"details are longer than {MAX_DETAILS_CHARS} characters (ids and counts only)")

    def walk(value: Any) -> None:
        if isinstance(value, str) and len(value) > MAX_DETAIL_STRING:
            raise ValueError(f"a details value is longer than {MAX_DETAIL_STRING} characters (never note text)")
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(details)


def append_event(session: Session, actor: str, action: str, target: str = "",
                 details: dict[str, Any] | None = None, *, at: datetime | None = None) -> AuditEvent:
    """Add one chained row in ``session``'s transaction (which must be a write transaction) and flush it.

    Raises:
        ValueError: unknown action, empty actor, target over 256 characters, details too large or not JSON.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r} (one of {', '.join(ACTIONS)})")
    actor = actor.strip() if isinstance(actor, str) else ""
    if not actor or len(actor) > 128:
        raise ValueError("actor must be a non-empty string of at most 128 characters")
    if not isinstance(target, str) or len(target) > 256:
        raise ValueError("target must be a string of at most 256 characters (an id, never note text)")
    details = dict(details or {})
    _check_details(details)
    at = (at or utcnow()).astimezone(UTC)
    # SELECT ... FOR UPDATE is ignored by SQLite (BEGIN IMMEDIATE already holds the write lock) and serialises
    # writers elsewhere once the table has a row.
    last = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    prev = last or GENESIS
    event = AuditEvent(at=at, actor=actor, action=action, target=target, details=details, prev_hash=prev,
                       hash=chain_hash(prev, at, actor, action, target, details))
    session.add(event)
    session.flush()
    return event


def first_broken(events: Iterable[AuditEvent]) -> tuple[int, int | None]:
    """Walk rows in id order: ``(rows seen, id of the first row whose link or hash is wrong, or None)``."""
    prev, rows, broken = GENESIS, 0, None
    for event in events:
        rows += 1
        if broken is not None:
            continue
        expected = chain_hash(prev, event.at, event.actor, event.action, event.target, event.details or {})
        if event.prev_hash != prev or event.hash != expected:
            broken = event.id
        prev = event.hash
    return rows, broken
