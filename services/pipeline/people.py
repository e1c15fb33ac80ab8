"""Who may act on a subject in a pipeline: who may take its next task, who may move it."""

from sqlalchemy import select

from extensions import db
from models.platform.org import Membership, Position
from models.platform.user import Role, User
from services.pipeline.stages import pipeline_rules
from services.platform import access


def holds_role(person, role_code):
    """Whether the person holds this role: as his own role or as the code of one of his positions."""
    if person.role is not None and person.role.code == role_code:
        return True
    return any(m.position is not None and m.position.code == role_code for m in person.memberships)


def may_take(person, subject, stage, watchers=None):
    """Whether `person` may be chosen in a person field of a move of `subject` to `stage` (the
    "next responsible" takes the task that opens there): active, holding the stage's responsible
    role, and allowed by the policy to act on the subject — he sees it and may move its tasks.
    The one rule of both the modal's options (people_for) and the move's check (validate).
    `watchers`: access.watchers_of the subject's people, when the caller has them already."""
    if person is None or stage is None or not person.is_active:
        return False
    rules = pipeline_rules(stage.pipeline_id)
    if not holds_role(person, stage.responsible_role) or not access.can(person, rules.view_permission):
        return False
    if access.scope_level(person) != "all":
        if watchers is None:
            watchers = access.watchers_of(subject.scope_people_ids())
        if person.id not in watchers:
            return False
    return access.can(person, rules.move_permission) or access.can(person, rules.move_any_permission)


def people_for(subject, stage):
    """The people a person field offers for a move of `subject` to `stage`, by name: everyone
    may_take accepts (the holders of the stage's role in one query, who sees the subject in one)."""
    role = stage.responsible_role
    holders = (
        select(User)
        .where(
            User.deleted_at.is_(None),
            User.is_blocked.is_(False),
            User.role.has(Role.code == role) | User.memberships.any(Membership.position.has(Position.code == role)),
        )
        .order_by(User.full_name, User.username)
    )
    watchers = access.watchers_of(subject.scope_people_ids())
    return [person for person in db.session.scalars(holders) if may_take(person, subject, stage, watchers)]


def may_send_back(user, subject):
    """A move back (a correction) is for whoever may move any of the pipeline's subjects."""
    return access.can(user, pipeline_rules(subject.pipeline_id).move_any_permission)


def may_move(user, subject, task):
    """The task's person, a leader above him, or whoever may move any of the pipeline's subjects."""
    rules = pipeline_rules(subject.pipeline_id)
    if access.can(user, rules.move_any_permission):
        return True
    if not access.can(user, rules.move_permission):
        return False
    assignee = task.assignee_id if task else None
    if assignee == user.id:
        return True
    return assignee is not None and assignee in access.subordinate_set(user)
