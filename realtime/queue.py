"""The Redis message queue between the web processes, which also closes ended sessions' sockets.

A session may end on any process (or in a worker), and its sockets may be open on any web: the
`session_ended` event that goes to its room through the queue makes every web that receives it
close its own sockets in that room, so no socket outlives its session on another process. So does
`room_closed`: each web takes its own sockets of the people named out of the room that they lost."""

import socketio as python_socketio

from realtime.publisher import ROOM_CLOSED, SESSION_ENDED, close_local_sockets, leave_local_room


class SessionClosingRedisManager(python_socketio.RedisManager):
    def _handle_emit(self, message):
        super()._handle_emit(message)
        if message.get("event") == SESSION_ENDED and self.server is not None:
            close_local_sockets(self.server, message.get("room") or [], message.get("namespace") or "/")
        elif message.get("event") == ROOM_CLOSED and self.server is not None:
            rooms = message.get("room") or []
            data = message.get("data")
            if isinstance(data, (list, tuple)):  # the event's arguments, as the queue carries them
                data = data[0] if data else None
            left = data.get("room") if isinstance(data, dict) else None
            leave_local_room(
                self.server, rooms if isinstance(rooms, list) else [rooms], left, message.get("namespace") or "/"
            )
