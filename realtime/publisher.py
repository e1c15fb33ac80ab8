"""The after-commit publisher: `publish(room, event, payload)` queues one Socket.IO event that is sent
only once the current transaction commits (services.platform.unit_of_work); a rolled-back change
sends nothing. A payload given as a function is called at sending time, when what it reads
includes the change (a board's counts)."""

from extensions import socketio
from services.platform.unit_of_work import after_commit

SESSION_ENDED = "session_ended"


def publish(room, event, payload=None):
    """`room`: a room name or a list of them."""
    after_commit(_send, room, event, payload)


def _send(room, event, payload):
    socketio.emit(event, (payload() if callable(payload) else payload) or {}, to=room)
    if event == SESSION_ENDED:
        # Here at once; on the other processes when the event reaches them (realtime.queue).
        close_local_sockets(getattr(socketio, "server", None), room if isinstance(room, list) else [room])


def close_local_sockets(server, rooms, namespace="/"):
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(namespace, rooms)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)
