"""Salary plans for tests: a position's plan given the figures of `spec` in `period` (in place of the
seeded version, or as a new version from that period)."""

from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.salary import SalaryPlan, SalaryPlanVersion


def set_plan(position_code, spec, period):
    plan = db.session.scalar(select(SalaryPlan).join(Position).where(Position.code == position_code))
    version = db.session.scalar(
        select(SalaryPlanVersion).where(
            SalaryPlanVersion.plan_id == plan.id, SalaryPlanVersion.from_period_id == period.id
        )
    )
    if version is None:
        db.session.add(SalaryPlanVersion(plan_id=plan.id, from_period_id=period.id, spec=spec))
    else:
        version.spec = spec
    db.session.flush()
    return plan
