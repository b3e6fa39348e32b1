"""The review loop: items to annotate, who was given which, their answers, and the gold answer.

Revision ID: 0005_review
Revises: 0004_text_free_predictions
Create Date: 2026-12-05 05:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_review"
down_revision: str | Sequence[str] | None = "0004_text_free_predictions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=64), nullable=False),
        sa.Column("note_hash", sa.String(length=64), nullable=False),
        sa.Column("note_text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("prediction_id", sa.Integer(), nullable=True),
        sa.Column("model_version", sa.String(length=128), nullable=True),
        sa.Column("prefill", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("overlap", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["prediction_id"], ["predictions.id"],
                                name=op.f("fk_review_items_prediction_id_predictions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    op.create_index(op.f("ix_review_items_note_hash"), "review_items", ["note_hash"], unique=False)
    op.create_index("ix_review_items_task_state", "review_items", ["task", "state"], unique=False)
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotator", sa.String(length=128), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"],
                                name=op.f("fk_review_assignments_item_id_review_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignments")),
        sa.UniqueConstraint("item_id", "annotator", name="uq_review_assignments_item_annotator"),
    )
    op.create_index(op.f("ix_review_assignments_item_id"), "review_assignments", ["item_id"], unique=False)
    op.create_index(op.f("ix_review_assignments_annotator"), "review_assignments", ["annotator"], unique=False)
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotator", sa.String(length=128), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"],
                                name=op.f("fk_annotations_item_id_review_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
        sa.UniqueConstraint("item_id", "annotator", name="uq_annotations_item_annotator"),
    )
    op.create_index(op.f("ix_annotations_item_id"), "annotations", ["item_id"], unique=False)
    op.create_table(
        "gold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["review_items.id"],
                                name=op.f("fk_gold_item_id_review_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gold")),
        sa.UniqueConstraint("item_id", name=op.f("uq_gold_item_id")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("gold")
    op.drop_index(op.f("ix_annotations_item_id"), table_name="annotations")
    op.drop_table("annotations")
    op.drop_index(op.f("ix_review_assignments_annotator"), table_name="review_assignments")
    op.drop_index(op.f("ix_review_assignments_item_id"), table_name="review_assignments")
    op.drop_table("review_assignments")
    op.drop_index("ix_review_items_task_state", table_name="review_items")
    op.drop_index(op.f("ix_review_items_note_hash"), table_name="review_items")
    op.drop_table("review_items")
