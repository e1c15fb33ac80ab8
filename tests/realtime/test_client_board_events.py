"""The clients' board live: a move reaches the boards of the client's employee and his leaders, not a
peer team's, and nobody joins another's room."""

from extensions import db
from models.pipeline import Stage
from tests.conftest import csrf_token
from tests.factories.clients import clients_pipeline, make_client, make_clients_office
from tests.view_helpers import signed_in


def _stage(code):
    return db.session.query(Stage).filter_by(pipeline_id=clients_pipeline().id, code=code).one()


def test_a_client_move_reaches_his_employee_and_leader_and_not_a_peer_team(app, login_as, sockets):
    team = make_clients_office()
    client = make_client(team["employee"], full_name="Anna Koval")
    web = {name: signed_in(app, login_as, team[name]) for name in ("employee", "supervisor", "peer", "intern")}
    socket = {name: sockets(web[name]) for name in web}
    for name, person in team.items():
        if name in socket:
            assert socket[name].join(f"board:clients:viewer:{person.id}")["ok"] is True
    assert socket["peer"].join(f"board:clients:viewer:{team['supervisor'].id}")["ok"] is False
    assert socket["intern"].join("board:clients:all")["ok"] is False
    for one in socket.values():
        one.sio.get_received()
    mover = web["supervisor"]
    response = mover.post(
        f"/admin/clients/board/{client.id}/move",
        data={"csrf_token": csrf_token(mover, "/admin/clients/board/"), "version": "1",
              "to_stage": str(_stage("contacted").id), "field.contacted_on": "2026-12-01"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    change = {"subject_id": client.id, "from": _stage("new_lead").id, "to": _stage("contacted").id, "version": 2}
    assert socket["employee"].events("board_changed") == [change]
    assert socket["supervisor"].events("board_changed") == [change]
    assert socket["peer"].events("board_changed") == [] and socket["intern"].events("board_changed") == []
