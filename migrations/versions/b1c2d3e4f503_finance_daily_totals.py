"""finance daily totals

Revision ID: b1c2d3e4f503
Revises: b1c2d3e4f502
Create Date: 2026-11-29 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f503"
down_revision = "b1c2d3e4f502"
branch_labels = None
depends_on = None


# The ledger as cells: work-off by transaction date, card profit (signed amounts − commissions, as
# services/money.card_figures) by bank answer date; no bank / no agent is id 0; deleted cards count nowhere.
LEDGER = """
SELECT t.date AS day, 'work_off' AS kind, COALESCE(c.bank_id, 0) AS bank_id, COALESCE(c.agent_id, 0) AS agent_id,
       SUM(t.amount) AS amount, COUNT(*) AS count
FROM transactions t JOIN cards c ON c.id = t.card_id
WHERE t.type = 'work_off' AND c.deleted_at IS NULL
GROUP BY t.date, COALESCE(c.bank_id, 0), COALESCE(c.agent_id, 0)
UNION ALL
SELECT c.bank_answer_date, 'profit', COALESCE(c.bank_id, 0), COALESCE(c.agent_id, 0),
       COALESCE(SUM(CASE WHEN t.type IN ('top_up', 'work_off') THEN t.amount
                         WHEN t.type IN ('fee', 'refund') THEN -t.amount ELSE 0 END - t.commission), 0),
       COUNT(DISTINCT c.id)
FROM cards c LEFT JOIN transactions t ON t.card_id = c.id
WHERE c.bank_answer_date IS NOT NULL AND c.deleted_at IS NULL
GROUP BY c.bank_answer_date, COALESCE(c.bank_id, 0), COALESCE(c.agent_id, 0)
"""


def _cells_table(name, key):
    op.create_table(
        name,
        sa.Column(key, sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("bank_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("agent_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(key, "kind", "bank_id", "agent_id", name=f"pk_{name}"),
    )


def upgrade():
    _cells_table("finance_daily", "day")
    _cells_table("finance_monthly", "month")
    backfill(op.get_bind())


def backfill(bind):
    """Both tables from the existing ledger, so that an existing database reports exactly from the start."""
    bind.execute(
        sa.text(
            f"INSERT INTO finance_daily (day, kind, bank_id, agent_id, amount, count) "  # noqa: S608 (constant text)
            f"SELECT * FROM ({LEDGER}) AS ledger WHERE day IS NOT NULL"
        )
    )
    if bind.dialect.name == "postgresql":
        month = "CAST(date_trunc('month', day) AS date)"
    else:
        month = "date(day, 'start of month')"
    bind.execute(
        sa.text(
            f"INSERT INTO finance_monthly (month, kind, bank_id, agent_id, amount, count) "  # noqa: S608
            f"SELECT {month}, kind, bank_id, agent_id, SUM(amount), SUM(count) FROM finance_daily "
            f"GROUP BY {month}, kind, bank_id, agent_id"
        )
    )


def downgrade():
    op.drop_table("finance_monthly")
    op.drop_table("finance_daily")
