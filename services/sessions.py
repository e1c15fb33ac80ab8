"""Server-side sessions: the cookie carries a random token; the row decides if it still works."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import defaultload, lazyload

from extensions import db
from models.base import utcnow
from models.user import CacheSignal, Role, User, UserSession
from services import access

TOUCH_EVERY = timedelta(seconds=60)
# Every request loads its user and his role in one query with the session row and the access
# version; what the policy reads of his grants, memberships and positions comes from the process's
# snapshot for that version (services.access), so they load only where a page shows them.
USER_LOADS = (lazyload(User.memberships), defaultload(User.role).lazyload(Role.grants))
ACCESS_VERSION = select(CacheSignal.version).where(CacheSignal.name == "access").scalar_subquery()
# The version of the reference data the process keeps (services.kept), read with the same row.
DIRECTORIES_VERSION = select(CacheSignal.version).where(CacheSignal.name == "directories").scalar_subquery()
# Built once: building it and hashing it for SQLAlchemy's compiled cache cost more CPU than its run.
SESSION_USER = (
    select(User, UserSession.id, UserSession.ended_at, UserSession.verified, UserSession.last_seen_at)
    .add_columns(ACCESS_VERSION.label("access_version"), DIRECTORIES_VERSION.label("directories_version"))
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .options(*USER_LOADS)
)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start(user, verified=True):
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            ip=request.remote_addr if request else None,
            user_agent=(request.user_agent.string or "")[:255] if request else None,
            verified=verified,
        )
    )
    db.session.flush()
    return token


def find(token):
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))


def load_user(token):
    """The user behind a live, verified, not idle session; None ends it for Flask-Login."""
    if not token:
        return None
    row = db.session.execute(SESSION_USER, {"token_hash": _digest(token)}).first()
    if row is None or row.ended_at is not None or not row.verified:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    if now - row.last_seen_at > idle:
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(ended_at=now))
        db.session.commit()
        return None
    user = row.User
    if not user.is_active:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        # One write a minute per session is enough for the idle timeout.
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    user.session_token = token
    access.attach_snapshot(user, row.access_version)
    g.directories_version = row.directories_version
    return user


def mark_verified(token):
    record = find(token)
    if record is not None:
        record.verified = True


def end(token):
    record = find(token)
    if record is not None and record.ended_at is None:
        record.ended_at = utcnow()
    return record


def end_all(user_id, keep_token=None):
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep_token:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    db.session.execute(query.values(ended_at=utcnow()))
