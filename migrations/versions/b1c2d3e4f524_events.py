"""clients' events with their types and statuses as data

Revision ID: b1c2d3e4f524
Revises: b1c2d3e4f523
Create Date: 2026-12-07 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f524"
down_revision = "b1c2d3e4f523"
branch_labels = None
depends_on = None


def _authored():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    ]


def _names():
    return [
        sa.Column("name_uk", sa.String(120), nullable=False),
        sa.Column("name_ru", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
    ]


def upgrade():
    op.create_table(
        "event_types",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("color", sa.String(9), nullable=False),
        sa.Column("default_minutes", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_names(),
        *_authored(),
    )
    op.create_table(
        "event_statuses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("color", sa.String(9), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("counts_as_done", sa.Boolean(), nullable=False),
        *_names(),
        *_authored(),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("type_id", sa.Integer(), sa.ForeignKey("event_types.id"), nullable=False),
        sa.Column("status_id", sa.Integer(), sa.ForeignKey("event_statuses.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("result_note", sa.Text(), nullable=False),
        sa.Column("remind_minutes", sa.Integer(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_authored(),
    )
    op.create_index("ix_events_assignee_starts", "events", ["assignee_id", "starts_at", "id"])
    op.create_index("ix_events_client", "events", ["client_id", "starts_at"])
    op.create_index("ix_events_status_starts", "events", ["status_id", "starts_at", "id"])


def downgrade():
    op.drop_table("events")
    op.drop_table("event_statuses")
    op.drop_table("event_types")
