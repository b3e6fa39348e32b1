"""Text-free predictions: stored outputs of older rows lose every string taken from the note.

Before this revision a prediction stored its result's ``to_dict()``: mention texts, assertion triggers ("denies"),
a dictionary's matched form, the current drugs and allergies as written, flag messages and evidence quoting the
note. A prediction now stores ``Task.record(result)`` (offsets, labels, codes, vocabulary names, scores, versions).
Older rows are rewritten to that form where their offsets allow it (evidence ``[start, end, text]`` becomes
``[start, end]``); a string that cannot be replaced by offsets (the treatments' current drugs and allergies were
stored as words only) is dropped, keeping the codes and the count.

Revision ID: 0004_text_free_predictions
Revises: 0003_feedback_dedupe_key
Create Date: 2026-12-05 03:50:00

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_text_free_predictions"
down_revision: str | Sequence[str] | None = "0003_feedback_dedupe_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Keys whose value was words of the note in an old output (mention, trigger, matched form, flag message).
_NOTE_KEYS = frozenset({"text", "trigger", "matched", "message"})
#: ``meta`` strings kept (rule and source names), as ``core.spans.RECORD_META_STRINGS`` at this revision.
_META_STRINGS = frozenset({"source", "link_rule"})
_PAGE = 500

_predictions = sa.table("predictions", sa.column("id", sa.Integer), sa.column("task", sa.String),
                        sa.column("output", sa.JSON))


def _meta(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items()
            if not isinstance(v, (str, dict, list)) or (k in _META_STRINGS and isinstance(v, str))}


def _scrub(value: Any) -> Any:
    """Frozen copy of the rewrite at this revision: drop the note's words, evidence quotes to offsets."""
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key in _NOTE_KEYS:
            continue
        if key == "meta" and isinstance(v, dict):
            v = _meta(v)
            if not v:
                continue
        elif key == "evidence" and isinstance(v, list):
            v = [e[:2] if isinstance(e, list) and len(e) == 3 and isinstance(e[2], str) else e for e in v]
        out[key] = _scrub(v)
    return out


def _drug(entry: Any, drugbank_id: Any = None) -> Any:
    """An old current drug (``[text, drugbank id]``) or allergy (``text``) as the record's entry, without words."""
    if isinstance(entry, dict):
        return entry
    return {"start": None, "end": None, "drugbank_id": drugbank_id if isinstance(drugbank_id, str) else None,
            "canonical": None}


def text_free(task: str, output: Any) -> Any:
    """The text-free form of one stored output (already text-free outputs come back equal)."""
    if not isinstance(output, dict):
        return output
    out = _scrub(output)
    if task == "treatments":
        if isinstance(out.get("current"), list):
            out["current"] = [_drug(c, c[1] if isinstance(c, list) and len(c) == 2 else None) for c in out["current"]]
        if isinstance(out.get("allergies"), list):
            out["allergies"] = [_drug(a) for a in out["allergies"]]
    return out


def upgrade() -> None:
    """Rewrite every stored prediction output into its text-free form, a page of rows at a time."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(_predictions.c.id, _predictions.c.task, _predictions.c.output)
                            .where(_predictions.c.id > last).order_by(_predictions.c.id).limit(_PAGE)).all()
        for pid, task, output in rows:
            new = text_free(task, output)
            if new != output:
                conn.execute(_predictions.update().where(_predictions.c.id == pid).values(output=new))
        if len(rows) < _PAGE:
            return
        last = rows[-1][0]


def downgrade() -> None:
    """Nothing to undo in the schema; the words dropped cannot come back (the note was never stored)."""
