"""Socket.IO: authenticate on connect, authorise every room join, send tiny events only."""

from realtime import handlers  # noqa: F401  (registers the handlers)


def init_app(app):
    from extensions import socketio
    from realtime.notify import board_changed, close_session_sockets
    from realtime.origins import origin_check
    from realtime.queue import SessionClosingRedisManager
    from services import pipeline
    from services.platform import sessions

    options = {"async_mode": "threading", "cors_allowed_origins": origin_check(app.config), "client_manager": None}
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        options["client_manager"] = SessionClosingRedisManager(app.config["REDIS_URL"], channel="flask-socketio")
    socketio.init_app(app, **options)
    pipeline.on_move(board_changed)
    sessions.on_sessions_ended(close_session_sockets)
