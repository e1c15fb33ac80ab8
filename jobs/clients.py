"""The clients' periodic jobs: reminders of events before they begin."""

from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from services.clients import reminders

PERIODIC = (
    {
        "id": "event-reminders",
        "func": "jobs.clients.send_event_reminders",
        "label": _l("Remind of clients' events before they begin"),
        "interval_seconds": 60,
    },
)


def send_event_reminders(now=None):
    """Remind of every due event once, each in its own transaction; the number reminded."""
    now = now or utcnow()
    sent = 0
    for event_id in reminders.due(now):
        if reminders.remind(event_id, now):
            sent += 1
        db.session.commit()
    return sent


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
