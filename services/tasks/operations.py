"""Ordinary tasks (set by staff to themselves or to the people they may assign to) and the query
builders of the tasks section, shared by its pages and by exports.

Who may assign to whom: anyone to himself; `tasks.assign_any` (owner, administrator) to any active
person; a leader to his subordinates down the org tree. Who sees a task: its author and its
responsible person, their leaders (and office heads for their offices), its watchers, and
`tasks.view_all`. A task may be about one card or one client (a pipeline subject the author sees).
Status moves: the responsible person takes a task into work and finishes it; the author or the
responsible person may cancel an open one. The audit hook records every change.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from extensions import db
from models.base import utcnow
from models.platform.user import User
from models.tasks.task import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    STATUS_MOVES,
    TASK_STATUSES,
    Task,
    TaskComment,
    TaskWatcher,
)
from services.pipeline import subjects
from services.platform import access, dates, notifications, people_choices
from services.platform.errors import RefusedChange, parse_id
from services.platform.timezones import local_to_utc, user_zone  # noqa: F401 (the tasks views read both here)

CARD = "card"  # the pipeline subjects a task may be about (services.pipeline.subjects)
CLIENT = "client"
SUBJECTS = (CARD, CLIENT)
PICKERS_OF = {"card": CARD, "client": CLIENT}
CARD_PAGE = 10

TABS = ("incoming", "outgoing", "team", "watching", "all")
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


# --- filters from the query string ----------------------------------------------------------------


def parse_date(text):
    """(date or None, error or None) of a filter's day (services.platform.dates, the app's one date rule)."""
    try:
        return dates.parse_date(text), None
    except dates.DateError as error:
        return None, error.message


def parse_period(args, errors):
    """The period [from, to] in local days → a naive UTC range [start, end)."""
    start = end = None
    for name in ("from", "to"):
        value, error = parse_date(args.get(name))
        if error:
            errors[name] = error
        elif value is not None:
            moment = local_to_utc(datetime.combine(value, datetime.min.time()))
            if name == "from":
                start = moment
            else:
                end = local_to_utc(datetime.combine(value + timedelta(days=1), datetime.min.time()))
    return start, end


def parse_ids(args, names, errors):
    values = {}
    for name in names:
        text = (args.get(name) or "").strip()
        values[name] = parse_id(text)
        if text and values[name] is None:
            errors[name] = _l("Not a valid choice.")
    return values


@dataclass
class TaskFilters:
    start: datetime | None = None
    end: datetime | None = None
    author_id: int | None = None
    assignee_id: int | None = None
    status: str = ""
    overdue: bool = False
    before: int | None = None
    raw: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args):
        """Filters from the query string; anything malformed lands in `errors` (a 400 for the view)."""
        errors = {}
        start, end = parse_period(args, errors)
        ids = parse_ids(args, ("author", "responsible", "before"), errors)
        status = (args.get("status") or "").strip()
        if status and status not in TASK_STATUSES:
            errors["status"] = _l("Not a valid choice.")
            status = ""
        raw = {name: (args.get(name) or "").strip() for name in ("from", "to", "author", "responsible", "status")}
        raw["overdue"] = "1" if args.get("overdue") == "1" else ""
        return cls(
            start=start,
            end=end,
            author_id=ids["author"],
            assignee_id=ids["responsible"],
            status=status,
            overdue=args.get("overdue") == "1",
            before=ids["before"],
            raw=raw,
            errors=errors,
        )

    def as_args(self, **extra):
        return {k: v for k, v in {**self.raw, **extra}.items() if v}


def task_query(user, tab, args):
    """A Select of the live tasks of one tab, filtered by the query string `args` (a mapping or a
    TaskFilters), newest first. Raises TaskError: 403 for a tab the user may not open, 400 for a
    bad tab or a malformed filter. Paging (`before`) is applied; the LIMIT is the caller's."""
    if not access.can(user, "tasks.view"):
        raise TaskError(_l("You may not see tasks."), status=403)
    if tab not in TABS:
        raise TaskError(_l("Unknown tab."))
    if tab == "all" and not access.can(user, "tasks.view_all"):
        raise TaskError(_l("Only the owner sees all tasks."), status=403)
    if tab == "team" and not has_team(user):
        raise TaskError(_l("Only a leader sees his team's tasks."), status=403)
    filters = args if isinstance(args, TaskFilters) else TaskFilters.from_args(args)
    if filters.errors:
        raise TaskError(_l("The filter was not understood."), errors=filters.errors)
    query = select(Task).where(Task.deleted_at.is_(None))
    if tab == "incoming":
        query = query.where(Task.assignee_id == user.id)
    elif tab == "outgoing":
        query = query.where(Task.author_id == user.id)
    elif tab == "team":
        team = sorted(access.subordinate_set(user))
        query = query.where(or_(Task.assignee_id.in_(team), Task.author_id.in_(team)))
    elif tab == "watching":
        query = query.where(Task.id.in_(select(TaskWatcher.task_id).where(TaskWatcher.user_id == user.id)))
    if filters.start is not None:
        query = query.where(Task.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(Task.created_at < filters.end)
    if filters.author_id:
        query = query.where(Task.author_id == filters.author_id)
    if filters.assignee_id:
        query = query.where(Task.assignee_id == filters.assignee_id)
    if filters.status:
        query = query.where(Task.status == filters.status)
    if filters.overdue:
        query = query.where(Task.status.in_(OPEN_STATUSES), Task.deadline < utcnow())
    if filters.before:
        query = query.where(Task.id < filters.before)
    return query.order_by(Task.id.desc())


def task_page(user, tab, filters, page_size=PAGE_SIZE):
    """(tasks, next_before): one page, and the cursor of the next one if there is one (no COUNT)."""
    rows = db.session.scalars(task_query(user, tab, filters).limit(page_size + 1)).all()
    more = len(rows) > page_size
    rows = rows[:page_size]
    return rows, (rows[-1].id if more and rows else None)


def filter_people(user):
    """The people offered in the author/responsible filters: those whose records the user sees, from
    the lists and the visible people the process keeps (services.cards.choices, access.visible_set)."""
    people = people_choices.all_people()
    if access.scope_level(user) == "all" or access.can(user, "tasks.view_all"):
        return people
    visible = access.visible_set(user)
    return [(person_id, name) for person_id, name in people if person_id in visible]
