"""ordinary tasks and comments; indexes of the auto-tasks tab on stage_tasks

Revision ID: b1c2d3e4f501
Revises: abb5ad3ffe4c
Create Date: 2026-11-29 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f501"
down_revision = "abb5ad3ffe4c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="new", nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("status IN ('new', 'in_work', 'done', 'cancelled')", name=op.f("ck_tasks_status")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_tasks_author_id_users")),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_tasks_card_id_cards")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_tasks_created_by_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_tasks_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_assignee_status_deadline", ["assignee_id", "status", "deadline"], unique=False)
        batch_op.create_index("ix_tasks_author", ["author_id", "id"], unique=False)
        batch_op.create_index("ix_tasks_card", ["card_id"], unique=False)
        batch_op.create_index("ix_tasks_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_tasks_deadline", ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_tasks_status_deadline", ["status", "deadline"], unique=False)

    op.create_table(
        "task_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_task_comments_author_id_users")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_comments_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_comments")),
    )
    with op.batch_alter_table("task_comments", schema=None) as batch_op:
        batch_op.create_index("ix_task_comments_task", ["task_id", "id"], unique=False)

    # The auto-tasks tab pages stage_tasks newest first, narrowed by period, person or stage.
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_stage_tasks_opened", ["opened_at", "id"], unique=False)
        batch_op.create_index("ix_stage_tasks_assignee_opened", ["assignee_id", "opened_at", "id"], unique=False)
        batch_op.create_index("ix_stage_tasks_stage_opened", ["stage_id", "opened_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_tasks_stage_opened")
        batch_op.drop_index("ix_stage_tasks_assignee_opened")
        batch_op.drop_index("ix_stage_tasks_opened")
    with op.batch_alter_table("task_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_task_comments_task")
    op.drop_table("task_comments")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_deadline")
        batch_op.drop_index(batch_op.f("ix_tasks_deleted_at"))
        batch_op.drop_index("ix_tasks_deadline")
        batch_op.drop_index("ix_tasks_created_at")
        batch_op.drop_index("ix_tasks_card")
        batch_op.drop_index("ix_tasks_author")
        batch_op.drop_index("ix_tasks_assignee_status_deadline")
    op.drop_table("tasks")
