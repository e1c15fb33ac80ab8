"""The clients' board over HTTP: columns, counts and pages within the viewer's scope and filters,
the modal, moves with the stage's own rules, and another's client a 404 everywhere."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.clients import Client
from models.pipeline import Stage
from tests.conftest import csrf_token
from tests.factories.clients import clients_pipeline, make_client


def stage(code):
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == clients_pipeline().id, Stage.code == code))


@pytest.fixture
def spread(team):
    return {
        "eva": make_client(team["employee"], full_name="Anna Koval", phone="+380671234567"),
        "emil": make_client(team["employee2"], full_name="Borys Melnyk"),
        "intern": make_client(team["intern"], full_name="Vira Shevchenko"),
    }


def _shown(page):
    return {int(found) for found in re.findall(r'data-subject-id="(\d+)"', page.text)}


def _move(web, client, to, **values):
    data = {
        "version": str(client.version),
        "to_stage": str(to.id),
        "csrf_token": csrf_token(web, "/admin/clients/board/"),
    }
    data.update({f"field.{name}": value for name, value in values.items()})
    return web.post(f"/admin/clients/board/{client.id}/move", data=data, headers={"Accept": "application/json"})


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("employee", {"eva"}),
        ("supervisor", {"eva", "emil"}),
        ("intern", {"intern"}),
        ("owner", {"eva", "emil", "intern"}),
    ],
)
def test_the_board_counts_and_shows_the_clients_in_scope(client_of, spread, who, sees):
    web = client_of(who)
    first = stage("new_lead")
    assert _shown(web.get("/admin/clients/board/")) == {spread[name].id for name in sees}
    assert web.get("/admin/clients/board/counts").json == {str(first.id): len(sees)}
    rows = web.get(f"/admin/clients/board/column/{first.id}").json["rows"]
    assert {row["subject_id"] for row in rows} == {spread[name].id for name in sees}
    for name, client in spread.items():
        expected = 200 if name in sees else 404
        assert web.get(f"/admin/clients/board/{client.id}/modal").status_code == expected
        assert web.get(f"/admin/clients/board/{client.id}/history").status_code == expected


def test_filters_narrow_the_counts_and_the_columns(client_of, spread, team):
    owner = client_of("owner")
    first = stage("new_lead")
    assert owner.get(f"/admin/clients/board/counts?responsible={team['employee2'].id}").json == {str(first.id): 1}
    assert owner.get("/admin/clients/board/counts?q=koval").json == {str(first.id): 1}
    assert owner.get("/admin/clients/board/counts?stale=7").json == {}
    spread["emil"].stage_entered_at = utcnow() - timedelta(days=8)
    db.session.commit()
    column = owner.get(f"/admin/clients/board/column/{first.id}?stale=7").json["rows"]
    assert [row["subject_id"] for row in column] == [spread["emil"].id]
    assert owner.get(f"/admin/clients/board/column/{first.id}?after=nonsense").status_code == 400


def test_a_column_pages_by_cursor(client_of, team):
    made = {make_client(team["employee"]).id for _ in range(25)}
    web = client_of("employee")
    url = f"/admin/clients/board/column/{stage('new_lead').id}"
    first = web.get(url).json
    assert len(first["rows"]) == 20 and first["next"]
    rest = web.get(url, query_string={"after": first["next"]}).json
    assert {row["subject_id"] for row in first["rows"] + rest["rows"]} == made and rest["next"] is None


def test_the_move_to_lost_asks_for_the_reason_and_the_supervisor_moves_his_employees_client(client_of, spread):
    client = spread["eva"]
    web = client_of("supervisor")
    modal = web.get(f"/admin/clients/board/{client.id}/modal?to={stage('lost').id}").text
    assert 'data-shown-if="to=lost"' in modal and 'name="field.lost_reason"' in modal
    refused = _move(web, client, stage("lost"))
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"lost_reason"}
    moved = _move(web, client, stage("lost"), lost_reason="no_time")
    assert moved.status_code == 200 and moved.json["subject_id"] == client.id
    db.session.expire_all()
    assert (client.stage.code, client.bucket) == ("lost", "lost")
    history = web.get(f"/admin/clients/{client.id}/?tab=stages").text
    assert "No time" in history or "Немає часу" in history


def test_no_one_moves_a_client_outside_his_scope(client_of, spread):
    client = spread["intern"]
    response = _move(client_of("employee"), client, stage("contacted"), contacted_on="2026-12-01")
    assert response.status_code == 404
    db.session.expire_all()
    assert client.stage.code == "new_lead"


def test_a_moved_client_is_on_his_new_column(client_of, spread):
    client = spread["eva"]
    web = client_of("employee")
    assert _move(web, client, stage("contacted"), contacted_on="2026-12-01").status_code == 200
    counts = web.get("/admin/clients/board/counts").json
    assert counts == {str(stage("contacted").id): 1}
    assert db.session.scalar(select(Client.stage_id).where(Client.id == client.id)) == stage("contacted").id
