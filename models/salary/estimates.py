"""The open period's salaries and forecasts as the background job last computed them for everyone:
what a table of hundreds or thousands of people reads (a leader of a small team sees his computed
live). Rewritten by each run; never an input of anything frozen."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class SalaryEstimate(db.Model):
    __tablename__ = "salary_estimates"
    __scope_owner__ = "user_id"

    period_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_periods.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    base: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    variable: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    adjustments: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    attainment: Mapped[Decimal] = mapped_column(sa.Numeric(10, 4), nullable=False)  # the plan's overall, 1 = 100 %
    forecast_low: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    forecast_high: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    computed_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
