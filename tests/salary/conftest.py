"""The salary tests share one office (a supervisor's team and a peer team) and a plan for employees
and supervisors in force from the period of today."""

from zoneinfo import ZoneInfo

import pytest

from extensions import db
from services.platform.timezones import today_local
from services.salary import periods
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
