"""Housekeeping jobs. Each one is idempotent: running it twice leaves the same state."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update

from extensions import db
from models.base import utcnow
from models.user import LoginAttempt, UserSession

KEEP_LOGIN_ATTEMPTS = timedelta(days=30)
KEEP_ENDED_SESSIONS = timedelta(days=30)


def end_idle_sessions():
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    now = utcnow()
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None), UserSession.last_seen_at < now - idle)
        .values(ended_at=now)
    )
    db.session.execute(delete(UserSession).where(UserSession.ended_at < now - KEEP_ENDED_SESSIONS))
    db.session.commit()
    return result.rowcount


def purge_old_login_attempts():
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - KEEP_LOGIN_ATTEMPTS))
    db.session.commit()
    return result.rowcount
