"""The after-commit publisher: `publish(room, event, payload)` queues one Socket.IO event that is sent
only once the current transaction commits (services.platform.unit_of_work); a rolled-back change
sends nothing. A payload given as a function is called at sending time, when what it reads
includes the change (a board's counts)."""

from extensions import socketio
from services.platform.unit_of_work import after_commit

SESSION_ENDED = "session_ended"
ROOM_CLOSED = "room_closed"


def publish(room, event, payload=None):
    """`room`: a room name or a list of them."""
    after_commit(_send, room, event, payload)


def evict(room, user_rooms):
    """After the commit, the sockets in `user_rooms` (each person's own room) leave `room` on every
    process, and their pages are told (`room_closed`): who lost access to an object stops hearing
    it at once."""
    if user_rooms:
        after_commit(_send, list(user_rooms), ROOM_CLOSED, {"room": room})


def _send(room, event, payload):
    payload = (payload() if callable(payload) else payload) or {}
    socketio.emit(event, payload, to=room)
    # Here at once; on the other processes when the event reaches them (realtime.queue).
    rooms = room if isinstance(room, list) else [room]
    if event == SESSION_ENDED:
        close_local_sockets(getattr(socketio, "server", None), rooms)
    elif event == ROOM_CLOSED:
        leave_local_room(getattr(socketio, "server", None), rooms, payload.get("room"))


def close_local_sockets(server, rooms, namespace="/"):
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(namespace, rooms)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


def leave_local_room(server, rooms, left, namespace="/"):
    """This process's sockets in `rooms` leave the room `left`."""
    if server is None or not isinstance(left, str):
        return
    for sid, _eio_sid in list(server.manager.get_participants(namespace, rooms)):
        server.leave_room(sid, left, namespace=namespace)
