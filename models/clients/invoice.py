"""A client's invoices: lines of products or courses, numbered per office and year without gaps when
issued (InvoiceSequence, taken in the issuing transaction), and the payments and refunds recorded
against them. Money is Decimal end to end; the totals are kept on the invoice by its service."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, VersionMixin, utcnow
from models.clients.of_client import OfClient

CURRENCIES = ("UAH", "USD", "EUR")
INVOICE_STATUSES = ("draft", "issued", "partly_paid", "paid", "cancelled")


class Invoice(OfClient, Audited, VersionMixin, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("office_key", "year", "number", name="uq_invoices_office_year_number"),
        sa.CheckConstraint(f"status IN {INVOICE_STATUSES}", name="status_known"),
        sa.Index("ix_invoices_client", "client_id", "id"),
        sa.Index("ix_invoices_status", "status", "id"),
        sa.Index("ix_invoices_office", "office_id", "id"),
        # Salary plans count the invoices paid in full per employee and span (services/clients/results.py).
        sa.Index("ix_invoices_paid_for", "paid_for_id", "paid_in_full_on",
                 postgresql_where=sa.text("status = 'paid'"), sqlite_where=sa.text("status = 'paid'")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    client = relationship("Client", lazy="joined")
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    office = relationship("Office", lazy="joined")
    # The numbering's office: the office's id, 0 for none (a unique key needs a value).
    office_key: Mapped[int] = mapped_column(nullable=False, default=0)
    year: Mapped[int | None] = mapped_column()
    number: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="draft")
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="UAH")
    due_date: Mapped[dt.date | None] = mapped_column()
    issued_at: Mapped[dt.datetime | None] = mapped_column()
    total: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0.00"))
    paid: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0.00"))
    # While it is paid in full: the day of its latest payment, and who was responsible for the client
    # then — whose result it is, whoever takes the client over later.
    paid_in_full_on: Mapped[dt.date | None] = mapped_column()
    paid_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    lines = relationship("InvoiceLine", order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin")
    payments = relationship("InvoicePayment", order_by="InvoicePayment.id", lazy="selectin")

    @property
    def code(self):
        """What people call it: "<office id>-<year>-<number>", or none while it is a draft."""
        if self.number is None:
            return ""
        return f"{self.office_key:02d}-{self.year}-{self.number:05d}"

    @property
    def due(self):
        return self.total - self.paid

    def __str__(self):
        return self.code or f"#{self.id}"


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=1)
    description: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), nullable=False, default=Decimal("1"))
    price: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    discount_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), nullable=False, default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)


class InvoicePayment(db.Model):
    """Money received for an invoice, or (kind "refund") given back; never changed once recorded."""

    __tablename__ = "invoice_payments"
    __table_args__ = (sa.CheckConstraint("kind IN ('payment', 'refund')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="payment")
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    paid_on: Mapped[dt.date] = mapped_column(nullable=False)
    method: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    note: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by = relationship("User", lazy="joined")


class InvoiceSequence(db.Model):
    """The last number issued per office and year. Taken by an UPDATE in the issuing transaction: a
    second issuer waits for the first to commit, and a rolled-back issue gives its number back."""

    __tablename__ = "invoice_sequences"

    office_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(nullable=False, default=0)
