"""What the clients' filters and forms offer a person: the people, offices and departments within
his scope, as (id, name) rows."""

from sqlalchemy import select

from extensions import db
from models.platform.org import Department, Membership, Office
from services.platform import access


def _office_ids(user):
    """The offices of `user`'s memberships; None for who sees every client (every office)."""
    if access.scope_kind(user) == "all":
        return None
    return select(Membership.office_id).where(Membership.user_id == user.id)


def offices_seen(user):
    query = select(Office.id, Office.name).where(Office.is_active.is_(True)).order_by(Office.name)
    office_ids = _office_ids(user)
    if office_ids is not None:
        query = query.where(Office.id.in_(office_ids))
    return [tuple(row) for row in db.session.execute(query)]


def departments_seen(user):
    query = (
        select(Department.id, Department.name, Office.name)
        .join(Office, Office.id == Department.office_id)
        .where(Office.is_active.is_(True))
        .order_by(Office.name, Department.name)
    )
    office_ids = _office_ids(user)
    if office_ids is not None:
        query = query.where(Department.office_id.in_(office_ids))
    return [(department_id, f"{name} ({office})") for department_id, name, office in db.session.execute(query)]
