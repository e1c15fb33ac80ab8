"""The salary tests share one office (a supervisor's team and a peer team) and a plan for employees
and supervisors in force from the period of today."""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from extensions import db
from models.salary import SalaryResult
from services import ledger
from services.platform.timezones import today_local
from services.salary import adjustments, periods
from tests.factories.clients import make_clients_office
from tests.factories.salary import set_plan
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
    set_plan("employee", EMPLOYEE_PLAN, period)
    set_plan("supervisor", SUPERVISOR_PLAN, period)
    db.session.commit()
    return period


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: login_as(team[name], client=EnglishRequestClient(app, app.response_class, use_cookies=True))


CLOSING_PLAN = {
    "base": "10000",
    "targets": [],
    "components": [{"code": "per_point", "kind": "rate", "metric": "points", "rate": "10"}],
}


@pytest.fixture
def period(team):
    current = periods.ensure(today_local(ZoneInfo("Europe/Kyiv")))
    set_plan("employee", CLOSING_PLAN, current)
    ledger.credit("test", ledger.Source("test", 1), employee_id=team["employee"].id, employee_amount=30)
    adjustments.adjust(team["supervisor"], team["employee"].id, current, "bonus", "250", "results", "Good")
    db.session.commit()
    return current


RAISES_PLAN = {"base": "10000", "targets": [{"code": "points", "metric": "points", "target": "100"}], "components": []}


@pytest.fixture
def history(team):
    """Two closed periods long ago and the next one, far in the future; the employees' plan raises
    a target met twice running by 10 %."""
    first, second = periods.ensure(date(2040, 1, 10)), periods.ensure(date(2040, 2, 10))
    upcoming = periods.ensure(date(2099, 3, 10))
    plan = set_plan("employee", RAISES_PLAN, first)
    plan.raises_targets, plan.raise_after, plan.raise_percent, plan.raise_fixed = True, 2, Decimal("10"), None
    for period in (first, second):
        period.status = "closed"
        for person, points in ((team["employee"], "120"), (team["employee2"], "80")):
            db.session.add(SalaryResult(period_id=period.id, user_id=person.id, inputs={
                "plan": RAISES_PLAN, "overrides": {}, "results": {"points": points}, "adjustments": "0"},
                base=Decimal("10000"), variable=0, adjustments=0, total=Decimal("10000")))  # fmt: skip
    db.session.commit()
    return upcoming
