"""Fault drill: access to a client chat taken away through one web process takes the person's
socket, open on the other web, out of the chat's room at once — the Redis queue carries it."""

import time

import pytest
from sqlalchemy import select

from tests.faults.conftest import Browser, needs_services, wait_for

pytestmark = [pytest.mark.faults, needs_services]


def employee_chat():
    """(the id of the employee's client whose chat the demo filled, the intern's id)."""
    from extensions import db
    from models.chats import Chat
    from models.platform.user import User

    db.session.remove()
    client_id = db.session.scalar(select(Chat.client_id).order_by(Chat.client_id).limit(1))
    intern_id = db.session.scalar(select(User.id).where(User.username == "intern"))
    db.session.remove()
    return client_id, intern_id


def test_a_person_taken_out_of_a_chat_on_web_a_leaves_its_room_on_web_b(demo, make_cluster):
    cluster = make_cluster()
    web_a, web_b = (f"http://127.0.0.1:{port}" for port in cluster.web_ports[:2])
    client_id, intern_id = employee_chat()
    room = f"client_chat:{client_id}"
    supervisor = Browser(web_a, "supervisor", page=f"/admin/clients/{client_id}/?tab=chat")
    people = []
    try:
        added = supervisor.http.post(f"{web_a}/admin/chats/{client_id}/members", allow_redirects=False,
                                     data={"user_id": intern_id, "csrf_token": supervisor.csrf})  # fmt: skip
        assert added.status_code == 302, added.text
        intern = Browser(web_b, "intern", page=f"/admin/chats/{client_id}/")  # added: the chat, not the client
        employee = Browser(web_b, "employee", page=f"/admin/clients/{client_id}/?tab=chat")
        people = [intern, employee]
        for person in people:
            person.connect_board(room=room, listen=("chat_message", "room_closed"))

        removed = supervisor.http.post(f"{web_a}/admin/chats/{client_id}/members/{intern_id}/delete",
                                       data={"csrf_token": supervisor.csrf}, allow_redirects=False)  # fmt: skip
        assert removed.status_code == 302, removed.text
        assert wait_for(lambda: intern.heard_of("room_closed") == [{"room": room}], 10), intern.heard
        assert intern.socket.connected, "only the room is taken, not the socket"

        sent = supervisor.http.post(f"{web_a}/admin/chats/{client_id}/messages",
                                    data={"body": "Після наради", "csrf_token": supervisor.csrf})  # fmt: skip
        assert sent.status_code == 200, sent.text
        message_id = sent.json()["id"]
        assert wait_for(lambda: any(e.get("message_id") == message_id for e in employee.heard_of("chat_message")), 10)
        time.sleep(1)
        assert intern.heard_of("chat_message") == [], "a person out of the chat hears nothing more of it"
        assert intern.http.get(f"{web_b}/admin/chats/{client_id}/messages").status_code == 404
    finally:
        for person in [supervisor, *people]:
            person.close()
