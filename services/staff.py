"""Staff lifecycle: create, block, unblock, soft delete. Ending access ends sessions and sockets."""

from extensions import db
from models.base import utcnow
from services import sessions
from services.passwords import hash_password


def create(username, password, full_name="", role=None, **fields):
    from models.user import User

    user = User(
        username=username.strip().lower(),
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
        **fields,
    )
    db.session.add(user)
    return user


def set_password(user, password):
    user.password_hash = hash_password(password)


def block(user):
    user.is_blocked = True
    _end_access(user)


def unblock(user):
    user.is_blocked = False


def soft_delete(user):
    user.deleted_at = utcnow()
    user.is_blocked = True
    _end_access(user)


def _end_access(user):
    sessions.end_all(user.id)
    from realtime.notify import end_user_sockets

    end_user_sockets(user.id, after_commit=True)
