"""The access policy: one vocabulary of permissions, granted to roles; deny by default.

`can(user, perm, obj)` answers yes/no; `scope(user, query, model)` narrows a query to the records
the user may see: own, subordinates (down the org tree), office, or all.
"""

import secrets
from typing import NamedTuple

from flask import g, has_request_context
from sqlalchemy import and_, literal, or_, select, union

from extensions import db
from models.platform.org import Membership, Position
from models.platform.user import CacheSignal, RolePermission
from services.platform import cache, hierarchy

# permission → its description: each domain registers its own (services/<domain>/__init__.py).
PERMISSIONS = {}


def register_permissions(permissions):
    """Add a domain's permissions to the vocabulary; a name means one thing only."""
    for name, description in permissions.items():
        if PERMISSIONS.get(name, description) is not description:
            raise ValueError(f"permission {name!r} registered twice with different meanings")
        PERMISSIONS[name] = description


def _per_request():
    """What the policy reads once a request (the request's g), or nothing kept outside a request."""
    if has_request_context():
        if not hasattr(g, "_access_cache"):
            g._access_cache = {}
        return g._access_cache
    return {}


def _usable(user):
    return bool(user) and getattr(user, "is_authenticated", False) and user.is_active


class AccessSnapshot(NamedTuple):
    """What the policy reads of a person, as of one version of the 'access' signal."""

    permissions: frozenset
    office_ids: tuple  # offices where one of his positions grants scope.office
    require_2fa: bool
    member_office_ids: frozenset = frozenset()  # the offices of all his positions


# Kept by the process per user and 'access' version (services.platform.cache): the triggers of
# migration b1c2d3e4f507 bump the version with every change of roles, grants, memberships or positions.
SNAPSHOTS_KEPT = 10_000


def compute_snapshot(user):
    roles = [user.role] if user.role else []
    office_ids = []
    for membership in user.memberships:
        if membership.position and membership.position.role:
            roles.append(membership.position.role)
            if "scope.office" in membership.position.role.permissions:
                office_ids.append(membership.office_id)
    return AccessSnapshot(
        permissions=frozenset().union(*(role.permissions for role in roles)),
        office_ids=tuple(office_ids),
        require_2fa=any(role.require_2fa for role in roles),
        member_office_ids=frozenset(membership.office_id for membership in user.memberships),
    )


def attach_snapshot(user, version):
    """Give the request's user his access as of `version`: kept by this process, or read once (version
    None: the signal row is missing, nothing may be kept)."""
    snapshot = cache.per_user_version(
        "access snapshots", user.id, version, lambda: compute_snapshot(user), limit=SNAPSHOTS_KEPT
    )
    user.access_snapshot = snapshot
    user.access_version = version
    return snapshot


def ensure_signal():
    """The 'access' and 'directories' signal rows, with a random start (see migrations b1c2d3e4f507
    and b1c2d3e4f510), if they are missing."""
    for name in ("access", "directories"):
        if db.session.get(CacheSignal, name) is None:
            db.session.add(CacheSignal(name=name, version=secrets.randbits(48)))


def snapshot_of(user):
    """The user's access snapshot: the one his request was signed in with, else read now."""
    snapshot = getattr(user, "access_snapshot", None)
    if snapshot is None:
        per_request = _per_request()
        key = ("snapshot", user.id)
        if key not in per_request:
            per_request[key] = compute_snapshot(user)
        snapshot = per_request[key]
    return snapshot


def permissions_of(user):
    """The union of the user's own role and the access profiles of his positions."""
    if not _usable(user):
        return frozenset()
    return snapshot_of(user).permissions


def can(user, perm, obj=None):
    if perm not in PERMISSIONS:
        raise ValueError(f"unknown permission {perm!r}")
    if perm not in permissions_of(user):
        return False
    if obj is None:
        return True
    return in_scope(user, obj)


def scope_kind(user):
    """ "none" (signed out, blocked or deleted), "all", or "narrow": his people's records only."""
    if not _usable(user):
        return "none"
    return "all" if scope_level(user) == "all" else "narrow"


def has_narrow_scope(user):
    """A signed-in, active person who does not see every record (scope below "all")."""
    return scope_kind(user) == "narrow"


def scope_level(user):
    perms = permissions_of(user)
    if "scope.all" in perms:
        return "all"
    if "scope.office" in perms:
        return "office"
    return "subordinates"


def visible_user_ids(user):
    """A SELECT of the ids of the people whose records the user may see (himself included)."""
    parts = [select(literal(user.id).label("user_id")), hierarchy.subordinate_ids(user.id)]
    office_ids = list(snapshot_of(user).office_ids)
    if office_ids:
        parts.append(hierarchy.office_member_ids(office_ids))
    return union(*parts)


def scope_rule(model):
    """How `model` declares its scope: "clause" (its own `scope_clause` and `seen_among`), "owner"
    (its `__scope_owner__` column among the visible people) or "all" (`__scope__ = "all"`: every row,
    for whoever holds the permission that shows it). A ValueError naming a model that declares none."""
    if hasattr(model, "scope_clause") and hasattr(model, "seen_among"):
        return "clause"
    if getattr(model, "__scope_owner__", None):
        return "owner"
    if getattr(model, "__scope__", None) == "all":
        return "all"
    raise ValueError(
        f"{model.__name__} declares no scope: give it scope_clause and seen_among, __scope_owner__, or __scope__ = 'all'"
    )


def scope_clause(user, model):
    """The WHERE clause limiting `model` to the user's scope, or None for everything."""
    rule = scope_rule(model)

    def of_visible(visible):
        if rule == "clause":
            return model.scope_clause(visible)
        return getattr(model, model.__scope_owner__).in_(visible)

    if rule == "all":
        return None if _usable(user) else literal(False)
    clause = scope_clause_of(user, of_visible)
    office = office_clause(user, model)
    return clause if office is None or clause is None else and_(clause, office)


def office_clause(user, model):
    """For a model kept per office (`__scope_office__` names its column): a narrow scope sees its
    people's records only in the offices where he himself holds a position — a leader sees his
    subordinates' clients in the offices where he leads them, not those of their other jobs. None
    for any other model, and for who sees everything."""
    column = getattr(model, "__scope_office__", None)
    if column is None or not _usable(user) or scope_level(user) == "all":
        return None
    column = getattr(model, column)
    return or_(column.is_(None), column.in_(sorted(snapshot_of(user).member_office_ids)))


def _in_its_office(user, obj):
    column = getattr(type(obj), "__scope_office__", None)
    office_id = getattr(obj, column) if column else None
    return office_id is None or office_id in snapshot_of(user).member_office_ids


def scope_clause_of(user, of_visible):
    """`of_visible(ids)`, a clause of the SELECT of the ids of the people the user may see, when his
    scope is narrow; None for everything, false for nobody (signed out, blocked)."""
    if not _usable(user):
        return literal(False)
    if scope_level(user) == "all":
        return None
    return of_visible(visible_user_ids(user).scalar_subquery())


def scope(user, query, model):
    """Narrow `query` over `model` to what `user` may see. Deny by default."""
    clause = scope_clause(user, model)
    return query if clause is None else query.filter(clause)


def in_scope(user, obj):
    """Whether the user may see this loaded record: a model with its own `scope_clause` answers the
    same question of the loaded record in `seen_among`; any other by its `__scope_owner__`."""
    if not _usable(user):
        return False
    if scope_level(user) == "all":
        return True
    if not _in_its_office(user, obj):
        return False
    if hasattr(obj, "seen_among"):
        return obj.seen_among(_visible_set(user))
    model = type(obj)
    owner_id = getattr(obj, getattr(model, "__scope_owner__", "") or "", None)
    if owner_id is None:
        return False
    return owner_id == user.id or owner_id in _visible_set(user)


def visible_set(user):
    """The ids of visible_user_ids(user) as a frozenset: once per request, and kept by the process
    for the access version the request signed in with."""
    return _visible_set(user)


def _visible_set(user):
    per_request = _per_request()
    key = ("visible", user.id)
    if key not in per_request:
        per_request[key] = _kept_visible(user)
    return per_request[key]


def _kept_visible(user):
    """Like the snapshots, kept for the access version the request signed in with: the ids come from
    memberships only, whose every change bumps the version."""

    def load():
        return frozenset(db.session.scalars(select(visible_user_ids(user).subquery().c.user_id)))

    version = getattr(user, "access_version", None)
    return cache.per_user_version("visible people", user.id, version, load, limit=SNAPSHOTS_KEPT)


def sees_person(user, person_id):
    """Whether `user` sees this person's own records (his points, events, documents): himself, the
    people of his scope, or anyone for who sees everything."""
    if not _usable(user):
        return False
    return person_id == user.id or scope_level(user) == "all" or person_id in _visible_set(user)


def can_manage_person(user, target):
    """Leaders act on subordinates only; nobody acts on himself or on an owner this way."""
    if target is None or not _usable(user) or target.id == user.id:
        return False
    if target.role and target.role.code == "owner":
        return False
    if can(user, "staff.manage"):
        return True
    return can(user, "team.manage", target) and target.id in subordinate_set(user)


def subordinate_set(user):
    per_request = _per_request()
    key = ("subordinates", user.id)
    if key not in per_request:
        per_request[key] = frozenset(db.session.scalars(hierarchy.subordinate_ids(user.id)))
    return per_request[key]


def team_clause(user):
    """The WHERE clause on users for the user's team: his subordinates in the org tree, whatever his
    scope (seeing everyone's cards is not seeing everyone's staff record), and never an owner."""
    from models.platform.user import Role, User

    owners = select(Role.id).where(Role.code == "owner")
    return User.id.in_(hierarchy.subordinate_ids(user.id).scalar_subquery()) & (
        User.role_id.is_(None) | User.role_id.not_in(owners)
    )


def watchers_of(people_ids):
    """The ids of everyone whose narrow scope shows a record of these people: the people themselves,
    everyone above them in the org tree, and those who see everyone in one of their offices — the
    inverse of visible_user_ids. (Who sees everything sees it anyway.)"""
    people = {person for person in people_ids if person is not None}
    if not people:
        return frozenset()
    rows = db.session.execute(select(Membership.path, Membership.office_id).where(Membership.user_id.in_(people))).all()
    above = hierarchy.memberships_above(path for path, _ in rows)
    offices = {office_id for _, office_id in rows}
    parts = []
    if above:
        parts.append(select(Membership.user_id).where(Membership.id.in_(above)))
    if offices:
        office_viewers = (
            select(Membership.user_id)
            .join(Position, Position.id == Membership.position_id)
            .join(RolePermission, RolePermission.role_id == Position.role_id)
            .where(Membership.office_id.in_(offices), RolePermission.permission == "scope.office")
        )
        parts.append(office_viewers)
    if not parts:
        return frozenset(people)
    statement = union(*parts) if len(parts) > 1 else parts[0]
    return frozenset(people | set(db.session.scalars(statement)))
