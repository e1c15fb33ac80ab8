"""What earns points and bonuses, as data the owner edits: for an event (a client reaching a stage,
an invoice paid, an event done, a referred client's payment), how much the client gets and how much
his responsible employee."""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import Audited, LocalizedLabel

RULE_EVENTS = ("stage_reached", "invoice_paid", "event_done", "referral_first_paid", "referral_payment", "imported")


class LedgerRule(Audited, LocalizedLabel, db.Model):
    __tablename__ = "ledger_rules"
    __scope__ = "all"  # every rule, to whoever may open its view

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    event: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    # stage_reached: the stage's code in the clients' pipeline; otherwise empty
    stage_code: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="points")
    client_amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0"))
    employee_amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0"))
    # A share of the payment's amount instead of a fixed one (referral_payment), in percent.
    percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), nullable=False, default=Decimal("0"))
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)
