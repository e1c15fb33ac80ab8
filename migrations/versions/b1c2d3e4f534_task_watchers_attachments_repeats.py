"""tasks: watchers, attachments, repetitions, and the client a task is about as a foreign key

Revision ID: b1c2d3e4f534
Revises: b1c2d3e4f530
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f534"
down_revision = "b1c2d3e4f530"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_recurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("cards.id"), nullable=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=True),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("due_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.CheckConstraint("repeat IN ('daily', 'weekly', 'monthly')", name=op.f("ck_task_recurrences_repeat")),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_recurrences_due", "task_recurrences", ["active", "next_on"])
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("recurrence_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("occurs_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            "fk_tasks_recurrence_id_task_recurrences", "task_recurrences", ["recurrence_id"], ["id"]
        )
        batch.create_foreign_key("fk_tasks_client_id_clients", "clients", ["client_id"], ["id"])
        batch.create_unique_constraint("uq_tasks_recurrence_day", ["recurrence_id", "occurs_on"])
        batch.create_index("ix_tasks_client", ["client_id"])
    op.create_table(
        "task_watchers",
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("added_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "user_id"),
    )
    op.create_index("ix_task_watchers_user", "task_watchers", ["user_id", "task_id"])
    op.create_table(
        "task_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_attachments_task", "task_attachments", ["task_id", "id"])


def downgrade():
    op.drop_index("ix_task_attachments_task", table_name="task_attachments")
    op.drop_table("task_attachments")
    op.drop_index("ix_task_watchers_user", table_name="task_watchers")
    op.drop_table("task_watchers")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_client")
        batch.drop_constraint("uq_tasks_recurrence_day", type_="unique")
        batch.drop_constraint("fk_tasks_client_id_clients", type_="foreignkey")
        batch.drop_constraint("fk_tasks_recurrence_id_task_recurrences", type_="foreignkey")
        batch.drop_column("occurs_on")
        batch.drop_column("recurrence_id")
    op.drop_index("ix_task_recurrences_due", table_name="task_recurrences")
    op.drop_table("task_recurrences")
