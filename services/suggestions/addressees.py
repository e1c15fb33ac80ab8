"""Whom a person may address: each of his leaders up the org tree, or the administrator (a role:
everyone who holds `suggestions.administer`). An addressee is named by a key: "user:<id>" or
"administrator"."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from extensions import db
from models.platform.org import Membership, Position
from models.platform.user import RolePermission, User
from services.platform import hierarchy
from services.platform.errors import parse_id

ADMINISTRATOR = "administrator"
ADMINISTRATOR_LABEL = _l("The administrator")
ADMINISTER = "suggestions.administer"


def administrator_ids():
    """The active people who answer for the administrator: their role or a position's profile grants
    `suggestions.administer`."""
    roles = select(RolePermission.role_id).where(RolePermission.permission == ADMINISTER)
    by_position = (
        select(Membership.user_id)
        .join(Position, Position.id == Membership.position_id)
        .where(Position.role_id.in_(roles))
    )
    return set(
        db.session.scalars(
            select(User.id).where(
                or_(User.role_id.in_(roles), User.id.in_(by_position)),
                User.deleted_at.is_(None),
                User.is_blocked.is_(False),
            )
        )
    )


def leaders_of(user_id):
    """[(id, name)] of the active people above him in the org tree, by name."""
    ids = hierarchy.leader_ids([user_id]) - {user_id}
    if not ids:
        return []
    rows = db.session.execute(
        select(User.id, User.full_name, User.username)
        .where(User.id.in_(sorted(ids)), User.deleted_at.is_(None), User.is_blocked.is_(False))
        .order_by(User.full_name, User.username)
    )
    return [(row.id, row.full_name or row.username) for row in rows]


def choices_for(user_id):
    """[(key, label)] of whom he may address: his leaders, then the administrator if anyone answers
    for him."""
    choices = [(f"user:{person_id}", name) for person_id, name in leaders_of(user_id)]
    if administrator_ids() - {user_id}:
        choices.append((ADMINISTRATOR, ADMINISTRATOR_LABEL))
    return choices


def resolve(user_id, key):
    """(addressee id or None, to the administrator) for a key he may use; None for any other."""
    key = (key or "").strip()
    if key == ADMINISTRATOR:
        return (None, True) if administrator_ids() - {user_id} else None
    if not key.startswith("user:"):
        return None
    person_id = parse_id(key[len("user:") :])
    if person_id is None or person_id not in {person for person, _name in leaders_of(user_id)}:
        return None
    return person_id, False
