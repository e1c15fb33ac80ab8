"""salary: the open period's salaries and forecasts of everyone as the background job last computed
them; the results plans count read from indexes: an invoice paid in full keeps the day and the
employee it counts for, the ledger's earnings by employee and time, the events' status with their holder

Revision ID: b1c2d3e4f529
Revises: b1c2d3e4f528
Create Date: 2026-12-07 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f529"
down_revision = "b1c2d3e4f528"
branch_labels = None
depends_on = None


BACKFILL_PAID = """
UPDATE invoices SET
  paid_in_full_on = (SELECT max(p.paid_on) FROM invoice_payments p WHERE p.invoice_id = invoices.id AND p.kind = 'payment'),
  paid_for_id = (SELECT c.responsible_id FROM clients c WHERE c.id = invoices.client_id)
WHERE status = 'paid'
"""


def upgrade():
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_in_full_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paid_for_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_invoices_paid_for_id_users", "users", ["paid_for_id"], ["id"])
    op.execute(BACKFILL_PAID)
    op.create_index(
        "ix_invoices_paid_for",
        "invoices",
        ["paid_for_id", "paid_in_full_on"],
        postgresql_where=sa.text("status = 'paid'"),
        sqlite_where=sa.text("status = 'paid'"),
    )
    op.create_index(
        "ix_ledger_entries_earned",
        "ledger_entries",
        ["employee_id", "kind", "created_at"],
        postgresql_include=["amount"],
        postgresql_where=sa.text("holder = 'employee'"),
        sqlite_where=sa.text("holder = 'employee'"),
    )
    op.drop_index("ix_events_assignee_starts", table_name="events")
    op.create_index("ix_events_assignee_starts", "events", ["assignee_id", "starts_at", "id"],
                    postgresql_include=["status_id"])  # fmt: skip
    op.create_table(
        "salary_estimates",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("base", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("variable", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("adjustments", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("attainment", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("forecast_low", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("forecast_high", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["salary_periods.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("period_id", "user_id"),
    )


def downgrade():
    op.drop_table("salary_estimates")
    op.drop_index("ix_events_assignee_starts", table_name="events")
    op.create_index("ix_events_assignee_starts", "events", ["assignee_id", "starts_at", "id"])
    op.drop_index("ix_ledger_entries_earned", table_name="ledger_entries")
    op.drop_index("ix_invoices_paid_for", table_name="invoices")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("fk_invoices_paid_for_id_users", type_="foreignkey")
        batch_op.drop_column("paid_for_id")
        batch_op.drop_column("paid_in_full_on")
