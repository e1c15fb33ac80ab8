"""outbox: e-mails kept in the app where no mail server is set

Revision ID: b1c2d3e4f516
Revises: b1c2d3e4f515
Create Date: 2026-12-07 10:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f516"
down_revision = "b1c2d3e4f515"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_type", sa.String(length=120), nullable=True),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_created_at"), "outbox_messages", ["created_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_outbox_messages_created_at"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
