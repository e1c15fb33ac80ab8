"""Reminders of events: due ones reach their holder once, in his language and zone; an event not yet
due, one that is no longer to happen, or one long past gets none."""

from datetime import timedelta

from sqlalchemy import func, select

from extensions import db
from jobs.clients import send_event_reminders
from models.base import utcnow
from models.clients import Event, EventStatus, EventType
from models.platform.mail import OutboxMessage
from tests.factories.clients import make_client


def _event(client, person, starts_in, status="planned", remind=30):
    event = Event(
        client_id=client.id, assignee_id=person.id, starts_at=utcnow() + starts_in, duration_minutes=45, title="",
        type_id=db.session.scalar(select(EventType.id).where(EventType.code == "lesson")), result_note="",
        status_id=db.session.scalar(select(EventStatus.id).where(EventStatus.code == status)), remind_minutes=remind,
    )  # fmt: skip
    db.session.add(event)
    db.session.commit()
    return event


def test_a_due_reminder_is_sent_once_and_the_others_not_at_all(app, team):
    person = team["employee"]
    person.email, person.timezone = "eva@example.com", "Europe/Kyiv"
    client = make_client(person, full_name="Anna Koval", phone="+380671234567")
    due = _event(client, person, timedelta(minutes=20))
    _event(client, person, timedelta(hours=3))  # not yet
    _event(client, person, timedelta(minutes=10), status="cancelled")  # not to happen
    _event(client, person, timedelta(minutes=10), remind=0)  # no reminder wanted
    _event(client, person, -timedelta(hours=3))  # long past
    with app.test_request_context():
        assert send_event_reminders() == 1
        assert send_event_reminders() == 0
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipients == "eva@example.com" and "Anna Koval" in message.subject and "Lesson" in message.subject
    assert "+380671234567" in message.body
    db.session.expire_all()
    assert db.session.get(Event, due.id).reminded_at is not None
    assert db.session.scalar(select(func.count()).where(Event.reminded_at.is_not(None))) == 1


def test_the_reminder_also_rings_the_holders_bell_once(app, team):
    from flask_babel import force_locale

    from models.platform.notification import Notification
    from services.platform import notifications

    person = team["employee"]
    client = make_client(person, full_name="Anna Koval")
    _event(client, person, timedelta(minutes=20))
    with app.test_request_context():
        send_event_reminders()
        send_event_reminders()
    (item,) = db.session.scalars(select(Notification)).all()
    assert (item.user_id, item.link) == (person.id, f"/admin/clients/{client.id}/")
    with force_locale("en"):
        assert notifications.sentence(item).startswith("Lesson with Anna Koval at ")
