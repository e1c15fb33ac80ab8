"""The chat on the sockets: messages and read watermarks reach the room after the commit only; the
typing indicator goes to the others; who loses access (a hand-over, a block) loses the room at once."""

from sqlalchemy import select

from extensions import db
from models.platform.notification import Notification
from services.chats import messages
from services.clients import operations as clients
from services.platform import staff, unit_of_work
from tests.factories.chats import write
from tests.view_helpers import post_form

ROOM = "client_chat:{}"


def joined(sockets, browser, client):
    socket = sockets(browser)
    assert socket.join(ROOM.format(client.id))["ok"] is True
    socket.sio.get_received()
    return socket


def test_a_message_and_a_reading_reach_the_room_after_the_commit_only(app, team, anna, browser, sockets):
    leader = joined(sockets, browser("supervisor"), anna)
    messages.post(anna, team["employee"], "Rolled back")
    db.session.rollback()
    assert leader.events("chat_message") == []
    assert db.session.scalars(select(Notification)).all() == []

    message = write(anna, team["employee"], "Hello")
    assert leader.received("notifications")[-1]["sections"] == {"/admin/clients/": 1}
    assert leader.events("chat_message") == [{"client_id": anna.id, "message_id": message.id}]

    tab = f"/admin/clients/{anna.id}/?tab=chat"
    reader = browser("supervisor")
    assert post_form(reader, f"/admin/chats/{anna.id}/read", form_page=tab, message_id=message.id).json["moved"]
    assert leader.events("chat_read") == [{"client_id": anna.id, "user_id": team["supervisor"].id,
                                            "message_id": message.id}]  # fmt: skip
    assert not post_form(reader, f"/admin/chats/{anna.id}/read", form_page=tab, message_id=message.id).json["moved"]
    assert leader.events("chat_read") == [], "nothing moved, nothing said"


def test_one_unread_notification_per_chat_per_person(app, team, anna, browser):
    for text in ("One", "Two", "Three"):
        last = write(anna, team["employee"], text)
    kinds = db.session.scalars(select(Notification).where(Notification.user_id == team["supervisor"].id)).all()
    assert [(n.kind, n.link) for n in kinds] == [("chats.message", f"/admin/chats/{anna.id}/")]
    assert db.session.scalars(select(Notification).where(Notification.user_id == team["employee"].id)).all() == []

    tab = f"/admin/clients/{anna.id}/?tab=chat"
    post_form(browser("supervisor"), f"/admin/chats/{anna.id}/read", form_page=tab, message_id=last.id)
    db.session.expire_all()
    assert all(n.read_at is not None for n in db.session.scalars(select(Notification)))
    write(anna, team["employee"], "Four")
    assert db.session.query(Notification).filter(Notification.read_at.is_(None)).count() == 1


def test_typing_goes_to_the_others_in_the_room_with_the_name_only(app, team, anna, browser, sockets):
    writer = joined(sockets, browser("employee"), anna)
    leader = joined(sockets, browser("supervisor"), anna)
    outsider = sockets(browser("peer"))
    with app.app_context():
        assert writer.sio.emit("chat_typing", {"client_id": anna.id}, callback=True) == {"ok": True}
        assert writer.sio.emit("chat_typing", {"client_id": anna.id}, callback=True)["throttled"] is True
        assert outsider.sio.emit("chat_typing", {"client_id": anna.id}, callback=True) == {"ok": False}
        assert outsider.sio.emit("chat_typing", {"client_id": "x"}, callback=True) == {"ok": False}
    assert leader.events("chat_typing") == [{"client_id": anna.id, "name": "Eva Employee"}]
    assert writer.events("chat_typing") == []


def test_a_hand_over_takes_the_previous_responsible_out_at_once(app, team, anna, browser, sockets):
    old = browser("employee")
    old_socket = joined(sockets, old, anna)
    leader = joined(sockets, browser("supervisor"), anna)
    write(anna, team["employee"], "My client")
    old_socket.sio.get_received()

    clients.set_responsible(anna, team["employee2"].id, team["supervisor"])
    db.session.rollback()
    assert old_socket.events("room_closed") == [], "a rolled-back hand-over changes nothing"

    clients.set_responsible(anna, team["employee2"].id, team["supervisor"])
    unit_of_work.commit()
    assert old_socket.events("room_closed") == [{"room": ROOM.format(anna.id)}]
    write(anna, team["supervisor"], "Emil takes over")
    assert old_socket.events("chat_message") == []
    assert leader.events("chat_message"), "the leader stays"
    assert old.get(f"/admin/clients/{anna.id}/?tab=chat").status_code == 404
    assert old.get(f"/admin/chats/{anna.id}/messages").status_code == 404
    assert anna.full_name not in old.get("/admin/chats/").text
    new = browser("employee2").get(f"/admin/chats/{anna.id}/messages").json
    assert [m["id"] for m in new["messages"]][:1], "the history stays with the client"
    assert {p["name"] for p in new["participants"]} == {"Emil Employee", "Sofia Supervisor"}


def test_a_blocked_person_s_chat_socket_is_closed(app, team, anna, browser, sockets):
    socket = joined(sockets, browser("employee"), anna)
    staff.block(db.session.get(type(team["employee"]), team["employee"].id))
    unit_of_work.commit()
    assert socket.received("session_ended") == [{}]
    assert not socket.connected
    write(anna, team["supervisor"], "Still there?")
    assert socket.received("chat_message") == []
