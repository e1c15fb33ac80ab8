"""Staff lifecycle: create, block, unblock, soft delete, a new password. Each change of a person's
access ends his sessions and their sockets when it is flushed (services.platform.sessions)."""

from extensions import db
from models.base import utcnow
from services.platform.passwords import hash_password


def create(username, password, full_name="", role=None, **fields):
    from models.platform.user import User

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


def unblock(user):
    user.is_blocked = False


def soft_delete(user):
    user.deleted_at = utcnow()
    user.is_blocked = True
