"""Sign-in: throttling per account and per address, one message for every failure."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.platform.user import LoginAttempt, User
from services.platform.passwords import burn_time, verify_password


@dataclass
class SignIn:
    user: User | None = None
    throttled: bool = False

    @property
    def ok(self):
        return self.user is not None


def _recent_failures(column, value):
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.at >= since, ~LoginAttempt.success)
    )


def is_throttled(username, ip):
    config = current_app.config
    return (
        _recent_failures(LoginAttempt.username, username) >= config["LOGIN_MAX_FAILS_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.ip, ip) >= config["LOGIN_MAX_FAILS_PER_ADDRESS"]
    )


def authenticate(username, password, ip):
    username = (username or "").strip().lower()[:60]
    ip = (ip or "unknown")[:64]
    if is_throttled(username, ip):
        burn_time(password)
        return SignIn(throttled=True)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    db.session.add(LoginAttempt(username=username, ip=ip, success=ok))
    if ok:
        user.last_login_at = utcnow()
    db.session.flush()
    return SignIn(user=user if ok else None)


def reauthenticate(user, password, ip):
    """A signed-in person proves himself again (a password change, turning 2FA off) under the
    sign-in's throttle: refused while it holds, so his password cannot be guessed here either. The
    caller records a failure with record_failure once its own change is undone."""
    if is_throttled(user.username.lower(), (ip or "unknown")[:64]):
        burn_time(password)
        return SignIn(throttled=True)
    return SignIn(user=user if verify_password(user.password_hash, password) else None)


def record_failure(user, ip):
    db.session.add(LoginAttempt(username=user.username.lower(), ip=(ip or "unknown")[:64], success=False))
