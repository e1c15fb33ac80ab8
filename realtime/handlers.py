from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from extensions import socketio
from realtime.rooms import may_join, rooms_to_join, session_room, user_room
from services.platform import sessions, totp


@socketio.on("connect")
def on_connect(auth=None):
    # What the HTTP side refuses is refused here too: no live session, or a person who must still
    # set up two-factor sign-in (he may open only his profile there).
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    if not current_user.totp_enabled and totp.required_for(current_user):
        raise ConnectionRefusedError("two-factor set-up required")
    record = sessions.find(current_user.session_token)
    if record is None or record.ended_at is not None:
        raise ConnectionRefusedError("unauthorized")
    join_room(user_room(current_user.id))
    join_room(session_room(record.id))
    emit("hello", {"user_id": current_user.id})


@socketio.on("join")
def on_join(data):
    room = (data or {}).get("room") if isinstance(data, dict) else None
    if not current_user.is_authenticated or not may_join(current_user, room):
        return {"ok": False, "error": "forbidden"}
    for name in rooms_to_join(room):
        join_room(name)
    return {"ok": True, "room": room}
