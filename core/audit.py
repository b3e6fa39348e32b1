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

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from core.db.audit import ACTIONS, GENESIS, SYSTEM, append_event, first_broken
from core.db.engine import session_scope, write_session
from core.db.models import AuditEvent

__all__ = ["ACTIONS", "GENESIS", "SYSTEM", "AuditExport", "AuditFilter", "AuditRecord", "EventPage", "VerifyResult",
           "actors", "events_csv", "export_events", "list_events", "record", "search_events", "table_csv",
           "table_jsonl", "verify"]


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


# -- the audit page: filters and exports --------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilter:
    """What the audit page narrows the trail to; an empty field does not filter.

    ``since`` and ``until`` are UTC dates, both included; ``target_contains`` matches anywhere in the target,
    ignoring case, with ``%`` and ``_`` taken literally.
    """

    actor: str | None = None
    actions: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    target_contains: str = ""

    def __post_init__(self) -> None:
        unknown = [a for a in self.actions if a not in ACTIONS]
        if unknown:
            raise ValueError(f"unknown audit action(s) {', '.join(map(repr, unknown))} (one of {', '.join(ACTIONS)})")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"the date range starts ({self.since}) after it ends ({self.until})")
        if len(self.target_contains) > 256:
            raise ValueError("the target filter is longer than a target can be (256 characters)")

    def as_details(self) -> dict[str, Any]:
        """The filter as audit details (only the fields set), e.g. for the ``audit_exported`` event."""
        out: dict[str, Any] = {}
        if self.actor:
            out["actor"] = self.actor[:128]
        if self.actions:
            out["actions"] = list(self.actions)
        if self.since is not None:
            out["since"] = self.since.isoformat()
        if self.until is not None:
            out["until"] = self.until.isoformat()
        if self.target_contains:
            out["target_contains"] = self.target_contains[:MAX_FILTER_DETAIL]
        return out


#: Longest target filter kept in an export's audit details (a target is an id, so this is plenty).
MAX_FILTER_DETAIL = 100
#: Most rows one search returns (the page shows fewer and says how many matched).
MAX_SEARCH_ROWS = 10_000


@dataclass(frozen=True)
class EventPage:
    """The newest ``rows`` matching a filter (newest first) and how many matched in all."""

    rows: list[AuditRecord] = field(default_factory=list)
    total: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _where(flt: AuditFilter) -> list[Any]:
    clauses: list[Any] = []
    if flt.actor:
        clauses.append(AuditEvent.actor == flt.actor)
    if flt.actions:
        clauses.append(AuditEvent.action.in_(flt.actions))
    if flt.since is not None:
        clauses.append(AuditEvent.at >= datetime.combine(flt.since, time.min, UTC))
    if flt.until is not None:
        clauses.append(AuditEvent.at < datetime.combine(flt.until + timedelta(days=1), time.min, UTC))
    if flt.target_contains:
        clauses.append(func.lower(AuditEvent.target).contains(flt.target_contains.lower(), autoescape=True))
    return clauses


def search_events(flt: AuditFilter | None = None, *, limit: int = 1000, engine: Engine | None = None) -> EventPage:
    """The newest ``limit`` events matching ``flt`` (newest first) and the number that match in all.

    Raises:
        ValueError: ``limit`` not between 1 and :data:`MAX_SEARCH_ROWS`.
    """
    if not 1 <= limit <= MAX_SEARCH_ROWS:
        raise ValueError(f"limit must be between 1 and {MAX_SEARCH_ROWS}")
    clauses = _where(flt or AuditFilter())
    with session_scope(engine) as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent).where(*clauses)) or 0
        rows = [_record(e) for e in session.scalars(
            select(AuditEvent).where(*clauses).order_by(AuditEvent.id.desc()).limit(limit))]
    return EventPage(rows=rows, total=total)


def actors(*, engine: Engine | None = None) -> list[str]:
    """Every actor in the trail, sorted (the page's actor filter offers these)."""
    with session_scope(engine) as session:
        return sorted(session.scalars(select(AuditEvent.actor).distinct()))


#: Columns of :func:`events_csv`, in order.
EVENT_COLUMNS = ("id", "at", "actor", "action", "target", "details", "prev_hash", "hash")
#: First characters that make a spreadsheet read a cell as a formula (CSV injection): such cells get a leading
#: ``'``. Actors and targets can hold what someone typed as a user name at the sign-in form.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def table_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """``rows`` as CSV text with a header (``columns``, default: the first row's keys); dates as ISO 8601, dicts and
    lists as JSON, and cells a spreadsheet would run as a formula prefixed with ``'``."""
    rows = list(rows)
    columns = list(columns if columns is not None else (rows[0].keys() if rows else []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def table_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """``rows`` as JSON Lines (one object a line; dates as ISO 8601)."""
    return "".join(json.dumps(dict(row), ensure_ascii=False, default=_iso) + "\n" for row in rows)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def events_csv(rows: Iterable[AuditRecord]) -> str:
    """Audit rows as CSV (:data:`EVENT_COLUMNS`, ``at`` in UTC ISO 8601, ``details`` as JSON), with their hashes so
    the chain can be checked outside the app."""
    return table_csv((asdict(r) for r in rows), EVENT_COLUMNS)


@dataclass(frozen=True)
class AuditExport:
    """A CSV of the newest ``rows`` events matching a filter (of ``total`` matching), already audited."""

    csv: str
    rows: int
    total: int


def export_events(flt: AuditFilter, actor: str, *, limit: int = MAX_SEARCH_ROWS,
                  engine: Engine | None = None) -> AuditExport:
    """The events matching ``flt`` as CSV (:func:`events_csv`, newest first, at most ``limit``), recorded first as
    ``audit_exported`` by ``actor`` with the filter and the row count (so the trail shows who took a copy of it;
    that event is not in the copy).

    Raises:
        ValueError: ``limit`` out of range, or an unacceptable actor.
    """
    page = search_events(flt, limit=limit, engine=engine)
    record(actor, "audit_exported", "audit_events",
           {"filter": flt.as_details(), "rows": len(page.rows), "total": page.total}, engine=engine)
    return AuditExport(csv=events_csv(page.rows), rows=len(page.rows), total=page.total)
