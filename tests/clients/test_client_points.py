"""Points for the clients' progress: reaching a stage with a rule credits the client and his
employee at once, an undone move takes them back, and the points pages show each person his own
and a leader his people's."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.pipeline import Stage
from services import ledger
from tests.conftest import csrf_token
from tests.factories.clients import clients_pipeline, make_client


def stage(code):
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == clients_pipeline().id, Stage.code == code))


def _post(web, url, **data):
    data["csrf_token"] = csrf_token(web, "/admin/clients/board/")
    return web.post(url, data=data, headers={"Accept": "application/json"})


def _walk(web, client, *steps):
    """Move the client through (stage code, {field: value}) steps on the board; the last answer."""
    for code, values in steps:
        db.session.expire_all()
        answer = _post(web, f"/admin/clients/board/{client.id}/move", version=str(client.version),
                       to_stage=str(stage(code).id), **{f"field.{k}": v for k, v in values.items()})  # fmt: skip
        assert answer.status_code == 200, answer.text
    return answer


TO_TRIAL_ATTENDED = (
    ("contacted", {"contacted_on": "2026-12-01"}),
    ("trial_booked", {"trial_at": "2026-12-03"}),
    ("trial_attended", {"attended": "1"}),
)


@pytest.fixture
def client(team):
    return make_client(team["employee"], full_name="Anna Koval")


def _balances(client, employee):
    return ledger.balance_of("client", client.id), ledger.balance_of("employee", employee.id)


def test_reaching_a_stage_with_a_rule_credits_the_client_and_his_employee(client_of, client, team):
    _walk(client_of("employee"), client, *TO_TRIAL_ATTENDED)
    assert _balances(client, team["employee"]) == (Decimal("10.00"), Decimal("5.00"))
    tab = client_of("employee").get(f"/admin/clients/{client.id}/?tab=points").text
    assert "Trial lesson attended" in tab and "+10.00" in tab


def test_an_undone_move_takes_the_points_back_and_the_real_one_credits_them_again(client_of, client, team):
    web = client_of("employee")
    answer = _walk(web, client, *TO_TRIAL_ATTENDED)
    undone = _post(web, f"/admin/clients/board/{client.id}/undo", version=str(answer.json["version"]))
    assert undone.status_code == 200, undone.text
    assert _balances(client, team["employee"]) == (Decimal("0.00"), Decimal("0.00"))
    _walk(web, client, TO_TRIAL_ATTENDED[-1])
    assert _balances(client, team["employee"]) == (Decimal("10.00"), Decimal("5.00"))
    assert ledger.mismatches() == {}


def test_each_person_sees_his_points_and_a_leader_his_peoples(client_of, client, team):
    _walk(client_of("employee"), client, *TO_TRIAL_ATTENDED)
    mine = client_of("employee").get("/admin/points/")
    assert mine.status_code == 200 and "5.00" in mine.text and "Trial lesson attended" in mine.text
    leader = client_of("supervisor").get("/admin/points/")
    assert f'data-employee-id="{team["employee"].id}"' in leader.text
    assert f'data-employee-id="{team["intern"].id}"' not in leader.text
    assert client_of("supervisor").get(f"/admin/points/?employee={team['employee'].id}").status_code == 200
    assert client_of("peer").get(f"/admin/points/?employee={team['employee'].id}").status_code == 404
    assert client_of("employee").get(f"/admin/points/?employee={team['employee2'].id}").status_code == 404
    assert client_of("employee").get("/admin/points/?kind=gold").status_code == 404


def test_only_the_owner_edits_the_rules(client_of):
    assert client_of("owner").get("/admin/points/rules/").status_code == 200
    assert client_of("supervisor").get("/admin/points/rules/").status_code == 403
