"""Ordinary tasks (set by staff to themselves or to the people they may assign to) and the query
builders of the tasks section, shared by its pages and by exports.

Who may assign to whom: anyone to himself; `tasks.assign_any` (owner, administrator) to any active
person; a leader to his subordinates down the org tree. Who sees a task: its author and its
responsible person, their leaders (and office heads for their offices), its watchers, and
`tasks.view_all`. A task may be about one card or one client (a pipeline subject the author sees).
Status moves: the responsible person takes a task into work and finishes it; the author or the
responsible person may cancel an open one. The audit hook records every change. The tabs' lists
and their filters are in services/tasks/lists.py.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from extensions import db
from models.base import utcnow
from models.platform.user import User
from models.tasks.task import (
    CLOSED_STATUSES,
    STATUS_MOVES,
    TASK_STATUSES,
    Task,
    TaskComment,
    TaskWatcher,
)
from services.pipeline import subjects
from services.platform import access, dates, notifications
from services.platform.errors import RefusedChange, parse_id
from services.platform.timezones import local_to_utc, user_zone  # noqa: F401 (the tasks views read both here)

CARD = "card"  # the pipeline subjects a task may be about (services.pipeline.subjects)
CLIENT = "client"
SUBJECTS = (CARD, CLIENT)
PICKERS_OF = {"card": CARD, "client": CLIENT}
CARD_PAGE = 10

PAGE_SIZE = 50
TITLE_MAX = 200
TEXT_MAX = 4000
STATUS_LABELS = {
    "new": _l("New"),
    "in_work": _l("In work"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
# The colour of a row by its state (Bootstrap table classes).
STATE_CLASSES = {
    "overdue": "table-danger",
    "in_work": "table-warning",
    "done": "table-success",
    "new": "",
    "cancelled": "text-muted",
}


class TaskError(RefusedChange):
    """A refused change to a task."""


# --- who may assign to whom, who sees what -------------------------------------------------------


def may_assign_any(user):
    return access.can(user, "tasks.assign_any")


def assignable_users(user):
    """The active people `user` may set a task to: himself, his subordinates, or anyone."""
    query = select(User).where(User.deleted_at.is_(None), User.is_blocked.is_(False))
    if not may_assign_any(user):
        query = query.where(or_(User.id == user.id, User.id.in_(access.subordinate_set(user))))
    return db.session.scalars(query.order_by(User.full_name, User.username)).all()


def may_assign(user, assignee):
    if assignee is None or not assignee.is_active:
        return False
    if assignee.id == user.id or may_assign_any(user):
        return True
    return assignee.id in access.subordinate_set(user)


def visible_clause(user):
    """WHERE clause of the tasks `user` may see (None: all of them)."""
    if access.can(user, "tasks.view_all"):
        return None
    visible = access.visible_user_ids(user).scalar_subquery()
    watched = select(TaskWatcher.task_id).where(TaskWatcher.user_id == user.id).scalar_subquery()
    return or_(Task.author_id.in_(visible), Task.assignee_id.in_(visible), Task.id.in_(watched))


def get_visible(user, task_id):
    """The live task if `user` may see it; None otherwise (a 404 for the view, never a leak)."""
    task_id = parse_id(task_id)
    if task_id is None or not access.can(user, "tasks.view"):
        return None
    query = select(Task).where(Task.id == task_id, Task.deleted_at.is_(None))
    clause = visible_clause(user)
    return db.session.scalar(query if clause is None else query.where(clause))


def allowed_statuses(user, task):
    """The statuses `user` may move `task` to now."""
    result = []
    for (source, target), who in STATUS_MOVES.items():
        if source != task.status:
            continue
        if user.id == task.assignee_id or (who == "party" and user.id == task.author_id):
            result.append(target)
    return result


def watcher_ids(task_id):
    return set(db.session.scalars(select(TaskWatcher.user_id).where(TaskWatcher.task_id == task_id)))


def _tell_people(task, by, kind, **params):
    """Notify the task's parties and watchers (not `by`) of a comment or a status change."""
    people = watcher_ids(task.id) | {task.author_id, task.assignee_id}
    notifications.notify(people, kind, link=f"/admin/tasks/{task.id}/", exclude=by.id,
                         author=by.display_name, title=task.title, **params)  # fmt: skip


def has_team(user):
    """Whether the user leads anyone (the team tab: his subordinates' tasks, down the tree)."""
    return bool(access.subordinate_set(user))


def may_edit(user, task):
    return task.is_open and (user.id == task.author_id or may_assign_any(user))


# --- changes --------------------------------------------------------------------------------------


def _clean(values, by):
    """Validated fields of a task from `values` (title, description, assignee_id, deadline, card_id,
    client_id); raises TaskError with per-field messages."""
    errors, clean = {}, {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _l("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _l("At most %(count)s characters.", count=TITLE_MAX)
    clean["title"] = title
    description = (values.get("description") or "").strip()
    if len(description) > TEXT_MAX:
        errors["description"] = _l("At most %(count)s characters.", count=TEXT_MAX)
    clean["description"] = description
    assignee_id = parse_id(values.get("assignee_id"))
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if not may_assign(by, assignee):
        errors["assignee_id"] = _l("You may not set tasks to this person.")
    clean["assignee_id"] = assignee_id
    deadline = values.get("deadline")
    if not isinstance(deadline, datetime):
        errors["deadline"] = _l("Enter the deadline.")
    else:
        try:
            dates.check_date(deadline)
        except dates.DateError as error:
            errors["deadline"] = error.message
    clean["deadline"] = deadline
    for subject_type, name, refusal in (
        (CARD, "card", _l("No such card among yours.")),
        (CLIENT, "client", _l("No such client among yours.")),
    ):
        raw = values.get(f"{name}_id")
        subject_id = parse_id(raw) if raw is not None else None
        if raw is not None and (subject_id is None or subjects.visible_id(by, subject_type, subject_id) is None):
            errors[name] = refusal
        clean[f"{name}_id"] = subject_id
    if errors:
        raise TaskError(_l("Check the task's fields."), errors=errors)
    return clean


def subject_choices(user, subject_type, term, page=1):
    """[(id, label)] for the task form's card or client picker: the user's live cards (any digits of
    the number, a part of the contact's name or phone) or clients that `term` finds, ten a page."""
    return subjects.choices(user, subject_type, term, limit=CARD_PAGE, offset=(max(page, 1) - 1) * CARD_PAGE)


def subject_choice(user, subject_type, subject_id):
    """(id, label) of the user's live card or client with this id, or None."""
    return subjects.choice_of(user, subject_type, subject_id) if subject_id is not None else None


def subject_label(task, name):
    """What people know the task's card or client by (its number, his name), whoever's it is now."""
    subject_id = getattr(task, f"{name}_id")
    return subjects.label_of(PICKERS_OF[name], subject_id) if subject_id else ""


def card_choices(user, term, page=1):
    return subject_choices(user, CARD, term, page)


def card_choice(user, card_id):
    return subject_choice(user, CARD, card_id)


def card_number_of(user, card_id):
    """The number of the live card with this id in the user's scope, or ""."""
    return subjects.key_of(user, CARD, card_id)


def create(by, **values):
    """A new task from `by`; values as for `_clean`."""
    if not access.can(by, "tasks.view"):
        raise TaskError(_l("You may not set tasks."), status=403)
    task = Task(author_id=by.id, status="new", **_clean(values, by))
    db.session.add(task)
    db.session.flush()
    tell_assignee(task, by)
    return task


def tell_assignee(task, by):
    notifications.notify([task.assignee_id], "tasks.assigned", link=f"/admin/tasks/{task.id}/", exclude=by.id,
                         author=by.display_name, title=task.title)  # fmt: skip


def _check_version(task, expected_version):
    if expected_version is None or expected_version != task.version:
        raise TaskError(_l("This task was changed by someone else — reload the page."), status=409)


def update(task, by, expected_version, **values):
    """The author (or whoever may assign to anyone) edits an open task."""
    if not may_edit(by, task):
        raise TaskError(_l("You may not edit this task."), status=403)
    _check_version(task, expected_version)
    clean = _clean(values, by)
    handed = clean.get("assignee_id") != task.assignee_id
    for name, value in clean.items():
        setattr(task, name, value)
    db.session.flush()
    if handed:
        tell_assignee(task, by)
    return task


def set_status(task, to_status, by, expected_version):
    if to_status not in TASK_STATUSES:
        raise TaskError(_l("Unknown status."))
    if to_status not in allowed_statuses(by, task):
        raise TaskError(_l("You may not move this task to that status."), status=403)
    _check_version(task, expected_version)
    task.status = to_status
    task.closed_at = utcnow() if to_status in CLOSED_STATUSES else None
    db.session.flush()
    _tell_people(task, by, "tasks.status", status=to_status)
    return task


def comment(task, by, body):
    body = (body or "").strip()
    if not body:
        raise TaskError(_l("Write the comment."), errors={"body": _l("Write the comment.")})
    if len(body) > TEXT_MAX:
        raise TaskError(
            _l("The comment is too long."), errors={"body": _l("At most %(count)s characters.", count=TEXT_MAX)}
        )
    item = TaskComment(task_id=task.id, author_id=by.id, body=body)
    db.session.add(item)
    db.session.flush()
    _tell_people(task, by, "tasks.commented")
    return item
