"""A client's events: planned for a person at a time in his own zone (kept in UTC), changed only by
the person who holds it, his leaders or the client's responsible employee, and given a status with
its result. An event done credits the event_done points rules once."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.clients import Event, EventStatus, EventType
from models.platform.user import User
from services import ledger
from services.ledger import rules
from services.platform import access, dates
from services.platform.errors import RefusedChange, parse_id
from services.platform.timezones import local_to_utc

TITLE_MAX, NOTE_MAX = 200, 5000
REMIND_CHOICES = (0, 5, 15, 30, 60, 120, 1440)


class EventError(RefusedChange):
    pass


def types():
    return db.session.scalars(
        select(EventType).where(EventType.is_active.is_(True)).order_by(EventType.position, EventType.id)
    ).all()


def statuses():
    return db.session.scalars(select(EventStatus).order_by(EventStatus.position, EventStatus.id)).all()


def first_open_status():
    return db.session.scalar(
        select(EventStatus).where(EventStatus.is_open.is_(True)).order_by(EventStatus.position, EventStatus.id)
    )


def may_change(user, event):
    """The person who holds it, a leader above him (his scope shows the assignee), or the client's
    responsible employee; the scope's all-seeing too."""
    if not access.can(user, "clients.edit"):
        return False
    if access.scope_kind(user) == "all":
        return True
    visible = access.visible_set(user)
    return event.assignee_id in visible or event.client.responsible_id == user.id


def _values(values, errors, zone):
    """The form's values as stored: the start, typed in `zone`, in UTC."""
    kind = db.session.get(EventType, parse_id(values.get("type_id")) or 0)
    if kind is None or not kind.is_active:
        errors["type_id"] = _l("Choose a type from the list.")
    starts_at = None
    try:
        local = dates.parse_datetime(values.get("starts_at"), "%Y-%m-%dT%H:%M")
        starts_at = local_to_utc(local, zone)
    except dates.DateError as error:
        errors["starts_at"] = error.message
    duration = parse_id(values.get("duration_minutes"))
    if duration is None or not 5 <= duration <= 1440:
        errors["duration_minutes"] = _l("From 5 minutes to a day.")
    remind_text = str(values.get("remind_minutes") or "0").strip()
    remind = int(remind_text) if remind_text.isascii() and remind_text.isdigit() and len(remind_text) < 6 else None
    if remind not in REMIND_CHOICES:
        errors["remind_minutes"] = _l("Choose one of the options.")
    title = " ".join(str(values.get("title") or "").split())
    if len(title) > TITLE_MAX:
        errors["title"] = _l("At most %(count)s characters.", count=TITLE_MAX)
    return {"type_id": kind.id if kind else None, "starts_at": starts_at, "duration_minutes": duration,
            "remind_minutes": remind, "title": title}  # fmt: skip


def _assignee(by, client, assignee_id, errors):
    """The person to hold it: `by`, the client's responsible employee, or one of `by`'s people."""
    person_id = parse_id(assignee_id) if assignee_id not in (None, "") else by.id
    person = db.session.get(User, person_id) if person_id else None
    allowed = (
        person is not None
        and person.is_active
        and (
            access.scope_kind(by) == "all" or person.id in access.visible_set(by) or person.id == client.responsible_id
        )
    )
    if not allowed:
        errors["assignee_id"] = _l("Choose one of your people.")
        return None
    return person.id


def plan(client, by, zone, **values):
    """A new event of the client, planned (the first open status)."""
    if not access.can(by, "clients.edit", client):
        raise EventError(_l("You may not plan this client's events."), status=403)
    errors = {}
    fields = _values(values, errors, zone)
    assignee_id = _assignee(by, client, values.get("assignee_id"), errors)
    if errors:
        raise EventError(_l("Check the event's fields."), errors=errors)
    event = Event(client_id=client.id, assignee_id=assignee_id, status_id=first_open_status().id, result_note="",
                  **fields)  # fmt: skip
    db.session.add(event)
    db.session.flush()
    return event


def change(event, by, version, zone, **values):
    if not may_change(by, event):
        raise EventError(_l("Only the person who holds it, his leaders and the client's employee change an event."),
                         status=403)  # fmt: skip
    if parse_id(version) != event.version:
        raise EventError(_l("Someone else changed this event meanwhile: reload the page."), status=409)
    errors = {}
    fields = _values(values, errors, zone)
    assignee_id = _assignee(by, event.client, values.get("assignee_id"), errors)
    if errors:
        raise EventError(_l("Check the event's fields."), errors=errors)
    if fields["starts_at"] != event.starts_at or fields["remind_minutes"] != event.remind_minutes:
        event.reminded_at = None  # a new time gets its reminder again
    for name, value in fields.items():
        setattr(event, name, value)
    event.assignee_id = assignee_id
    db.session.flush()
    return event


def set_status(event, by, version, status_id, result_note=""):
    """The event's outcome: its status and what came of it. Done credits the event_done rules once."""
    if not may_change(by, event):
        raise EventError(_l("Only the person who holds it, his leaders and the client's employee change an event."),
                         status=403)  # fmt: skip
    if parse_id(version) != event.version:
        raise EventError(_l("Someone else changed this event meanwhile: reload the page."), status=409)
    status = db.session.get(EventStatus, parse_id(status_id) or 0)
    if status is None:
        raise EventError(_l("Check the event's fields."), errors={"status_id": _l("Choose one of the options.")})
    note = str(result_note or "").strip()
    if len(note) > NOTE_MAX:
        raise EventError(
            _l("Check the event's fields."), errors={"result_note": _l("At most %(count)s characters.", count=NOTE_MAX)}
        )
    event.status_id, event.result_note = status.id, note
    db.session.flush()
    source = ledger.Source("event", event.id)
    for rule in rules.in_force("event_done"):
        if status.counts_as_done:
            ledger.credit(rule.code, source, client_id=event.client_id, client_amount=rule.client_amount,
                          employee_id=event.assignee_id, employee_amount=rule.employee_amount, kind=rule.kind, by=by,
                          again=ledger.times_taken_back(rule.code, source))  # fmt: skip
        else:
            ledger.reverse_source(source, by=by, rule_code=rule.code)
    return event


def agenda(user, person_id, start, end):
    """The person's events from `start` to `end` (UTC), by time."""
    query = (
        select(Event)
        .where(Event.assignee_id == person_id, Event.starts_at >= start, Event.starts_at < end)
        .order_by(Event.starts_at, Event.id)
    )
    return db.session.scalars(access.scope(user, query, Event)).all()


def day_bounds(day, zone):
    """(00:00 of `day`, 00:00 of the next) in `zone`, in UTC."""
    return tuple(local_to_utc(datetime.combine(day + timedelta(days=d), datetime.min.time()), zone) for d in (0, 1))


def week_bounds(day, zone):
    """(Monday 00:00, next Monday 00:00) of `day`'s week in `zone`, in UTC."""
    monday = day - timedelta(days=day.weekday())
    return tuple(local_to_utc(datetime.combine(monday + timedelta(days=d), datetime.min.time()), zone) for d in (0, 7))


def of_client(client, limit=100):
    """The client's latest events, the coming ones first."""
    query = select(Event).where(Event.client_id == client.id).order_by(Event.starts_at.desc(), Event.id.desc())
    return db.session.scalars(query.limit(limit)).all()
