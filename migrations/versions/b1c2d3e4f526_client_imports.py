"""imports of historical clients, and a client's id in the records he came from

Revision ID: b1c2d3e4f526
Revises: b1c2d3e4f525
Create Date: 2026-12-07 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f526"
down_revision = "b1c2d3e4f525"
branch_labels = None
depends_on = None


def upgrade():
    # In place, not by batch: a batch rebuild of `clients` on SQLite would drop its engine triggers.
    op.add_column("clients", sa.Column("external_id", sa.String(64), nullable=True))
    op.create_index("uq_clients_external_id", "clients", ["external_id"], unique=True)
    op.create_table(
        "client_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("good_rows", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("known_rows", sa.Integer(), nullable=False),
        sa.Column("applied_rows", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(2000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('uploaded', 'checking', 'checked', 'importing', 'done', 'failed', 'cancelled')",
            name="ck_client_imports_status_known",
        ),
    )


def downgrade():
    op.drop_table("client_imports")
    op.drop_index("uq_clients_external_id", "clients")
    op.execute("ALTER TABLE clients DROP COLUMN external_id")
