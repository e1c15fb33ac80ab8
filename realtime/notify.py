"""Sending events from business code."""

from extensions import socketio
from realtime.rooms import all_seeing_room, columns_room, session_room, viewer_room
from services.platform import access

SESSION_ENDED = "session_ended"


def close_session_sockets(session_ids):
    """After a commit that ended these sessions: tell their pages, and close their sockets — here at
    once, on the other processes when the event reaches them (realtime.queue)."""
    rooms = [session_room(session_id) for session_id in session_ids]
    if not rooms:
        return
    socketio.emit(SESSION_ENDED, {}, to=rooms)
    close_local_sockets(getattr(socketio, "server", None), rooms)


def close_local_sockets(server, rooms, namespace="/"):
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(namespace, rooms)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


def stage_tasks_changed(pipeline_code, stage_id):
    """A scheduled job renewed or re-dated tasks in one column: open boards re-fetch it."""
    payload = {"from": stage_id, "to": stage_id, "scheduled": True}
    socketio.emit("board_changed", payload, to=columns_room(pipeline_code))


def board_changed(result):
    """After a committed move: the ids to the boards of those whose scope shows the card, and the new
    counts to the all-seeing one. Everything comes from the result as committed (no reload of the
    expired card and stages); the counts are the kept counters' SUM per stage."""
    from services.cards import board as card_board

    code = result.pipeline_code
    payload = {
        "subject_id": result.subject_id,
        "from": result.from_stage_id,
        "to": result.to_stage_id,
        "version": result.version,
    }
    if code == "cards":
        counts = {str(stage_id): n for stage_id, n in card_board.counts(None).items()}
        socketio.emit("board_changed", dict(payload, counts=counts), to=all_seeing_room(code))
    else:
        socketio.emit("board_changed", payload, to=all_seeing_room(code))
    viewers = [viewer_room(code, user_id) for user_id in sorted(access.watchers_of(result.people))]
    if viewers:
        socketio.emit("board_changed", payload, to=viewers)
