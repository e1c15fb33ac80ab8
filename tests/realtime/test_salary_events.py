"""What someone earns changed: his own page and his leaders' hear of it after the commit, a peer
team's nobody; a change rolled back tells nobody."""

from zoneinfo import ZoneInfo

import pytest

from extensions import db
from services import ledger
from services.platform.timezones import today_local
from services.salary import periods
from tests.conftest import csrf_token
from tests.factories.clients import make_clients_office
from tests.view_helpers import signed_in


@pytest.fixture
def listening(app, login_as, sockets):
    team = make_clients_office()
    web = {name: signed_in(app, login_as, team[name]) for name in ("employee", "employee2", "supervisor", "peer")}
    heard = {name: sockets(web[name]) for name in web}
    for one in heard.values():
        one.sio.get_received()
    return team, web, heard


def test_an_adjustment_reaches_the_person_and_his_leader_only(listening):
    team, web, heard = listening
    period = periods.ensure(today_local(ZoneInfo("Europe/Kyiv")))
    db.session.commit()
    leader = web["supervisor"]
    sent = {"csrf_token": csrf_token(leader, "/admin/salary/team/"), "period": period.id,
            "employee": team["employee"].id, "kind": "bonus", "amount": "700", "reason": "results",
            "comment": "Well done"}  # fmt: skip
    assert leader.post("/admin/salary/team/adjust", data=sent).status_code == 302
    news = {"user_ids": [team["employee"].id]}
    assert heard["employee"].events("salary_changed") == [news]
    assert heard["supervisor"].events("salary_changed") == [news]
    assert heard["employee2"].events("salary_changed") == [] and heard["peer"].events("salary_changed") == []


def test_a_ledger_credit_tells_the_earner_after_the_commit_and_a_rollback_tells_nobody(listening):
    team, _web, heard = listening
    ledger.credit("test", ledger.Source("test", 1), employee_id=team["employee"].id, employee_amount=5)
    db.session.rollback()
    assert heard["employee"].events("salary_changed") == []
    ledger.credit("test", ledger.Source("test", 2), employee_id=team["employee"].id, employee_amount=5)
    db.session.commit()
    assert heard["employee"].events("salary_changed") == [{"user_ids": [team["employee"].id]}]
    assert heard["peer"].events("salary_changed") == []
