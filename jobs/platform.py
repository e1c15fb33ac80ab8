"""Housekeeping jobs. Each one is idempotent: running it twice leaves the same state."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from extensions import db
from models.base import utcnow
from models.platform.user import LoginAttempt, UserSession
from services.platform import sessions

KEEP_LOGIN_ATTEMPTS = timedelta(days=30)
KEEP_ENDED_SESSIONS = timedelta(days=30)


def end_idle_sessions():
    """End the sessions idle past the timeout; their sockets close after the commit."""
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    now = utcnow()
    ended = sessions.end_where(UserSession.last_seen_at < now - idle)
    db.session.execute(delete(UserSession).where(UserSession.ended_at < now - KEEP_ENDED_SESSIONS))
    db.session.commit()
    return len(ended)


def purge_old_login_attempts():
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - KEEP_LOGIN_ATTEMPTS))
    db.session.commit()
    return result.rowcount


PERIODIC = (
    {
        "id": "end-idle-sessions",
        "func": "jobs.platform.end_idle_sessions",
        "label": _l("Sign out idle sessions"),
        "interval_seconds": 300,
    },
    {
        "id": "purge-old-login-attempts",
        "func": "jobs.platform.purge_old_login_attempts",
        "label": _l("Forget old sign-in attempts"),
        "interval_seconds": 86400,
    },
)


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
