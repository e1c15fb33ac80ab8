from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from extensions import socketio
from realtime.rooms import may_join, session_room, user_room
from services import sessions


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    join_room(user_room(current_user.id))
    record = sessions.find(current_user.session_token)
    if record is not None:
        join_room(session_room(record.id))
    emit("hello", {"user_id": current_user.id})


@socketio.on("join")
def on_join(data):
    room = (data or {}).get("room") if isinstance(data, dict) else None
    if not current_user.is_authenticated or not may_join(current_user, room):
        return {"ok": False, "error": "forbidden"}
    join_room(room)
    return {"ok": True, "room": room}
