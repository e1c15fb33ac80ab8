"""The Redis message queue between the web processes, which also closes ended sessions' sockets.

A session may end on any process (or in a worker), and its sockets may be open on any web: the
`session_ended` event that goes to its room through the queue makes every web that receives it
close its own sockets in that room, so no socket outlives its session on another process."""

import socketio as python_socketio

from realtime.publisher import SESSION_ENDED, close_local_sockets


class SessionClosingRedisManager(python_socketio.RedisManager):
    def _handle_emit(self, message):
        super()._handle_emit(message)
        if message.get("event") == SESSION_ENDED and self.server is not None:
            close_local_sockets(self.server, message.get("room") or [], message.get("namespace") or "/")
