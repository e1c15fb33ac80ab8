"""Server-side sessions: the cookie carries a random token; the row decides if it still works."""

import hashlib
import secrets
from datetime import timedelta

from blinker import Namespace
from flask import current_app, g, request
from sqlalchemy import bindparam, event, inspect, or_, select, update
from sqlalchemy.orm import Session as SqlSession
from sqlalchemy.orm import defaultload, lazyload

from extensions import db
from models.base import utcnow
from models.platform.org import Membership, Position
from models.platform.user import CacheSignal, Role, User, UserSession
from services.platform import access, anonymous

TOUCH_EVERY = timedelta(seconds=60)
# Every request loads its user and his role in one query with the session row and the access
# version; what the policy reads of his grants, memberships and positions comes from the process's
# snapshot for that version (services.platform.access), so they load only where a page shows them.
USER_LOADS = (lazyload(User.memberships), defaultload(User.role).lazyload(Role.grants))
ACCESS_VERSION = select(CacheSignal.version).where(CacheSignal.name == "access").scalar_subquery()
# The version of the reference data the process keeps (services.platform.cache), read with the same row.
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
    """(the user behind a live, verified, not idle session or None, whether the session row was
    written: touched, or ended for idleness). None ends it for Flask-Login."""
    if not token:
        return None, False
    row = db.session.execute(SESSION_USER, {"token_hash": _digest(token)}).first()
    if row is None or row.ended_at is not None or not row.verified:
        return None, False
    now = utcnow()
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    if now - row.last_seen_at > idle:
        end_where(UserSession.id == row.id)
        return None, True
    user = row.User
    if not user.is_active:
        return None, False
    # A request that must not be tied to its person leaves his session row as it was.
    touched = now - row.last_seen_at > TOUCH_EVERY and not anonymous.is_anonymous()
    if touched:
        # One write a minute per session is enough for the idle timeout.
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    user.session_token = token
    access.attach_snapshot(user, row.access_version)
    g.directories_version = row.directories_version
    return user, touched


def mark_verified(token):
    record = find(token)
    if record is not None:
        record.verified = True


def end(token):
    """End the session of this token (sign-out); its sockets close after the commit."""
    if not token:
        return None
    ended = end_where(UserSession.token_hash == _digest(token))
    return ended[0] if ended else None


def end_all(user_id, keep_token=None):
    """End every session of the user but the one of `keep_token`; their sockets close after the commit."""
    conditions = [UserSession.user_id == user_id]
    if keep_token:
        conditions.append(UserSession.token_hash != _digest(keep_token))
    return end_where(*conditions)


def end_where(*conditions):
    """The one way a session ends (sign-out, idle, lost access): the live sessions matching
    `conditions` are ended and their ids returned; after the transaction commits, every socket
    opened with them is closed. A rolled-back change closes nothing."""
    ids = list(
        db.session.scalars(
            update(UserSession)
            .where(UserSession.ended_at.is_(None), *conditions)
            .values(ended_at=utcnow())
            .returning(UserSession.id)
            .execution_options(synchronize_session=False)
        )
    )
    if ids:
        ended.send(None, session_ids=sorted(ids))
    return ids


# Sent with the ids of the sessions just ended, inside the transaction that ends them; the sockets
# close once it commits (realtime.notify).
ended = Namespace().signal("sessions-ended")


# What a person's sessions were opened under. A change of any of these ends his sessions and their
# sockets, whatever makes it (staff form, profile, CLI, job): all of them but the session of the
# request making the change, when a person changes his own record. A position changed or taken
# away is a change of role; so is a new one whose profile requires 2FA.
# A form may set the relationship (role) rather than its key (role_id): both are watched.
ACCESS_FIELDS = ("password_hash", "is_blocked", "deleted_at", "role_id", "role", "totp_enabled", "totp_secret")
MEMBERSHIP_FIELDS = ("user_id", "user", "office_id", "office", "position_id", "position")


def _changed(obj, names):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _people_of_role(role_id):
    """People who hold the role themselves or through one of their positions."""
    through_positions = (
        select(Membership.user_id)
        .join(Position, Position.id == Membership.position_id)
        .where(Position.role_id == role_id)
    )
    return select(User.id).where(or_(User.role_id == role_id, User.id.in_(through_positions)))


@event.listens_for(SqlSession, "before_flush")
def _end_sessions_of_changed_access(session, flush_context, instances):
    people = {}  # user id → the session token to keep (his own request's), or None
    for obj in session.dirty:
        if isinstance(obj, User) and obj.id is not None and _changed(obj, ACCESS_FIELDS):
            people[obj.id] = obj.session_token
        elif isinstance(obj, Role) and obj.id is not None and _changed(obj, ("require_2fa",)):
            people.update((user_id, None) for user_id in session.scalars(_people_of_role(obj.id)))
        elif isinstance(obj, Membership) and _changed(obj, MEMBERSHIP_FIELDS):
            attrs = inspect(obj).attrs
            members = {*attrs.user_id.history.sum(), *(user.id for user in attrs.user.history.sum() if user)}
            people.update((user_id, None) for user_id in members if user_id)
    for obj in session.deleted:
        if isinstance(obj, Membership) and obj.user_id is not None:
            people.setdefault(obj.user_id, None)
    for obj in session.new:
        # A new position only adds to what he may do, unless its profile requires a 2FA he lacks.
        if isinstance(obj, Membership) and _brings_2fa_rule(session, obj):
            people.setdefault(obj.user.id if obj.user is not None else obj.user_id, None)
    if not people:
        return
    own = _own_token()
    for user_id, keep in people.items():
        end_all(user_id, keep_token=keep or own.get(user_id))


def _brings_2fa_rule(session, membership):
    person = membership.user if membership.user is not None else session.get(User, membership.user_id)
    position_id = membership.position.id if membership.position is not None else membership.position_id
    if person is None or person.id is None or person.totp_enabled or position_id is None:
        return False
    requires = select(Role.require_2fa).join(Position, Position.role_id == Role.id).where(Position.id == position_id)
    return bool(session.scalar(requires))


def _own_token():
    """{user id: session token} of the request's signed-in user, whose own change keeps his session."""
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and getattr(current_user, "session_token", None):
        return {current_user.id: current_user.session_token}
    return {}
