"""Live board events over Socket.IO: who may join which board room, and what a move sends there."""

import pytest

from extensions import db
from services.cards import board as card_board
from tests.conftest import csrf_token
from tests.factories.cards import card_number, make_card, stage_of
from tests.factories.platform import make_team_of_two
from tests.view_helpers import signed_in


@pytest.fixture
def team():
    return make_team_of_two()


@pytest.fixture
def client_of(app, login_as, team):
    return lambda name: signed_in(app, login_as, team[name])


def test_an_anonymous_socket_is_refused(sockets):
    assert not sockets().sio.is_connected()


def test_who_joins_which_board_room(client_of, sockets, team):
    owner = sockets(client_of("owner"))
    agent = sockets(client_of("agent"))
    assert owner.sio.is_connected() and agent.sio.is_connected()
    assert owner.join("board:cards:all")["ok"] is True
    assert agent.join(f"board:cards:viewer:{team['agent'].id}")["ok"] is True
    assert agent.join("board:cards:all") == {"ok": False, "error": "forbidden"}
    # Everyone gets the one room that matches his scope; nothing else.
    assert owner.join("board:cards")["ok"] is False
    assert owner.join(f"board:cards:viewer:{team['owner'].id}")["ok"] is False
    refused = (
        "board",
        "board:cards",
        f"board:cards:viewer:{team['agent2'].id}",
        f"board:cards:viewer:{team['manager'].id}",
        "board:cards:columns",
        "board:cards:all:x",
        "board:cards:x",
        "dashboard:x",
        "user:1",
        None,
        "x" * 100,
    )
    for room in refused:
        assert agent.join(room)["ok"] is False, room


@pytest.mark.parametrize("code", ["nowhere", "lessons", "", "cards2"])
def test_a_board_room_of_a_pipeline_that_does_not_exist_cannot_be_joined(client_of, sockets, team, code):
    owner, agent = sockets(client_of("owner")), sockets(client_of("agent"))
    assert owner.join(f"board:{code}:all")["ok"] is False
    assert agent.join(f"board:{code}:viewer:{team['agent'].id}")["ok"] is False


def join_board(socket, person):
    return socket.join(f"board:cards:viewer:{person.id}")["ok"]


def test_a_move_reaches_the_all_seeing_room_and_the_boards_of_those_who_see_the_card(client_of, sockets, team):
    card = make_card(agent=team["agent"], manager=team["manager"])
    make_card(agent=team["agent2"], manager=team["manager"], accountant=team["accountant"])
    source, target = stage_of("linking_access"), stage_of("promo_top_up")
    watcher_all = sockets(client_of("owner"))
    boss = sockets(client_of("manager"))  # the agent's leader: the card is in his scope
    other_agent = sockets(client_of("agent2"))  # the same team, but not his card
    accountant = sockets(client_of("accountant"))  # not the card's accountant
    assert watcher_all.join("board:cards:all")["ok"] and join_board(boss, team["manager"])
    assert join_board(other_agent, team["agent2"]) and join_board(accountant, team["accountant"])
    for socket in (watcher_all, boss, other_agent, accountant):
        socket.sio.get_received()

    mover = client_of("agent")
    response = mover.post(
        f"/admin/tracker/{card.id}/move",
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
    [small] = boss.events("board_changed")
    assert small == {"subject_id": card.id, "from": source.id, "to": target.id, "version": 2}
    # Another team member's or an unrelated accountant's socket learns nothing of this card.
    assert other_agent.events("board_changed") == [] and accountant.events("board_changed") == []


def test_a_refused_move_sends_nothing(client_of, sockets, team):
    card = make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
    watcher = sockets(client_of("owner"))
    assert watcher.join("board:cards:all")["ok"]
    watcher.sio.get_received()
    mover = client_of("agent")
    response = mover.post(
        f"/admin/tracker/{card.id}/move",
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
        f"/admin/tracker/{card.id}/move",
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


def test_a_scheduled_column_change_reaches_every_viewer_of_the_board_without_card_ids(client_of, sockets, team):
    from services.pipeline import periodic

    owner, agent = sockets(client_of("owner")), sockets(client_of("agent"))
    assert owner.join("board:cards:all")["ok"] and join_board(agent, team["agent"])
    owner.sio.get_received(), agent.sio.get_received()
    stage = stage_of("bank_check")
    periodic.column_changed(stage)
    assert owner.events("board_changed") == [] and agent.events("board_changed") == []  # not before the commit
    db.session.commit()
    expected = {"from": stage.id, "to": stage.id, "scheduled": True}
    assert owner.events("board_changed") == [expected] and agent.events("board_changed") == [expected]


def test_a_move_is_heard_only_once_committed_and_a_rolled_back_one_never(client_of, sockets, team):
    from seeds.demo_cards import sample_values
    from services import pipeline

    card = make_card(agent=team["agent"], manager=team["manager"])
    owner = sockets(client_of("owner"))
    assert owner.join("board:cards:all")["ok"]
    owner.sio.get_received()
    target = card.stage.allowed_targets[0]
    pipeline.move(card, target, sample_values(card.stage), team["owner"], card.version)
    assert owner.events("board_changed") == []
    db.session.rollback()
    db.session.commit()
    assert owner.events("board_changed") == []
    card = db.session.get(type(card), card.id)
    pipeline.move(card, target, sample_values(card.stage), team["owner"], card.version)
    assert owner.events("board_changed") == []
    db.session.commit()
    [change] = owner.events("board_changed")
    # The counts are read after the commit: they include the move.
    assert change["to"] == target.id and change["counts"][str(target.id)] == 1


def test_a_new_card_reaches_the_open_boards_that_see_it_once_committed(client_of, sockets, team):
    from services.cards import operations as cards

    owner, agent, other = sockets(client_of("owner")), sockets(client_of("agent")), sockets(client_of("agent2"))
    assert (
        owner.join("board:cards:all")["ok"] and join_board(agent, team["agent"]) and join_board(other, team["agent2"])
    )
    for socket in (owner, agent, other):
        socket.sio.get_received()
    card = cards.create(by=team["owner"], number=card_number(2035), agent=team["agent"], manager=team["manager"])
    assert owner.events("board_changed") == []  # not before the commit
    db.session.commit()
    first = stage_of("linking_access").id
    [seen] = owner.events("board_changed")
    assert (seen["subject_id"], seen["from"], seen["to"]) == (card.id, first, first)
    assert seen["counts"][str(first)] == 1
    [small] = agent.events("board_changed")
    assert small == {"subject_id": card.id, "from": first, "to": first, "version": 1}
    assert other.events("board_changed") == []  # another agent's board does not show this card
