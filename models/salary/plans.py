"""Salary plans per position as data (services/salary/plans.py reads them): each change is a new
version in force from a period on, never back; a person's overrides of any figure, each from a
period on with who, when and why — an automatic raise is one of them."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, utcnow

OVERRIDE_KINDS = ("manual", "raise", "hold")


class SalaryPlan(Audited, db.Model):
    __tablename__ = "salary_plans"
    __scope__ = "all"  # plans are the company's rules, to whoever may see them

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), nullable=False, unique=True)
    position = relationship("Position", lazy="joined")
    # Automatic raises: a target met `raise_after` periods running is raised by a percent or a fixed figure.
    raises_targets: Mapped[bool] = mapped_column(nullable=False, default=False)
    raise_after: Mapped[int] = mapped_column(nullable=False, default=3)
    raise_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    raise_fixed: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    versions = relationship("SalaryPlanVersion", back_populates="plan", lazy="raise_on_sql",
                            order_by="SalaryPlanVersion.id")  # fmt: skip

    def __str__(self):
        return str(self.position) if self.position else f"#{self.id}"


class SalaryPlanVersion(db.Model):
    """A plan's figures from one period on; a later version replaces it from its own period."""

    __tablename__ = "salary_plan_versions"
    __scope__ = "all"
    __table_args__ = (sa.UniqueConstraint("plan_id", "from_period_id", name="uq_salary_plan_versions_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_plans.id"), nullable=False)
    plan = relationship(SalaryPlan, back_populates="versions", lazy="raise_on_sql")
    from_period_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_periods.id"), nullable=False)
    spec: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class PlanOverride(db.Model):
    """One figure of a person's plan (`key` as services.salary.plans.with_overrides reads it) from a
    period on. Added only; a later one for the same key replaces it from its period."""

    __tablename__ = "salary_plan_overrides"
    __scope_owner__ = "user_id"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('manual', 'raise', 'hold')", name="kind_known"),
        sa.Index("ix_salary_plan_overrides_user", "user_id", "from_period_id"),
        # An automatic raise once per person, target and period, whoever runs the job.
        sa.Index("uq_salary_plan_overrides_raise", "user_id", "key", "from_period_id", unique=True,
                 postgresql_where=sa.text("kind = 'raise'"), sqlite_where=sa.text("kind = 'raise'")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    from_period_id: Mapped[int] = mapped_column(sa.ForeignKey("salary_periods.id"), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="manual")
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
