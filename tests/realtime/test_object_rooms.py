"""Rooms of one object each (`<prefix>:<id>`): a join needs the permission and the object's own
rule; who loses access is taken out of the room after the commit, and his page is told."""

import pytest
import sqlalchemy as sa

from extensions import db
from realtime import evict, rooms
from realtime.publisher import ROOM_CLOSED, publish
from services.platform import unit_of_work
from tests.factories.platform import make_user
from tests.view_helpers import signed_in

ALLOWED = {}


@pytest.fixture(autouse=True)
def test_rooms():
    rooms.register("testobject", "profile.edit", member=lambda user, object_id: object_id in ALLOWED.get(user.id, ()))
    yield
    rooms.ROOM_PERMISSIONS.pop("testobject")
    rooms.ROOM_MEMBERS.pop("testobject")
    ALLOWED.clear()


@pytest.fixture
def reader(app, login_as):
    user = make_user("reader", "agent")
    return user, signed_in(app, login_as, user)


def test_a_member_joins_his_object_s_room_and_no_other(reader, sockets):
    user, browser = reader
    ALLOWED[user.id] = {7}
    socket = sockets(browser)
    assert socket.join("testobject:7") == {"ok": True, "room": "testobject:7"}
    for room in (
        "testobject:8",
        "testobject",
        "testobject:7:x",
        "testobject:-7",
        "testobject:07x",
        "testobject:" + "9" * 30,
    ):
        assert socket.join(room)["ok"] is False, room


def test_who_loses_access_leaves_the_room_after_the_commit_and_is_told(app, reader, sockets):
    user, browser = reader
    ALLOWED[user.id] = {7}
    socket = sockets(browser)
    socket.join("testobject:7")
    with app.app_context():
        publish("testobject:7", "object_news", {"n": 1})
        unit_of_work.commit()
    assert socket.events("object_news") == [{"n": 1}]

    with app.app_context():
        db.session.execute(sa.select(1))  # a transaction under way, as in any request
        evict("testobject:7", [rooms.user_room(user.id)])
        db.session.rollback()
        publish("testobject:7", "object_news", {"n": 2})
        unit_of_work.commit()
    assert socket.events("object_news") == [{"n": 2}], "a rolled-back eviction changes nothing"

    with app.app_context():
        evict("testobject:7", [rooms.user_room(user.id)])
        unit_of_work.commit()
        publish("testobject:7", "object_news", {"n": 3})
        unit_of_work.commit()
    assert socket.events(ROOM_CLOSED) == [{"room": "testobject:7"}]
    assert socket.events("object_news") == []
    assert socket.connected, "the socket stays, only the room is gone"
