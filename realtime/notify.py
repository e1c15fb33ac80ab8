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
        session, change = db.session(), {"kept": True}

        def _send_if_kept(*_):
            if change["kept"]:
                _send()

        def _dropped(*_):
            change["kept"] = False

        # A rolled-back change ends nobody's access, even when the session commits something later.
        event.listen(session, "after_commit", _send_if_kept, once=True)
        event.listen(session, "after_soft_rollback", _dropped, once=True)
    else:
        _send()


def stage_tasks_changed(pipeline_code, stage_id):
    """A scheduled job renewed or re-dated tasks in one column: open boards re-fetch it."""
    payload = {"from": stage_id, "to": stage_id, "scheduled": True}
    socketio.emit("board_changed", payload, to=f"board:{pipeline_code}:all")
    socketio.emit("board_changed", payload, to=f"board:{pipeline_code}")


def board_changed(result):
    """After a committed move: ids to every board, and the new counts to the all-seeing one.
    Everything comes from the result as committed (no reload of the expired card and stages); the
    counts are the kept counters' SUM per stage."""
    from services import card_board

    code = result.pipeline_code
    payload = {
        "subject_id": result.subject_id,
        "from": result.from_stage_id,
        "to": result.to_stage_id,
        "version": result.version,
    }
    if code == "cards":
        counts = {str(stage_id): n for stage_id, n in card_board.counts(None).items()}
        socketio.emit("board_changed", dict(payload, counts=counts), to=f"board:{code}:all")
    socketio.emit("board_changed", payload, to=f"board:{code}")
