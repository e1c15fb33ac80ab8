"""Reminders of the clients' events: before an event that is still to happen, its holder gets a word
of it once — claimed by a conditional UPDATE, so two schedulers or a re-run never remind twice —
by e-mail (the outbox in embedded mode), in his language and time zone."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from extensions import db
from models.clients import Event, EventStatus
from services.platform import database, mail, notifications
from services.platform.timezones import format_local

BATCH = 200
# An event whose start passed long ago is not reminded of any more (the scheduler was down).
TOO_LATE = timedelta(hours=1)


def due(now):
    """The ids of the events whose reminder is due now."""
    remind_from = Event.starts_at - Event.remind_minutes * timedelta(minutes=1)
    if not database.on_postgresql():
        remind_from = func.datetime(Event.starts_at, func.printf("-%d minutes", Event.remind_minutes))
    query = (
        select(Event.id)
        .join(EventStatus, EventStatus.id == Event.status_id)
        .where(
            EventStatus.is_open.is_(True),
            Event.remind_minutes > 0,
            Event.reminded_at.is_(None),
            Event.starts_at > now - TOO_LATE,
            remind_from <= now,
        )  # fmt: skip
        .order_by(Event.starts_at)
        .limit(BATCH)
    )
    return db.session.scalars(query).all()


def _claim(event_id, now):
    result = db.session.execute(
        update(Event).where(Event.id == event_id, Event.reminded_at.is_(None)).values(reminded_at=now)
    )
    return result.rowcount == 1


def _message(event):
    person = event.assignee
    with force_locale(person.language or "uk"):
        when = format_local(event.starts_at, ZoneInfo(person.timezone or "Europe/Kyiv"))
        message = EmailMessage()
        message["Subject"] = _("%(type)s with %(client)s at %(when)s", type=event.type.label,
                               client=event.client.full_name, when=when)  # fmt: skip
        message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
        message["To"] = person.email
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = f"<event-reminder-{event.id}@kartoteka>"
        text = _("%(type)s with %(client)s (%(phone)s) begins at %(when)s and lasts %(minutes)s min.",
                 type=event.type.label, client=event.client.full_name, phone=event.client.phone or "—", when=when,
                 minutes=event.duration_minutes)  # fmt: skip
        message.set_content(f"{text}\n{event.title}".strip())
    return message


def remind(event_id, now):
    """Claim the event's reminder and send it (flushed, for the caller to commit): False if another
    run claimed it first."""
    if not _claim(event_id, now):
        return False
    event = db.session.get(Event, event_id)
    if event.assignee.email:
        mail.send(_message(event))
    person = event.assignee
    with force_locale(person.language or "uk"):  # the values read as he reads them
        when = format_local(event.starts_at, ZoneInfo(person.timezone or "Europe/Kyiv"))
        notifications.notify([person.id], "events.reminder", link=f"/admin/clients/{event.client_id}/",
                             type=event.type.label, client=event.client.full_name, when=when)  # fmt: skip
    return True
