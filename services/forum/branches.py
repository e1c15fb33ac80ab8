"""Forum branches: made and edited by their managers (visibility.may_manage), as a tree of any
depth; the tree as a person sees it."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from extensions import db
from models.forum import AUDIENCE_KINDS, BRANCH_VISIBILITIES, ForumBranch, ForumBranchAudience, ForumBranchMember
from models.platform.org import Department, Office, Position
from models.platform.user import User
from services.forum import visibility
from services.platform import access
from services.platform.errors import RefusedChange, parse_id

TITLE_MAX = 160
DESCRIPTION_MAX = 500
AUDIENCE_MODELS = {"department": Department, "office": Office, "position": Position}


class BranchError(RefusedChange):
    pass


def may_create(user, parent=None):
    """At the top: who holds `forum.branches`; under a branch: who manages that branch."""
    if parent is None:
        return access.can(user, "forum.branches")
    return visibility.may_manage(user, parent)


def _ids(values):
    ids = [parse_id(value) for value in values or ()]
    if any(item is None for item in ids):
        raise BranchError(_l("Choose from the list."))
    return sorted(set(ids))


def _checked(user, title, description, visibility_kind, audience, members):
    title = (title or "").strip()
    description = (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = _l("Give the branch a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _l("At most %(n)s characters.", n=TITLE_MAX)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _l("At most %(n)s characters.", n=DESCRIPTION_MAX)
    if visibility_kind not in BRANCH_VISIBILITIES:
        errors["visibility"] = _l("Choose who sees the branch.")
    chosen = {kind: _ids((audience or {}).get(kind)) for kind in AUDIENCE_KINDS}
    for kind, ids in chosen.items():
        if ids and len(db.session.scalars(select(AUDIENCE_MODELS[kind].id).where(
                AUDIENCE_MODELS[kind].id.in_(ids))).all()) != len(ids):  # fmt: skip
            errors["audience"] = _l("Choose from the list.")
    if visibility_kind == "audience" and not any(chosen.values()):
        errors["audience"] = _l("Choose at least one department, position or office.")
    people = _ids(members)
    if people:
        known = set(db.session.scalars(select(User.id).where(User.id.in_(people), User.deleted_at.is_(None))))
        if set(people) - known or not all(access.sees_person(user, person) for person in people):
            errors["members"] = _l("Choose from the list.")
    if errors:
        raise BranchError(next(iter(errors.values())), status=422, errors=errors)
    return title, description, chosen, people


def create(user, parent, title, description="", visibility_kind="all", audience=None, members=()):
    if not may_create(user, parent):
        raise BranchError(_l("You may not add a branch here."), status=403)
    title, description, chosen, people = _checked(user, title, description, visibility_kind, audience, members)
    branch = ForumBranch(parent_id=parent.id if parent else None, title=title, description=description,
                         visibility=visibility_kind, created_by_id=user.id, updated_by_id=user.id)  # fmt: skip
    db.session.add(branch)
    db.session.flush()
    _set_rules(branch, chosen, people)
    visibility.forget()
    return branch


def update(user, branch, title, description="", visibility_kind="all", audience=None, members=()):
    if not visibility.may_manage(user, branch):
        raise BranchError(_l("You may not edit this branch."), status=403)
    title, description, chosen, people = _checked(user, title, description, visibility_kind, audience, members)
    branch.title, branch.description, branch.visibility = title, description, visibility_kind
    branch.updated_by_id = user.id
    db.session.execute(delete(ForumBranchAudience).where(ForumBranchAudience.branch_id == branch.id))
    db.session.execute(delete(ForumBranchMember).where(ForumBranchMember.branch_id == branch.id))
    _set_rules(branch, chosen, people)
    db.session.flush()
    visibility.forget()
    return branch


def _set_rules(branch, chosen, people):
    if branch.visibility == "audience":
        db.session.add_all(ForumBranchAudience(branch_id=branch.id, kind=kind, target_id=target)
                           for kind, ids in chosen.items() for target in ids)  # fmt: skip
    if branch.visibility == "private":
        db.session.add_all(ForumBranchMember(branch_id=branch.id, user_id=person) for person in people)
    db.session.flush()


def rules_of(branch):
    """({kind: [ids]}, [member ids]) of a branch, for its form."""
    chosen = {kind: [] for kind in AUDIENCE_KINDS}
    for kind, target in db.session.execute(select(ForumBranchAudience.kind, ForumBranchAudience.target_id).where(
            ForumBranchAudience.branch_id == branch.id)):  # fmt: skip
        chosen.setdefault(kind, []).append(target)
    members = list(
        db.session.scalars(select(ForumBranchMember.user_id).where(ForumBranchMember.branch_id == branch.id))
    )
    return chosen, members


def tree(user):
    """The branches `user` sees as [(branch, depth)] in tree order (children under their parent,
    by title)."""
    ids = visibility.branch_ids(user)
    if not ids:
        return []
    branches = db.session.scalars(select(ForumBranch).where(ForumBranch.id.in_(sorted(ids)))).all()
    children = {}
    for branch in branches:
        children.setdefault(branch.parent_id, []).append(branch)
    out = []

    def walk(parent_id, depth):
        for branch in sorted(children.get(parent_id, []), key=lambda b: b.title.lower()):
            out.append((branch, depth))
            walk(branch.id, depth + 1)

    walk(None, 0)
    return out


def path_of(branch):
    """The branch and those above it, from the top."""
    out = [branch]
    while out[0].parent_id is not None and len(out) < 100:
        out.insert(0, db.session.get(ForumBranch, out[0].parent_id))
    return out


MEMBERS_OFFERED = 1000


def member_choices(user):
    """The people a branch's form offers as its members: the active ones in the user's scope, by name
    (at most MEMBERS_OFFERED)."""
    query = select(User).where(User.is_blocked.is_(False), User.deleted_at.is_(None))
    if access.scope_level(user) != "all":
        query = access.scope(user, query, User)
    return db.session.scalars(query.order_by(User.full_name).limit(MEMBERS_OFFERED)).all()
