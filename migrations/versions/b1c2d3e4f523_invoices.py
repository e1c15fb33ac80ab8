"""clients' invoices numbered per office and year without gaps, their lines and payments; the
company's requisites; when a client began to pay

Revision ID: b1c2d3e4f523
Revises: b1c2d3e4f522
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f523"
down_revision = "b1c2d3e4f522"
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
    # In place, not by batch: a batch rebuild of `clients` on SQLite would drop its engine triggers.
    op.add_column("clients", sa.Column("paying_since", sa.DateTime(), nullable=True))
    op.add_column("clients", sa.Column("first_paid_invoice_id", sa.Integer(), nullable=True))
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("office_id", sa.Integer(), sa.ForeignKey("offices.id"), nullable=True),
        sa.Column("office_key", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("total", sa.Numeric(14, 2), nullable=False),
        sa.Column("paid", sa.Numeric(14, 2), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_authored(),
        sa.UniqueConstraint("office_key", "year", "number", name="uq_invoices_office_year_number"),
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'partly_paid', 'paid', 'cancelled')", name="ck_invoices_status_known"
        ),
    )
    op.create_index("ix_invoices_client", "invoices", ["client_id", "id"])
    op.create_index("ix_invoices_status", "invoices", ["status", "id"])
    op.create_index("ix_invoices_office", "invoices", ["office_id", "id"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Numeric(10, 2), nullable=False),
        sa.Column("price", sa.Numeric(14, 2), nullable=False),
        sa.Column("discount_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"])
    op.create_table(
        "invoice_payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("note", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.CheckConstraint("kind IN ('payment', 'refund')", name="ck_invoice_payments_kind_known"),
    )
    op.create_index("ix_invoice_payments_invoice_id", "invoice_payments", ["invoice_id"])
    op.create_table(
        "invoice_sequences",
        sa.Column("office_key", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("legal_name", sa.String(255), nullable=False),
        sa.Column("tax_code", sa.String(20), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bank_name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        *_authored(),
    )


def downgrade():
    op.drop_table("company")
    op.drop_table("invoice_sequences")
    op.drop_table("invoice_payments")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.execute("ALTER TABLE clients DROP COLUMN first_paid_invoice_id")
    op.execute("ALTER TABLE clients DROP COLUMN paying_since")
