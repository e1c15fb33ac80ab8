"""Salary periods and what is frozen when one closes: a period is open, then closing (the job runs),
then closed; a closed period's figures (salary_results) are never changed — a correction is an
adjustment in an open period."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, utcnow

STATUSES = ("open", "closing", "closed")


class SalaryPeriod(Audited, db.Model):
    __tablename__ = "salary_periods"
    __scope__ = "all"  # the calendar of periods, to whoever may see salaries
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'closing', 'closed')", name="status_known"),
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[dt.date] = mapped_column(nullable=False, unique=True)
    ends_on: Mapped[dt.date] = mapped_column(nullable=False)  # the day after the last one
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="open")
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def __str__(self):
        return f"{self.starts_on.isoformat()} – {self.ends_on.isoformat()}"


class SalaryResult(db.Model):
    """One employee's salary for one closed period, frozen with everything it was computed from."""

    __tablename__ = "salary_results"
    __scope_owner__ = "user_id"
    __table_args__ = (sa.UniqueConstraint("period_id", "user_id", name="uq_salary_results_period_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_periods.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    plan_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("salary_plan_versions.id"))
    inputs: Mapped[dict] = mapped_column(sa.JSON, nullable=False)  # plan, overrides, results, adjustments
    base: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    variable: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    adjustments: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    frozen_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    period = relationship(SalaryPeriod, lazy="raise_on_sql")
