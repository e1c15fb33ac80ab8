"""Closing a period: every employee's salary frozen with what it was computed from (the plan in
force with his overrides, his results, his adjustments), then the period closed. Run again after a
failure, it freezes only who is not frozen yet. A frozen salary is never changed (the database
refuses it); `mismatches` recomputes each from its kept inputs and names any that differs."""

from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.platform.org import Membership
from models.platform.user import User
from models.salary import SalaryPeriod, SalaryResult
from services.platform.money import round_money
from services.salary import plans, salaries

BATCH = 200


def people_paid():
    """The ids of the active people who hold a position."""
    query = select(User.id).where(User.deleted_at.is_(None), User.id.in_(select(Membership.user_id))).order_by(User.id)
    return db.session.scalars(query).all()


def _frozen_row(period, salary):
    item = salary.in_force
    return SalaryResult(
        period_id=period.id, user_id=salary.user_id, plan_version_id=item.version.id if item.version else None,
        inputs={"plan": plans.as_spec(item.plan), "overrides": {k: o.value for k, o in item.overrides.items()},
                "results": {code: str(value) for code, value in salary.results.items()},
                "adjustments": str(salary.adjustments)},
        base=salary.pay.base, variable=salary.pay.variable, adjustments=salary.adjustments, total=salary.total,
    )  # fmt: skip


def close(period, by, tell=lambda done, total: None):
    """Freeze the salaries not frozen yet and close the period (flushed; the caller commits)."""
    if period.status == "closed":
        return 0
    period.status = "closing"  # a run cut short leaves it so, and the next one goes on
    frozen = set(db.session.scalars(select(SalaryResult.user_id).where(SalaryResult.period_id == period.id)))
    waiting = [user_id for user_id in people_paid() if user_id not in frozen]
    for start in range(0, len(waiting), BATCH):
        batch = waiting[start : start + BATCH]
        for salary in salaries.of_people(batch, period).values():
            db.session.add(_frozen_row(period, salary))
        db.session.flush()
        tell(start + len(batch), len(waiting))
    period.status, period.closed_at, period.closed_by_id = "closed", utcnow(), by.id if by else None
    db.session.flush()
    return len(waiting)


def payslip(result):
    """(the plan as frozen, parsed; the results; what it paid: Pay) of a frozen salary, from its kept
    inputs only."""
    inputs = result.inputs
    plan = plans.parse(inputs["plan"])
    results = {code: Decimal(value) for code, value in inputs["results"].items()}
    return plan, results, plans.pay(plan, results)


def recomputed(result):
    """The frozen salary's total computed again from its kept inputs."""
    _plan, _results, pay = payslip(result)
    return round_money(pay.total + Decimal(result.inputs["adjustments"]))


def mismatches(period=None):
    """[(frozen salary, its total recomputed)] wherever they differ; [] when every one is exact."""
    query = select(SalaryResult).order_by(SalaryResult.id)
    if period is not None:
        query = query.where(SalaryResult.period_id == period.id)
    return [(row, total) for row in db.session.scalars(query) if (total := recomputed(row)) != row.total]


def frozen_of(user_id, period):
    return db.session.scalar(
        select(SalaryResult).where(SalaryResult.period_id == period.id, SalaryResult.user_id == user_id)
    )


def history_of(user_id, limit=24):
    """[(period, his frozen salary)] of the closed periods he was paid in, the latest first."""
    query = (
        select(SalaryPeriod, SalaryResult)
        .join(SalaryResult, SalaryResult.period_id == SalaryPeriod.id)
        .where(SalaryResult.user_id == user_id)
        .order_by(SalaryPeriod.starts_on.desc())
        .limit(limit)
    )
    return db.session.execute(query).all()


def periods_with_counts(limit):
    """[(period, salaries frozen in it, the name of who closed it)], the latest first."""
    frozen = select(SalaryResult.period_id, func.count().label("frozen")).group_by(SalaryResult.period_id).subquery()
    query = (
        select(SalaryPeriod, func.coalesce(frozen.c.frozen, 0), func.coalesce(User.full_name, User.username))
        .outerjoin(frozen, frozen.c.period_id == SalaryPeriod.id)
        .outerjoin(User, User.id == SalaryPeriod.closed_by_id)
        .order_by(SalaryPeriod.starts_on.desc())
        .limit(limit)
    )
    return db.session.execute(query).all()
