"""Which plan and which figures are in force for a person in a period: his position's plan (his
highest-ranked position where he holds several) as of its latest version from that period or
before, and his overrides likewise, the latest per figure."""

from dataclasses import dataclass, field

from sqlalchemy import select

from extensions import db
from models.platform.org import Membership, Position
from models.salary import PlanOverride, SalaryPeriod, SalaryPlan, SalaryPlanVersion
from services.salary import plans


@dataclass
class PlanInForce:
    version: SalaryPlanVersion | None
    plan: dict  # parsed, overrides applied (services.salary.plans)
    overrides: dict = field(default_factory=dict)  # key → the PlanOverride in force
    position: Position | None = None

    @property
    def overridden(self):
        return set(self.overrides)


def positions_of(user_ids):
    """{user id: his highest-ranked position}."""
    query = (
        select(Membership.user_id, Position)
        .join(Position, Position.id == Membership.position_id)
        .where(Membership.user_id.in_(sorted(user_ids)))
        .order_by(Membership.user_id, Position.rank.desc(), Position.id)
    )
    found = {}
    for user_id, position in db.session.execute(query):
        found.setdefault(user_id, position)
    return found


def versions_for(period):
    """{position id: the plan version in force in `period`}."""
    query = (
        select(SalaryPlan.position_id, SalaryPlanVersion)
        .join(SalaryPlanVersion, SalaryPlanVersion.plan_id == SalaryPlan.id)
        .join(SalaryPeriod, SalaryPeriod.id == SalaryPlanVersion.from_period_id)
        .where(SalaryPeriod.starts_on <= period.starts_on)
        .order_by(SalaryPlan.position_id, SalaryPeriod.starts_on)
    )
    return dict(db.session.execute(query).all())  # ordered by period: the latest version wins


def overrides_for(user_ids, period):
    """{user id: {key: the override in force in `period`}}."""
    query = (
        select(PlanOverride)
        .join(SalaryPeriod, SalaryPeriod.id == PlanOverride.from_period_id)
        .where(PlanOverride.user_id.in_(sorted(user_ids)), SalaryPeriod.starts_on <= period.starts_on)
        .order_by(SalaryPeriod.starts_on, PlanOverride.id)
    )
    found = {}
    for override in db.session.scalars(query):
        found.setdefault(override.user_id, {})[override.key] = override
    return found


def plans_for(user_ids, period):
    """{user id: PlanInForce} for these people in `period` (a person without a plan gets an empty one)."""
    positions, versions = positions_of(user_ids), versions_for(period)
    overrides = overrides_for(user_ids, period)
    parsed = {None: plans.parse({})}  # each version read once, shared by whoever has no figure of his own
    found = {}
    for user_id in user_ids:
        position = positions.get(user_id)
        version = versions.get(position.id) if position else None
        if version is not None and version.id not in parsed:
            parsed[version.id] = plans.parse(version.spec)
        base = parsed[version.id if version is not None else None]
        mine = overrides.get(user_id, {})
        plan = plans.with_overrides(base, {key: item.value for key, item in mine.items()})[0] if mine else base
        found[user_id] = PlanInForce(version=version, plan=plan, overrides=mine, position=position)
    return found
