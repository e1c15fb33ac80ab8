"""the points and bonuses ledger: rules, entries added only, balances kept by triggers

Revision ID: b1c2d3e4f522
Revises: b1c2d3e4f521
Create Date: 2026-12-07 15:45:00

"""

import sqlalchemy as sa
from alembic import op

from models.ledger import ddl as ledger_ddl

revision = "b1c2d3e4f522"
down_revision = "b1c2d3e4f521"
branch_labels = None
depends_on = None


def _authored():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    ]


def upgrade():
    op.create_table(
        "ledger_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("stage_code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("client_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("employee_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("percent", sa.Numeric(6, 2), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("name_uk", sa.String(120), nullable=False),
        sa.Column("name_ru", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        *_authored(),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("holder", sa.String(10), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=True),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("rule_code", sa.String(40), nullable=False),
        sa.Column("source_type", sa.String(20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(160), nullable=False, unique=True),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("ledger_entries.id"), nullable=True, unique=True),
        sa.Column("note", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.CheckConstraint("holder IN ('client', 'employee')", name="holder_known"),
        sa.CheckConstraint("kind IN ('points', 'bonus')", name="kind_known"),
        sa.CheckConstraint("(holder = 'client') = (client_id IS NOT NULL)", name="client_holder_named"),
        sa.CheckConstraint("holder = 'client' OR employee_id IS NOT NULL", name="employee_holder_named"),
    )
    op.create_index("ix_ledger_entries_employee", "ledger_entries", ["employee_id", "kind", "id"])
    op.create_index("ix_ledger_entries_client", "ledger_entries", ["client_id", "kind", "id"])
    op.create_index("ix_ledger_entries_source", "ledger_entries", ["source_type", "source_id"])
    op.create_table(
        "ledger_balances",
        sa.Column("holder", sa.String(10), primary_key=True),
        sa.Column("holder_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("balance", sa.Numeric(18, 2), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
    )
    up = ledger_ddl.postgresql_up if op.get_bind().dialect.name == "postgresql" else ledger_ddl.sqlite_up
    for statement in up():
        op.execute(statement)


def downgrade():
    down = ledger_ddl.postgresql_down if op.get_bind().dialect.name == "postgresql" else ledger_ddl.sqlite_down
    for statement in down():
        op.execute(statement)
    op.drop_table("ledger_balances")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_rules")
