"""suggestions: anonymous suggestions to a leader or the administrator, and their status history

Revision ID: b1c2d3e4f533
Revises: b1c2d3e4f534
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f533"
down_revision = "b1c2d3e4f534"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=True),
        sa.Column("to_administrator", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="new", nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('new', 'review', 'done', 'declined')", name=op.f("ck_suggestions_status")),
        sa.CheckConstraint(
            "(to_administrator AND addressee_id IS NULL) OR (NOT to_administrator AND addressee_id IS NOT NULL)",
            name=op.f("ck_suggestions_one_addressee"),
        ),
        sa.ForeignKeyConstraint(["addressee_id"], ["users.id"], name=op.f("fk_suggestions_addressee_id_users")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], name=op.f("fk_suggestions_answered_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
    )
    op.create_index("ix_suggestions_addressee", "suggestions", ["addressee_id", "status", "id"])
    op.create_index("ix_suggestions_administrator", "suggestions", ["to_administrator", "status", "id"])
    op.create_table(
        "suggestion_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestions.id"],
            ondelete="CASCADE",
            name=op.f("fk_suggestion_status_changes_suggestion_id_suggestions"),
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_suggestion_status_changes_changed_by_id_users")
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_status_changes")),
    )
    op.create_index("ix_suggestion_status_changes_suggestion", "suggestion_status_changes", ["suggestion_id", "id"])


def downgrade():
    op.drop_index("ix_suggestion_status_changes_suggestion", table_name="suggestion_status_changes")
    op.drop_table("suggestion_status_changes")
    op.drop_index("ix_suggestions_administrator", table_name="suggestions")
    op.drop_index("ix_suggestions_addressee", table_name="suggestions")
    op.drop_table("suggestions")
