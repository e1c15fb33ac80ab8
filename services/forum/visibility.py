"""Who sees which branch and topic — the one rule every entry point of the forum reads through
(pages, photos, socket rooms, search, mentions).

A branch is seen when its own rule lets the person in and its parent is seen too: `all` — everyone
with the forum; `audience` — the people holding a position in one of its offices or departments or
at one of its positions; `private` — its invited members. Whoever created a branch sees it (under
the same condition on the parent). A topic is seen by whoever sees its branch, unless it is
restricted: then only by its invited participants (the author is one)."""

from flask import g, has_request_context
from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from extensions import db
from models.forum import ForumBranch, ForumBranchAudience, ForumBranchMember, ForumParticipant, ForumTopic
from models.platform.org import Membership
from models.platform.user import User
from services.platform import access


def _places(user):
    """{kind: ids} of where the person works; his memberships are loaded with him (selectin)."""
    memberships = list(user.memberships or ())
    return {
        "office": {row.office_id for row in memberships},
        "department": {row.department_id for row in memberships if row.department_id is not None},
        "position": {row.position_id for row in memberships},
    }


def _computed_branch_ids(user):
    if not access.can(user, "forum.view"):
        return frozenset()
    places = _places(user)
    matches = [and_(ForumBranchAudience.kind == kind, ForumBranchAudience.target_id.in_(sorted(ids)))
               for kind, ids in places.items() if ids]  # fmt: skip
    in_audience = exists().where(ForumBranchAudience.branch_id == ForumBranch.id, or_(*matches)) if matches else false()
    member = exists().where(ForumBranchMember.branch_id == ForumBranch.id, ForumBranchMember.user_id == user.id)
    # One statement: every branch with whether its own rule lets the person in.
    branches = db.session.execute(
        select(ForumBranch.id, ForumBranch.parent_id, ForumBranch.visibility, ForumBranch.created_by_id,
               in_audience.label("in_audience"), member.label("member"))
    ).all()  # fmt: skip
    own = {}
    parents = {}
    for row in branches:
        parents[row.id] = row.parent_id
        own[row.id] = (
            row.visibility == "all"
            or row.created_by_id == user.id
            or row.member
            or (row.visibility == "audience" and row.in_audience)
        )
    seen = {}

    def visible(branch_id, depth=0):
        if branch_id not in seen:
            parent = parents.get(branch_id)
            seen[branch_id] = own.get(branch_id, False) and (
                parent is None or (depth < 100 and visible(parent, depth + 1))
            )
        return seen[branch_id]

    return frozenset(branch_id for branch_id in own if visible(branch_id))


def branch_ids(user):
    """The ids of the branches `user` sees (kept for the request)."""
    if not has_request_context():
        return _computed_branch_ids(user)
    kept = g.setdefault("forum_branch_ids", {})
    if user.id not in kept:
        kept[user.id] = _computed_branch_ids(user)
    return kept[user.id]


def forget():
    """After a change of branches within a request, the next question reads them again."""
    if has_request_context():
        g.pop("forum_branch_ids", None)


def topic_clause(user, topic=ForumTopic):
    """The WHERE clause on topics limiting them to those `user` sees."""
    ids = sorted(branch_ids(user))
    if not ids:
        return false()
    participant = aliased(ForumParticipant)
    invited = (
        exists()
        .where(participant.topic_id == topic.id, participant.user_id == user.id, participant.invited.is_(True))
        .correlate(topic)
    )
    return and_(topic.branch_id.in_(ids), or_(topic.restricted.is_(False), invited))


def visible_branch(user, branch_id):
    if branch_id is None or branch_id not in branch_ids(user):
        return None
    return db.session.get(ForumBranch, branch_id)


def visible_topic(user, topic_id):
    """The topic with this id if `user` sees it, else None (a page answers 404)."""
    if topic_id is None:
        return None
    return db.session.scalar(select(ForumTopic).where(ForumTopic.id == topic_id, topic_clause(user)))


def sees_topic(user, topic):
    if topic.branch_id not in branch_ids(user):
        return False
    if not topic.restricted:
        return True
    return is_invited(user.id, topic.id)


def is_invited(user_id, topic_id):
    return bool(db.session.scalar(select(true()).where(
        ForumParticipant.topic_id == topic_id, ForumParticipant.user_id == user_id,
        ForumParticipant.invited.is_(True))))  # fmt: skip


def may_manage(user, branch):
    """Whether `user` may edit this branch, add sub-branches and pin or close its topics: he sees it,
    and created it or holds `forum.branches`."""
    if branch is None or branch.id not in branch_ids(user):
        return False
    return branch.created_by_id == user.id or access.can(user, "forum.branches")


def branch_audience_size(branch_id):
    """How many active people the branch is meant for: the audience of its nearest branch (itself or
    above) that is not open to all — its members (private) or the people at its offices, departments
    and positions (audience) — or every active person when none is. An upper bound of who sees it:
    the rules of the branches further up are not intersected."""
    branch = db.session.get(ForumBranch, branch_id)
    for _ in range(100):
        if branch is None or branch.visibility != "all":
            break
        branch = db.session.get(ForumBranch, branch.parent_id) if branch.parent_id else None
    active = and_(User.is_blocked.is_(False), User.deleted_at.is_(None))
    if branch is None or branch.visibility == "all":
        return db.session.scalar(select(func.count()).select_from(User).where(active)) or 0
    if branch.visibility == "private":
        people = select(ForumBranchMember.user_id).where(ForumBranchMember.branch_id == branch.id)
    else:
        rows = select(ForumBranchAudience.kind, ForumBranchAudience.target_id).where(
            ForumBranchAudience.branch_id == branch.id
        )
        chosen = db.session.execute(rows).all()
        columns = {"office": Membership.office_id, "department": Membership.department_id,
                   "position": Membership.position_id}  # fmt: skip
        matches = [columns[kind] == target for kind, target in chosen if kind in columns]
        if not matches:
            return 0
        people = select(Membership.user_id).where(or_(*matches))
    return db.session.scalar(select(func.count(func.distinct(User.id))).where(User.id.in_(people), active)) or 0
