"""Socket.IO: sign-in required to connect, every room join authorised, blocking ends the sockets."""

import pytest

from extensions import db
from models.platform.user import User
from tests.conftest import csrf_token
from tests.factories.platform import make_office, make_user, place
from tests.view_helpers import RequestClient, signed_in


@pytest.fixture
def people():
    office = make_office()
    team = {
        "owner": make_user("owner", "owner", language="en"),
        "manager": make_user("manager", "manager"),
        "agent": make_user("agent", "agent"),
        "intern": make_user("intern"),  # no role: only his position's profile
    }
    boss = place(team["manager"], office, "head_of_department")
    place(team["agent"], office, "employee", boss=boss)
    place(team["intern"], office, "intern", boss=boss)
    return team


@pytest.fixture
def browser_of(app, login_as, people):
    return lambda name: signed_in(app, login_as, people[name])


def test_a_signed_in_client_connects_and_is_greeted(browser_of, sockets, people):
    socket = sockets(browser_of("agent"))
    assert socket.connected
    assert socket.received("hello") == [{"user_id": people["agent"].id}]


def test_an_anonymous_client_is_refused(app, sockets):
    socket = sockets(RequestClient(app, app.response_class, use_cookies=True))
    assert not socket.connected
    assert socket.received("hello") == []


def test_a_signed_out_browser_cannot_connect_any_more(browser_of, sockets):
    browser = browser_of("agent")
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/admin/")})
    assert not sockets(browser).connected


def test_a_blocked_users_cookie_no_longer_opens_a_socket(browser_of, sockets, people):
    browser = browser_of("agent")
    people["agent"].is_blocked = True
    db.session.commit()
    assert not sockets(browser).connected


@pytest.mark.parametrize("room", ["nowhere", "secret:1", "", None, "x" * 100, "dashboard:extra", "board"])
def test_joining_an_unknown_or_malformed_room_is_refused(browser_of, sockets, room):
    socket = sockets(browser_of("owner"))
    assert socket.join(room) == {"ok": False, "error": "forbidden"}


def test_a_room_is_joined_only_with_the_permission_it_needs(browser_of, sockets, people):
    agent, intern = sockets(browser_of("agent")), sockets(browser_of("intern"))
    assert agent.join("dashboard") == {"ok": True, "room": "dashboard"}
    assert intern.join("dashboard") == {"ok": True, "room": "dashboard"}
    # The intern's profile has no cards.view; the agent may see his own board, not the all-seeing one.
    assert intern.join(f"board:cards:viewer:{people['intern'].id}")["ok"] is False
    assert agent.join("board:cards:all")["ok"] is False


def test_nobody_joins_another_users_private_room(browser_of, sockets, people):
    socket = sockets(browser_of("owner"))
    assert socket.join(f"user:{people['agent'].id}")["ok"] is False
    assert socket.join("session:1")["ok"] is False


def test_blocking_a_user_ends_his_open_sockets(app, login_as, browser_of, sockets, people):
    victim = sockets(browser_of("agent"))
    bystander = sockets(browser_of("manager"))
    assert victim.connected and bystander.connected

    owner = browser_of("owner")
    response = owner.post(
        "/admin/staff/action/",
        data={"action": "block", "rowid": str(people["agent"].id), "csrf_token": csrf_token(owner, "/admin/staff/")},
    )
    assert response.status_code == 302

    assert victim.received("session_ended") == [{}]
    assert not victim.connected
    assert bystander.received("session_ended") == [] and bystander.connected
    db.session.expire_all()
    assert db.session.get(User, people["agent"].id).is_blocked


def test_a_refused_block_ends_no_socket(browser_of, sockets, people):
    # The manager may not block the owner: nothing is committed for him, so no socket is touched.
    owner_socket = sockets(browser_of("owner"))
    manager = browser_of("manager")
    manager.post(
        "/admin/team/action/",
        data={"action": "block", "rowid": str(people["owner"].id), "csrf_token": csrf_token(manager, "/admin/team/")},
    )
    assert owner_socket.connected
    assert owner_socket.received("session_ended") == []


def test_a_block_rolled_back_ends_no_socket_when_the_session_commits_later(browser_of, sockets, people):
    from services.platform import staff

    victim = sockets(browser_of("agent"))
    staff.block(db.session.get(User, people["agent"].id))
    db.session.flush()
    db.session.rollback()  # the save failed
    db.session.commit()  # as at the end of a request that read afterwards
    assert victim.connected
    assert victim.received("session_ended") == []


def test_a_leader_blocking_his_subordinate_ends_the_subordinates_socket(browser_of, sockets, people):
    victim = sockets(browser_of("agent"))
    manager = browser_of("manager")
    response = manager.post(
        "/admin/team/action/",
        data={"action": "block", "rowid": str(people["agent"].id), "csrf_token": csrf_token(manager, "/admin/team/")},
    )
    assert response.status_code == 302
    assert victim.received("session_ended") == [{}]
    assert not victim.connected
