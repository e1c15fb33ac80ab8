"""uploaded files, and the documents of clients and of employees

Revision ID: b1c2d3e4f525
Revises: b1c2d3e4f524
Create Date: 2026-12-07 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f525"
down_revision = "b1c2d3e4f524"
branch_labels = None
depends_on = None


def _authored():
    return [
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    ]


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stored_name", sa.String(80), nullable=False, unique=True),
        sa.Column("original_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "client_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("office_id", sa.Integer(), sa.ForeignKey("offices.id"), nullable=True),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        *_authored(),
    )
    op.create_index("ix_client_documents_client", "client_documents", ["client_id", "id"])
    op.create_index("ix_client_documents_deleted_at", "client_documents", ["deleted_at"])
    op.create_table(
        "employee_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        *_authored(),
    )
    op.create_index("ix_employee_documents_user", "employee_documents", ["user_id", "id"])
    op.create_index("ix_employee_documents_deleted_at", "employee_documents", ["deleted_at"])


def downgrade():
    op.drop_table("employee_documents")
    op.drop_table("client_documents")
    op.drop_table("stored_files")
