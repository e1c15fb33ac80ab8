"""The tasks section's lists: each tab's query with the filters of the query string (shared by the
pages and the exports), one keyset page of it, and the people its filters offer."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from extensions import db
from models.base import utcnow
from models.tasks.task import OPEN_STATUSES, TASK_STATUSES, Task, TaskWatcher
from services.platform import access, dates, people_choices
from services.platform.errors import parse_id
from services.platform.timezones import local_to_utc
from services.tasks.operations import PAGE_SIZE, TaskError, has_team

TABS = ("incoming", "outgoing", "team", "watching", "all")


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
