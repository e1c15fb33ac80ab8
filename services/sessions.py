"""Server-side sessions: the cookie carries a random token; the row decides if it still works."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select, update
from sqlalchemy.orm import lazyload, selectinload

from extensions import db
from models.base import utcnow
from models.org import Membership
from models.user import User, UserSession

TOUCH_EVERY = timedelta(seconds=60)
# Every request loads its user: the role and the positions' access profiles are what the policy
# reads; the memberships' office, department and parent load only where a page shows them.
USER_LOADS = (
    selectinload(User.memberships).options(
        lazyload(Membership.office), lazyload(Membership.department), lazyload(Membership.parent)
    ),
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
    record = find(token)
    if record is None or record.ended_at is not None or not record.verified:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    if now - record.last_seen_at > idle:
        record.ended_at = now
        db.session.commit()
        return None
    user = db.session.get(User, record.user_id, options=USER_LOADS)
    if user is None or not user.is_active:
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        # One write a minute per session is enough for the idle timeout.
        db.session.execute(update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now))
        db.session.commit()
    user.session_token = token
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
