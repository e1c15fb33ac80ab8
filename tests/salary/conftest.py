"""The salary tests share one office (a supervisor's team and a peer team) and a plan for employees
and supervisors in force from the period of today."""

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.salary import SalaryPlan, SalaryPlanVersion
from services.platform.timezones import today_local
from services.salary import periods
from tests.factories.clients import make_clients_office
from tests.view_helpers import EnglishRequestClient

EMPLOYEE_PLAN = {
    "base": "10000",
    "targets": [{"code": "points", "metric": "points", "target": "100"}],
    "components": [
        {"code": "points_pay", "kind": "tiers", "target": "points", "amount": "5000", "threshold": "0.5"},
        {"code": "per_point", "kind": "rate", "metric": "points", "rate": "10"},
    ],
}
SUPERVISOR_PLAN = {
    "base": "20000",
    "targets": [],
    "components": [{"code": "team_points", "kind": "rate", "metric": "team.points", "rate": "5"}],
}


@pytest.fixture
def team():
    return make_clients_office()


@pytest.fixture
def current():
    """The period of today in Kyiv (everyone's zone here), with the tests' plans for employees and
    supervisors in force in it (in place of the seeded ones)."""
    period = periods.ensure(today_local(ZoneInfo("Europe/Kyiv")))
    for code, spec in (("employee", EMPLOYEE_PLAN), ("supervisor", SUPERVISOR_PLAN)):
        plan = db.session.scalar(select(SalaryPlan).join(Position).where(Position.code == code))
        version = db.session.scalar(
            select(SalaryPlanVersion).where(
                SalaryPlanVersion.plan_id == plan.id, SalaryPlanVersion.from_period_id == period.id
            )
        )
        if version is None:
            db.session.add(SalaryPlanVersion(plan_id=plan.id, from_period_id=period.id, spec=spec))
        else:
            version.spec = spec
    db.session.commit()
    return period


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: login_as(team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
