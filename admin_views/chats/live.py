"""The chats on the sockets: each client's chat is the room `client_chat:<client id>`, joined by
whoever may open the chat. The domain's events become room events after the commit; who loses the
chat leaves the room on every process; "typing" comes from a page and is passed on to the others in
the room (the writer's name only, at most once per TYPING_EVERY seconds a socket)."""

import time

from flask import request
from flask_login import current_user
from flask_socketio import emit, rooms

from extensions import socketio
from realtime import evict, publish
from realtime.rooms import object_room, user_room
from services.chats import rules
from services.platform.errors import parse_id

PREFIX = "client_chat"
TYPING_EVERY = 2.0
_last_typing = {}  # socket id → when it last passed one on (this process)


def room_of(client_id):
    return object_room(PREFIX, client_id)


def member(user, client_id):
    return rules.may_open(user, client_id)


def posted(_sender, client_id, message_id, author_id):
    publish(room_of(client_id), "chat_message", {"client_id": client_id, "message_id": message_id})


def read(_sender, client_id, user_id, message_id):
    publish(room_of(client_id), "chat_read", {"client_id": client_id, "user_id": user_id, "message_id": message_id})


def access_lost(_sender, client_id, user_ids):
    evict(room_of(client_id), [user_room(user_id) for user_id in sorted(user_ids)])


@socketio.on("chat_typing")
def on_typing(data):
    client_id = parse_id((data or {}).get("client_id")) if isinstance(data, dict) else None
    if client_id is None or not current_user.is_authenticated:
        return {"ok": False}
    room = room_of(client_id)
    if room not in rooms():
        return {"ok": False}
    now = time.monotonic()
    if now - _last_typing.get(request.sid, 0.0) < TYPING_EVERY:
        return {"ok": True, "throttled": True}
    if len(_last_typing) > 10_000:
        _last_typing.clear()
    _last_typing[request.sid] = now
    emit("chat_typing", {"client_id": client_id, "name": current_user.display_name}, to=room, include_self=False)
    return {"ok": True}
