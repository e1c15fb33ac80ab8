"""The choices of the cards' and the tracker's selects and filters as (id, label) rows: one query of
names per list, not ORM objects with their eager relations.

Each list is kept by the process for one version of the 'directories' signal, which the request
reads with its session row (services.sessions); the triggers of migration b1c2d3e4f510 bump it with
every change to banks, suppliers, people's names, roles and blocks. Without a version (no signed-in
request, or the signal row missing) a list is read once a request."""

from flask import g, has_request_context
from sqlalchemy import select

from extensions import db
from models.directory import Bank, Contractor
from models.user import Role, User

# list name → (directories version, the list as tuples), shared by the process's threads: a value
# is never edited, a stale one is replaced.
_kept = {}


def _keep(name, load):
    version = g.get("directories_version") if has_request_context() else None
    if version is None:
        per_request = g.setdefault("card_choices", {}) if has_request_context() else {}
        if name not in per_request:
            per_request[name] = load()
        return per_request[name]
    entry = _kept.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = load()
    _kept[name] = (version, value)
    return value


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
    return _keep("active people", lambda: _named(_keep("people", _people)))


def people_with_role(role_code):
    """[(id, name)] of the active people of one role, by name."""
    return _keep(f"active {role_code}", lambda: _named(_keep("people", _people), role_code))


def board_people(role_code):
    """[(id, name)] of the people of one role the tracker filters by: blocked ones too (their
    cards are still on the board); by name."""
    return _keep(f"board {role_code}", lambda: _named(_keep("people", _people), role_code, with_blocked=True))


def _directory(model, only_active):
    def load():
        query = select(model.id, model.name).order_by(model.name)
        if only_active:
            query = query.where(model.is_active.is_(True))
        return tuple((row.id, row.name) for row in db.session.execute(query))

    return _keep(f"{model.__tablename__} {'active' if only_active else 'all'}", load)


def active_banks():
    return _directory(Bank, only_active=True)


def active_suppliers():
    return _directory(Contractor, only_active=True)


def all_banks():
    """Every bank, inactive ones too: the filters find the cards of a bank no longer offered."""
    return _directory(Bank, only_active=False)


def all_suppliers():
    return _directory(Contractor, only_active=False)
