"""Live board events over Socket.IO: who may join which board room, and what a move sends there."""

import pytest

from extensions import socketio
from services import card_board
from tests import factories
from tests.admin_views.test_tracker import signed_in
from tests.conftest import csrf_token
from tests.factories import make_user, place
from tests.services.test_pipeline import make_card, stage_of


class Socket:
    """A Socket.IO test client whose every event runs in its own app context, like a real server."""

    def __init__(self, app, client=None):
        self.app = app
        with app.app_context():
            self.sio = socketio.test_client(app, flask_test_client=client)

    def join(self, room):
        with self.app.app_context():
            return self.sio.emit("join", {"room": room}, callback=True)

    def events(self, name):
        return [event["args"][0] for event in self.sio.get_received() if event["name"] == name]

    def close(self):
        if self.sio.is_connected():
            with self.app.app_context():
                self.sio.disconnect()


@pytest.fixture
def sockets(app):
    opened = []

    def _open(client=None):
        opened.append(Socket(app, client))
        return opened[-1]

    yield _open
    for socket in opened:
        socket.close()


@pytest.fixture
def team():
    office = factories.make_office()
    people = {
        "owner": make_user(role_code="owner"),
        "accountant": make_user(role_code="accountant"),
        "manager": make_user(role_code="manager"),
        "agent": make_user(role_code="agent"),
        "agent2": make_user(role_code="agent"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    place(people["agent2"], office, "employee", boss=boss)
    return people


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: signed_in(app, login_as, team[name])


def test_an_anonymous_socket_is_refused(sockets):
    assert not sockets().sio.is_connected()


def test_who_joins_which_board_room(client_of, sockets):
    owner = sockets(client_of("owner"))
    agent = sockets(client_of("agent"))
    assert owner.sio.is_connected() and agent.sio.is_connected()
    assert owner.join("board:cards:all")["ok"] is True
    assert agent.join("board:cards")["ok"] is True
    assert agent.join("board:cards:all") == {"ok": False, "error": "forbidden"}
    # Everyone gets the one room that matches his scope; nothing else.
    assert owner.join("board:cards")["ok"] is False
    for room in ("board", "board:cards:all:x", "board:cards:x", "dashboard:x", "user:1", None, "x" * 100):
        assert agent.join(room)["ok"] is False


def test_a_move_reaches_both_board_rooms(client_of, sockets, team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    make_card(agent=team["agent2"], manager=team["manager"], accountant=team["accountant"])
    source, target = stage_of("linking_access"), stage_of("promo_top_up")
    watcher_all = sockets(client_of("owner"))
    watcher = sockets(client_of("agent2"))
    assert watcher_all.join("board:cards:all")["ok"] and watcher.join("board:cards")["ok"]
    watcher_all.sio.get_received(), watcher.sio.get_received()

    mover = client_of("agent")
    response = mover.post(
        f"/admin/tracker/card/{card.id}/move",
        data={
            "csrf_token": csrf_token(mover, "/admin/tracker/"),
            "version": "1",
            "to_stage": str(target.id),
            "field.bank_login_done": "1",
            "field.linked_on": "2026-01-15",
        },
    )
    assert response.status_code == 200, response.text

    [change] = watcher_all.events("board_changed")
    assert (change["subject_id"], change["from"], change["to"], change["version"]) == (card.id, source.id, target.id, 2)
    assert change["counts"] == {str(source.id): 1, str(target.id): 1}
    assert change["counts"] == {str(k): v for k, v in card_board.counts(None).items()}
    [small] = watcher.events("board_changed")
    assert small == {"subject_id": card.id, "from": source.id, "to": target.id, "version": 2}


def test_a_refused_move_sends_nothing(client_of, sockets, team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    watcher = sockets(client_of("owner"))
    assert watcher.join("board:cards:all")["ok"]
    watcher.sio.get_received()
    mover = client_of("agent")
    response = mover.post(
        f"/admin/tracker/card/{card.id}/move",
        data={"csrf_token": csrf_token(mover, "/admin/tracker/"), "version": "1", "to_stage": str(card.stage_id)},
    )
    assert response.status_code == 400
    assert watcher.events("board_changed") == []


def test_a_socket_outside_the_room_hears_nothing(client_of, sockets, team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    bystander = sockets(client_of("agent2"))  # connected, but never joined a board room
    bystander.sio.get_received()
    mover = client_of("owner")
    response = mover.post(
        f"/admin/tracker/card/{card.id}/move",
        data={
            "csrf_token": csrf_token(mover, "/admin/tracker/"),
            "version": "1",
            "to_stage": str(stage_of("promo_top_up").id),
            "field.bank_login_done": "1",
            "field.linked_on": "2026-01-15",
        },
    )
    assert response.status_code == 200
    assert bystander.events("board_changed") == []
