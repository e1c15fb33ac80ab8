"""Leaders' adjustments of a subordinate's salary for an open period: a bonus or a deduction with
its reason and comment, kept as written; taking one back is a new record that cancels it."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow

ADJUSTMENT_KINDS = ("bonus", "deduction")


class SalaryAdjustment(db.Model):
    __tablename__ = "salary_adjustments"
    __scope_owner__ = "user_id"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('bonus', 'deduction')", name="kind_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.Index("ix_salary_adjustments_period_user", "period_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_periods.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    comment: Mapped[str] = mapped_column(sa.String(1000), nullable=False)
    cancels_id: Mapped[int | None] = mapped_column(sa.ForeignKey("salary_adjustments.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)

    @property
    def signed(self):
        return self.amount if self.kind == "bonus" else -self.amount
