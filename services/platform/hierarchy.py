"""The org tree as materialized paths on memberships: "/3/17/42/" means 42 reports to 17, which
reports to 3. "My subordinates" is one query: each of my paths P bounds an index range
P < path < P[:-1] + "0" ("0" sorts right after "/"), which holds exactly P's subtree. A re-parent
rewrites the subtree's prefix in one UPDATE.
"""

from sqlalchemy import and_, bindparam, func, select, update

from extensions import db
from models.platform.org import Membership


class HierarchyError(ValueError):
    pass


def _subordinates_statement():
    mine = Membership.__table__.alias("mine")
    below = Membership.__table__.alias("below")
    subtree_end = func.substr(mine.c.path, 1, func.length(mine.c.path) - 1) + "0"
    return (
        select(below.c.user_id.label("user_id"))
        .select_from(mine.join(below, and_(below.c.path > mine.c.path, below.c.path < subtree_end)))
        .where(mine.c.user_id == bindparam("leader_id"), below.c.user_id != bindparam("leader_id"))
        .distinct()
    )


_SUBORDINATES = _subordinates_statement()


def subordinate_ids(user_id):
    """SELECT of distinct user ids below any of the user's memberships (himself excluded)."""
    return _SUBORDINATES.params(leader_id=user_id)


def memberships_above(paths):
    """The ids of the memberships above these paths' own (every part of a path but its last)."""
    return {int(part) for path in paths for part in path.strip("/").split("/")[:-1] if part}


def leader_ids(user_ids):
    """The ids of everyone above these people in the org tree (read from their paths)."""
    people = sorted({user_id for user_id in user_ids if user_id is not None})
    if not people:
        return set()
    above = memberships_above(db.session.scalars(select(Membership.path).where(Membership.user_id.in_(people))))
    if not above:
        return set()
    return set(db.session.scalars(select(Membership.user_id).where(Membership.id.in_(sorted(above)))))


def office_member_ids(office_ids):
    return select(Membership.user_id.label("user_id")).where(Membership.office_id.in_(office_ids)).distinct()


def subordinates_of(user_id):
    from models.platform.user import User

    return db.session.scalars(
        select(User).where(User.id.in_(subordinate_ids(user_id).scalar_subquery()), User.deleted_at.is_(None))
    ).all()


def check_parent(membership, parent):
    if parent is None:
        return
    if membership.id is not None and (parent.id == membership.id or f"/{membership.id}/" in (parent.path or "")):
        raise HierarchyError("A membership cannot report to itself or to someone below it.")
    # The relationship first: a membership built by a form has `user` set but no `user_id` until a flush.
    person_id = membership.user.id if membership.user is not None else membership.user_id
    if parent.user_id == person_id:
        raise HierarchyError("A person cannot report to himself.")


def place(membership, parent):
    """Set the parent of a membership and keep the paths of it and its subtree right."""
    check_parent(membership, parent)
    membership.parent = parent
    membership.parent_id = parent.id if parent else None
    db.session.flush()
    old_path = membership.path
    new_path = f"{parent.path if parent else '/'}{membership.id}/"
    if old_path == new_path:
        return
    membership.path = new_path
    if old_path and old_path != "/":
        # Rewrite the prefix of every descendant in one statement.
        db.session.execute(
            update(Membership)
            .where(Membership.path.like(old_path + "%"), Membership.id != membership.id)
            .values(path=new_path + func.substr(Membership.path, len(old_path) + 1))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
