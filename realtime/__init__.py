"""Socket.IO: authenticate on connect, authorise every room join, send tiny events only."""

from realtime import handlers  # noqa: F401  (registers the handlers)


def init_app(app):
    from extensions import socketio

    options = {"async_mode": "threading", "cors_allowed_origins": app.config.get("SOCKETIO_ALLOWED_ORIGINS") or []}
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        options["message_queue"] = app.config["REDIS_URL"]
    socketio.init_app(app, **options)
    from realtime.notify import board_changed
    from services import pipeline

    pipeline.on_move(board_changed)
