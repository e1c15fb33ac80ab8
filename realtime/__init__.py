"""Socket.IO: authenticate on connect, authorise every room join, send tiny events only."""

from realtime import handlers  # noqa: F401  (registers the handlers)
from realtime.publisher import evict, publish

__all__ = ["evict", "init_app", "publish"]


def init_app(app):
    from extensions import socketio
    from realtime import notify
    from realtime.origins import origin_check
    from realtime.queue import SessionClosingRedisManager
    from services.forum import signals as forum_signals
    from services.pipeline import signals
    from services.platform import notifications, results, sessions

    options = {"async_mode": "threading", "cors_allowed_origins": origin_check(app.config), "client_manager": None}
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        options["client_manager"] = SessionClosingRedisManager(app.config["REDIS_URL"], channel="flask-socketio")
    socketio.init_app(app, **options)
    signals.started.connect(notify.subject_moved)  # a new card shows on every board that sees it
    signals.moved.connect(notify.subject_moved)
    signals.column_changed.connect(notify.column_changed)
    sessions.ended.connect(notify.sessions_ended)
    results.changed.connect(notify.salary_changed)
    notifications.changed.connect(notify.notifications_changed)
    forum_signals.posted.connect(notify.forum_posted)
    forum_signals.read.connect(notify.forum_read)
