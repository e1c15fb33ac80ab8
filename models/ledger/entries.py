"""The points and bonuses ledger: entries that are only ever added (a reversal is a new entry), each
for one holder — a client or an employee —, and each holder's balance per kind, kept by the
database's triggers in the transaction of every entry (models/ledger/ddl.py): never a counter the
code adds to, which could drift. `flask ledger-check` proves the balances equal the entries."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow

KINDS = ("points", "bonus")  # points, or a money bonus
HOLDERS = ("client", "employee")


class LedgerEntry(db.Model):
    """One credit (or, negative, a reversal) for a client or for an employee. `source_key` names what
    it is for, once: the rule, the record that earned it and the holder — a second credit for the
    same is refused by the unique index, whoever tries it and however many times."""

    __tablename__ = "ledger_entries"
    # A person sees his own entries and his people's; a client's entry carries the employee who was
    # responsible for him, so his leaders see it too.
    __scope_owner__ = "employee_id"
    __table_args__ = (
        sa.CheckConstraint("holder IN ('client', 'employee')", name="holder_known"),
        sa.CheckConstraint("kind IN ('points', 'bonus')", name="kind_known"),
        sa.CheckConstraint("(holder = 'client') = (client_id IS NOT NULL)", name="client_holder_named"),
        sa.CheckConstraint("holder = 'client' OR employee_id IS NOT NULL", name="employee_holder_named"),
        sa.Index("ix_ledger_entries_employee", "employee_id", "kind", "id"),
        sa.Index("ix_ledger_entries_client", "client_id", "kind", "id"),
        sa.Index("ix_ledger_entries_source", "source_type", "source_id"),
        # What each employee earned in a span, read from the index alone (services/ledger/results.py).
        sa.Index("ix_ledger_entries_earned", "employee_id", "kind", "created_at", postgresql_include=["amount"],
                 postgresql_where=sa.text("holder = 'employee'"), sqlite_where=sa.text("holder = 'employee'")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    employee = relationship("User", foreign_keys=[employee_id], lazy="raise_on_sql")
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="points")
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    rule_code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    source_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    source_id: Mapped[int] = mapped_column(nullable=False)
    source_key: Mapped[str] = mapped_column(sa.String(160), nullable=False, unique=True)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entries.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def holder_id(self):
        return self.client_id if self.holder == "client" else self.employee_id


class LedgerBalance(db.Model):
    """A holder's balance of one kind and how many entries make it; written only by the triggers."""

    __tablename__ = "ledger_balances"
    __scope__ = "all"  # read through the ledger's service, for the holders a person sees

    holder: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    holder_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), nullable=False, default=Decimal("0.00"))
    entries: Mapped[int] = mapped_column(nullable=False, default=0)
