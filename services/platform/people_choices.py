"""The people that selects and filters offer, as (id, name) rows: one query of names, not ORM objects
with their eager relations, kept by the process per version of the 'directories' signal
(services.platform.cache)."""

from sqlalchemy import select

from extensions import db
from models.platform.user import Role, User
from services.platform.cache import per_version


def _people():
    rows = db.session.execute(
        select(User.id, User.full_name, User.username, Role.code, User.is_blocked)
        .outerjoin(Role, User.role_id == Role.id)
        .where(User.deleted_at.is_(None))
        .order_by(User.full_name, User.username)
    ).all()
    return tuple((row.id, row.full_name or row.username, row.code, row.is_blocked) for row in rows)


def _named(people, role_code=None, with_blocked=False):
    return tuple(
        (person_id, label)
        for person_id, label, role, blocked in people
        if (role_code is None or role == role_code) and (with_blocked or not blocked)
    )


def active_people():
    """[(id, name)] of everyone who may be chosen: not deleted, not blocked; by name."""
    return per_version("active people", lambda: _named(per_version("people", _people)))


def all_people():
    """[(id, name)] of everyone not deleted, blocked people too (filters of past records); by name."""
    return per_version("all people", lambda: _named(per_version("people", _people), with_blocked=True))


def people_with_role(role_code):
    """[(id, name)] of the active people of one role, by name."""
    return per_version(f"active {role_code}", lambda: _named(per_version("people", _people), role_code))


def board_people(role_code):
    """[(id, name)] of the people of one role the tracker filters by: blocked ones too (their
    cards are still on the board); by name."""
    return per_version(
        f"board {role_code}", lambda: _named(per_version("people", _people), role_code, with_blocked=True)
    )


def seen_by(user):
    """[(id, name)] of the active people whose records `user` sees (everyone, for who sees all)."""
    from services.platform import access

    people = active_people()
    if access.scope_kind(user) == "all":
        return people
    visible = access.visible_set(user)
    return [(person_id, name) for person_id, name in people if person_id in visible]


def names_of(user_ids):
    """{id: name} of these people (blocked and deleted ones too: records keep their authors)."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(sorted(user_ids))))
    return {row.id: row.full_name or row.username for row in rows}
