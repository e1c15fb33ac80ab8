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


def mail_notification_digests():
    """Daily: each person's notifications waiting for the e-mail digest, in his language, in one
    message; marked as mailed with it. Again the same day, nothing is sent twice."""
    from email.message import EmailMessage

    from flask_babel import force_locale
    from flask_babel import gettext as _

    from models.platform.user import User
    from services.platform import mail, notifications

    sent = 0
    for user_id, items in notifications.digest_due().items():
        person = db.session.get(User, user_id)
        now = utcnow()
        if person is not None and person.email and person.deleted_at is None and not person.is_blocked:
            with force_locale(person.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
                message = EmailMessage()
                message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
                message["To"] = person.email
                message["Subject"] = _("Kartoteka: %(count)s new notifications", count=len(items))
                message.set_content("\n".join(f"— {notifications.sentence(item)}" for item in items))
            mail.send(message)
            sent += 1
        for item in items:
            item.mailed_at = now
        db.session.commit()
    return sent


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
    {
        "id": "mail-notification-digests",
        "func": "jobs.platform.mail_notification_digests",
        "label": _l("Mail the notification digests"),
        "interval_seconds": 86400,
    },
)


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
