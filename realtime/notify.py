"""Sending events from business code."""

from sqlalchemy import event

from extensions import db, socketio
from realtime.rooms import session_room, user_room


def end_user_sockets(user_id, after_commit=False):
    """Tell all the user's open pages that access ended, and close their sockets."""
    _end_room(user_room(user_id), after_commit)


def end_session_sockets(session_id):
    _end_room(session_room(session_id), after_commit=False)


def _end_room(room, after_commit):
    def _send(*_):
        socketio.emit("session_ended", {}, to=room)
        server = getattr(socketio, "server", None)
        if server is None:
            return
        # Sockets on this process are closed now; those on others got the event above.
        for sid, _eio_sid in list(server.manager.get_participants("/", room)):
            server.disconnect(sid, namespace="/")

    if after_commit:
        event.listen(db.session(), "after_commit", _send, once=True)
    else:
        _send()
