"""Feedback idempotency: ``feedback.dedupe_key``, unique, so the same feedback act is stored once.

Revision ID: 0003_feedback_dedupe_key
Revises: 0002_users_audit
Create Date: 2026-12-05 02:30:00

"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_feedback_dedupe_key"
down_revision: str | Sequence[str] | None = "0002_users_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _dedupe_key(prediction_id: int, user_name: str, verdict: str, correction: Any, comment: str | None) -> str:
    """Frozen copy of ``core.db.store.feedback_dedupe_key`` as it was at this revision (a migration must not
    change when the application code does; a test checks that both still agree)."""
    act = {"prediction_id": prediction_id, "user_name": user_name.strip(), "verdict": verdict,
           "correction": correction, "comment": (comment or "").strip() or None}
    canonical = json.dumps(act, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    """Upgrade schema: add the column, key the existing rows, then make it unique."""
    op.add_column("feedback", sa.Column("dedupe_key", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    # A typed table, so ``correction`` comes back decoded on every database (raw text through sa.text on SQLite,
    # already decoded by psycopg on PostgreSQL, where decoding again would fail on a string correction).
    feedback = sa.table("feedback", *(sa.column(c) for c in ("id", "prediction_id", "user_name", "verdict", "comment")),
                        sa.column("correction", sa.JSON))
    rows = conn.execute(sa.select(feedback.c.id, feedback.c.prediction_id, feedback.c.user_name, feedback.c.verdict,
                                  feedback.c.correction, feedback.c.comment).order_by(feedback.c.id)).all()
    seen: set[str] = set()
    for fid, prediction_id, user_name, verdict, correction, comment in rows:
        key = _dedupe_key(prediction_id, user_name, verdict, correction, comment)
        if key in seen:
            # A later duplicate of an act stored before this revision (e.g. by a double click): the earliest row
            # holds the key, this one keeps NULL (NULLs never collide under UNIQUE) and is otherwise untouched.
            continue
        seen.add(key)
        conn.execute(sa.text("UPDATE feedback SET dedupe_key = :k WHERE id = :i"), {"k": key, "i": fid})
    # SQLite cannot add a constraint in place: batch mode copies the table.
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_feedback_dedupe_key"), ["dedupe_key"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_feedback_dedupe_key"), type_="unique")
        batch_op.drop_column("dedupe_key")
