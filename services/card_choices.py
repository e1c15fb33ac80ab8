"""The choices of a card's selects as (id, label) rows: one query of names per list, not ORM objects
with their eager relations, made once a request however many selects show the list."""

from flask import g
from sqlalchemy import select

from extensions import db
from models.directory import Bank, Contractor
from models.user import Role, User


def _per_request(name, load):
    kept = g.setdefault("card_choices", {})
    if name not in kept:
        kept[name] = load()
    return kept[name]


def _people():
    rows = db.session.execute(
        select(User.id, User.full_name, User.username, Role.code)
        .outerjoin(Role, User.role_id == Role.id)
        .where(User.deleted_at.is_(None), User.is_blocked.is_(False))
        .order_by(User.full_name, User.username)
    ).all()
    return [(row.id, row.full_name or row.username, row.code) for row in rows]


def active_people():
    """[(id, name)] of everyone who may be chosen: not deleted, not blocked; by name."""
    return [(person_id, label) for person_id, label, _role in _per_request("people", _people)]


def people_with_role(role_code):
    """[(id, name)] of the active people of one role, by name."""
    return [(person_id, label) for person_id, label, role in _per_request("people", _people) if role == role_code]


def _directory(model):
    def load():
        rows = db.session.execute(select(model.id, model.name).where(model.is_active.is_(True)).order_by(model.name))
        return [(row.id, row.name) for row in rows]

    return _per_request(model.__tablename__, load)


def active_banks():
    return _directory(Bank)


def active_suppliers():
    return _directory(Contractor)
