"""Tasks set again every day, week or month.

A repetition is made from a new task (its form's "repeat" choice) and keeps what the task says; the
first task is the one just made. A job (jobs.tasks) makes each next task once its day has begun in
the author's zone, due at the first task's local time: weekly on the same weekday, monthly on the
same day of the month (the month's last day where it is shorter). One task per repetition and day
— a unique key — so two schedulers, or the job run twice, make it once. Days the job missed are
skipped, not made late: a daily report from last week is nobody's task today. A repetition stops
when its author stops it, at its last day, or when its people can no longer be kept (the
responsible person left, or the author may no longer set him tasks)."""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.platform.user import User
from models.tasks.task import REPEATS, Task, TaskRecurrence
from services.platform import dates
from services.platform.timezones import DEFAULT_ZONE, now_utc
from services.tasks import operations

REPEAT_LABELS = {
    "daily": _l("Every day"),
    "weekly": _l("Every week"),
    "monthly": _l("Every month"),
}
BATCH = 500


class RepeatError(operations.TaskError):
    pass


def _zone(name):
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def next_day(repeat, first_on, after):
    """The first day of the repetition after `after`."""
    if repeat == "daily":
        return after + timedelta(days=1)
    if repeat == "weekly":
        return after + timedelta(days=7 - (after - first_on).days % 7)
    year, month = (after.year, after.month + 1) if after.month < 12 else (after.year + 1, 1)
    if after.day < min(first_on.day, calendar.monthrange(after.year, after.month)[1]):
        year, month = after.year, after.month  # this month's day is still to come
    return date(year, month, min(first_on.day, calendar.monthrange(year, month)[1]))


def start(task, repeat, until, by):
    """Make `task` (just created by `by`) the first of a repetition."""
    if repeat not in REPEATS:
        raise RepeatError(_l("Not a valid choice."), errors={"repeat": _l("Not a valid choice.")})
    zone = _zone(by.timezone)
    due = task.deadline.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    first_on = due.date()
    if until is not None:
        try:
            dates.check_date(until)
        except dates.DateError as error:
            raise RepeatError(error.message, errors={"repeat_until": error.message}) from None
        if until <= first_on:
            message = _l("The last day comes after the first task's deadline.")
            raise RepeatError(message, errors={"repeat_until": message})
    recurrence = TaskRecurrence(
        repeat=repeat, author_id=task.author_id, assignee_id=task.assignee_id, title=task.title,
        description=task.description, card_id=task.card_id, client_id=task.client_id, first_on=first_on,
        due_time=due.strftime("%H:%M"), timezone=zone.key, next_on=next_day(repeat, first_on, first_on),
        until=until, active=True,
    )  # fmt: skip
    db.session.add(recurrence)
    db.session.flush()
    task.recurrence_id, task.occurs_on = recurrence.id, first_on
    db.session.flush()
    return recurrence


def may_stop(user, recurrence):
    return recurrence.active and (user.id == recurrence.author_id or operations.may_assign_any(user))


def stop(recurrence, by):
    if not may_stop(by, recurrence):
        raise RepeatError(_l("Only the author stops the repetition."), status=403)
    recurrence.active = False
    db.session.flush()


def _still_kept(recurrence):
    author = db.session.get(User, recurrence.author_id)
    assignee = db.session.get(User, recurrence.assignee_id)
    return author is not None and author.is_active and operations.may_assign(author, assignee)


def _make(recurrence, day):
    """The task of `day`, unless it exists (made by another scheduler): True if made here."""
    local_due = datetime.combine(day, time.fromisoformat(recurrence.due_time), tzinfo=_zone(recurrence.timezone))
    task = Task(
        title=recurrence.title, description=recurrence.description, author_id=recurrence.author_id,
        assignee_id=recurrence.assignee_id, deadline=local_due.astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
        status="new", card_id=recurrence.card_id, client_id=recurrence.client_id, recurrence_id=recurrence.id,
        occurs_on=day,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(task)
            db.session.flush()
    except IntegrityError:
        return False
    operations.tell_assignee(task, db.session.get(User, recurrence.author_id))
    return True


def make_due(now=None):
    """Make the tasks whose day has begun in their author's zone; the number made."""
    now = now or now_utc()
    made, after_id = 0, 0
    while True:
        batch = db.session.scalars(
            select(TaskRecurrence)
            .where(TaskRecurrence.active.is_(True), TaskRecurrence.next_on <= now.date() + timedelta(days=1),
                   TaskRecurrence.id > after_id)
            .order_by(TaskRecurrence.id).limit(BATCH)
        ).all()  # fmt: skip
        if not batch:
            return made
        for recurrence in batch:
            made += _advance(recurrence, now)
        after_id = batch[-1].id


def _advance(recurrence, now):
    today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(_zone(recurrence.timezone)).date()
    if recurrence.next_on > today:
        return 0
    while recurrence.next_on < today:
        recurrence.next_on = next_day(recurrence.repeat, recurrence.first_on, recurrence.next_on)
    made = 0
    if recurrence.until is not None and recurrence.next_on > recurrence.until or not _still_kept(recurrence):
        recurrence.active = False
    elif recurrence.next_on == today:
        made = int(_make(recurrence, today))
        recurrence.next_on = next_day(recurrence.repeat, recurrence.first_on, today)
    db.session.flush()
    return made


def of_task(task):
    return db.session.get(TaskRecurrence, task.recurrence_id) if task.recurrence_id else None
